# runtimes: how language runtimes spawn. The round trip of each runtime's
# idiomatic API (subprocess, exec.Command, Command, spawnSync, ProcessBuilder,
# system) against the resident memory of the process that spawned, its
# driver's own VmRSS, log-log; the C fork-exec and posix-spawn dashed, as the
# two shapes a runtime's line can take: growing with its heap (it forks) or
# flat (it vforks or uses posix_spawn).
#
# Reads DATA/runtimes.csv, by column name:
#   series     the curve: rt_label[series] (the API and the runtime's version)
#   x_mib      the spawning process's VmRSS in MiB
#   median_us  the cell's median round trip
# and DATA/charts.gp: rt_n, rt_label, rt_color, rt_dt.
data = ARG1
out = ARG2
load "common.gp"

set title "How language runtimes spawn, against their own heap\n" . run_title . emulated_line
set xlabel "resident memory of the spawning process, VmRSS (MiB, log scale)"
set ylabel "round trip, median (µs, log scale)"
set logscale xy
set format x "%g"
set format y "%g"
set key below font ",10" samplen 2 maxrows 6
set bmargin 11

plot for [i=1:rt_n] file("runtimes.csv") \
	using (column("series") == i ? column("x_mib") : NaN):"median_us" \
	with linespoints lt rt_color[i] dt rt_dt[i] title rt_label[i]
