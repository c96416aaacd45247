# plots/common.gp: what every chart shares: terminal, fonts, colours, grid.
#
# Each chart script is called by scripts/plots as
#     GNUPLOT_LIB=plots gnuplot -c plots/<chart>.gp DATA OUT
# DATA is a folder `spawncost report --plot-data DATA RUN` filled: numeric
# tables (series numbered from 1) and charts.gp, which names the series
# (lat_label[i], lat_color[i], lat_dt[i], ...). OUT is the file to draw; its
# extension, .svg or .png, picks the terminal.
#
# Colours are linetypes 1..24: one per method in the methods table's order,
# the same in every chart of a run (Okabe-Ito, then Paul Tol's muted set:
# told apart with colour-blindness, and by point shape in grey).
# Dash type 1: THP off and plain ballast; 2: THP on; 3: another ballast or
# variant.

# Each chart script sets data = ARG1 and out = ARG2 before loading this
# file: `load` clears ARG1..ARG9.
file(name) = data . "/" . name

set encoding utf8
# A chart that needs another size sets width or height and says @set_term.
width = 1200
height = 720
set_term = 'if (strlen(out) > 4 && out[strlen(out)-3:] eq ".svg") { set terminal svg size width,height dynamic font "DejaVu Sans,15" background "white" noenhanced } else { set terminal pngcairo size width,height font "DejaVu Sans,13" background "white" noenhanced linewidth 1.3 }; set output out'
@set_term
set datafile separator comma
load file("charts.gp")
# An emulated run's charts say so under every title, on a line of its own
# (charts.gp's emulated_note: scripts/kernels --emulated, docs/kernels.md).
emulated_line = exists("emulated_note") && emulated_note ne "" ? "\n" . emulated_note : ""

array palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                 "#000000", "#882255", "#44AA99", "#999933", "#AA4499", "#6B6B6B"]
array points = [7, 5, 9, 11, 13, 15, 6, 4, 8, 10, 12, 14]
do for [i=1:24] {
	set linetype i lc rgb palette[(i-1)%12+1] lw 2 pt points[(i-1)%12+1] ps 1.1
}

set border lw 1 lc rgb "#444444"
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1 dt 1, lc rgb "#eeeeee" lw 1 dt 1
set key outside right top vertical Left reverse samplen 3 spacing 1.15 box lc rgb "#bbbbbb" opaque
set title font ",17"
set tics nomirror out scale 0.6

# The top axis of a chart against VmRSS: the ballast asked for, placed at the
# resident size the parent really had (0 MiB of ballast is about 2 MiB).
ballast_axis = "set logscale x; set logscale x2; xlo = rss_x[1] / 1.5; xhi = rss_x[|rss_x|] * 1.5; set xrange [xlo:xhi]; set x2range [xlo:xhi]; set x2tics () out scale 0.6; set for [i=1:|rss_x|] x2tics add (sprintf(\"%g\", rss_mib[i]) rss_x[i]); set x2label \"ballast (MiB)\""
