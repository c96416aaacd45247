# compare-latency: several runs or hosts overlaid. Every method's median
# round trip against the parent's resident memory, log-log; colour and
# point are the method (as in each run's own charts), dashes the run.
#
# Reads DATA/compare-latency.csv, by column name:
#   run      which run: cmr_label[run] (its --label, else "host, Linux
#            kernel"), dash type = run
#   series   which method: its colour, cmp_color[m] for cmp_label[m]
#   x_mib    the parent's VmRSS in MiB
#   median_us, p10_us, p90_us   the cell's figures (plain ballast, first THP
#                               setting of each run)
# and DATA/charts.gp: cmp_n, cmp_label, cmp_color; cmr_n, cmr_label.
data = ARG1
out = ARG2
load "common.gp"

height = key_tall(cmp_n + cmr_n)
@set_term

stats file("compare-latency.csv") using "x_mib" nooutput
xlo = STATS_min / 1.5
xhi = STATS_max * 1.5
set multiplot layout 1, 1 title sprintf("Process creation: %d runs compared, round trip against the parent's memory", cmr_n) . emulated_line font ",17"
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel "median round trip (µs, log scale), bars p10–p90"
set logscale xy
set xrange [xlo:xhi]
@log_xtics
set format x "%g"
set format y "%g"

# the run's dashes: the plain variants of dash(), 1 solid, 2 dashes, ...
plot for [r=1:cmr_n] for [m=1:cmp_n] file("compare-latency.csv") \
	using (column("run") == r && column("series") == cmp_color[m] ? column("x_mib") : NaN):"median_us":"p10_us":"p90_us" \
	with yerrorlines lt cmp_color[m] dt dash(1, r) notitle, \
     for [m=1:cmp_n] NaN with linespoints lt cmp_color[m] title cmp_label[m], \
     for [r=1:cmr_n] NaN with lines lc rgb "#333333" dt dash(1, r) title cmr_label[r]
unset multiplot
