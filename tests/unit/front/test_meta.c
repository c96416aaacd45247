/* `spawncost meta`: env.txt turned into meta.json and read back with
 * jansson. The facts of this machine (env_write, the same lines a run's
 * env.txt holds) must come out as valid JSON with the schema tag, integers
 * where the key is a count or knob and the whole value is a number, strings
 * everywhere else, byte for byte; anything not key=value is refused and no
 * meta.json appears. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "meta.h"

struct scratch {
	char dir[64];
	char env[128];
	char json[128];
};

static int make_scratch(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	if (!s)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/spawncost-test-meta-XXXXXX");
	if (!mkdtemp(s->dir)) {
		free(s);
		return -1;
	}
	snprintf(s->env, sizeof s->env, "%s/env.txt", s->dir);
	snprintf(s->json, sizeof s->json, "%s/meta.json", s->dir);
	*state = s;
	return 0;
}

static int drop_scratch(void **state)
{
	struct scratch *s = *state;
	char tmp[160];

	snprintf(tmp, sizeof tmp, "%s/.meta.json.tmp", s->dir);
	unlink(s->env);
	unlink(s->json);
	unlink(tmp);
	rmdir(s->dir);
	free(s);
	return 0;
}

static void write_env(const struct scratch *s, const char *text)
{
	FILE *f = fopen(s->env, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static json_t *load(const struct scratch *s)
{
	json_error_t e;
	json_t *j = json_load_file(s->json, 0, &e);

	if (!j)
		fail_msg("meta.json is not JSON: line %d: %s", e.line, e.text);
	assert_true(json_is_object(j));
	assert_string_equal(json_string_value(json_object_get(j, "schema")), META_SCHEMA);
	return j;
}

static const char *str(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_string(v))
		fail_msg("%s: not a string", key);
	return json_string_value(v);
}

static json_int_t num(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_integer(v))
		fail_msg("%s: not an integer", key);
	return json_integer_value(v);
}

/* This machine's facts, as a run writes them, make valid JSON with every key. */
static void test_this_machine(void **state)
{
	struct scratch *s = *state;
	FILE *f = fopen(s->env, "w");
	char cmdline[4096] = "", err[256];
	const char *irq;
	const char *key;
	json_t *j, *v;
	size_t keys = 0;

	assert_non_null(f);
	fprintf(f, "run_id=test\ncomplete=yes\n");
	env_write(f);
	env_write_load(f, "load_avg_start");
	env_write_load(f, "load_avg_end");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(meta_write(s->dir, err, sizeof err), 0);
	assert_int_equal(access(s->json, F_OK), 0);

	j = load(s);
	assert_int_equal(num(j, "cpu_count"), sysconf(_SC_NPROCESSORS_ONLN));
	assert_int_equal(num(j, "page_size"), sysconf(_SC_PAGESIZE));
	assert_true(num(j, "mem_total_kib") > 0);
	if (access("/proc/sys/kernel/randomize_va_space", R_OK) == 0)
		num(j, "randomize_va_space");
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof cmdline, f))
			cmdline[0] = '\0';
		fclose(f);
		cmdline[strcspn(cmdline, "\n")] = '\0';
		assert_string_equal(str(j, "kernel_cmdline"), cmdline);
	}
	str(j, "microcode");
	str(j, "isolated_cpus");
	str(j, "load_avg_start");
	irq = str(j, "irqbalance");
	assert_true(strcmp(irq, "running") == 0 || strcmp(irq, "not running") == 0);
	assert_string_equal(str(j, "complete"), "yes");
	json_object_foreach(j, key, v) {
		assert_true(json_is_string(v) || json_is_integer(v));
		keys++;
	}
	assert_true(keys > 20);
	json_decref(j);
}

/* Integers only for the count and knob keys, and only when the whole value is one. */
static void test_types(void **state)
{
	struct scratch *s = *state;
	char err[256];
	json_t *j;

	write_env(s, "cpu_count=12\npage_size=4096x\nperf_event_paranoid=-1\n"
		     "mem_total_kib= 5\ntopo_cores=8\ntopo_summary=2 packages\n"
		     "smt_active=1\nrandomize_va_space=\nload_avg=0.50 0.25 0.10\n"
		     "microcode=0x1000065\n");
	assert_int_equal(meta_write(s->dir, err, sizeof err), 0);
	j = load(s);
	assert_int_equal(num(j, "cpu_count"), 12);
	assert_string_equal(str(j, "page_size"), "4096x");
	assert_int_equal(num(j, "perf_event_paranoid"), -1);
	assert_string_equal(str(j, "mem_total_kib"), " 5");
	assert_int_equal(num(j, "topo_cores"), 8);
	assert_string_equal(str(j, "topo_summary"), "2 packages");
	assert_string_equal(str(j, "smt_active"), "1");
	assert_string_equal(str(j, "randomize_va_space"), "");
	assert_string_equal(str(j, "load_avg"), "0.50 0.25 0.10");
	assert_string_equal(str(j, "microcode"), "0x1000065");
	assert_int_equal(json_object_size(j), 11);
	json_decref(j);
}

/* Values keep every byte JSON can carry: quotes, backslashes, '=', tabs. */
static void test_escaping(void **state)
{
	struct scratch *s = *state;
	char err[256];
	json_t *j;

	write_env(s, "\n"
		     "kernel_cmdline=a=\"b c\" d\\e\tf\n"
		     "cpu_model=caf\xc3\xa9 \xff chip\n"
		     "last=no newline");
	assert_int_equal(meta_write(s->dir, err, sizeof err), 0);
	j = load(s);
	assert_string_equal(str(j, "kernel_cmdline"), "a=\"b c\" d\\e\tf");
	/* UTF-8 kept, the stray byte as \xff (jsontext.h) */
	assert_string_equal(str(j, "cpu_model"), "caf\xc3\xa9 \\xff chip");
	assert_string_equal(str(j, "last"), "no newline");
	json_decref(j);
}

static void expect_refused(struct scratch *s, const char *text, const char *reason)
{
	char err[256];

	if (text)
		write_env(s, text);
	assert_int_equal(meta_write(s->dir, err, sizeof err), -1);
	if (!strstr(err, reason))
		fail_msg("'%s' lacks '%s'", err, reason);
	assert_int_not_equal(access(s->json, F_OK), 0);
}

static void test_refusals(void **state)
{
	struct scratch *s = *state;

	expect_refused(s, NULL, "env.txt: No such file or directory");
	expect_refused(s, "", "env.txt: no key=value lines");
	expect_refused(s, "\n\n", "env.txt: no key=value lines");
	expect_refused(s, "host=a\nnot a fact\n", "env.txt: line 2: not key=value");
	expect_refused(s, "=value\n", "env.txt: line 1: not key=value");
	expect_refused(s, "host=a\ncpu_count=2\nhost=b\n", "env.txt: line 3: key 'host' given twice");
	expect_refused(s, "schema=x\n", "env.txt: line 1: the key 'schema' is meta.json's own");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_this_machine, make_scratch, drop_scratch),
		cmocka_unit_test_setup_teardown(test_types, make_scratch, drop_scratch),
		cmocka_unit_test_setup_teardown(test_escaping, make_scratch, drop_scratch),
		cmocka_unit_test_setup_teardown(test_refusals, make_scratch, drop_scratch),
	};
	return cmocka_run_group_tests_name("meta", tests, NULL, NULL);
}
