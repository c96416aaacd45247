/* The process every cell forks: the engine itself. What it holds is part of
 * what every timed fork copies, so it is settled before the sweep, bound to
 * the run's CPUs, and given one shared page (harness/engine/run.c uses
 * these once, in cmd_run). */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "book.h"
#include "parent.h"

/* How deep the run's own bookkeeping (progress lines, CSV rows, the spill)
 * goes into the stack; touched before the sweep (settle_parent). */
#define STACK_SETTLE (12 * 1024)

/* The CPUs the run may use less its --cpus, for the watchdog; empty when
 * unpinned or when nothing is left. */
void watchdog_cpus(const struct run_opts *o, cpu_set_t *away)
{
	CPU_ZERO(away);
	if (o->ncpus == 0 || sched_getaffinity(0, sizeof *away, away) != 0) {
		CPU_ZERO(away);
		return;
	}
	for (size_t i = 0; i < o->ncpus; i++)
		CPU_CLR(o->cpus[i], away);
}

/* The process every cell forks must be the same from the first window to
 * the last, so what would otherwise appear part-way through the run is put
 * in place before it:
 * - malloc's mmap threshold is fixed at a page (glibc raises it after each
 *   free of a mapped block, moving later blocks of that size into the heap,
 *   where they stay), so that only small blocks ever come from the heap;
 * - it never creates a thread: methods that do are measured in a child
 *   (harness/engine/isolate.c), since glibc forks a process that once had threads
 *   by a slower path for good, and keeps the thread's stack mapped;
 * - the stack is touched as deep as the run's own bookkeeping goes, so it
 *   does not grow in a later window;
 * - the run's own bookkeeping is in the engine's book (harness/engine/book.c),
 *   one shared mapping whose pages no fork copies (cmd_run);
 * - the window's loop runs on one stack page, below which the stack is given
 *   back before each window (on_one_stack_page, harness/common/memory.h).
 * Progress statistics and /proc readings use scratch mappings, unmapped
 * at once (harness/engine/cell.c, harness/common/memory.c). */
/* The lowest address of this thread's stack mapping, from /proc/self/maps
 * (read without stdio); 0 when it cannot be found. */
static uintptr_t stack_bottom(void)
{
	char buf[4096];
	size_t have = 0;
	uintptr_t lo = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
		char *line = buf, *nl;
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (strstr(line, "[stack]"))
				lo = (uintptr_t)strtoull(line, NULL, 16);
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
	}
	close(fd);
	return lo;
}

/* Give back the stack that parsing and setting up went through (path
 * buffers, the facts, env.txt), then touch as deep as the sweep's own
 * bookkeeping goes, so that the stack is as small as it can be and does not
 * grow in a later window. */
static void __attribute__((noinline)) settle_stack(void)
{
	volatile char deep[STACK_SETTLE];
	uintptr_t page = page_bytes(), lo = stack_bottom();
	/* Measured from this frame, not from deep (a compiler, or a
	 * sanitizer, may place it elsewhere): everything more than
	 * STACK_SETTLE and two pages below the frame is unused, and the
	 * madvise call's own frame is well above that. */
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
	uintptr_t keep = ((frame - STACK_SETTLE) & ~(page - 1)) - 2 * page;

	if (lo && keep > lo && keep < frame)
		madvise((void *)lo, keep - lo, MADV_DONTNEED);
	for (size_t i = 0; i < sizeof deep; i += 512)
		deep[i] = 0;
}

void settle_parent(void)
{
	mallopt(M_MMAP_THRESHOLD, 4096);	/* page-sized blocks and up: mapped and
						 * unmapped, never left in the heap */
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
	malloc_trim(0);	/* what parsing and checking left free */
	settle_stack();
	/* The progress line's number formatting, whose libc pages would
	 * otherwise first map in after the first window. */
	char line[64];
	snprintf(line, sizeof line, "%.2f %.1f%% %zu", 1.5, 0.5, (size_t)1);
	/* The clone methods' stack for children that share our memory, made
	 * now: a mapping that appears mid-run would change what fork copies. */
	child_stack(CLONE_VM);
}

