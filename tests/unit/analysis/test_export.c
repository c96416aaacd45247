/* The JSON that `spawncost export` and `compare --format json` write, read
 * back with jansson and checked for the fields each consumer requires:
 *
 *   Google Benchmark (what tools/compare.py and github-action-benchmark's
 *   googlecpp reader use): context {date, host_name, executable, num_cpus,
 *   mhz_per_cpu, cpu_scaling_enabled, caches, load_avg, library_build_type};
 *   benchmarks[] {name, run_name, run_type, repetitions, threads,
 *   iterations, real_time, cpu_time, time_unit}, repetition_index on
 *   iterations, aggregate_name and aggregate_unit on aggregates
 *   (google/benchmark src/json_reporter.cc). One repetition per window, as
 *   --benchmark_repetitions writes them, and the aggregates over them
 *   (src/statistics.cc).
 *   github-action-benchmark customSmallerIsBetter: a non-empty array of
 *   {name: string, value: number, unit: string, range?: string,
 *   extra?: string} (its src/extract.ts, BenchmarkResult).
 *   Bencher Metric Format: {benchmark: {measure: {value: number,
 *   lower_value?: number, upper_value?: number}}} (bencher.dev BMF schema).
 *
 * Reads tests/fixtures/compare/ from the repository root, where make check
 * runs the unit programs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "export.h"

#define FX "tests/fixtures/compare/"

/* Run a command with stdout sent to a file and parse what it wrote. */
static json_t *run_json(int (*cmd)(int, char **), int argc, char **argv, int *status)
{
	char path[] = "/tmp/spawncost-test-export-XXXXXX";
	int fd = mkstemp(path), saved = dup(1);
	json_error_t e;
	json_t *j;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	assert_true(dup2(fd, 1) == 1);
	*status = cmd(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	j = json_load_file(path, 0, &e);
	if (!j && *status == 0)
		fail_msg("not JSON: %s at line %d: %s", path, e.line, e.text);
	unlink(path);
	return j;
}

static json_t *export(const char *dir, const char *format)
{
	char *argv[] = { "export", (char *)dir, "--format", (char *)format, NULL };
	int status;
	json_t *j = run_json(cmd_export, 4, argv, &status);

	assert_int_equal(status, 0);
	assert_non_null(j);
	return j;
}

static void has(json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		fail_msg("no key '%s'", key);
	if (!(json_typeof(v) == type || (type == JSON_REAL && json_is_number(v)) ||
	      (type == JSON_TRUE && json_is_boolean(v))))
		fail_msg("key '%s' has type %d, not %d", key, json_typeof(v), type);
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_gbench(void **state)
{
	json_t *j = export(FX "base", "gbench"), *ctx, *b, *e;
	const char *ctxkeys[] = { "date", "host_name", "executable", "library_build_type" };
	size_t i, iters = 0, aggs = 0;

	ctx = json_object_get(j, "context");
	assert_true(json_is_object(ctx));
	for (i = 0; i < 4; i++)
		has(ctx, ctxkeys[i], JSON_STRING);
	has(ctx, "num_cpus", JSON_INTEGER);
	has(ctx, "mhz_per_cpu", JSON_INTEGER);
	has(ctx, "cpu_scaling_enabled", JSON_TRUE);
	has(ctx, "caches", JSON_ARRAY);
	has(ctx, "load_avg", JSON_ARRAY);
	assert_string_equal(str(ctx, "date"), "2026-01-01T00:00:00+00:00");
	assert_string_equal(str(ctx, "host_name"), "fx");
	assert_string_equal(str(ctx, "kernel_release"), "6.1.0-fx");	/* env.txt, carried */

	b = json_object_get(j, "benchmarks");
	assert_true(json_is_array(b));
	json_array_foreach(b, i, e) {
		has(e, "name", JSON_STRING);
		has(e, "run_name", JSON_STRING);
		has(e, "run_type", JSON_STRING);
		has(e, "repetitions", JSON_INTEGER);
		has(e, "threads", JSON_INTEGER);
		has(e, "iterations", JSON_INTEGER);
		has(e, "real_time", JSON_REAL);
		has(e, "cpu_time", JSON_REAL);
		assert_string_equal(str(e, "time_unit"), "us");
		if (strcmp(str(e, "run_type"), "iteration") == 0) {
			has(e, "repetition_index", JSON_INTEGER);
			assert_string_equal(str(e, "name"), str(e, "run_name"));
			iters++;
		} else {
			assert_string_equal(str(e, "run_type"), "aggregate");
			has(e, "aggregate_name", JSON_STRING);
			has(e, "aggregate_unit", JSON_STRING);
			aggs++;
		}
	}
	assert_int_equal(iters, 4 * 10);	/* a repetition per window */
	assert_int_equal(aggs, 4 * 4);		/* mean, median, stddev, cv per cell */
	/* The first entry is fork-exec's first window, 150.335 us over 4
	 * round trips; the cell's median aggregate is its windows' median. */
	e = json_array_get(b, 0);
	assert_string_equal(str(e, "name"), "fork-exec/rss_mib:0/thp:off/pin:none");
	assert_true(num(e, "real_time") == 150.335);
	assert_int_equal(json_integer_value(json_object_get(e, "repetitions")), 10);
	assert_int_equal(json_integer_value(json_object_get(e, "repetition_index")), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "iterations")), 4);
	e = json_array_get(b, 9);
	assert_int_equal(json_integer_value(json_object_get(e, "repetition_index")), 9);
	e = json_array_get(b, 11);
	assert_string_equal(str(e, "name"), "fork-exec/rss_mib:0/thp:off/pin:none_median");
	assert_string_equal(str(e, "aggregate_name"), "median");
	assert_true(num(e, "real_time") == 149.831);
	assert_int_equal(json_integer_value(json_object_get(e, "iterations")), 10);
	e = json_array_get(b, 13);
	assert_string_equal(str(e, "aggregate_name"), "cv");
	assert_string_equal(str(e, "aggregate_unit"), "percentage");
	assert_true(num(e, "real_time") > 0 && num(e, "real_time") < 1);	/* a fraction */
	json_decref(j);
}

