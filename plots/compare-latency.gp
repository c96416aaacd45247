# compare-latency: several runs or hosts overlaid. Every method's median
# round trip against the parent's resident memory, log-log; colour is the
# method (as in each run's own charts), dash and point shape the run.
#
# Reads DATA/compare-latency.csv, by column name:
#   run      which run: cmr_label[run] (its --label, else "host, Linux
#            kernel"), dash type = run
#   series   which method: cmp_label[series], colour cmp_color[series]
#   x_mib    the parent's VmRSS in MiB
#   median_us, p10_us, p90_us   the cell's figures (plain ballast, first THP
#                               setting of each run)
# and DATA/charts.gp: cmp_n, cmp_label, cmp_color; cmr_n, cmr_label.
data = ARG1
out = ARG2
load "common.gp"

set title sprintf("Process creation: %d runs compared, round trip against the parent's memory", cmr_n) . emulated_line
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel "median round trip (µs, log scale), bars p10–p90"
set logscale xy
stats file("compare-latency.csv") using "x_mib" nooutput
set xrange [STATS_min / 1.5:STATS_max * 1.5]
set format x "%g"
set format y "%g"
array run_pt = [7, 6, 5, 4, 9, 8, 11, 10]

plot for [r=1:cmr_n] for [m=1:cmp_n] file("compare-latency.csv") \
	using (column("run") == r && column("series") == m ? column("x_mib") : NaN):"median_us":"p10_us":"p90_us" \
	with yerrorlines lt cmp_color[m] dt r pt run_pt[(r-1)%8+1] notitle, \
     for [m=1:cmp_n] NaN with lines lt cmp_color[m] lw 4 title cmp_label[m], \
     for [r=1:cmr_n] NaN with linespoints lc rgb "#333333" dt r pt run_pt[(r-1)%8+1] title cmr_label[r]
