#include <errno.h>
#include <unistd.h>

#include "handback.h"

int put_at(int fd, const void *buf, size_t len, off_t *at)
{
	const char *p = buf;

	while (len) {
		ssize_t w = pwrite(fd, p, len, *at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
		*at += w;
	}
	return 0;
}

static int get_at(int fd, void *buf, size_t len, off_t *at)
{
	if (len == 0)
		return 0;
	if (pread(fd, buf, len, *at) != (ssize_t)len)
		return -1;
	*at += (off_t)len;
	return 0;
}

int handback_put(int fd, off_t at, const struct handback_head *h, const struct samples *s)
{
	if (put_at(fd, h, sizeof *h, &at))
		return -1;
	if (!h->n && !h->nprobe)
		return 0;
	return put_at(fd, s->ns, h->n * sizeof *s->ns, &at) ||
	       put_at(fd, s->cpu, h->n * sizeof *s->cpu, &at) ||
	       put_at(fd, s->probe, h->nprobe * sizeof *s->probe, &at) ? -1 : 0;
}

int handback_take(int fd, off_t at, struct handback_head *h, struct samples *s)
{
	if (get_at(fd, h, sizeof *h, &at))
		return -1;
	if (h->rc != 0)
		return 0;
	if (samples_reserve(s, s->n + h->n, s->nprobe + h->nprobe) ||
	    get_at(fd, s->ns + s->n, h->n * sizeof *s->ns, &at) ||
	    get_at(fd, s->cpu + s->n, h->n * sizeof *s->cpu, &at) ||
	    get_at(fd, s->probe + s->nprobe, h->nprobe * sizeof *s->probe, &at))
		return -1;
	s->n += h->n;
	s->nprobe += h->nprobe;
	return 0;
}
