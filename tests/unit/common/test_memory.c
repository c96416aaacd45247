/* Unit tests for harness/common/memory.c: the ballast's kinds, the page
 * size, and what a fork of this process copies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "book.h"
#include "memory.h"

static long rss(void)
{
	return proc_kib("/proc/self/status", "VmRSS");
}

static void test_page_size(void **state)
{
	(void)state;
	assert_int_equal(page_bytes(), (size_t)sysconf(_SC_PAGESIZE));
}

/* Resident KiB added by a ballast of mib MiB of this kind, and what fork
 * copies with it, against without. */
static void ballast(enum ballast_kind kind, size_t vmas, long *grew, struct footprint *with,
		    struct footprint *without)
{
	struct ballast b;
	long before = rss();

	assert_int_equal(fork_footprint(without), 0);
	assert_int_equal(ballast_make(&b, 8 * 1024, THP_OFF, kind, vmas), 0);
	assert_int_equal(b.nchunks, vmas);
	assert_int_equal(b.bytes, (size_t)8 << 20);
	*grew = rss() - before;
	assert_int_equal(fork_footprint(with), 0);
	ballast_free(&b);
}

/* The sanitizers map memory of their own as the process runs. */
static bool sanitized(void)
{
	return getenv("SPAWNCOST_SANITIZED") != NULL;
}

static void test_kinds(void **state)
{
	struct footprint with, without;
	long grew;

	(void)state;
	if (sanitized())
		skip();
	ballast(BALLAST_ANON, 1, &grew, &with, &without);
	assert_true(grew >= 8 * 1024 - 64);			/* every page written */
	assert_int_equal(with.maps, without.maps + 1);
	assert_true(with.rss_kib - without.rss_kib >= 8 * 1024 - 64);
	ballast(BALLAST_ANON, 4, &grew, &with, &without);
	assert_int_equal(with.maps, without.maps + 4);		/* 4 mappings, unmerged */
	ballast(BALLAST_UNTOUCHED, 1, &grew, &with, &without);
	assert_true(grew < 512);				/* mapped, not resident */
	ballast(BALLAST_DONTFORK, 1, &grew, &with, &without);
	assert_true(grew >= 8 * 1024 - 64);
	assert_int_equal(with.maps, without.maps);		/* fork leaves it out */
	assert_true(with.rss_kib - without.rss_kib < 256);
	ballast(BALLAST_WIPEONFORK, 1, &grew, &with, &without);
	assert_int_equal(with.maps, without.maps + 1);		/* copied, but not its pages */
	assert_true(with.rss_kib - without.rss_kib < 256);
	ballast(BALLAST_SHARED_FILE, 1, &grew, &with, &without);
	assert_int_equal(with.maps, without.maps + 1);
}

static void test_zero_is_nothing(void **state)
{
	struct ballast b;

	(void)state;
	assert_int_equal(ballast_make(&b, 0, THP_OFF, BALLAST_ANON, 1), 0);
	assert_int_equal(b.nchunks, 0);
	ballast_free(&b);
}

/* The engine's notes: once the book exists, a MiB more of them, written,
 * adds no mapping and no page to what fork copies. */
static void test_book_memory(void **state)
{
	struct footprint before, after;
	char *p;

	(void)state;
	if (sanitized())
		skip();
	book_free(book_alloc(1), 1);	/* the book itself */
	assert_int_equal(fork_footprint(&before), 0);
	p = book_alloc(1 << 20);
	assert_non_null(p);
	for (size_t i = 0; i < (1 << 20); i += 4096)
		p[i] = 1;
	assert_int_equal(fork_footprint(&after), 0);
	assert_int_equal(after.maps, before.maps);
	assert_true(after.rss_kib - before.rss_kib < 64);
}

/* Any shared mapping: fork copies the mapping, not its pages. */
static void test_shared_mapping(void **state)
{
	struct footprint before, after;
	char *p;

	(void)state;
	if (sanitized())
		skip();
	assert_int_equal(fork_footprint(&before), 0);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < (1 << 20); i += 4096)
		p[i] = 1;
	assert_int_equal(fork_footprint(&after), 0);
	assert_int_equal(after.maps, before.maps + 1);
	assert_true(after.rss_kib - before.rss_kib < 64);
	munmap(p, 1 << 20);
}

/* on_one_stack_page: whatever the caller's depth, fn's frame is near the
 * top of a page, with STACK_ONE_PAGE bytes below it in that page. */
static int where(void *out)
{
	volatile char here = 0;

	*(uintptr_t *)out = (uintptr_t)&here;
	return here + 7;
}

static int __attribute__((noinline)) from_depth(size_t depth)
{
	volatile char *pad = __builtin_alloca(depth + 1);
	uintptr_t at = 0;
	int rc;

	pad[0] = 0;
	rc = on_one_stack_page(where, &at);
	assert_int_equal(rc, 7);
	assert_true((at & (page_bytes() - 1)) >= STACK_ONE_PAGE - 64);
	return pad[0];
}

static void test_one_stack_page(void **state)
{
	(void)state;
	if (sanitized())
		skip();	/* ASan keeps locals on a stack of its own */
	for (size_t depth = 0; depth < 2 * page_bytes(); depth += 40)
		from_depth(depth);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_size),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_zero_is_nothing),
		cmocka_unit_test(test_book_memory),
		cmocka_unit_test(test_shared_mapping),
		cmocka_unit_test(test_one_stack_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