/* A run made before windows.csv has its windows from samples.csv's round
 * column: identical/ gives base's repetitions, to windows.csv's rounding. */
static void test_gbench_windows_from_rounds(void **state)
{
	json_t *a = export(FX "base", "gbench"), *b = export(FX "identical", "gbench");
	json_t *ba = json_object_get(a, "benchmarks"), *bb = json_object_get(b, "benchmarks");
	json_t *e;
	size_t i;

	assert_int_equal(json_array_size(ba), json_array_size(bb));
	json_array_foreach(ba, i, e) {
		json_t *f = json_array_get(bb, i);

		assert_string_equal(str(e, "name"), str(f, "name"));
		if (strcmp(str(e, "run_type"), "iteration") != 0)
			continue;
		assert_true(__builtin_fabs(num(e, "real_time") - num(f, "real_time")) <= 0.001);
		assert_int_equal(json_integer_value(json_object_get(f, "iterations")), 4);
	}
	json_decref(a);
	json_decref(b);
}

static void test_gbench_error_entry(void **state)
{
	json_t *j = export(FX "errored", "gbench"), *e;

	e = json_array_get(json_object_get(j, "benchmarks"), 0);
	assert_string_equal(str(e, "name"), "fork-exec/rss_mib:0/thp:off/pin:none");
	assert_true(json_is_true(json_object_get(e, "error_occurred")));
	assert_string_equal(str(e, "error_message"), "ENOEXEC: exec of the target failed");
	json_decref(j);
}

