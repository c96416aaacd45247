# counters: what the kernel did per operation (perf counters, children
# included), one panel per event the machine could count, each against the
# parent's resident memory. Events with no figure are left out by spawncost
# report (a VM has no hardware PMU, for one), and so are events 0 in every
# cell, which a note under the panels names (cpu-migrations of a pinned run).
#
# Reads DATA/counters.csv, by column name (from summary.csv's
# <event>_per_op columns):
#   event    the panel: ev_label[event], ev_log[event] (1: every value > 0,
#            drawn on a log scale)
#   series   the curve: cnt_label[series]
#   x_mib    the parent's VmRSS in MiB
#   per_op   the count per operation (task_clock in µs)
# and DATA/charts.gp: ev_n, ev_label, ev_log, ev_zero (when an event was 0
#   throughout); cnt_n, cnt_label, cnt_color, cnt_dt.
data = ARG1
out = ARG2
load "common.gp"

# Panels in a grid, placed by hand, and the key in a panel of its own: in the
# grid's first free place when it holds it (two columns of 8), else in a
# strip on the right as tall as the grid (a key drawn by the first panel gets
# no more rows than that panel is high, and 21 methods need more).
cols = ev_n < 2 ? 1 : ev_n < 5 ? 2 : 3
rows = int((ev_n + cols - 1) / cols)
key_in_grid = rows * cols > ev_n && cnt_n <= 16
height = rows < 2 ? 720 : 340 * rows + 190
if (!key_in_grid) { height = key_tall(cnt_n) }
@set_term
at(px) = 1 - px / real(height)
grid_top = at(150)
grid_bottom = exists("ev_zero") ? at(height - 40) : at(height - 10)
grid_right = key_in_grid ? 0.98 : 0.79
pw = (grid_right - 0.02) / cols
ph = (grid_top - grid_bottom) / rows
# panel k's place in the grid
place = 'r = (k - 1) / cols; c = (k - 1) % cols; set lmargin at screen 0.02 + c * pw + 0.07; set rmargin at screen 0.02 + (c + 1) * pw - 0.02; set tmargin at screen grid_top - r * ph - 40.0 / height; set bmargin at screen grid_top - (r + 1) * ph + 80.0 / height'
# the x axis spans the sizes measured, not the next power of ten
stats file("counters.csv") using "x_mib" nooutput
xlo = STATS_min / 1.3
xhi = STATS_max * 1.3
xtics_span = cols > 1 ? 100 : 1000

set multiplot title heading("Counters per operation") font ",17"
set xlabel "VmRSS (MiB, log)"
set logscale x
set xrange [xlo:xhi]
@log_xtics
set format y "%g"
unset key
if (exists("ev_zero")) {
	set label 10 "0 in every cell, not drawn: " . ev_zero at screen 0.02, screen 0.02 left \
		tc rgb "#555555"
}

do for [e=1:ev_n] {
	k = e
	@place
	set title ev_label[e] font ",14"
	if (ev_log[e]) { set logscale y } else { unset logscale y; set yrange [0:*] }
	plot for [i=1:cnt_n] file("counters.csv") \
		using (column("event") == e && column("series") == i ? column("x_mib") : NaN):"per_op" \
		with linespoints lt cnt_color[i] dt dash(cnt_color[i], cnt_dt[i]) notitle
	set yrange [*:*]
	unset label 10
}

# the key
if (key_in_grid) {
	k = ev_n + 1
	@place
	set lmargin at screen 0.02 + c * pw + 0.02
} else {
	set lmargin at screen 0.80
	set rmargin at screen 0.99
	set tmargin at screen grid_top - 40.0 / height
	set bmargin at screen grid_bottom
}
unset title
unset border
unset tics
unset xlabel
unset grid
unset logscale
set xrange [0:1]
set yrange [0:1]
set key inside left top opaque box maxrows (key_in_grid ? int((cnt_n + 1) / 2) : cnt_n)
plot for [i=1:cnt_n] NaN with linespoints lt cnt_color[i] dt dash(cnt_color[i], cnt_dt[i]) \
	title cnt_label[i]
unset multiplot
