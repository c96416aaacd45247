/* Unit tests for harness/engine/book.c: the engine's bookkeeping memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "book.h"
#include "memory.h"

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_blocks_are_zeroed_pages_in_the_book(void **state)
{
	char *a, *b;

	(void)state;
	a = book_alloc(100);
	b = book_alloc(3 * page_bytes() + 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(book_holds((uintptr_t)a));
	assert_true(book_holds((uintptr_t)b));
	assert_int_equal((uintptr_t)a % page_bytes(), 0);
	assert_true(b >= a + page_bytes() || a >= b + 4 * page_bytes());
	assert_true(all_zero(b, 4 * page_bytes()));
	book_free(a, 100);
	book_free(b, 3 * page_bytes() + 1);
}

/* A freed block is handed out again, and reads zero. */
static void test_freed_block_comes_back_zeroed(void **state)
{
	char *keep, *a, *again;

	(void)state;
	keep = book_alloc(page_bytes());
	a = book_alloc(2 * page_bytes());
	book_alloc(page_bytes());	/* after a: a's block is a hole, not the top */
	memset(a, 0x5a, 2 * page_bytes());
	book_free(a, 2 * page_bytes());
	again = book_alloc(2 * page_bytes());
	assert_ptr_equal(again, a);
	assert_true(all_zero(again, 2 * page_bytes()));
	assert_non_null(keep);
}

/* Neighbouring holes join: two freed pages take a two-page block. */
static void test_holes_join(void **state)
{
	char *x, *y, *z, *two;

	(void)state;
	x = book_alloc(page_bytes());
	y = book_alloc(page_bytes());
	z = book_alloc(page_bytes());
	book_alloc(page_bytes());
	book_free(y, page_bytes());
	book_free(x, page_bytes());
	two = book_alloc(2 * page_bytes());
	assert_ptr_equal(two, x);
	assert_non_null(z);
}

static void test_grow_keeps_the_contents(void **state)
{
	uint64_t *p, *q;

	(void)state;
	p = book_alloc(1000 * sizeof *p);
	for (int i = 0; i < 1000; i++)
		p[i] = (uint64_t)i * 7;
	q = book_grow(p, 1000 * sizeof *q, 100000 * sizeof *q);
	assert_non_null(q);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(q[i], (uint64_t)i * 7);
	assert_true(all_zero((char *)(q + 1000), 99000 * sizeof *q));
}

/* The shared page is the book's first page, shared with a fork child. */
static void test_shared_page_is_shared(void **state)
{
	int fd = -1, status;
	uint64_t *page = book_shared_page(false, &fd);
	pid_t pid;

	(void)state;
	assert_non_null(page);
	assert_true(book_holds((uintptr_t)page));
	assert_int_equal(fd, -1);
	page[1] = 0;
	pid = fork();
	if (pid == 0) {
		page[1] = 42;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(page[1], 42);
}

/* In a fork of the book's owner, blocks are private to that process: two
 * processes never hand out the same block. */
static void test_a_fork_maps_privately(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0) {
		char *p = book_alloc(page_bytes());
		_exit(p && !book_holds((uintptr_t)p) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_are_zeroed_pages_in_the_book),
		cmocka_unit_test(test_freed_block_comes_back_zeroed),
		cmocka_unit_test(test_holes_join),
		cmocka_unit_test(test_grow_keeps_the_contents),
		cmocka_unit_test(test_shared_page_is_shared),
		cmocka_unit_test(test_a_fork_maps_privately),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
