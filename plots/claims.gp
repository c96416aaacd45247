# claims: the claim chart. fork's cost over vfork's (and over posix_spawn's)
# against the parent's resident memory, with the claimed 4-5x band shaded
# and where each curve crosses its edges marked: a filled point with a bar
# across the two measured sizes that bracket it closely (run --refine), an
# open circle where it is only interpolated between neighbouring sizes. The
# key gives the ballast there.
#
# Reads DATA/claims.csv, by column name:
#   series     the ratio curve: clm_label[series] says which pair (and THP)
#   x_mib      the parent's VmRSS in MiB
#   ratio, ratio_lo, ratio_hi   median of the per-round ratios, its 95% interval
#                               (a_lo / b_hi, a_hi / b_lo)
# DATA/crossings.csv: series, x_mib, level (4 or 5), from_x_mib, to_x_mib
#   (the bracketing sizes' VmRSS), measured (1 or 0): one row per crossing
#   (the key lists them, with the ballast there);
# and DATA/charts.gp: clm_n, clm_label, clm_color, clm_dt; rss_x, rss_mib.
data = ARG1
out = ARG2
load "common.gp"

set title "Is vfork 4–5× faster than fork? fork over vfork, round by round, against the parent's memory\n" . run_title . emulated_line
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel "ratio, median of rounds (log scale), bars: 95% interval"
@ballast_axis
set logscale y
set format x "%g"
set format y "%g×"
set yrange [0.7:*]
set key inside left top vertical Left reverse width 1 opaque

set object 1 rect from graph 0, first 4 to graph 1, first 5 behind \
	fc rgb "#E69F00" fs transparent solid 0.30 noborder
set label 1 "claimed: 4–5×" at graph 0.99, first 4.45 right front tc rgb "#8a5a00"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#777777" dt 2 lw 1 back
set arrow 2 from graph 0, first 1.1 to graph 1, first 1.1 nohead lc rgb "#777777" dt 3 lw 1 back
set label 2 "1.1×: \"as efficient\" (claim 2)" at graph 0.99, first 1.28 right front tc rgb "#555555"

plot for [i=1:clm_n] file("claims.csv") \
	using (column("series") == i ? column("x_mib") : NaN):"ratio":"ratio_lo":"ratio_hi" \
	with yerrorlines lt clm_color[i] dt clm_dt[i] title clm_label[i], \
     file("crossings.csv") using (column("measured") > 0 ? NaN : column("x_mib")):"level": \
	(clm_color[int(column("series"))]) with points pt 6 ps 2.2 lw 2 lc variable notitle, \
     file("crossings.csv") using (column("measured") > 0 ? column("x_mib") : NaN):"level": \
	"from_x_mib":"to_x_mib":(clm_color[int(column("series"))]) \
	with xerrorbars pt 7 ps 1.4 lw 2 lc variable notitle
