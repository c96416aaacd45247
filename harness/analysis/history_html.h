/* `spawncost history --html OUT`: the history as a static page, a folder
 * that opens as file:// with nothing from the network:
 *   OUT/index.html         the page, its style inside it
 *   OUT/charts/s<K>.svg    series K's chart (K: its place in history.series,
 *                          from 1), drawn by plots/history.gp
 *   OUT/data/              the tables the charts are drawn from, and charts.gp
 *   OUT/.spawncost-history the mark that this folder is such a page, so that
 *                          a later call may replace it
 * The folder is made as OUT.tmp and renamed to OUT when whole (exchanged
 * with the page there before), so no half page is ever left. */
#ifndef SPAWNCOST_HISTORY_HTML_H
#define SPAWNCOST_HISTORY_HTML_H

#include <stdio.h>

#include "bands.h"
#include "history.h"

#define HTML_ERR_LEN (2 * PATH_MAX + 128)

/* history_html.c. Whether OUT may take a page: new, empty, or a page
 * written before; and its parent a folder we may write in. 0, or -1 with
 * one line in err. */
int history_html_check(const char *out, char *err);
/* Write the page of h into OUT (checked first); 0, or -1 with one line in
 * err and nothing left behind. */
int history_html(const struct history *h, const char *out, char *err);

/* history_charts.c. The tables into dir/data and every series' chart into
 * dir/charts, by one gnuplot; 0, or -1 with one line in err. */
int history_charts(const struct history *h, const char *dir, char *err);

/* The i-th band (from 0) that ratio series s is judged against, or NULL:
 * the claim's 4-5x (lo > 0) and, for fork-exec's pairs, the 1.1x line of
 * "as efficient" (lo == 0). A cell has none. */
const struct band *hist_band(const struct hist_series *s, size_t i);

/* history_page.c. index.html on f; 0, or -1 when f did not take it. */
int history_page(FILE *f, const struct history *h);

#endif
