# phases: where the time of one spawn goes, per method, at the smallest and
# at the largest parent with phase figures: the child's path stacked (call
# -> child runs, exec, target exit -> reaped, and what the round trip has
# beyond those), with the moment the parent runs again marked.
#
# Reads DATA/phases-1.csv (smallest parent) and DATA/phases-2.csv (largest),
# by column name:
#   series                                 the bar: ph_label[series]
#   child_start_us, exec_us, exit_reap_us  summary.csv's phase medians
#                                          (0 where a method has no exec)
#   rest_us          median_us less the three phases (not below 0)
#   parent_resume_us call -> the parent runs again
# and DATA/charts.gp: ph_label; ph_rss1, ph_rss2.
data = ARG1
out = ARG2
load "common.gp"

set multiplot layout 1, 2 title "Where a spawn's time goes: medians of each phase\n" . run_title . emulated_line font ",17"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border lc rgb "#ffffff"
set boxwidth 0.7
set xtics rotate by 30 right scale 0
set ylabel "µs"
set yrange [0:*]
set offsets 0, 0, graph 0.45, 0
set grid noxtics
set key inside left top opaque box

do for [panel=1:2] {
	set title sprintf("%g MiB of ballast", panel == 1 ? ph_rss1 : ph_rss2) font ",14"
	f = file(sprintf("phases-%d.csv", panel))
	plot f using "child_start_us":xtic(ph_label[int(column("series"))]) lc rgb "#0072B2" title "call → child runs", \
	     f using "exec_us" lc rgb "#D55E00" title "exec", \
	     f using "exit_reap_us" lc rgb "#009E73" title "exit → reaped", \
	     f using "rest_us" lc rgb "#BBBBBB" title "rest of the round trip", \
	     f using 0:"parent_resume_us" with points pt 9 ps 1.8 lc rgb "#000000" title "parent runs again"
	if (panel == 1) { unset key }
}
unset multiplot
