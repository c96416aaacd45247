/* Progress on stderr, between windows: run_window calls progress_start
 * before a window and progress_done after it, never inside the timed path.
 *
 * In a log (stderr not a terminal) each finished window gets a line of its
 * own, which tests and scripts read: "<cell>: window median X us (n=N)".
 *
 * On a terminal one line is redrawn in place, as hyperfine's bar is: the
 * round, the cell, how far through the run, the time spent and the time
 * left. The plan is known (rounds x cells), so the time left is what the
 * windows still to come are expected to take: a cell's next window what its
 * last one took (the rounds repeat the same cells, so a slow 1 GiB cell is
 * slow every round), and a cell not measured yet the mean of the windows
 * so far. --refine's sizes are not planned: they show the time spent only.
 * The line is up only while a window runs and is cleared when it ends, so
 * whatever the run prints between windows (a failed cell, --refine's
 * steps, the closing table) starts on a clean line.
 *
 * What the line is drawn with, the front end decides and hands over in
 * SPAWNCOST_BAR (harness/front/launch.c): "utf8" (block characters),
 * "ascii" ('#' and '.': NO_COLOR, or a locale that is not UTF-8) or "dumb"
 * (TERM=dumb: no escape sequences, the line blanked with spaces). The engine
 * itself reads no locale: one loaded is mapped into the process every
 * measured fork copies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "book.h"
#include "table.h"
#include "timing.h"

enum bar_style { BAR_ASCII, BAR_UTF8, BAR_DUMB };

#define BAR_CELLS 20	/* the bar's width where the terminal has room */

/* The cell's name in the log's lines. */
static char label[200];

/* The live line's state; the windows' times are in the book, which no
 * fork copies. */
static struct {
	int tty;		/* stderr is a terminal: 1, 0, or -1 not asked yet */
	enum bar_style style;
	uint64_t t0, start;	/* the first window's start, this window's */
	size_t id;		/* this window's cell, 0-based */
	uint64_t *last_ns;	/* each cell's last window; 0: none yet */
	size_t cap;
	uint64_t sum_ns;	/* every window so far */
	size_t windows;
	unsigned contended;
	size_t drawn;		/* columns on the line now (0: none) */
	size_t name_cols;	/* the longest cell name drawn so far */
} bar = { .tty = -1 };

static bool live(void)
{
	if (bar.tty < 0) {
		const char *s = getenv("SPAWNCOST_BAR");

		bar.tty = isatty(STDERR_FILENO);
		bar.style = !s ? BAR_ASCII : !strcmp(s, "utf8") ? BAR_UTF8
			  : !strcmp(s, "dumb") ? BAR_DUMB : BAR_ASCII;
	}
	return bar.tty;
}

/* Columns text takes: one per character (UTF-8 continuation bytes take
 * none; the line holds no wide characters). */
static size_t columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The terminal's width, less one: text in the last column wraps on some
 * terminals, and a wrapped line is no longer redrawn in place. */
static size_t width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col - 1u;
	return 79;
}

/* Append to line (size len) what fits, up to max columns in all. */
static void put(char *line, size_t len, size_t max, const char *s)
{
	size_t used = strlen(line), cols = columns(line);

	for (; *s && used + 4 < len; s++) {
		bool starts = ((unsigned char)*s & 0xc0) != 0x80;

		if (starts && cols == max)
			break;
		cols += starts;
		line[used++] = *s;
	}
	line[used] = '\0';
}

static void clear(void)
{
	if (!bar.drawn)
		return;
	if (bar.style == BAR_DUMB)
		fprintf(stderr, "\r%*s\r", (int)bar.drawn, "");
	else
		fputs("\r\033[K", stderr);
	bar.drawn = 0;
}

/* "0:12", "3:05", "1:02:07". */
static const char *duration(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t < 3600)
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	return buf;
}

/* What the windows from cell i (0-based) of round `round` to the end of the
 * plan are expected to take, in ns; 0 before any window was measured. */
