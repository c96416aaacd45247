/* `spawncost meta DIR`: the facts of DIR/env.txt as DIR/meta.json, so that
 * tools read a run's machine without parsing key=value lines.
 *
 * One flat object: every env.txt key in file order, after
 * "schema": "spawncost-meta/1". Values are strings, except the counts and
 * kernel knobs below, which are JSON integers when the whole value is one
 * (perf_event_paranoid may be -1). A key that appears twice, or a line that
 * is not key=value, is refused rather than guessed at.
 *
 * Text is UTF-8 (jsontext.h): a byte that is not is written as \xHH.
 *
 * machine_id stays a string, though it is hex digits: an id, not a number,
 * and tools that key baselines by it (Bencher's testbed, a dashboard) must
 * read the same 16 characters the run wrote, leading zeros and all. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envtxt.h"
#include "jsontext.h"
#include "meta.h"

static const char meta_usage[] =
	"usage: spawncost meta DIR\n"
	"  DIR   a run folder: reads DIR/env.txt (key=value lines) and writes\n"
	"        DIR/meta.json, {\"schema\": \"" META_SCHEMA "\", key: value, ...}\n";

static const char *const integer_keys[] = {
	"cpu_count", "page_size", "mem_total_kib", "randomize_va_space",
	"perf_event_paranoid",
};

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The hwloc topology counts (topo_packages, topo_cores, ...) are integers too. */
static bool integer_key(const char *key)
{
	if (strncmp(key, "topo_", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof integer_keys / sizeof integer_keys[0]; i++)
		if (strcmp(key, integer_keys[i]) == 0)
			return true;
	return false;
}

static json_t *value_of(const char *key, const char *val)
{
	if (integer_key(key) && *val && strspn(val, " \t") == 0) {
		char *end;
		errno = 0;
		long long n = strtoll(val, &end, 10);
		if (!*end && !errno)
			return json_integer(n);
	}
	/* a stray byte (in a kernel string, in an -o path) as \xHH, the rest
	 * as it is, rather than lose the whole file */
	return json_text(val);
}

/* Add one key=value line to o. */
static int add_line(json_t *o, const struct env_line *l, const char *path, char *err,
		    size_t errlen)
{
	json_t *v;

	if (!l->val)
		return fail(err, errlen, "%s: line %zu: not key=value", path, l->lineno);
	if (strcmp(l->key, "schema") == 0)
		return fail(err, errlen, "%s: line %zu: the key 'schema' is meta.json's own",
			    path, l->lineno);
	if (json_object_get(o, l->key))
		return fail(err, errlen, "%s: line %zu: key '%s' given twice", path, l->lineno,
			    l->key);
	v = value_of(l->key, l->val);
	if (!v)
		return fail(err, errlen, "%s: out of memory", path);
	if (json_object_set_new(o, l->key, v) != 0)
		return fail(err, errlen, "%s: line %zu: the key is not UTF-8", path, l->lineno);
	return 0;
}

/* env.txt as a JSON object; NULL with a reason in err. Blank lines are
 * passed over; any other line must be a fact. */
static json_t *read_env(const char *path, char *err, size_t errlen)
{
	struct envtxt e;
	json_t *o = NULL;
	size_t keys = 0;

	if (envtxt_read(path, &e, err, errlen))
		return NULL;
	o = json_object();
	if (!o || json_object_set_new(o, "schema", json_string(META_SCHEMA)) != 0) {
		fail(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < e.nlines; i++) {
		const struct env_line *l = &e.line[i];

		if (l->nul) {
			fail(err, errlen, "%s: line %zu: holds a NUL byte", path, l->lineno);
			goto fail;
		}
		if (l->empty)
			continue;
		if (add_line(o, l, path, err, errlen) != 0)
			goto fail;
		keys++;
	}
	if (keys == 0) {
		fail(err, errlen, "%s: no key=value lines", path);
		goto fail;
	}
	envtxt_free(&e);
	return o;
fail:
	envtxt_free(&e);
	json_decref(o);
	return NULL;
}

int meta_write(const char *dir, char *err, size_t errlen)
{
	char src[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX];
	json_t *o;
	FILE *f;
	int rc = -1;

	if ((size_t)snprintf(src, sizeof src, "%s/env.txt", dir) >= sizeof src ||
	    (size_t)snprintf(dst, sizeof dst, "%s/meta.json", dir) >= sizeof dst ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.meta.json.tmp", dir) >= sizeof tmp)
		return fail(err, errlen, "%s: path too long", dir);
	if (!(o = read_env(src, err, errlen)))
		return -1;
	if (!(f = fopen(tmp, "we"))) {
		fail(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	errno = 0;
	if (json_dumpf(o, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fail(err, errlen, "%s: cannot write: %s", tmp, strerror(errno ? errno : EIO));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, dst) != 0) {
		fail(err, errlen, "%s: cannot write: %s", dst, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int cmd_meta(int argc, char **argv)
{
	char err[PATH_MAX + 200];

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(meta_usage, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "spawncost meta: expected one run folder (see spawncost meta --help)\n");
		return 2;
	}
	if (meta_write(argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "spawncost meta: %s\n", err);
		return 2;
	}
	return 0;
}
