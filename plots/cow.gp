# cow: what copy-on-write really costs. Left: nanoseconds per page written
# after fork (cow-child, cow-parent) against a first touch and a rewrite,
# against the parent's resident memory, 4 KiB pages solid and THP dashed.
# Right: fork-exit's round trip against the ballast with fit.csv's line,
# fixed + slope x RSS (the slope is fork's cost per GiB). Each panel is
# drawn only when the run has its data.
#
# Reads DATA/cow.csv, by column name (from summary.csv's per_page_ns):
#   series        the curve: cow_label[series]
#   x_mib         the parent's VmRSS in MiB
#   per_page_ns   the cell's cost per page written
# DATA/forkfit.csv (from fit.csv and summary.csv):
#   series        the line: fit_label[series] (with fixed_us and us_per_gib)
#   rss_mib       the ballast
#   median_us     fork-exit's measured median
#   fit_us        fit.csv's fixed_us + us_per_gib x rss_mib / 1024
# and DATA/charts.gp: cow_n, cow_label, cow_color, cow_dt; fit_n, fit_label,
#   fit_color, fit_dt; rss_x, rss_mib.
data = ARG1
out = ARG2
load "common.gp"

panels = (exists("cow_n") ? 1 : 0) + (exists("fit_n") ? 1 : 0)
set multiplot layout 1, panels title "Copy-on-write: the cost per page, and fork's cost per GiB\n" . run_title . emulated_line font ",17" \
	margins 0.08, 0.97, 0.11, 0.80 spacing 0.10
set key inside left top opaque box font ",11" samplen 2

if (exists("cow_n")) {
	set title ""
	set xlabel "parent resident memory, VmRSS (MiB, log scale)"
	set ylabel "ns per page written after fork (log scale)"
	@ballast_axis
	set logscale y
	set format x "%g"
	set format y "%g"
	plot for [i=1:cow_n] file("cow.csv") \
		using (column("series") == i ? column("x_mib") : NaN):"per_page_ns" \
		with linespoints lt cow_color[i] dt cow_dt[i] title cow_label[i]
	unset logscale
	unset x2tics
	unset x2label
	set xrange [*:*]
	set x2range [*:*]
}
if (exists("fit_n")) {
	set title ""
	set xlabel "ballast (MiB)"
	set ylabel "fork-exit round trip (ms): points measured, lines fit.csv"
	set format x "%g"
	set format y "%g"
	set xrange [0:*]
	set yrange [0:*]
	set offsets 0, 0, graph 0.3, 0
	plot for [i=1:fit_n] file("forkfit.csv") \
		using (column("series") == i ? column("rss_mib") : NaN):(column("median_us") / 1000) \
		with points lt fit_color[i] pt 7 ps 1.4 notitle, \
	     for [i=1:fit_n] file("forkfit.csv") \
		using (column("series") == i ? column("rss_mib") : NaN):(column("fit_us") / 1000) \
		with lines lt fit_color[i] dt fit_dt[i] title fit_label[i]
}
unset multiplot