static double time_left(unsigned round, unsigned rounds, size_t i, size_t n)
{
	double mean, rest = 0, whole = 0;

	if (!bar.windows || n > bar.cap)
		return 0;
	mean = (double)bar.sum_ns / (double)bar.windows;
	for (size_t c = 0; c < n; c++) {
		double t = bar.last_ns[c] ? (double)bar.last_ns[c] : mean;

		whole += t;
		rest += c >= i ? t : 0;
	}
	return rest + (double)(rounds - round - 1) * whole;
}

/* The cell as the live line names it: "fork-exec 64 MiB", and what sets it
 * apart where the run sweeps more than sizes. */
static void cell_name(const struct table_row *t, char *buf, size_t len)
{
	char mib[32];
	int used = snprintf(buf, len, "%s %s MiB%s%s%s", t->method->name,
			    mib_text(t->ballast_kib, mib, sizeof mib), t->thp == THP_ON ? " THP" : "",
			    t->kind ? " " : "", t->kind ? ballast_names[t->kind] : "");

	if (t->fds && used > 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used, " fds=%llu",
				 (unsigned long long)t->fds);
	if (t->threads && used > 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used, " threads=%llu",
				 (unsigned long long)t->threads);
	if (t->parallel > 1 && used > 0 && (size_t)used < len)
		snprintf(buf + used, len - (size_t)used, " parallel=%llu",
			 (unsigned long long)t->parallel);
}

/* The bar, cells wide (brackets included in ASCII), done (0 to 1) of it
 * filled. */
static void bar_text(double done, size_t cells, char *buf, size_t len)
{
	bool blocks = bar.style == BAR_UTF8;
	size_t inner = blocks ? cells : cells - 2, full = (size_t)(done * (double)inner + 0.5);

	buf[0] = '\0';
	put(buf, len, SIZE_MAX, blocks ? "" : "[");
	for (size_t k = 0; k < inner; k++)
		put(buf, len, SIZE_MAX, blocks ? (k < full ? "█" : "░") : (k < full ? "#" : "."));
	put(buf, len, SIZE_MAX, blocks ? "" : "]");
}

/* What the line ends with: "41% · 0:08 spent · 0:12 left", and apart, the
 * contended windows so far (shown where there is room). */
static void tail_text(bool refined, double done, double spent, double left, char *tail,
		      char *extra, size_t len)
{
	const char *dot = bar.style == BAR_UTF8 ? " · " : ", ";
	char a[32], b[32];

	if (refined)
		snprintf(tail, len, "%s spent", duration(spent, a, sizeof a));
	else if (left > 0)
		snprintf(tail, len, "%3.0f%%%s%s spent%s%s left", 100 * done, dot,
			 duration(spent, a, sizeof a), dot, duration(left, b, sizeof b));
	else
		snprintf(tail, len, "%3.0f%%%sestimating", 100 * done, dot);
	extra[0] = '\0';
	if (bar.contended)
		snprintf(extra, len, "%s%u contended", dot, bar.contended);
}

