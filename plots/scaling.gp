# scaling: spawn throughput against the number of spawners started together
# (run --parallel), per method and parent size: round trips per second
# summed over the spawners, with each series' ideal (N times its rate at the
# smallest N) dotted. On a machine with few CPUs only the first points can
# be had; on a large one the curve shows where the kernel's shared locks
# (the mm of a threaded parent, the pid and task lists) stop the growth.
#
# Reads DATA/scaling.csv, by column name:
#   series            the curve: scl_label[series]
#   parallel          N, the spawners at once
#   throughput_per_s  summary.csv's round trips per second, all spawners
#   ideal_per_s       N x the series' rate at its smallest N / that N
# and DATA/charts.gp: scl_n, scl_label, scl_color, scl_dt.
data = ARG1
out = ARG2
load "common.gp"

set title "Spawn throughput against spawners at once\n" . run_title . emulated_line
set xlabel "spawners at once (--parallel N)"
set ylabel "round trips per second, all spawners (log scale)"
set logscale y
set format y "%g"
set xtics 1
set xrange [0.5:*]
set key below font ",11" samplen 2 maxrows 4

plot for [i=1:scl_n] file("scaling.csv") \
	using (column("series") == i ? column("parallel") : NaN):"throughput_per_s" \
	with linespoints lt scl_color[i] dt scl_dt[i] pt 7 title scl_label[i], \
     for [i=1:scl_n] file("scaling.csv") \
	using (column("series") == i ? column("parallel") : NaN):"ideal_per_s" \
	with lines lt scl_color[i] dt 3 lw 1 notitle
