/* A run's samples, settled by the front end after the engine has exited
 * (harness/front/engine_wait.c): by default compressed into samples.csv.gz.
 *
 * Why here, and why afterwards: samples.csv is most of a run folder (46 MB
 * of a default run, a sixteenth of that as gzip), but the engine links libc
 * only (every fork it times copies what is mapped in it) and reads
 * samples.csv back while it runs (drop_failed_rows cuts failed cells out,
 * the spill re-reads windows), so it writes it plain, as always, and the
 * process that waited for it compresses the file whole, the timed path
 * untouched. An interrupted run is settled alike: its finished cells are
 * in samples.csv.
 *
 * probes.csv stays plain: a sixteenth of the iterations, it is 6% of
 * samples.csv's size (0.4 MB of a quick run's folder, about 3 MB of a
 * default run's, which stays under 6 MB), and what reads it is people's
 * awk and scripts, not spawncost's readers.
 *
 * Nothing is lost on the way: samples.csv.gz is written under a temporary
 * name, synced and renamed, and only then is samples.csv removed; any
 * failure leaves samples.csv as it was and says so in one line.
 *
 * env.txt's samples= line says what the folder holds, written here (the
 * one that knows) and not by the engine, which cannot know whether the
 * compression will succeed. That is safe: the engine has gone, and no
 * other run writes into a folder that holds a run's files; env.txt is
 * rewritten whole through its temporary name, and meta.json after it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "csv.h"
#include "csvread.h"
#include "meta.h"
#include "samples.h"

/* What zlib's last failure on gz was: the system's error, or zlib's. */
static const char *gz_why(gzFile gz)
{
	int num;
	const char *msg = gzerror(gz, &num);

	return num == Z_ERRNO ? strerror(errno) : msg;
}

/* The one line of a compression that failed: -1. */
static int kept_plain(const char *dir, const char *step, const char *why)
{
	fprintf(stderr, "spawncost run: samples.csv kept plain in %s: %s: %s\n", dir, step, why);
	return -1;
}

/* in through zlib into o, until its end or *stop: NULL, or why not. */
static const char *deflate_into(int in, struct outfile *o, volatile sig_atomic_t *stop)
{
	static char buf[1 << 16];
	int fd = dup(fileno(o->f));
	gzFile gz = fd >= 0 ? gzdopen(fd, "wb") : NULL;
	const char *why = NULL;
	ssize_t n;

	if (!gz) {
		if (fd >= 0)
			close(fd);
		return strerror(fd < 0 ? errno : ENOMEM);
	}
	while (!why && !*stop && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno != EINTR)
			why = strerror(errno);
		else if (n > 0 && gzwrite(gz, buf, (unsigned)n) != (int)n)
			why = gz_why(gz);
	}
	if (!why && *stop)
		why = "interrupted";
	if (!why && gzflush(gz, Z_FINISH) != Z_OK)
		why = gz_why(gz);
	if (gzclose_w(gz) != Z_OK && !why)
		why = strerror(errno);
	return why;
}

/* dir/samples.csv as dir/samples.csv.gz, then removed: 0, or -1 after
 * one line (samples.csv is then as it was, and no samples.csv.gz is left). */
static int gzip_samples(const char *dir, const char *plain, volatile sig_atomic_t *stop)
{
	struct outfile o;
	int in = open(plain, O_RDONLY | O_CLOEXEC), err;
	const char *why;

	if (in < 0)
		return kept_plain(dir, "cannot read it", strerror(errno));
	if ((err = outfile_open(&o, dir, "samples.csv.gz"))) {
		close(in);
		return kept_plain(dir, "cannot write .samples.csv.gz.tmp", strerror(err));
	}
	why = deflate_into(in, &o, stop);
	close(in);
	if (why) {
		outfile_abandon(&o);
		return kept_plain(dir, "cannot compress it", why);
	}
	/* synced before the rename, and the plain file removed only after
	 * it: at every moment one whole copy of the samples is on disk */
	if ((err = outfile_commit(&o)))
		return kept_plain(dir, "cannot write samples.csv.gz", strerror(err));
	if (unlink(plain) != 0) {
		err = errno;
		unlink(o.path);
		return kept_plain(dir, "cannot remove it", strerror(err));
	}
	return 0;
}

/* env.txt with its samples= line saying form, and meta.json after it. */
static void record(const char *dir, const char *form)
{
	char path[PATH_MAX + 16], err[PATH_MAX + 200], *text;
	struct outfile o;
	size_t len;
	int rc;

	snprintf(path, sizeof path, "%s/env.txt", dir);
	if (slurp_file(path, &text, &len))
		return;	/* a run that kept nothing has none */
	if ((rc = outfile_open(&o, dir, "env.txt")) == 0) {
		for (char *line = text, *end; *line; line = end) {
			end = line + strcspn(line, "\n");
			end += *end == '\n';
			if (strncmp(line, "samples=", 8) != 0)
				fwrite(line, 1, (size_t)(end - line), o.f);
		}
		if (len && text[len - 1] != '\n')
			fputc('\n', o.f);
		fprintf(o.f, "samples=%s\n", form);
		rc = ferror(o.f) ? EIO : 0;
		rc = rc ? (outfile_abandon(&o), rc) : outfile_commit(&o);
	}
	free(text);
	if (rc) {
		fprintf(stderr, "spawncost run: note: env.txt does not say samples=%s: %s\n", form,
			strerror(rc));
		return;
	}
	snprintf(path, sizeof path, "%s/meta.json", dir);
	if (access(path, F_OK) == 0 && meta_write(dir, err, sizeof err))
		fprintf(stderr, "spawncost run: note: meta.json was not written again: %s\n", err);
}

void samples_settle(const char *dir, const char *form, volatile sig_atomic_t *stop)
{
	char plain[PATH_MAX + 16];
	const char *kept = form;

	snprintf(plain, sizeof plain, "%s/samples.csv", dir);
	if (access(plain, F_OK) != 0)
		return;	/* the run kept no file (a write failed) */
	if (strcmp(form, "gz") == 0 && gzip_samples(dir, plain, stop)) {
		kept = "plain";
	} else if (strcmp(form, "none") == 0 && unlink(plain) != 0) {
		fprintf(stderr, "spawncost run: samples.csv kept in %s: cannot remove it: %s\n", dir,
			strerror(errno));
		kept = "plain";
	}
	record(dir, kept);
}
