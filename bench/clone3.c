/* clone3(2), as modern spawners use it: a pidfd to wait on, signal
 * handlers reset, a child born in a cgroup, and vfork-style exec.
 * glibc 2.36 has no clone3 wrapper; clone3_run (harness/engine/clone3.c) starts
 * the child on a stack of its own. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "book.h"
#include "guard.h"
#include "memory.h"
#include "method.h"

static int clone3_refused(struct spawn_ctx *c, int err)
{
	spawn_failed(c, FAIL_ERRNO, err, "clone3");
	if (err == ENOSYS)
		c->fail.why = "the kernel has no clone3 (needs Linux 5.3, 5.7 for cgroups)";
	else if (err == EINVAL || err == E2BIG)
		c->fail.why = "the kernel refuses these clone3 arguments";
	return -1;
}

static int clone3_once(struct spawn_ctx *c, const struct method *m)
{
	if (!child_stack(m->flags))
		return spawn_failed(c, FAIL_ERRNO, ENOMEM, "the child's stack");
	int pidfd = -1;
	struct clone_args args = {
		.flags = m->flags,
		.pidfd = (uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
		.stack = (uintptr_t)child_stack(m->flags),
		.stack_size = CHILD_STACK_SIZE,
		.cgroup = c->state ? (uint64_t) * (int *)c->state : 0,
	};
	long pid = clone3_run(&args, m->execs ? child_stack_exec : child_stack_exit, c);

	if (pid < 0)
		return clone3_refused(c, errno);
	note_phase(c, SLOT_PARENT_RESUME);
	return reap_pidfd(c, pidfd);
}

/* clone3-into-cgroup: a cgroup v2 folder of our own under the one we run
 * in, made before the cell and removed after it. */
struct cgroup_state {
	int fd;
	char path[PATH_MAX];
};

/* Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo. */
static int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		char mnt[PATH_MAX], *dash = strstr(line, " - cgroup2 ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			snprintf(buf, len, "%.*s", (int)len - 1, mnt);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* Folders left by runs that were killed outright (SIGKILL leaves no chance
 * to clean up): spawncost-<pid> whose process is gone. Empty by then, so
 * rmdir takes them; anything else is left alone. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "spawncost-", 10) == 0) {
			char path[PATH_MAX + 256];
			long pid = strtol(e->d_name + 10, NULL, 10);
			if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
				snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
				rmdir(path);
			}
		}
	closedir(d);
}

static int cgroup_setup(struct spawn_ctx *c, const struct method *m)
{
	/* Not in any child (the child needs only the descriptor, passed in
	 * clone_args): what the timed forks copy stays what other cells copy. */
	struct cgroup_state *s = book_alloc(sizeof *s);
	char mnt[PATH_MAX / 2], self[PATH_MAX / 2] = "";
	FILE *f;
	int err;

	(void)m;
	if (!s)
		return spawn_failed(c, FAIL_ERRNO, ENOMEM, "mmap");
	f = fopen("/proc/self/cgroup", "re");
	if (f) {
		char line[PATH_MAX / 2];
		while (fgets(line, sizeof line, f))
			if (strncmp(line, "0::", 3) == 0) {
				snprintf(self, sizeof self, "%s", line + 3);
				self[strcspn(self, "\n")] = '\0';
			}
		fclose(f);
	}
	if (cgroup2_mount(mnt, sizeof mnt) != 0) {
		book_free(s, sizeof *s);
		spawn_failed(c, FAIL_ERRNO, ENOENT, "cgroup2");
		c->fail.why = "no cgroup v2 hierarchy is mounted";
		return -1;
	}
	snprintf(s->path, sizeof s->path, "%s%s", mnt, strcmp(self, "/") == 0 ? "" : self);
	remove_stale(s->path);
	snprintf(s->path + strlen(s->path), sizeof s->path - strlen(s->path), "/spawncost-%d",
		 (int)getpid());
	if (mkdir(s->path, 0755) != 0 || (s->fd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err = errno;
		rmdir(s->path);
		book_free(s, sizeof *s);
		spawn_failed(c, FAIL_ERRNO, err, "mkdir");
		c->fail.why = "needs a writable cgroup v2 folder (root, or a delegated cgroup)";
		return -1;
	}
	c->state = s;
	guard_dir(s->path);	/* removed even if a second signal leaves at once */
	return 0;
}

static void cgroup_teardown(struct spawn_ctx *c, const struct method *m)
{
	struct cgroup_state *s = c->state;

	(void)m;
	if (!s)
		return;
	close(s->fd);
	guard_dir(NULL);
	/* The last child is reaped, but the kernel may take a moment to
	 * notice the cgroup is empty. */
	for (int i = 0; i < 100 && rmdir(s->path) != 0 && errno == EBUSY; i++)
		usleep(1000);
	book_free(s, sizeof *s);
	c->state = NULL;
}

const struct method method_clone3_pidfd = {
	.name = "clone3-pidfd",
	.summary = "clone3() returning a pidfd; the child _exit(0)s; waitid(P_PIDFD)",
	.syscall = "clone3(CLONE_PIDFD, exit_signal=SIGCHLD)",
	.group = "clone3",
	.flags = CLONE_PIDFD,
	.once = HOOK(clone3_once),
};

const struct method method_clone3_clear_sighand = {
	.name = "clone3-clear-sighand",
	.summary = "clone3() resetting signal handlers in the child; _exit(0); waitid(P_PIDFD)",
	.syscall = "clone3(CLONE_PIDFD|CLONE_CLEAR_SIGHAND, exit_signal=SIGCHLD)",
	.group = "clone3",
	.flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND,
	.once = HOOK(clone3_once),
};

const struct method method_clone3_into_cgroup = {
	.name = "clone3-into-cgroup",
	.summary = "clone3() placing the child in a cgroup v2 folder made for the cell; "
		   "_exit(0); waitid(P_PIDFD)",
	.syscall = "clone3(CLONE_PIDFD|CLONE_INTO_CGROUP, exit_signal=SIGCHLD)",
	.group = "clone3",
	.flags = CLONE_PIDFD | CLONE_INTO_CGROUP,
	.setup = HOOK(cgroup_setup),
	.teardown = HOOK(cgroup_teardown),
	.once = HOOK(clone3_once),
};

const struct method method_clone3_vfork_exec = {
	.name = "clone3-vfork-exec",
	.summary = "clone3() sharing memory, parent held until exec, with a pidfd; the child "
		   "execve()s the target; waitid(P_PIDFD)",
	.syscall = "clone3(CLONE_VM|CLONE_VFORK|CLONE_PIDFD, exit_signal=SIGCHLD), execve",
	.group = "clone3",
	.execs = true,
	.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD,
	.once = HOOK(clone3_once),
};