/* Pin the run (and so every child) to --cpus. */
int bind_cpus(const struct run_opts *o)
{
	cpu_set_t set;

	if (o->ncpus == 0)
		return 0;
	CPU_ZERO(&set);
	for (size_t i = 0; i < o->ncpus; i++)
		CPU_SET(o->cpus[i], &set);
	return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : errno;
}

/* The page children leave results in (their CPU, cow-child's time, the
 * phases), whose second half is the watchdog's (harness/common/guard.h):
 * the first page of the engine's book (harness/engine/book.c), one shared
 * mapping for both and for the run's notes. A memory file, so that the
 * stamp target of --phases, after its exec, can still write to it through
 * the descriptor it inherits (its number is the target's argument). Every
 * fork copies this one mapping, in every cell alike: timed children write
 * to it only when an exec fails (its errno) or, for the copy-on-write
 * methods, their time. */
uint64_t *shared_page(struct run_opts *o)
{
	static char fdarg[16];
	int fd = -1;
	uint64_t *p = book_shared_page(o->phases, &fd);

	if (p && o->phases) {
		snprintf(fdarg, sizeof fdarg, "%d", fd);
		if (o->probe_target)
			o->probe_argv[1] = fdarg;
	}
	return p;
}

/* The folders of --path-dirs, made under /tmp and removed at the end. */
static char path_root[64];
static unsigned path_made;

int settle_path(const char *noop, unsigned k)
{
	const char *slash = strrchr(noop, '/');
	size_t cap = (size_t)k * (sizeof path_root + 12) + strlen(noop) + 1, used = 0;
	char *path = book_alloc(cap), dir[sizeof path_root + 12];

	if (!path || !slash)
		return ENOMEM;
	if (k) {
		snprintf(path_root, sizeof path_root, "%s", PATH_DIRS_ROOT);
		if (!mkdtemp(path_root))
			return errno;
	}
	for (path_made = 0; path_made < k; path_made++) {
		snprintf(dir, sizeof dir, "%s/%u", path_root, path_made);
		if (mkdir(dir, 0755) != 0)
			return errno;
		used += (size_t)snprintf(path + used, cap - used, "%s:", dir);
	}
	snprintf(path + used, cap - used, "%.*s", (int)(slash - noop), noop);
	/* setenv copies it into memory every fork copies, as any process's
	 * PATH is: a long PATH is part of the parent it is in */
	return setenv("PATH", path, 1) == 0 ? 0 : errno;
}

void remove_path_dirs(void)
{
	char dir[sizeof path_root + 12];

	while (path_made > 0) {
		snprintf(dir, sizeof dir, "%s/%u", path_root, --path_made);
		rmdir(dir);
	}
	if (path_root[0])
		rmdir(path_root);
	path_root[0] = '\0';
}

/* The descriptors of --fds, by number, in memory no fork child gets: the
 * child's file table is what is measured, not this list. */
static int *held;
static uint64_t nheld, held_bytes;

int fds_hold(uint64_t n)
{
	struct rlimit rl;
	int devnull, err = 0;

	if (n == 0)
		return 0;
	/* the descriptors already open, the ones held, and a margin for the
	 * run's own (a result file, the samples' spill) */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < n + 64 + 256) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || n + 64 + 256 < rl.rlim_max
				      ? n + 64 + 256 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	held_bytes = n * sizeof *held;
	held = book_alloc(held_bytes);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!held || devnull < 0) {
		err = held ? errno : ENOMEM;
		if (devnull >= 0)
			close(devnull);
		fds_release();
		return err;
	}
	held[nheld++] = devnull;
	while (nheld < n) {
		int fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			fds_release();
			return err;
		}
		held[nheld++] = fd;
	}
	return 0;
}

void fds_release(void)
{
	while (nheld > 0)
		close(held[--nheld]);
	if (held)
		book_free(held, held_bytes);
	held = NULL;
}
