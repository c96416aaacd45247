/* An independent timing loop for scripts/crosscheck. It shares no code with
 * the spawncost harness on purpose: if both agree, neither is measuring
 * itself.
 *
 * usage: crosscheck-loop METHOD RSS_MIB ITERATIONS TARGET
 * prints the median round trip in microseconds; for cow-child, the median
 * time the child takes to write every ballast page, in ns per page. */
#define _GNU_SOURCE
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *target;
static char *const args[] = { "spawncost-noop", NULL };
static char *const env[] = { "PATH=/usr/bin:/bin", NULL };

static void *nothing(void *p) { return p; }

static void die(const char *what) { perror(what); exit(1); }

static void check(pid_t pid)
{
	int st;
	if (pid < 0) die("spawn");
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "child failed\n");
		exit(1);
	}
}

static char *ballast;
static size_t ballast_bytes;
static int cow_pipe[2];

/* cow-child: the child stores one byte in each page of the inherited
 * ballast (a store only, as spawncost's walk: a load first would take a
 * read-only TLB entry before the write fault), timing itself, and sends the
 * time back. */
static long long cow_child(void)
{
	long long ns;
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (size_t i = 0; i < ballast_bytes; i += 4096)
			((volatile char *)ballast)[i] = (char)(i >> 12);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
		if (write(cow_pipe[1], &ns, sizeof ns) != sizeof ns)
			_exit(1);
		_exit(0);
	}
	check(pid);
	if (read(cow_pipe[0], &ns, sizeof ns) != sizeof ns)
		die("read");
	return ns;
}

static void once(const char *m)
{
	pid_t pid;
	if (!strcmp(m, "fork-exec")) {
		if ((pid = fork()) == 0) { execve(target, args, env); _exit(127); }
		check(pid);
	} else if (!strcmp(m, "vfork-exec")) {
		if ((pid = vfork()) == 0) { execve(target, args, env); _exit(127); }
		check(pid);
	} else if (!strcmp(m, "posix-spawn")) {
		if (posix_spawn(&pid, target, NULL, NULL, args, env)) die("posix_spawn");
		check(pid);
	} else if (!strcmp(m, "fork-exit")) {
		if ((pid = fork()) == 0) _exit(0);
		check(pid);
	} else if (!strcmp(m, "vfork-exit")) {
		if ((pid = vfork()) == 0) _exit(0);
		check(pid);
	} else if (!strcmp(m, "pthread")) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL)) die("pthread");
	} else {
		fprintf(stderr, "unknown method %s\n", m);
		exit(2);
	}
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 5) { fprintf(stderr, "usage: %s METHOD RSS_MIB N TARGET\n", argv[0]); return 2; }
	size_t bytes = (size_t)atol(argv[2]) << 20;
	int n = atoi(argv[3]);
	target = argv[4];

	if (bytes) {
		char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) die("mmap");
		madvise(p, bytes, MADV_NOHUGEPAGE);
		for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
		ballast = p;
		ballast_bytes = bytes;
	}
	if (!strcmp(argv[1], "cow-child")) {
		long long *w = malloc(sizeof *w * (size_t)n);
		if (!bytes || pipe(cow_pipe)) die("cow-child needs a ballast");
		for (int i = 0; i < 5; i++) cow_child();
		for (int i = 0; i < n; i++) w[i] = cow_child();
		qsort(w, (size_t)n, sizeof *w, by_value);
		printf("%.3f\n", (n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2.0) / (double)(bytes / 4096));
		return 0;
	}
	long long *t = malloc(sizeof *t * (size_t)n);
	for (int i = 0; i < 5; i++) once(argv[1]);
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		once(argv[1]);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	}
	qsort(t, (size_t)n, sizeof *t, by_value);
	printf("%.3f\n", (n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0) / 1000.0);
	return 0;
}
