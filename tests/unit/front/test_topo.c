/* Pair selection for --pin and the checks of --cpus, on synthetic hwloc
 * topologies: the shapes of big machines, of this 2-core VM, and of the odd
 * ones (no caches, CPUs a cgroup keeps away, an offline CPU). The CPUs
 * expected are worked out from hwloc's numbering: in "pack:2 numa:2 l3:2
 * core:4 pu:2", PU P#2k and P#2k+1 are core k, 8 PUs share each L3 and 16
 * each NUMA node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "topo.h"

static hwloc_topology_t synth(const char *desc)
{
	hwloc_topology_t t;

	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_set_synthetic(t, desc), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	return t;
}

/* A policy picks n CPUs, a then b. */
static void picks(const char *desc, const char *policy, int n, int a, int b)
{
	hwloc_topology_t t = synth(desc);
	int cpus[2] = { -1, -1 }, ncpus = -1;
	char err[512] = "";

	if (pin_select(t, policy, cpus, &ncpus, err, sizeof err))
		fail_msg("%s on '%s' refused: %s", policy, desc, err);
	assert_int_equal(ncpus, n);
	if (n > 0)
		assert_int_equal(cpus[0], a);
	if (n > 1)
		assert_int_equal(cpus[1], b);
	hwloc_topology_destroy(t);
}

/* A policy is refused with exactly this line. */
static void refuses(const char *desc, const char *policy, const char *why)
{
	hwloc_topology_t t = synth(desc);
	int cpus[2], ncpus = -1;
	char err[512] = "";

	assert_int_equal(pin_select(t, policy, cpus, &ncpus, err, sizeof err), -1);
	assert_int_equal(ncpus, 0);
	assert_string_equal(err, why);
	hwloc_topology_destroy(t);
}

#define BIG "pack:2 numa:2 l3:2 core:4 pu:2"

/* Two packages of two NUMA nodes of two L3s of four 2-thread cores: every
 * policy can be had, and each keeps away from CPU 0. */
static void test_big_machine(void **state)
{
	(void)state;
	picks(BIG, "none", 0, 0, 0);
	picks(BIG, "same", 1, 62, 0);	/* the last core's first PU */
	picks(BIG, "smt", 2, 62, 63);	/* the last core's two threads */
	picks(BIG, "core", 2, 60, 62);	/* the last L3's last two cores */
	picks(BIG, "numa", 2, 14, 62);	/* node 0 (0-15) and node 3 (48-63) */
}

/* This VM as hwloc sees it, and the bare shape of it: two cores, one thread
 * each, one NUMA node. */
static void test_this_vm(void **state)
{
	(void)state;
	picks("pack:1 l3:1 core:2 pu:1", "same", 1, 1, 0);
	picks("pack:1 l3:1 core:2 pu:1", "core", 2, 0, 1);
	refuses("pack:1 l3:1 core:2 pu:1", "smt",
		"no SMT: 1 package, 1 NUMA node, 2 cores, 2 PUs, 1 L3; try --pin same or core");
	refuses("pack:1 l3:1 core:2 pu:1", "numa",
		"only 1 NUMA node: 1 package, 1 NUMA node, 2 cores, 2 PUs, 1 L3; "
		"try --pin same or core");

	picks("core:2 pu:1", "none", 0, 0, 0);
	picks("core:2 pu:1", "same", 1, 1, 0);
	/* hwloc knows no cache here: nothing says the cores do not share one. */
	picks("core:2 pu:1", "core", 2, 0, 1);
	refuses("core:2 pu:1", "smt",
		"no SMT: 0 packages, 1 NUMA node, 2 cores, 2 PUs, 0 L3s; try --pin same or core");
	refuses("core:2 pu:1", "numa",
		"only 1 NUMA node: 0 packages, 1 NUMA node, 2 cores, 2 PUs, 0 L3s; "
		"try --pin same or core");
}

/* Two L3s in one package: core picks two cores under the same one. */
static void test_two_l3(void **state)
{
	(void)state;
	picks("pack:1 l3:2 core:2 pu:2", "same", 1, 6, 0);
	picks("pack:1 l3:2 core:2 pu:2", "smt", 2, 6, 7);
	picks("pack:1 l3:2 core:2 pu:2", "core", 2, 4, 6);
	refuses("pack:1 l3:2 core:2 pu:2", "numa",
		"only 1 NUMA node: 1 package, 1 NUMA node, 4 cores, 8 PUs, 2 L3s; "
		"try --pin same, smt or core");
}

