/* libFuzzer target: the strict CSV reader that compare, export and report
 * read result files with. Any input must parse or be refused with a
 * reason, never crash, leak or read out of bounds; a parsed table must be
 * rectangular and its cells readable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_table t;
	char err[CSV_ERR_LEN];
	size_t total = 0;

	if (csv_parse((const char *)data, size, &t, err) != 0)
		return 0;
	for (size_t c = 0; c < t.ncols; c++)
		total += strlen(t.header[c]) + (size_t)csv_col(&t, t.header[c]);
	for (size_t r = 0; r < t.nrows; r++)
		for (size_t c = 0; c < t.ncols; c++)
			total += strlen(csv_cell(&t, r, (int)c));
	csv_table_free(&t);
	return total == (size_t)-1;
}
