# counters: what the kernel did per operation (perf counters, children
# included), one panel per event the machine could count, each against the
# parent's resident memory. Events with no figure are left out by spawncost
# report (a VM has no hardware PMU, for one).
#
# Reads DATA/counters.csv, by column name (from summary.csv's
# <event>_per_op columns):
#   event    the panel: ev_label[event], ev_log[event] (1: every value > 0,
#            drawn on a log scale)
#   series   the curve: cnt_label[series]
#   x_mib    the parent's VmRSS in MiB
#   per_op   the count per operation
# and DATA/charts.gp: ev_n, ev_label, ev_log; cnt_n, cnt_label, cnt_color,
#   cnt_dt; rss_x, rss_mib.
data = ARG1
out = ARG2
load "common.gp"

cols = ev_n < 2 ? 1 : ev_n < 5 ? 2 : 3
rows = int((ev_n + cols - 1) / cols)
height = rows < 2 ? 720 : 360 * rows + 120
@set_term
set multiplot layout rows, cols title "Counters per operation\n" . run_title . emulated_line font ",17" \
	margins 0.08, 0.80, 0.10, 0.80 spacing 0.09, 0.16
set xlabel "VmRSS (MiB, log)"
set logscale x
set format x "%g"
set format y "%g"

do for [e=1:ev_n] {
	set title ev_label[e] font ",14"
	if (ev_log[e]) { set logscale y } else { unset logscale y; set yrange [0:*] }
	if (e == 1) {
		set key at screen 0.82, screen 0.80 left top opaque box
	} else {
		unset key
	}
	plot for [i=1:cnt_n] file("counters.csv") \
		using (column("event") == e && column("series") == i ? column("x_mib") : NaN):"per_op" \
		with linespoints lt cnt_color[i] dt cnt_dt[i] title cnt_label[i]
	set yrange [*:*]
}
unset multiplot