static int digits(size_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

#define BAR_MIN 6	/* narrower than this, no bar */
#define TAIL_COLS 30	/* what the bar leaves for the tail: "100% · 0:08 spent · 0:12 left" */

/* "round 2/3  cell 14/40  fork-exec 64 MiB  ████░░░   41% · 0:08 spent · 0:12 left".
 * The bar stays where it is from window to window: it starts after the
 * longest name so far, and its width depends on the terminal's only. Where
 * the terminal is narrow the bar narrows and goes, then the end is cut. */
static void draw(unsigned round, unsigned rounds, size_t i, size_t n, const struct table_row *t,
		 uint64_t now)
{
	double spent = (double)(now - bar.t0) / 1e9, left = time_left(round, rounds, i - 1, n) / 1e9;
	double done = (double)((size_t)round * n + i - 1) / (double)((size_t)rounds * n);
	char head[64], name[160], tail[96], extra[96], graph[BAR_CELLS * 3 + 4], line[512] = "";
	size_t max = width(), used, cells = 0;

	/* the counts as wide as their totals: "round  2/10" */
	if (t->refined)
		snprintf(head, sizeof head, "refine  round %*u/%u  ", digits(rounds), round + 1, rounds);
	else
		snprintf(head, sizeof head, "round %*u/%u  cell %*zu/%zu  ", digits(rounds), round + 1,
			 rounds, digits(n), i, n);
	cell_name(t, name, sizeof name);
	if (columns(name) > bar.name_cols)
		bar.name_cols = columns(name);
	tail_text(t->refined, done, spent, left, tail, extra, sizeof tail);
	used = columns(head) + bar.name_cols + 2 + 2 + TAIL_COLS;
	if (!t->refined && used + BAR_MIN <= max)
		cells = max - used < BAR_CELLS ? max - used : BAR_CELLS;
	put(line, sizeof line, max, head);
	put(line, sizeof line, max, name);
	for (size_t k = columns(name); k < bar.name_cols + 2; k++)
		put(line, sizeof line, max, " ");
	if (cells) {
		bar_text(done, cells, graph, sizeof graph);
		put(line, sizeof line, max, graph);
		put(line, sizeof line, max, "  ");
	}
	put(line, sizeof line, max, tail);
	if (columns(line) + columns(extra) <= max)
		put(line, sizeof line, max, extra);
	/* one write: the line is never seen half drawn */
	fprintf(stderr, "%s%s", bar.style == BAR_DUMB ? "\r" : "\r\033[K", line);
	bar.drawn = columns(line);
}

/* Room for cell n's time (cells --refine adds come after the plan). */
static bool room(size_t n)
{
	size_t cap = bar.cap ? bar.cap : 64;
	uint64_t *p;

	if (n <= bar.cap)
		return true;
	while (cap < n)
		cap *= 2;
	p = bar.last_ns ? book_grow(bar.last_ns, bar.cap * sizeof *p, cap * sizeof *p)
			: book_alloc(cap * sizeof *p);
	if (!p)
		return false;
	memset(p + bar.cap, 0, (cap - bar.cap) * sizeof *p);
	bar.last_ns = p;
	bar.cap = cap;
	return true;
}

void progress_start(unsigned round, unsigned rounds, size_t i, size_t n, const struct table_row *t)
{
	char mib[32];
	int used = snprintf(label, sizeof label, "[round %u/%u, %zu/%zu] %s rss=%sMiB thp=%s%s%s",
			    round + 1, rounds, i, n, t->method->name,
			    mib_text(t->ballast_kib, mib, sizeof mib), t->thp == THP_ON ? "on" : "off",
			    t->kind ? " ballast=" : "", t->kind ? ballast_names[t->kind] : "");
	uint64_t now;

	if ((t->fds || t->threads || t->parallel > 1) && used < (int)sizeof label)
		snprintf(label + used, sizeof label - (size_t)used, " fds=%llu threads=%llu parallel=%llu",
			 (unsigned long long)t->fds, (unsigned long long)t->threads,
			 (unsigned long long)t->parallel);
	if (!live())
		return;
	now = now_ns();
	if (!bar.t0)
		bar.t0 = now;
	bar.start = now;
	bar.id = room(n > i ? n : i) ? i - 1 : SIZE_MAX;
	draw(round, rounds, i, n, t, now);
}

/* The log's line of the window just measured. */
static void log_line(const char *error, size_t n, double median, const struct window_rec *w)
{
	if (error[0]) {
		fprintf(stderr, "%s: error: %s\n", label, error);
		return;
	}
	if (median < 0)
		return;
	/* one window's median: its samples' own interval would say nothing of
	 * the windows to come, so none is shown */
	fprintf(stderr, "%s: window median %.2f us (n=%zu)", label, median / 1e3, n);
	if (w && w->contended)
		fprintf(stderr, ", contended: the engine waited %.0f%% of it, steal %.0f%%",
			w->delay_pct > 0 ? w->delay_pct : 0, w->steal_pct > 0 ? w->steal_pct : 0);
	fputc('\n', stderr);
}

void progress_done(const char *error, size_t n, double median, const struct window_rec *w)
{
	uint64_t took;

	if (!live()) {
		log_line(error, n, median, w);
		return;
	}
	/* on the terminal, the line goes; a failed cell's stays, as in a log */
	took = now_ns() - bar.start;
	if (bar.id != SIZE_MAX)
		bar.last_ns[bar.id] = took ? took : 1;
	bar.sum_ns += took;
	bar.windows++;
	bar.contended += w && w->contended;
	clear();
	if (error[0])
		log_line(error, n, median, w);
}
