# claims: the claim chart. fork's cost over vfork's (and over posix_spawn's)
# against the parent's ballast, as the verdicts give it, with the claimed
# 4-5x band shaded and where each curve crosses its edges marked on it: a
# filled point with a bar across the two measured sizes that bracket it
# closely (run --refine), an open circle where it is only interpolated
# between neighbouring sizes. The key gives the crossings, in MiB of
# ballast. The lower panel zooms on the sizes around the crossings, where
# the band is wide enough to see on which side each interval lies.
#
# The x axis is the ballast asked for, on a log scale of ballast + what the
# smallest parent has resident beyond it (rss_base, about 2 MiB), so that 0
# MiB has a place; the top axis gives the parent's VmRSS at the sweep's sizes.
#
# Reads DATA/claims.csv, by column name:
#   series     the ratio curve: clm_label[series] says which pair (and THP)
#   rss_mib    the ballast in MiB
#   ratio, ratio_lo, ratio_hi   median of the per-round ratios, its 95% interval
# DATA/claims-line.csv: series, rss_mib, ratio: the straight line between
#   neighbouring sizes along which the crossings are found, in small steps;
# DATA/crossings.csv: series, rss_mib, level (4 or 5), from_mib, to_mib
#   (the bracketing sizes), measured (1 or 0): one row per crossing, named
#   crs_label[row];
# and DATA/charts.gp: clm_n, clm_label, clm_color, clm_dt; crs_n, crs_label;
#   clm_zoom_lo, clm_zoom_hi (the ballast around the crossings, when there
#   are any); rss_base, rss_x, rss_mib.
data = ARG1
out = ARG2
load "common.gp"

# Laid out in pixels from the top: the heading, the sweep's panel, the zoom
# (when there are crossings), and the key under them, which serves both.
zoom = exists("clm_zoom_lo")
key_rows = clm_n + 2
title_lines = emulated_line ne "" ? 3 : 2
rest = run_title
while (strstrt(rest, "\n") > 0) { title_lines = title_lines + 1; rest = rest[strstrt(rest, "\n") + 1:] }
main_top = 28 * title_lines + 80
main_bottom = main_top + 430
zoom_top = main_bottom + 125
zoom_bottom = zoom ? zoom_top + 330 : main_bottom
key_top = zoom_bottom + 75
height = key_top + 26 * key_rows + 20
@set_term
at(px) = 1 - px / real(height)

# The ballast axis: b drawn at log10(b + rss_base).
bx(b) = log10(b + rss_base)
xb(t) = 10**t - rss_base
set nonlinear x via bx(x) inverse xb(x)
set nonlinear x2 via bx(x) inverse xb(x)
array cand = [0, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
# ballast tics from lo to hi, each at least a 13th of the axis from the last
ballast_tics = 'set xtics (); last = -1e9; do for [i=1:|cand|] { if (cand[i] >= lo && cand[i] <= hi && bx(cand[i]) - last >= (bx(hi) - bx(lo)) / 13) { set xtics add (sprintf("%g", cand[i]) cand[i]); last = bx(cand[i]) } }; set xrange [lo:hi]; set x2range [lo:hi]'
# lo and hi: from b1 to b2 with margins of pad and padr of the axis (a
# decade around a run of one size)
set_range = 'span = bx(b2) - bx(b1); span = span > 0 ? span : 1; lo = xb(bx(b1) - pad * span); hi = xb(bx(b2) + padr * span)'

set x2tics () out scale 0.6
set for [i=1:|rss_x|] x2tics add (sprintf(rss_x[i] < 10 ? "%.1f" : "%.0f", rss_x[i]) rss_mib[i])
set x2label "the parent's VmRSS there (MiB)"
set xlabel sprintf("ballast (MiB; log scale of ballast + %.1f MiB, the parent's own VmRSS)", rss_base)
set format y "%g×"
set key at screen 0.06, screen at(key_top) left top vertical Left reverse noopaque nobox

set multiplot title heading("Is vfork 4–5× faster than fork? fork over vfork, round by round, against the ballast") font ",17"
set lmargin at screen 0.08
set rmargin at screen 0.97
set tmargin at screen at(main_top)
set bmargin at screen at(main_bottom)

# The whole sweep
b1 = rss_mib[1]
b2 = rss_mib[|rss_mib|]
pad = padr = 0.04
@set_range
@ballast_tics
set logscale y
set yrange [0.7:*]
set ylabel "ratio (log scale), bars: 95% interval"
set object 1 rect from graph 0, first 4 to graph 1, first 5 behind \
	fc rgb "#E69F00" fs transparent solid 0.30 noborder
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#777777" dt 2 lw 1 back
set arrow 2 from graph 0, first 1.1 to graph 1, first 1.1 nohead lc rgb "#777777" dt 3 lw 1 back

crossings = '\
     file("crossings.csv") using (column("measured") > 0 ? NaN : column("rss_mib")):"level": \
	(clm_color[int(column("series"))]) with points pt 6 ps 2.2 lw 2 lc variable notitle, \
     file("crossings.csv") using (column("measured") > 0 ? column("rss_mib") : NaN):"level": \
	"from_mib":"to_mib":(clm_color[int(column("series"))]) \
	with xerrorbars pt 7 ps 1.4 lw 2 lc variable notitle'

plot for [i=1:clm_n] file("claims-line.csv") \
	using (column("series") == i ? column("rss_mib") : NaN):"ratio" \
	with lines lt clm_color[i] dt dash(clm_color[i], clm_dt[i]) title clm_label[i], \
     for [i=1:clm_n] file("claims.csv") \
	using (column("series") == i ? column("rss_mib") : NaN):"ratio":"ratio_lo":"ratio_hi" \
	with yerrorbars lt clm_color[i] notitle, \
     @crossings, \
     NaN with boxes fs transparent solid 0.30 noborder fc rgb "#E69F00" title "claimed: 4–5×", \
     NaN with lines lc rgb "#777777" dt 3 lw 1 title "1.1×: \"as efficient\" (claim 2)"

if (zoom) {
	unset arrow
	unset x2tics
	unset x2label
	unset key
	set tmargin at screen at(zoom_top)
	set bmargin at screen at(zoom_bottom)
	b1 = clm_zoom_lo
	b2 = clm_zoom_hi
	# room on the right for the last crossing's label
	pad = 0.06
	padr = 0.2
	@set_range
	@ballast_tics
	unset logscale y
	set yrange [3:6.5]
	set ytics 0.5
	set ylabel "ratio, bars: 95% interval"
	# each crossing's label to the right of it, below the edge: where a
	# ratio that grows with the parent is not; every other curve's a row
	# lower, for crossings close together
	set title sprintf("The claimed 4–5× band, enlarged, from %g to %g MiB of ballast: " . \
		"each ratio the median of its rounds", clm_zoom_lo, clm_zoom_hi) font ",14"
	plot for [i=1:clm_n] file("claims-line.csv") \
		using (column("series") == i ? column("rss_mib") : NaN):"ratio" \
		with lines lt clm_color[i] dt dash(clm_color[i], clm_dt[i]) notitle, \
	     for [i=1:clm_n] file("claims.csv") \
		using (column("series") == i ? column("rss_mib") : NaN):"ratio":"ratio_lo":"ratio_hi" \
		with yerrorbars lt clm_color[i] notitle, \
	     @crossings, \
	     file("crossings.csv") using "rss_mib":(column("level") - 0.2 - 0.28 * (int(column("series")) % 2 == 0)): \
		(crs_label[int(column(0)) + 1]) with labels left offset 1, 0 tc rgb "#222222" notitle
}
unset multiplot