static void test_github_action_benchmark(void **state)
{
	json_t *j = export(FX "base", "github-action-benchmark"), *e;
	size_t i;

	assert_true(json_is_array(j));
	/* four cells, then the one claim ratio the run has both cells of */
	assert_int_equal(json_array_size(j), 5);
	json_array_foreach(j, i, e) {
		has(e, "name", JSON_STRING);
		has(e, "value", JSON_REAL);
		has(e, "range", JSON_STRING);
		has(e, "extra", JSON_STRING);
		assert_string_equal(str(e, "unit"), i < 4 ? "us" : "x");
		assert_non_null(strstr(str(e, "extra"), i < 4 ? "n: 40" : "rounds: 10"));
	}
	e = json_array_get(j, 2);
	assert_string_equal(str(e, "name"), "fork-exit/rss_mib:64/thp:off/pin:none");
	assert_true(num(e, "value") == 1907.611);	/* median_us */
	assert_string_equal(str(e, "range"), "95% CI 1900.574..1918.893");	/* ci_lo..ci_hi */
	e = json_array_get(j, 4);
	assert_string_equal(str(e, "name"), "ratio fork-exit/vfork-exit at 0 MiB");
	json_decref(j);
	/* Error cells are left out: three remain, and the ratio. */
	j = export(FX "errored", "github-action-benchmark");
	assert_int_equal(json_array_size(j), 4);
	json_decref(j);
}

static void test_bencher(void **state)
{
	json_t *j = export(FX "base", "bencher"), *m, *l;
	const char *name;

	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), 5);
	json_object_foreach(j, name, m) {
		l = json_object_get(m, strncmp(name, "ratio ", 6) ? "latency" : "ratio");
		assert_true(json_is_object(l));
		has(l, "value", JSON_REAL);
		has(l, "lower_value", JSON_REAL);
		has(l, "upper_value", JSON_REAL);
		assert_true(num(l, "lower_value") <= num(l, "value"));
		assert_true(num(l, "value") <= num(l, "upper_value"));
	}
	/* Nanoseconds, Bencher's latency unit: the median and its interval
	 * (ci_lo_us, ci_hi_us) x 1000. */
	l = json_object_get(json_object_get(j, "fork-exit/rss_mib:64/thp:off/pin:none"), "latency");
	assert_true(__builtin_fabs(num(l, "value") - 1907611) < 1e-6);
	assert_true(__builtin_fabs(num(l, "lower_value") - 1900574) < 1e-6);
	assert_true(__builtin_fabs(num(l, "upper_value") - 1918893) < 1e-6);
	json_decref(j);
}

static void test_variant_names(void **state)
{
	json_t *j = export(FX "variant-new", "bencher");

	assert_non_null(json_object_get(j, "fork-exit/rss_mib:64/thp:off/pin:none/variant:a"));
	assert_non_null(json_object_get(j, "fork-exit/rss_mib:64/thp:off/pin:none/variant:b"));
	json_decref(j);
}

static void test_compare_json(void **state)
{
	char *argv[] = { "compare", FX "base", FX "shift20", "--format", "json", NULL };
	int status;
	json_t *j = run_json(cmd_compare, 5, argv, &status), *c, *e;
	size_t i, regressions = 0;

	assert_int_equal(status, 1);
	assert_non_null(j);
	/* Machine differences come first. */
	assert_string_equal(json_object_iter_key(json_object_iter(j)), "env_differences");
	c = json_object_get(j, "cells");
	assert_int_equal(json_array_size(c), 4);
	json_array_foreach(c, i, e) {
		has(e, "ratio", JSON_REAL);
		has(e, "ratio_ci_lo", JSON_REAL);
		has(e, "ratio_ci_hi", JSON_REAL);
		has(e, "p", JSON_REAL);
		has(e, "u", JSON_REAL);
		assert_true(num(e, "ratio_ci_lo") <= num(e, "ratio"));
		assert_true(num(e, "ratio") <= num(e, "ratio_ci_hi"));
		if (strcmp(str(e, "verdict"), "regression") == 0) {
			assert_string_equal(str(e, "name"), "fork-exit/rss_mib:64/thp:off/pin:none");
			assert_int_equal(json_integer_value(json_object_get(e, "rss_mib")), 64);
			regressions++;
		}
	}
	assert_int_equal(regressions, 1);
	assert_int_equal(json_integer_value(json_object_get(j, "regressions")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "exit_status")), 1);
	has(j, "geomean_ratio", JSON_REAL);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gbench),
		cmocka_unit_test(test_gbench_windows_from_rounds),
		cmocka_unit_test(test_gbench_error_entry),
		cmocka_unit_test(test_github_action_benchmark),
		cmocka_unit_test(test_bencher),
		cmocka_unit_test(test_variant_names),
		cmocka_unit_test(test_compare_json),
	};
	return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
