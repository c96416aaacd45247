/* Unit tests for harness/engine/handback.c: a window handed back from
 * another process through a memory file, whole, after a failed window,
 * and cut short (a process that died while writing it). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handback.h"

static int memfile(void)
{
	int fd = memfd_create("test-handback", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* A record of n samples (ns 1000 + i) and one probe, written by a child
 * process as a measuring process writes it. */
static void put_from_child(int fd, off_t at, size_t n, int rc)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct samples s;
		struct handback_head h = { .rc = rc, .n = rc ? 0 : n, .nprobe = rc ? 0 : 1 };

		if (samples_init(&s, n) || samples_reserve(&s, n, 1))
			_exit(3);
		for (size_t i = 0; i < n; i++) {
			s.ns[i] = 1000 + i;
			s.cpu[i] = (uint32_t)i;
		}
		s.probe[0].cpu = 7;
		if (rc)
			strcpy(h.res.error, "EAGAIN: fork failed");
		_exit(handback_put(fd, at, &h, &s) ? 4 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_whole_records_append(void **state)
{
	int fd = memfile();
	struct samples s;
	struct handback_head h;

	(void)state;
	put_from_child(fd, 0, 50, 0);
	put_from_child(fd, 1 << 20, 30, 0);
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(handback_take(fd, 0, &h, &s), 0);
	assert_int_equal(handback_take(fd, 1 << 20, &h, &s), 0);
	assert_int_equal(s.n, 80);
	assert_int_equal(s.nprobe, 2);
	assert_int_equal(s.ns[49], 1049);
	assert_int_equal(s.ns[50], 1000);
	assert_int_equal(s.cpu[79], 29);
	assert_int_equal(s.probe[1].cpu, 7);
	samples_free(&s);
	close(fd);
}

static void test_failed_window_brings_its_error(void **state)
{
	int fd = memfile();
	struct samples s;
	struct handback_head h;

	(void)state;
	put_from_child(fd, 0, 50, -1);
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(handback_take(fd, 0, &h, &s), 0);
	assert_int_equal(h.rc, -1);
	assert_string_equal(h.res.error, "EAGAIN: fork failed");
	assert_int_equal(s.n, 0);
	samples_free(&s);
	close(fd);
}

/* A process that died mid-record: the head says more than follows. */
static void test_short_record_fails(void **state)
{
	int fd = memfile();
	struct samples s;
	struct handback_head h;

	(void)state;
	put_from_child(fd, 0, 50, 0);
	assert_int_equal(ftruncate(fd, (off_t)(sizeof h + 20 * sizeof(uint64_t))), 0);
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(handback_take(fd, 0, &h, &s), -1);
	assert_int_equal(s.n, 0);
	samples_free(&s);
	close(fd);
}

/* A process that died before writing anything. */
static void test_empty_file_fails(void **state)
{
	int fd = memfile();
	struct samples s;
	struct handback_head h;

	(void)state;
	assert_int_equal(samples_init(&s, 0), 0);
	assert_int_equal(handback_take(fd, 0, &h, &s), -1);
	samples_free(&s);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_records_append),
		cmocka_unit_test(test_failed_window_brings_its_error),
		cmocka_unit_test(test_short_record_fails),
		cmocka_unit_test(test_empty_file_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
