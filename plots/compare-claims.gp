# compare-claims: the claim chart of several runs or hosts overlaid: fork's
# median over vfork's (and over posix_spawn's) against the parent's resident
# memory, with the claimed 4-5x band; colour and point are the pair, dashes
# the run.
#
# Reads DATA/compare-claims.csv, by column name:
#   run       which run: cmr_label[run] (its --label, else "host, Linux
#             kernel"), dash type = run
#   pair      which ratio: cmq_label[pair], colour cmq_color[pair]
#   x_mib     the parent's VmRSS in MiB
#   ratio, ratio_lo, ratio_hi   median of the per-round ratios, its 95% interval
# and DATA/charts.gp: cmq_n, cmq_label, cmq_color; cmr_n, cmr_label.
data = ARG1
out = ARG2
load "common.gp"

stats file("compare-claims.csv") using "x_mib" nooutput
xlo = STATS_min / 1.5
xhi = STATS_max * 1.5
set multiplot layout 1, 1 title sprintf("Is vfork 4–5× faster than fork? %d runs compared", cmr_n) . emulated_line font ",17"
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel "ratio, median of rounds (log scale), bars: 95% interval"
set logscale xy
set xrange [xlo:xhi]
@log_xtics
set format x "%g"
set format y "%g×"
set yrange [0.7:*]
set key inside left top opaque box
set object 1 rect from graph 0, first 4 to graph 1, first 5 behind \
	fc rgb "#E69F00" fs transparent solid 0.30 noborder
set label 1 "claimed: 4–5×" at graph 0.99, first 4.45 right front tc rgb "#8a5a00"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#777777" dt 2 lw 1 back

plot for [r=1:cmr_n] for [q=1:cmq_n] file("compare-claims.csv") \
	using (column("run") == r && column("pair") == q ? column("x_mib") : NaN):"ratio":"ratio_lo":"ratio_hi" \
	with yerrorlines lt cmq_color[q] dt dash(1, r) notitle, \
     for [q=1:cmq_n] NaN with linespoints lt cmq_color[q] title cmq_label[q], \
     for [r=1:cmr_n] NaN with lines lc rgb "#333333" dt dash(1, r) title cmr_label[r]
unset multiplot
