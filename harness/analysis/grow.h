/* An array that grows as it is filled: the one doubling realloc of the
 * analysis' lists (history's runs, series, points and change points, a
 * run's claim ratios). */
#ifndef SPAWNCOST_GROW_H
#define SPAWNCOST_GROW_H

#include <stdlib.h>

/* Room in *(T **)array for element n (cap elements of size bytes
 * allocated so far; doubled when full). Returns 0, or -1 out of memory
 * with the array as it was. */
static inline int grow(void *array, size_t n, size_t *cap, size_t size)
{
	void **a = array, *v;
	size_t c = *cap ? 2 * *cap : 16;

	if (n < *cap)
		return 0;
	if (!(v = realloc(*a, c * size)))
		return -1;
	*a = v;
	*cap = c;
	return 0;
}

#endif
