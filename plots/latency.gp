# latency: the central chart. Round trip of every method against the
# parent's resident memory, log-log: the median, with bars from p10 to p90.
#
# Reads DATA/latency.csv, by column name:
#   series    the curve (a method, and THP/ballast/variant when not plain)
#   x_mib     the parent's VmRSS in MiB (summary.csv's rss_kib / 1024)
#   median_us, p10_us, p90_us   summary.csv's figures of the cell
# and DATA/charts.gp: lat_n, lat_label, lat_color, lat_dt; rss_x, rss_mib.
data = ARG1
out = ARG2
load "common.gp"

set title "Process creation: round trip against the parent's memory\n" . run_title . emulated_line
set xlabel "parent resident memory, VmRSS (MiB, log scale)"
set ylabel "round trip (µs, log scale): median, bars p10–p90"
@ballast_axis
set logscale xy
set format y "%g"
set format x "%g"

plot for [i=1:lat_n] file("latency.csv") \
	using (column("series") == i ? column("x_mib") : NaN):"median_us":"p10_us":"p90_us" \
	with yerrorlines lt lat_color[i] dt lat_dt[i] title lat_label[i]
