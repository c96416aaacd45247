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

height = key_tall(rt_n)
@set_term

stats file("runtimes.csv") using "x_mib" nooutput
xlo = STATS_min / 1.3
xhi = STATS_max * 1.3
set multiplot layout 1, 1 title heading("How language runtimes spawn, against their own heap") font ",17"
set xlabel "resident memory of the spawning process, VmRSS (MiB, log scale)"
set ylabel "round trip, median (µs, log scale)"
set logscale xy
set xrange [xlo:xhi]
@log_xtics
set format x "%g"
set format y "%g"

plot for [i=1:rt_n] file("runtimes.csv") \
	using (column("series") == i ? column("x_mib") : NaN):"median_us" \
	with linespoints lt rt_color[i] dt dash(rt_color[i], rt_dt[i]) title rt_label[i]
unset multiplot
