/* Copy-on-write: what each page written after a fork costs, against a
 * fresh page (first-touch) and a page already the writer's own (rewrite).
 *
 * These methods time an interval inside the round trip: the harness walks
 * and writes the pages with its own clock around the walk
 * (write_every_page), the method only says where: in the child, in the
 * parent while the child holds the pages, in a fresh mapping, or in the
 * ballast itself. The harness reports the interval per page. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"
#include "method.h"

/* cow-child: the child writes every page of the ballast it shares with the
 * parent, so each write copies a page; it leaves its time in the shared
 * page the harness set up. */
static int cow_child(struct spawn_ctx *c, const struct method *m)
{
	pid_t pid = fork();
	int rc;

	(void)m;
	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "fork");
	if (pid == 0) {
		note_child_cpu(c);
		c->shared[0] = write_every_page(c->chunk, c->nchunks, c->chunk_bytes);
		_exit(0);
	}
	rc = reap(c, pid);
	c->inner_ns = c->shared[0];
	return rc;
}

/* A child of MADV_DONTFORK memory has no ballast to write. */
static int cow_child_setup(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	if (c->ballast_kind == BALLAST_DONTFORK) {
		spawn_failed(c, FAIL_ERRNO, EINVAL, "setup");
		c->fail.why = "a dontfork ballast is not in the child: nothing to write";
		return -1;
	}
	return 0;
}

/* cow-parent: the parent writes every page while its child, alive and
 * blocked on a pipe, still holds the old ones: the snapshot case, where a
 * database forks a child to write a snapshot and goes on serving writes. */
static int cow_parent(struct spawn_ctx *c, const struct method *m)
{
	int *pipefd = c->state;
	pid_t pid = fork();
	char byte = 0;

	(void)m;
	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "fork");
	if (pid == 0) {
		note_child_cpu(c);
		ssize_t unused = read(pipefd[0], &byte, 1);
		(void)unused;
		_exit(0);
	}
	c->inner_ns = write_every_page(c->chunk, c->nchunks, c->chunk_bytes);
	if (write(pipefd[1], &byte, 1) != 1) {
		int err = errno;	/* before kill and reap change it */
		kill(pid, SIGKILL);
		reap(c, pid);
		return spawn_failed(c, FAIL_ERRNO, err, "write");
	}
	return reap(c, pid);
}

static int pipe_setup(struct spawn_ctx *c, const struct method *m)
{
	int *p = malloc(2 * sizeof *p);

	(void)m;
	if (!p || pipe2(p, O_CLOEXEC) != 0) {
		free(p);
		return spawn_failed(c, FAIL_ERRNO, errno ? errno : ENOMEM, "pipe2");
	}
	c->state = p;
	return 0;
}

static void pipe_teardown(struct spawn_ctx *c, const struct method *m)
{
	int *p = c->state;

	(void)m;
	close(p[0]);
	close(p[1]);
	free(p);
	c->state = NULL;
}

/* first-touch: a fresh private mapping as large as the ballast, advised
 * alike; the first write to each page faults in a zeroed page. */
static int first_touch(struct spawn_ctx *c, const struct method *m)
{
	size_t bytes = c->nchunks * c->chunk_bytes;
	char *p = map_fresh(bytes, c->thp);

	(void)m;
	if (!p)
		return spawn_failed(c, FAIL_ERRNO, errno, "mmap");
	c->inner_ns = write_every_page(&p, 1, bytes);
	munmap(p, bytes);
	return 0;
}

/* rewrite: the ballast's own pages, already private and writable: no fault
 * at all, the floor under the others. */
static int rewrite(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	c->inner_ns = write_every_page(c->chunk, c->nchunks, c->chunk_bytes);
	return 0;
}

const struct method method_cow_child = {
	.name = "cow-child",
	.summary = "after fork(), the child writes one byte in every ballast page; timed in the "
		   "child; per page",
	.syscall = "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), page faults (copy-on-write)",
	.group = "cow",
	.per_page = true,
	.setup = HOOK(cow_child_setup),
	.once = HOOK(cow_child),
};

const struct method method_cow_parent = {
	.name = "cow-parent",
	.summary = "after fork(), the parent writes every ballast page while the child is alive "
		   "and blocked; per page",
	.syscall = "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD), page faults (copy-on-write)",
	.group = "cow",
	.per_page = true,
	.setup = HOOK(pipe_setup),
	.teardown = HOOK(pipe_teardown),
	.once = HOOK(cow_parent),
};

const struct method method_first_touch = {
	.name = "first-touch",
	.summary = "first write to every page of a fresh mapping as large as the ballast; per page",
	.syscall = "mmap, page faults (zero fill), munmap",
	.group = "cow",
	.per_page = true,
	.once = HOOK(first_touch),
};

const struct method method_rewrite = {
	.name = "rewrite",
	.summary = "a write to every ballast page, already the writer's own: no fault; per page",
	.syscall = "none",
	.group = "cow",
	.per_page = true,
	.once = HOOK(rewrite),
};
