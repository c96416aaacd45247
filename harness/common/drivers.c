#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers.h"
#include "memory.h"
/* Where the interpreters are looked for: the system's folders, not the
 * run's PATH (--path-dirs rewrites that for the path methods). */
static const char *const bin_dirs[] = { "/usr/local/bin", "/usr/bin", "/bin" };

/* The driver's argv for method m at kib of ballast, in buf. */
int driver_argv(const struct method *m, const char *dir, const char *noop, uint64_t kib,
		       uint64_t count, double seconds, char *buf, size_t len, char **argv)
{
	char *p = buf, *end = buf + len, mib[32], *arg[12];
	size_t n = 0;
	int w;

	mib_text(kib, mib, sizeof mib);
#define ARG(...)                                                        \
	do {                                                            \
		w = snprintf(p, (size_t)(end - p), __VA_ARGS__);        \
		if (w < 0 || w >= end - p || n + 1 >= sizeof arg / sizeof arg[0]) \
			return -1;                                      \
		arg[n++] = p;                                           \
		p += w + 1;                                             \
	} while (0)
	if (strcmp(m->runtime, "python") == 0) {
		ARG("python3");
		ARG("%s/python/driver.py", dir);
	} else if (strcmp(m->runtime, "node") == 0) {
		ARG("node");
		ARG("%s/node/driver.js", dir);
	} else if (strcmp(m->runtime, "ruby") == 0) {
		ARG("ruby");
		ARG("%s/ruby/driver.rb", dir);
	} else if (strcmp(m->runtime, "perl") == 0) {
		ARG("perl");
		ARG("%s/perl/driver.pl", dir);
	} else if (strcmp(m->runtime, "java") == 0) {
		ARG("java");
		/* room for the ballast on the Java heap */
		ARG("-Xmx%llum", (unsigned long long)(kib / 1024 + 256));
		ARG("-cp");
		ARG("%s/java", dir);
		ARG("Driver");
	} else {	/* go, rust: built into a program of their own */
		ARG("%s/%s/driver", dir, m->runtime);
	}
	ARG("%s", noop);
	ARG("%s", mib);
	ARG("%llu", (unsigned long long)count);
	ARG("%.3f", seconds);
	ARG("%s", m->api);
#undef ARG
	memcpy(argv, arg, n * sizeof *arg);
	argv[n] = NULL;
	return 0;
}

void driver_exec(char **argv, char *path, size_t len)
{
	/* SPAWNCOST_RUNTIME_DIR: one folder instead of the system's, for the
	 * test of a runtime that is not installed */
	const char *only = getenv("SPAWNCOST_RUNTIME_DIR");

	if (argv[0][0] == '/') {
		execv(argv[0], argv);
		return;
	}
	for (size_t i = 0; i < sizeof bin_dirs / sizeof bin_dirs[0]; i++) {
		snprintf(path, len, "%s/%s", only ? only : bin_dirs[i], argv[0]);
		execv(path, argv);
		if (only)
			return;
	}
}
