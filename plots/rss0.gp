# rss0: every method at the smallest parent of the run (0 MiB of ballast in
# the profiles), cheapest at the top: a bar to the median, whiskers from p10
# to p90, the median written beside.
#
# Reads DATA/rss0.csv, by column name:
#   series                        the bar: bar_label[series], cheapest first
#   median_us, p10_us, p90_us     summary.csv's figures of the cell
# and DATA/charts.gp: bar_n, bar_label, bar_color; bar_rss (the ballast).
data = ARG1
out = ARG2
load "common.gp"

set title sprintf("Every method at the smallest parent (%g MiB of ballast)\n", bar_rss) . run_title . emulated_line
set xlabel "round trip (µs): bar to the median, whiskers p10–p90"
set ylabel ""
set yrange [bar_n + 0.6:0.4]
set ytics () scale 0
set for [i=1:bar_n] ytics add (bar_label[i] i)
set grid noytics nomytics
set xrange [0:*]
set offsets 0, graph 0.12, 0, 0
unset key
set style fill solid 0.85 noborder

plot file("rss0.csv") using (column("median_us") / 2):"series":(column("median_us") / 2):(0.32): \
	(bar_color[int(column("series"))]) with boxxyerror lc variable, \
     file("rss0.csv") using "median_us":"series":"p10_us":"p90_us" \
	with xerrorbars pt -1 lc rgb "#333333" lw 1.5, \
     file("rss0.csv") using "p90_us":"series":(sprintf("  %.1f µs", column("median_us"))) \
	with labels left tc rgb "#222222"