/* Two NUMA nodes without SMT or caches. */
static void test_two_nodes(void **state)
{
	(void)state;
	picks("numa:2 core:2 pu:1", "same", 1, 3, 0);
	picks("numa:2 core:2 pu:1", "core", 2, 2, 3);
	picks("numa:2 core:2 pu:1", "numa", 2, 1, 3);
	refuses("numa:2 core:2 pu:1", "smt",
		"no SMT: 0 packages, 2 NUMA nodes, 4 cores, 4 PUs, 0 L3s; "
		"try --pin same, core or numa");
}

/* Cores that share no cache, with and without caches known. */
static void test_no_shared_cache(void **state)
{
	(void)state;
	refuses("pack:2 l3:1 core:1 pu:2", "core",
		"no two cores share a last-level cache: 2 packages, 1 NUMA node, 2 cores, 4 PUs, "
		"2 L3s; try --pin same or smt");
	/* No caches known: two packages still do not share one. */
	refuses("pack:2 core:1 pu:1", "core",
		"no two cores share a last-level cache: 2 packages, 1 NUMA node, 2 cores, 2 PUs, "
		"0 L3s; try --pin same");
	/* Private L2s under a shared L3: the L3 is the last level. */
	picks("pack:1 l3:1 l2:2 core:1 pu:1", "core", 2, 0, 1);
}

static void test_one_cpu(void **state)
{
	(void)state;
	picks("core:1 pu:1", "same", 1, 0, 0);
	refuses("core:1 pu:1", "core",
		"only 1 core: 0 packages, 1 NUMA node, 1 core, 1 PU, 0 L3s; try --pin same");
	refuses("core:1 pu:1", "smt",
		"no SMT: 0 packages, 1 NUMA node, 1 core, 1 PU, 0 L3s; try --pin same");
	refuses("core:1 pu:1", "numa",
		"only 1 NUMA node: 0 packages, 1 NUMA node, 1 core, 1 PU, 0 L3s; try --pin same");
}

/* The CPUs are the kernel's numbers (os_index), not hwloc's logical ones:
 * here the threads of core 1 are CPUs 1 and 3, as Linux numbers SMT. */
static void test_os_indexes(void **state)
{
	(void)state;
	picks("core:2 pu:2(indexes=0,2,1,3)", "same", 1, 1, 0);
	picks("core:2 pu:2(indexes=0,2,1,3)", "smt", 2, 1, 3);
	picks("core:2 pu:2(indexes=0,2,1,3)", "core", 2, 0, 1);
}

static void test_unknown_policy(void **state)
{
	(void)state;
	refuses("core:2 pu:1", "fast", "unknown --pin policy 'fast': none, same, smt, core or numa");
	refuses("core:2 pu:1", "", "unknown --pin policy '': none, same, smt, core or numa");
}

/* A topology where a cgroup lets this process use only some CPUs. */
static hwloc_topology_t synth_allowed(const char *desc, unsigned first, unsigned last)
{
	hwloc_topology_t t;
	hwloc_bitmap_t set = hwloc_bitmap_alloc();

	assert_non_null(set);
	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_set_synthetic(t, desc), 0);
	assert_int_equal(hwloc_topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	hwloc_bitmap_set_range(set, first, last);
	assert_int_equal(hwloc_topology_allow(t, set, NULL, HWLOC_ALLOW_FLAG_CUSTOM), 0);
	hwloc_bitmap_free(set);
	return t;
}

