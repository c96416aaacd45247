#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

int outfile_open(struct outfile *o, const char *dir, const char *name)
{
	if ((size_t)snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= sizeof o->path ||
	    (size_t)snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp", dir, name) >= sizeof o->tmp)
		return ENAMETOOLONG;
	o->f = fopen(o->tmp, "we");
	return o->f ? 0 : errno;
}

int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return EBADF;
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
		err = errno;
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err)
		unlink(o->tmp);
	return err;
}

void outfile_abandon(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	unlink(o->tmp);
}

static void sep(struct csv *c)
{
	if (c->col++)
		fputc(',', c->f);
}

void csv_str(struct csv *c, const char *s)
{
	sep(c);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, c->f);
		return;
	}
	fputc('"', c->f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', c->f);
		fputc(*s, c->f);
	}
	fputc('"', c->f);
}

void csv_u64(struct csv *c, uint64_t v)
{
	sep(c);
	fprintf(c->f, "%" PRIu64, v);
}

void csv_i64(struct csv *c, int64_t v)
{
	sep(c);
	fprintf(c->f, "%" PRId64, v);
}

void csv_us(struct csv *c, double ns)
{
	sep(c);
	fprintf(c->f, "%.3f", ns / 1000.0);
}

void csv_double(struct csv *c, double v)
{
	csv_fixed(c, v, 3);
}

void csv_fixed(struct csv *c, double v, int decimals)
{
	sep(c);
	fprintf(c->f, "%.*f", decimals, v);
}

void csv_empty(struct csv *c)
{
	sep(c);
}

void csv_end(struct csv *c)
{
	fputc('\n', c->f);
	c->col = 0;
}

void csv_header(struct csv *c, const char *columns)
{
	fputs(columns, c->f);
	fputc('\n', c->f);
	c->col = 0;
}
