# history: a chart per series of `spawncost history --html`, run by run. Each
# point is one run's figure (a cell's median of its windows' medians, a claim
# ratio's median of its per-round ratios), the bar its 95% interval; the x
# axis the runs in the page's order (its table of runs names each). A change
# point is a dashed line where its new level starts, labelled with its step,
# and each stretch between change points has its median drawn across it. A
# ratio has its claimed 4-5x band shaded (and, for fork-exec's pairs, the
# 1.1x "as efficient" line dotted), where the figures come near them, and
# each point coloured by where its interval lies against the band: within
# (green), across an edge (grey), below (blue), above (purple).
#
# Called as GNUPLOT_LIB=plots gnuplot -c plots/history.gp DATA CHARTS: draws
# CHARTS/s<k>.svg for every series k; series with a change point large, the
# others small, for a grid.
#
# Reads DATA/points.csv, by column name:
#   series          the series: hs_label[series]
#   run             the run's place in the order, 1 to runs_n
#   value, lo, hi   its figure and 95% interval (lo, hi empty: none)
#   side            a ratio's interval against its claim band: 0 below,
#                   1 within, 2 above, 3 across an edge (empty for a cell)
# DATA/levels.csv: series, from_run, to_run, level: the median of the runs
#   between two change points;
# and DATA/charts.gp: runs_n; hs_n, hs_label, hs_ratio (1: a ratio),
#   hs_full (1: it has a change point), hs_log (1: log scale), hs_min,
#   hs_max (the lowest and highest ends of its intervals), hs_band_lo,
#   hs_band_hi (the claim band, NaN: none), hs_line (the 1.1x line, NaN:
#   none); cp_n and cp_series, cp_run (the first run of the new level),
#   cp_step (%).
data = ARG1
charts = ARG2
out = charts . "/s1.svg"
svg_size = "fixed"
load "common.gp"

unset key
# the band's and the line's names readable over the points
set style textbox opaque noborder margins 1, 1
# tics 1, 2 and 5 x 10^k across a log y axis from ylo to yhi (and 3, 4, 6, 8
# where it spans less than a decade)
log_ytics = 'set ytics (); do for [e=-3:6] { do for [m in "1 2 3 4 5 6 8"] { v = real(m) * 10.0**e; if (v >= ylo && v <= yhi && (yhi / ylo < 10 || strstrt("125", m))) { set ytics add (sprintf(yfmt, v) v) } } }'
set xrange [0.5:runs_n + 0.5]
unset mxtics
unset mytics
set grid noxtics nomxtics ytics mytics
side_color(s) = s == 1 ? 0x009E73 : s == 0 ? 0x0072B2 : s == 2 ? 0xAA4499 : 0x999999
step_color = "#D55E00"
# a bar of the interval where there is one, else none
lo_of(v) = column("lo") == column("lo") ? column("lo") : v
hi_of(v) = column("hi") == column("hi") ? column("hi") : v
this(k, col) = column("series") == k ? column(col) : NaN
# a ratio's points coloured by their side of the band, a cell's all alike
colour(k) = hs_ratio[k] && hs_band_lo[k] == hs_band_lo[k] ? side_color(column("side")) : 0x0072B2
# series k's plot, with the medians between its change points when it has
# some (a macro: a loop's body is read once, so these are set before it)
points_plot = 'file("points.csv") using (this(k, "run")):"value" with lines lc rgb "#9ab8d8" lw 1.2, \
	file("points.csv") using (this(k, "run")):"value":(lo_of(column("value"))):(hi_of(column("value"))):(colour(k)) \
	with yerrorbars pt 7 ps (hs_full[k] ? 0.9 : 0.7) lw 1.5 lc rgb variable'
levels_plot = 'file("levels.csv") using (this(k, "from_run") - 0.45):"level":(column("to_run") - column("from_run") + 0.9):(0) \
	with vectors nohead lc rgb step_color lw 3'

do for [k=1:hs_n] {
	width = hs_full[k] ? 760 : 560
	height = hs_full[k] ? 330 : 210
	out = sprintf("%s/s%d.svg", charts, k)
	@set_term
	unset arrow
	unset label
	unset object
	# the small ones without the axis' name: the page's heading says it
	set xlabel hs_full[k] ? "run" : ""
	# room above for the change points' labels
	set tmargin hs_full[k] ? 2 : 1
	# tics every run where they fit, about 45 px apart
	set xtics 1 + int(runs_n / (width / 45.0))
	if (hs_log[k]) { set logscale y } else { unset logscale y; set ytics autofreq }
	set ylabel hs_ratio[k] ? "ratio" : "µs"
	yfmt = hs_ratio[k] ? "%g×" : "%g"
	set format y yfmt

	# the y range from the intervals, so that the band and the line,
	# drawn only where they fall inside it, never stretch it
	ylo = hs_min[k]
	yhi = hs_max[k]
	if (hs_log[k]) { pad = (yhi / ylo) ** 0.06; ylo = ylo / pad; yhi = yhi * pad } \
	else { pad = (yhi - ylo) * 0.08 + yhi * 0.005; ylo = ylo - pad; yhi = yhi + pad }
	set yrange [ylo:yhi]
	if (hs_log[k]) { @log_ytics }
	if (hs_band_lo[k] < yhi && hs_band_hi[k] > ylo) {
		set object 1 rect from graph 0, first (hs_band_lo[k] > ylo ? hs_band_lo[k] : ylo) \
			to graph 1, first (hs_band_hi[k] < yhi ? hs_band_hi[k] : yhi) behind \
			fc rgb "#E69F00" fs transparent solid 0.25 noborder
		set label 1 sprintf("claimed %g–%g×", hs_band_lo[k], hs_band_hi[k]) \
			at graph 0.995, first (hs_band_lo[k] > ylo ? hs_band_lo[k] : ylo) \
			right offset 0, 0.6 tc rgb "#8a5a00" font ",12" boxed front
	}
	if (hs_line[k] > ylo && hs_line[k] < yhi) {
		set arrow 1 from graph 0, first hs_line[k] to graph 1, first hs_line[k] nohead \
			lc rgb "#777777" dt 3 lw 1.5 back
		set label 2 sprintf("%g×: as efficient", hs_line[k]) at graph 0.995, first hs_line[k] \
			right offset 0, 0.6 tc rgb "#555555" font ",12" boxed front
	}
	do for [i=1:cp_n] {
		if (cp_series[i] == k) {
			set arrow 10 + i from first cp_run[i] - 0.5, graph 0 to first cp_run[i] - 0.5, graph 1 \
				nohead lc rgb step_color dt 2 lw 2 front
			set label 10 + i sprintf("%+.0f%% at run %d", cp_step[i], cp_run[i]) \
				at first cp_run[i] - 0.5, graph 1 left offset 0.4, 0.7 \
				tc rgb step_color font ",14" front
		}
	}
	if (hs_full[k]) { plot @levels_plot, @points_plot } else { plot @points_plot }
}