/* Only CPUs 0-3 of 0-7 (cores 0 and 1): picks stay inside, refusals say so. */
static void test_allowed_only(void **state)
{
	hwloc_topology_t t = synth_allowed("numa:2 core:2 pu:2", 0, 3);
	int cpus[2], n;
	char err[512];

	(void)state;
	assert_int_equal(pin_select(t, "same", cpus, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(pin_select(t, "smt", cpus, &n, err, sizeof err), 0);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[1], 3);
	assert_int_equal(pin_select(t, "core", cpus, &n, err, sizeof err), 0);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 2);
	assert_int_equal(pin_select(t, "numa", cpus, &n, err, sizeof err), -1);
	assert_string_equal(err, "no two NUMA nodes with CPUs of their own: 0 packages, "
				 "2 NUMA nodes, 2 cores, 4 PUs, 0 L3s (this process may use "
				 "CPUs 0-3 of 0-7); try --pin same, smt or core");
	assert_int_equal(pin_check_cpus(t, "5", cpus, &n, err, sizeof err), -1);
	assert_string_equal(err, "--cpus: CPU 5 is not allowed to this process (cgroup cpuset): "
				 "it may use CPUs 0-3");
	assert_int_equal(n, 0);
	assert_int_equal(pin_check_cpus(t, "3,1", cpus, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	hwloc_topology_destroy(t);
}

/* --cpus as the user writes it: the order given is kept. */
static void test_cpus_good(void **state)
{
	hwloc_topology_t t = synth("core:2 pu:2");
	int cpus[2] = { -1, -1 }, n = -1;
	char err[256], out[16];

	(void)state;
	assert_int_equal(pin_check_cpus(t, "3", cpus, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cpus[0], 3);
	pin_format(cpus, n, out, sizeof out);
	assert_string_equal(out, "3");
	assert_int_equal(pin_check_cpus(t, "2,0", cpus, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[1], 0);
	pin_format(cpus, n, out, sizeof out);
	assert_string_equal(out, "2,0");
	pin_format(cpus, 0, out, sizeof out);
	assert_string_equal(out, "");
	hwloc_topology_destroy(t);
}

static void cpus_refused(hwloc_topology_t t, const char *list, const char *why)
{
	int cpus[2], n = -1;
	char err[256] = "";

	assert_int_equal(pin_check_cpus(t, list, cpus, &n, err, sizeof err), -1);
	assert_int_equal(n, 0);
	assert_string_equal(err, why);
}

static void test_cpus_bad(void **state)
{
	hwloc_topology_t t = synth("core:2 pu:2");

	(void)state;
	cpus_refused(t, "4", "--cpus: no CPU 4: this machine has CPUs 0-3");
	cpus_refused(t, "1,9", "--cpus: no CPU 9: this machine has CPUs 0-3");
	cpus_refused(t, "1,1", "--cpus 1,1 names CPU 1 twice: give one CPU, or two different ones");
	cpus_refused(t, "0,1,2", "--cpus takes one or two CPU numbers, A or A,B, not '0,1,2'");
	cpus_refused(t, "", "--cpus takes one or two CPU numbers, A or A,B, not ''");
	cpus_refused(t, "x", "--cpus takes one or two CPU numbers, A or A,B, not 'x'");
	cpus_refused(t, "-1", "--cpus takes one or two CPU numbers, A or A,B, not '-1'");
	cpus_refused(t, "+1", "--cpus takes one or two CPU numbers, A or A,B, not '+1'");
	cpus_refused(t, " 1", "--cpus takes one or two CPU numbers, A or A,B, not ' 1'");
	cpus_refused(t, "1 ", "--cpus takes one or two CPU numbers, A or A,B, not '1 '");
	cpus_refused(t, "1,", "--cpus takes one or two CPU numbers, A or A,B, not '1,'");
	cpus_refused(t, ",1", "--cpus takes one or two CPU numbers, A or A,B, not ',1'");
	cpus_refused(t, "0x1", "--cpus takes one or two CPU numbers, A or A,B, not '0x1'");
	cpus_refused(t, "99999999999",
		     "--cpus takes one or two CPU numbers, A or A,B, not '99999999999'");
	cpus_refused(t, NULL, "--cpus takes one or two CPU numbers, A or A,B, not ''");
	hwloc_topology_destroy(t);
}

/* CPU 2 exists (complete cpuset) but is offline (not in the topology). */
static const char offline_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
	"<topology version=\"2.0\">\n"
	" <object type=\"Machine\" os_index=\"0\" cpuset=\"0x3\" complete_cpuset=\"0x7\""
	" allowed_cpuset=\"0x7\" nodeset=\"0x1\" complete_nodeset=\"0x1\""
	" allowed_nodeset=\"0x1\" gp_index=\"1\">\n"
	"  <object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x3\" complete_cpuset=\"0x7\""
	" nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"2\" local_memory=\"1073741824\"/>\n"
	"  <object type=\"Core\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\""
	" nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"3\">\n"
	"   <object type=\"PU\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\""
	" nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"4\"/>\n"
	"  </object>\n"
	"  <object type=\"Core\" os_index=\"1\" cpuset=\"0x2\" complete_cpuset=\"0x2\""
	" nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"5\">\n"
	"   <object type=\"PU\" os_index=\"1\" cpuset=\"0x2\" complete_cpuset=\"0x2\""
	" nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"6\"/>\n"
	"  </object>\n"
	" </object>\n"
	"</topology>\n";

static void test_cpus_offline(void **state)
{
	hwloc_topology_t t;
	int cpus[2], n;
	char err[256];

	(void)state;
	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_set_xmlbuffer(t, offline_xml, (int)sizeof offline_xml), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	cpus_refused(t, "0,2", "--cpus: CPU 2 is offline: online CPUs are 0-1");
	cpus_refused(t, "3", "--cpus: no CPU 3: this machine has CPUs 0-2");
	assert_int_equal(pin_check_cpus(t, "1,0", cpus, &n, err, sizeof err), 0);
	/* Picks never land on it. */
	assert_int_equal(pin_select(t, "same", cpus, &n, err, sizeof err), 0);
	assert_int_equal(cpus[0], 1);
	hwloc_topology_destroy(t);
}

/* env.txt's lines, for the big machine and for a restricted one. */
static void test_facts(void **state)
{
	hwloc_topology_t t = synth(BIG);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	topo_facts(t, f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "topo_packages=2\n"
				 "topo_numa_nodes=4\n"
				 "topo_cores=32\n"
				 "topo_pus=64\n"
				 "topo_l3_caches=8\n"
				 "topo_smt=yes\n"
				 "topo_cpus_allowed=0-63\n"
				 "topo_summary=2 packages, 4 NUMA nodes, 32 cores, 64 PUs, 8 L3s\n");
	free(buf);
	hwloc_topology_destroy(t);

	t = synth_allowed("pack:1 l3:1 core:2 pu:1", 1, 1);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	topo_facts(t, f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "topo_packages=1\n"
				 "topo_numa_nodes=1\n"
				 "topo_cores=1\n"
				 "topo_pus=1\n"
				 "topo_l3_caches=1\n"
				 "topo_smt=no\n"
				 "topo_cpus_allowed=1\n"
				 "topo_summary=1 package, 1 NUMA node, 1 core, 1 PU, 1 L3 "
				 "(this process may use CPUs 1 of 0-1)\n");
	free(buf);
	hwloc_topology_destroy(t);
}

/* topo_load trusts only this system: a synthetic topology named in the
 * environment is refused, the real one loads. */
static void test_load_this_system(void **state)
{
	hwloc_topology_t t;
	char err[256] = "";

	(void)state;
	assert_int_equal(setenv("HWLOC_SYNTHETIC", "core:2 pu:2", 1), 0);
	assert_int_equal(topo_load(&t, err, sizeof err), -1);
	assert_string_equal(err, "hwloc's topology is not this system's (HWLOC_SYNTHETIC set); "
				 "unset it to pin or describe this machine");
	assert_int_equal(unsetenv("HWLOC_SYNTHETIC"), 0);
	if (topo_load(&t, err, sizeof err))
		fail_msg("topo_load: %s", err);
	assert_true(hwloc_topology_is_thissystem(t));
	hwloc_topology_destroy(t);
}

/* --parallel's order: the first n CPUs spawners take under a policy. */
static void order(const char *desc, const char *policy, const int *want, size_t n)
{
	hwloc_topology_t t = synth(desc);
	int cpus[64];
	size_t got = 0;
	char err[512] = "";

	if (pin_order(t, policy, cpus, 64, &got, err, sizeof err))
		fail_msg("%s on '%s' refused: %s", policy, desc, err);
	assert_true(got >= n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cpus[i], want[i]);
	hwloc_topology_destroy(t);
}

static void test_parallel_order(void **state)
{
	(void)state;
	/* one PU per core from the last core, then each core's second PU */
	order(BIG, "core", (const int[]){ 62, 60, 58, 56, 54, 52, 50, 48, 46 }, 9);
	order(BIG, "same", (const int[]){ 62, 60 }, 2);
	{
		hwloc_topology_t t = synth(BIG);
		int cpus[64];
		size_t got = 0;
		char err[512];

		assert_int_equal(pin_order(t, "core", cpus, 64, &got, err, sizeof err), 0);
		assert_int_equal(got, 64);	/* every PU, once */
		assert_int_equal(cpus[31], 0);
		assert_int_equal(cpus[32], 63);
		assert_int_equal(cpus[63], 1);
		hwloc_topology_destroy(t);
	}
	/* smt: a core's two PUs together */
	order(BIG, "smt", (const int[]){ 62, 63, 60, 61 }, 4);
	/* numa: the core order dealt over the four nodes of sixteen PUs */
	order(BIG, "numa", (const int[]){ 14, 30, 46, 62, 12, 28, 44, 60 }, 8);
	/* this VM: two cores of one PU */
	order("pack:1 core:2 pu:1", "core", (const int[]){ 1, 0 }, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_machine),
		cmocka_unit_test(test_parallel_order),
		cmocka_unit_test(test_this_vm),
		cmocka_unit_test(test_two_l3),
		cmocka_unit_test(test_two_nodes),
		cmocka_unit_test(test_no_shared_cache),
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_os_indexes),
		cmocka_unit_test(test_unknown_policy),
		cmocka_unit_test(test_allowed_only),
		cmocka_unit_test(test_cpus_good),
		cmocka_unit_test(test_cpus_bad),
		cmocka_unit_test(test_cpus_offline),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_load_this_system),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
