# plots/common.gp: what every chart shares: terminal, fonts, colours, grid.
#
# Each chart script is called by scripts/plots as
#     GNUPLOT_LIB=plots gnuplot -c plots/<chart>.gp DATA OUT
# DATA is a folder `spawncost report --plot-data DATA RUN` filled: numeric
# tables (series numbered from 1) and charts.gp, which names the series
# (lat_label[i], lat_color[i], lat_dt[i], ...). OUT is the file to draw; its
# extension, .svg or .png, picks the terminal.
#
# Styles: every series of a chart has one of its own. charts.gp gives each
# series a colour c (linetype c: one per method, in the methods table's
# order, the same in every chart of a run; for other series, their number)
# and a variant v (1 the method's plain series; 2 THP on; 3 another ballast
# or variant; further ones numbered on, so that no two series of a chart
# share c and v). A series is drawn `lt c dt dash(c, v)`:
# - colour: 12 told apart with colour-blindness (Okabe-Ito, then Paul Tol's
#   muted set), repeating every 12 methods;
# - point: its own shape per colour, the fill turned over for methods 13-24
#   (open where 1-12 are filled), crosses from the 25th;
# - dashes: solid, dashes, dots ... by variant; from the 13th method on a
#   dash-dot family, so that method 13 differs from method 1 by dashes and
#   point, and a lines-only chart (cdf) still tells them apart.
# Distinct for up to 8 variants of each of 72 methods.

# Each chart script sets data = ARG1 and out = ARG2 before loading this
# file: `load` clears ARG1..ARG9.
file(name) = data . "/" . name

set encoding utf8
# A chart that needs another size sets width or height and says @set_term;
# one with a key of n entries beside it, height = key_tall(n), tall enough
# for one column of them.
width = 1200
height = 720
# An SVG scales to its window (dynamic), or has its size (svg_size = "fixed",
# set before loading this file: a page's <img> then keeps its shape).
if (!exists("svg_size")) svg_size = "dynamic"
set_term = 'if (strlen(out) > 4 && out[strlen(out)-3:] eq ".svg") { set terminal svg size width,height ' . svg_size . ' font "DejaVu Sans,15" background "white" noenhanced } else { set terminal pngcairo size width,height font "DejaVu Sans,13" background "white" noenhanced linewidth 1.3 }; set output out'
@set_term
key_tall(n) = n * 23 + 330 > height ? n * 23 + 330 : height
set datafile separator comma
load file("charts.gp")
# An emulated run's charts say so under every title, on a line of its own
# (charts.gp's emulated_note: scripts/kernels --emulated, docs/kernels.md).
emulated_line = exists("emulated_note") && emulated_note ne "" ? "\n" . emulated_note : ""

array palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                 "#000000", "#882255", "#44AA99", "#999933", "#AA4499", "#6B6B6B"]
array points = [7, 5, 9, 11, 13, 15, 6, 4, 8, 10, 12, 14]
tier(c) = int((c - 1) / 12)
lt_point(c) = tier(c) == 0 ? points[(c - 1) % 12 + 1] : \
	tier(c) == 1 ? points[(c + 5) % 12 + 1] : 1 + (c + tier(c)) % 3
do for [i=1:72] {
	set linetype i lc rgb palette[(i-1)%12+1] lw 2 pt lt_point(i) ps 1.1
}
# 8 dash patterns for each of three tiers of 12 methods: dash types 11-34.
set dashtype 11 solid
set dashtype 12 (8,4)
set dashtype 13 (2,3)
set dashtype 14 (8,3,2,3)
set dashtype 15 (16,4)
set dashtype 16 (4,4)
set dashtype 17 (16,3,2,3,2,3)
set dashtype 18 (1,5)
set dashtype 19 (10,3,2,3)
set dashtype 20 (18,4,2,4,2,4)
set dashtype 21 (4,2,1,2)
set dashtype 22 (24,4)
set dashtype 23 (6,2,6,6)
set dashtype 24 (2,2)
set dashtype 25 (12,2,2,2,2,2,2,2)
set dashtype 26 (3,6)
set dashtype 27 (20,4,6,4)
set dashtype 28 (12,6)
set dashtype 29 (1,3)
set dashtype 30 (20,3,1,3,1,3,1,3)
set dashtype 31 (6,3,1,3)
set dashtype 32 (30,6)
set dashtype 33 (2,6,8,6)
set dashtype 34 (4,8)
dash(c, v) = 11 + 8 * (tier(c) % 3) + (v - 1) % 8

set border lw 1 lc rgb "#444444"
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1 dt 1, lc rgb "#eeeeee" lw 1 dt 1
set key outside right top vertical Left reverse samplen 3 spacing 1.15 box lc rgb "#bbbbbb" opaque
set title font ",17"
set tics nomirror out scale 0.6

# A chart's heading: what it shows, over the run's subtitle (charts.gp
# wraps run_title to fit the width). Each chart draws it as a multiplot
# title, centred on the canvas: a plot's own title is centred over its plot
# area, which a wide key pushes to the left and off the canvas.
heading(s) = s . "\n" . run_title . emulated_line

# Tics 1, 2 and 5 x 10^k across a log x axis from xlo to xhi (only 10^k when
# it spans more than xtics_span, three decades; a narrow panel sets fewer):
# a sweep of 0 to 16 MiB of ballast spans less than one, where gnuplot's own
# tics would label a single number.
xtics_span = 1000
log_xtics = 'set xtics (); do for [k=-3:6] { do for [m in "1 2 5"] { v = real(m) * 10.0**k; if (v >= xlo && v <= xhi && (xhi / xlo < xtics_span || m eq "1")) { set xtics add (sprintf("%g", v) v) } } }'

# The top axis of a chart against VmRSS: the ballast asked for, placed at the
# resident size the parent really had (0 MiB of ballast is about 2 MiB).
ballast_axis = "set tmargin 5; set logscale x; set logscale x2; xlo = rss_x[1] / 1.5; xhi = rss_x[|rss_x|] * 1.5; set xrange [xlo:xhi]; set x2range [xlo:xhi]; eval log_xtics; set x2tics () out scale 0.6; set for [i=1:|rss_x|] x2tics add (sprintf(\"%g\", rss_mib[i]) rss_x[i]); set x2label \"ballast (MiB)\""
