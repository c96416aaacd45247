# compare-claim: one claim's ratio in several runs (scripts/kernels: one
# kernel a line), against the parent's resident memory, with the claimed
# 4-5x band; colour and point shape are the run. Drawn once per ratio pair:
#   gnuplot -c compare-claim.gp DATA OUT PAIR     PAIR: cmq_label's index
#
# Reads DATA/compare-claims.csv, by column name:
#   run       which run: cmr_label[run] (its --label, else "host, Linux kernel")
#   pair      which ratio: only the rows of PAIR
#   x_mib     the parent's VmRSS in MiB
#   ratio, ratio_lo, ratio_hi   median of the per-round ratios, its 95% interval
# and DATA/charts.gp: cmq_label; cmr_n, cmr_label.
data = ARG1
out = ARG2
pair = int(ARG3)
load "common.gp"

set title sprintf("%s: %d runs compared, against the claimed 4–5×", cmq_label[pair], cmr_n) . emulated_line
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel sprintf("%s, median of rounds (log scale), bars: 95%% interval", cmq_label[pair])
set logscale xy
stats file("compare-claims.csv") using "x_mib" nooutput
set xrange [STATS_min / 1.5:STATS_max * 1.5]
set format x "%g"
set format y "%g×"
set yrange [0.7:*]
set object 1 rect from graph 0, first 4 to graph 1, first 5 behind \
	fc rgb "#E69F00" fs transparent solid 0.30 noborder
set label 1 "claimed: 4–5×" at graph 0.99, first 4.45 right front tc rgb "#8a5a00"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#777777" dt 2 lw 1 back

plot for [r=1:cmr_n] file("compare-claims.csv") \
	using (column("run") == r && column("pair") == pair ? column("x_mib") : NaN):"ratio":"ratio_lo":"ratio_hi" \
	with yerrorlines lt r title cmr_label[r]
