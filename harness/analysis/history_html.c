/* history --html OUT: the folder of the page (history_html.h), made whole
 * in OUT.tmp and then put in OUT's place. OUT is taken only new, empty, or
 * holding a page this command wrote (its mark file): never a folder of
 * someone else's files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history_html.h"

#define MARK ".spawncost-history"

static int fail(char *err, const char *what, const char *why)
{
	snprintf(err, HTML_ERR_LEN, "%s: %s", what, why);
	return -1;
}

static bool marked(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof path, "%s/" MARK, dir);
	return access(path, F_OK) == 0;
}

static bool empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool none = true;

	while (d && none && (e = readdir(d)))
		none = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return d && none;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* A page folder of ours, and all in it. */
static int remove_page(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* OUT: a folder we may replace, or nothing yet; why not, else NULL. */
static const char *unusable(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? NULL : strerror(errno);
	if (!S_ISDIR(st.st_mode))
		return "exists and is not a folder";
	if (access(dir, W_OK | X_OK) != 0)
		return "is not writable";
	if (!marked(dir) && !empty(dir))
		return "holds files that are not a history page (give a new or an empty folder)";
	return NULL;
}

int history_html_check(const char *out, char *err)
{
	char tmp[PATH_MAX + 8], copy[PATH_MAX];
	const char *why, *parent, *last;

	if (!*out)
		return fail(err, "OUT", "an empty folder name");
	if (strlen(out) + sizeof "/charts/s1000000.svg" + 8 > PATH_MAX)
		return fail(err, out, "the path is too long");
	/* OUT.tmp, made beside OUT and renamed over it, would be inside it */
	last = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
		return fail(err, out, "name the folder itself, not . or ..");
	if ((why = unusable(out)))
		return fail(err, out, why);
	snprintf(copy, sizeof copy, "%s", out);
	parent = dirname(copy);
	if (access(parent, W_OK | X_OK) != 0)
		return fail(err, parent, errno == ENOENT ? "no such folder"
				: errno == EACCES || errno == EROFS
				? "is not writable (the page is made beside it, then renamed)"
				: strerror(errno));
	/* OUT.tmp: what an interrupted call left (ours: marked first) */
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if (access(tmp, F_OK) == 0 && !marked(tmp))
		return fail(err, tmp, "exists, and is not a page being written");
	return 0;
}

/* The mark, first, so that an interrupted OUT.tmp is known as ours. */
static int mark(const char *dir, char *err)
{
	char path[PATH_MAX + 32];
	FILE *f;
	int bad;

	snprintf(path, sizeof path, "%s/" MARK, dir);
	if (!(f = fopen(path, "we")))
		return fail(err, path, strerror(errno));
	bad = fputs("a page of spawncost history --html: it may replace this folder\n", f) < 0;
	if (fclose(f) || bad)
		return fail(err, path, "cannot write it");
	return 0;
}

static int page(const struct history *h, const char *dir, char *err)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof path, "%s/index.html", dir);
	if (!(f = fopen(path, "we")))
		return fail(err, path, strerror(errno));
	if (history_page(f, h) | fclose(f))
		return fail(err, path, "cannot write it");
	return 0;
}

/* OUT.tmp in OUT's place: exchanged with the page or empty folder there
 * (which then goes), so that OUT always holds a whole page. */
static int swap(const char *tmp, const char *out, char *err)
{
	struct stat st;

	if (lstat(out, &st) != 0)
		return rename(tmp, out) ? fail(err, out, strerror(errno)) : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
		remove_page(tmp);
		return 0;
	}
	/* a file system without the exchange: the old page goes first */
	if (errno == EINVAL && remove_page(out) == 0 && rename(tmp, out) == 0)
		return 0;
	return fail(err, out, strerror(errno));
}

int history_html(const struct history *h, const char *out, char *err)
{
	char tmp[PATH_MAX + 8];

	if (history_html_check(out, err))
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if (access(tmp, F_OK) == 0 && remove_page(tmp) != 0)
		return fail(err, tmp, strerror(errno));
	if (mkdir(tmp, 0777) != 0)
		return fail(err, tmp, strerror(errno));
	if (mark(tmp, err) || history_charts(h, tmp, err) || page(h, tmp, err) ||
	    swap(tmp, out, err)) {
		remove_page(tmp);
		return -1;
	}
	return 0;
}
