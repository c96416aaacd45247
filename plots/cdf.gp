# cdf: how the samples of each method spread at one parent size (the
# smallest by default; scripts/plots --cdf-rss MIB picks another): the
# fraction of round trips at or below a time. Read the median at 0.5 and
# the tail at the top; the x axis is log, so equal widths are equal ratios.
#
# Reads DATA/cdf.csv, by column name (spawncost report takes at most 400
# evenly spaced order statistics per method from samples.csv):
#   series   the curve: cdf_label[series]
#   us       a sample, µs (samples.csv's ns / 1000)
#   frac     the fraction of the cell's samples at or below it
# and DATA/charts.gp: cdf_n, cdf_label, cdf_color, cdf_dt; cdf_rss.
data = ARG1
out = ARG2
load "common.gp"

set title sprintf("Distribution of the round trips at %g MiB of ballast\n", cdf_rss) . run_title . emulated_line
set xlabel "round trip (µs, log scale)"
set ylabel "fraction of samples at or below"
set logscale x
set format x "%g"
set yrange [0:1.02]
set ytics 0.1
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead lc rgb "#999999" dt 2 lw 1 back
set label 1 "median" at graph 0.01, first 0.52 left tc rgb "#777777"
set arrow 2 from graph 0, first 0.9 to graph 1, first 0.9 nohead lc rgb "#999999" dt 3 lw 1 back
set label 2 "p90" at graph 0.01, first 0.92 left tc rgb "#777777"
set key inside right bottom opaque

plot for [i=1:cdf_n] file("cdf.csv") \
	using (column("series") == i ? column("us") : NaN):"frac" \
	with lines lt cdf_color[i] dt cdf_dt[i] lw 2.5 title cdf_label[i]
