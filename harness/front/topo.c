/* The machine's topology through hwloc, and the CPUs a --pin policy or a
 * --cpus list stands for. Nothing here reads /sys by hand: hwloc knows the
 * quirks (offline CPUs, cgroup cpusets, caches a hypervisor hides).
 *
 * Every pick is made from the cores this process may use (online, in its
 * cgroup's cpuset and in its CPU affinity: a run under taskset or in a
 * container must bind inside them), in hwloc's logical order, from the end. CPU 0 is where device interrupts land when
 * nothing spreads them, it carries housekeeping (timekeeping, unbound
 * kworkers), and isolation setups (isolcpus, nohz_full) usually leave it
 * out: a cell pinned there times that work too. Picking from the end keeps
 * off it whenever the machine allows. --cpus (topo_cpus.c) and the `topo`
 * command (topo_cmd.c) are beside this file. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

enum pin { PIN_NONE, PIN_SAME, PIN_SMT, PIN_CORE, PIN_NUMA, PINS };

static const char *const pin_names[PINS] = { "none", "same", "smt", "core", "numa" };

/* A core with up to its first two usable PUs. Where hwloc knows no cores
 * (some synthetic topologies), each PU is its own core. */
struct unit {
	hwloc_obj_t core;
	hwloc_obj_t pu[2];
};

struct ctx {
	hwloc_topology_t t;
	hwloc_bitmap_t usable;	/* online and allowed to this process */
	struct unit *u;
	int n;
};

static void ctx_close(struct ctx *c)
{
	hwloc_bitmap_free(c->usable);
	free(c->u);
}

void topo_usable(hwloc_topology_t t, hwloc_bitmap_t set)
{
	hwloc_bitmap_t bound = hwloc_bitmap_alloc();

	hwloc_bitmap_and(set, hwloc_topology_get_topology_cpuset(t),
			 hwloc_topology_get_allowed_cpuset(t));
	/* hwloc's allowed set is the cgroup's cpuset; taskset, numactl or a
	 * CI runner's share narrow the affinity further, and the engine may
	 * bind only inside it. A synthetic topology (the unit tests) has no
	 * process to ask. Affinity is per thread, and it is this thread's
	 * that the engine inherits. */
	if (bound && hwloc_topology_is_thissystem(t) &&
	    hwloc_get_cpubind(t, bound, HWLOC_CPUBIND_THREAD) == 0)
		hwloc_bitmap_and(set, set, bound);
	hwloc_bitmap_free(bound);
}

static int ctx_open(struct ctx *c, hwloc_topology_t t)
{
	int npu = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	hwloc_obj_t pu = NULL;

	c->t = t;
	c->n = 0;
	c->usable = hwloc_bitmap_alloc();
	c->u = calloc(npu > 0 ? (size_t)npu : 1, sizeof *c->u);
	if (!c->usable || !c->u) {
		ctx_close(c);
		return -1;
	}
	topo_usable(t, c->usable);
	/* Logical order is the tree's order, so a core's PUs come together. */
	while ((pu = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_PU, pu))) {
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, pu);

		if (!hwloc_bitmap_isset(c->usable, pu->os_index))
			continue;
		if (!core)
			core = pu;
		if (c->n > 0 && c->u[c->n - 1].core == core) {
			if (!c->u[c->n - 1].pu[1])
				c->u[c->n - 1].pu[1] = pu;
			continue;
		}
		c->u[c->n].core = core;
		c->u[c->n].pu[0] = pu;
		c->n++;
	}
	return 0;
}

/* Objects of a type that hold at least one usable CPU. */
static unsigned count(const struct ctx *c, hwloc_obj_type_t type)
{
	hwloc_obj_t o = NULL;
	unsigned k = 0;

	while ((o = hwloc_get_next_obj_by_type(c->t, type, o)))
		if (type == HWLOC_OBJ_NUMANODE
			    ? hwloc_bitmap_isset(hwloc_topology_get_allowed_nodeset(c->t),
						 o->os_index)
			    : hwloc_bitmap_intersects(o->cpuset, c->usable))
			k++;
	return k;
}

static const char *plural(unsigned k, const char *many)
{
	return k == 1 ? "" : many;
}

/* "1 package, 1 NUMA node, 2 cores, 2 PUs, 1 L3", and what this process may
 * use when that is less than the machine. */
static void summary(const struct ctx *c, char *buf, size_t len)
{
	unsigned pk = count(c, HWLOC_OBJ_PACKAGE), nn = count(c, HWLOC_OBJ_NUMANODE),
		 co = count(c, HWLOC_OBJ_CORE), l3 = count(c, HWLOC_OBJ_L3CACHE);
	unsigned pus = (unsigned)hwloc_bitmap_weight(c->usable);
	hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(c->t);
	int w = snprintf(buf, len, "%u package%s, %u NUMA node%s, %u core%s, %u PU%s, %u L3%s",
			 pk, plural(pk, "s"), nn, plural(nn, "s"), co, plural(co, "s"),
			 pus, plural(pus, "s"), l3, plural(l3, "s"));

	if (w > 0 && (size_t)w < len && !hwloc_bitmap_isequal(c->usable, all)) {
		char mine[128], of[128];

		hwloc_bitmap_list_snprintf(mine, sizeof mine, c->usable);
		hwloc_bitmap_list_snprintf(of, sizeof of, all);
		snprintf(buf + w, len - (size_t)w, " (this process may use CPUs %s of %s)",
			 mine, of);
	}
}

static int has_data_caches(hwloc_topology_t t)
{
	static const hwloc_obj_type_t caches[] = {
		HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
		HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE,
	};

	for (size_t i = 0; i < sizeof caches / sizeof caches[0]; i++)
		if (hwloc_get_nbobjs_by_type(t, caches[i]) > 0)
			return 1;
	return 0;
}

/* Two cores share a last-level cache when a data cache holds both, i.e. sits
 * at or above their common ancestor. A topology without any cache (hwloc
 * could not see them, or a synthetic one) says nothing against sharing, so
 * there two cores of one package count. */
static int share_llc(const struct ctx *c, hwloc_obj_t a, hwloc_obj_t b)
{
	if (!has_data_caches(c->t))
		return hwloc_get_ancestor_obj_by_type(c->t, HWLOC_OBJ_PACKAGE, a) ==
		       hwloc_get_ancestor_obj_by_type(c->t, HWLOC_OBJ_PACKAGE, b);
	for (hwloc_obj_t o = hwloc_get_common_ancestor_obj(c->t, a, b); o; o = o->parent)
		if (hwloc_obj_type_is_dcache(o->type))
			return 1;
	return 0;
}

/* The CPU to use inside a set: the first PU of the last core that has its
 * first PU there. */
static int cpu_in(const struct ctx *c, hwloc_const_bitmap_t set)
{
	for (int i = c->n - 1; i >= 0; i--)
		if (hwloc_bitmap_isset(set, c->u[i].pu[0]->os_index))
			return (int)c->u[i].pu[0]->os_index;
	return hwloc_bitmap_first(set);
}

/* The first NUMA node with usable CPUs, and the last one whose CPUs are
 * all different from its (nodes of one package's DRAM and HBM share CPUs:
 * they are not two places to run). */
static int pick_numa(const struct ctx *c, int cpus[2])
{
	hwloc_bitmap_t a = hwloc_bitmap_alloc(), b = hwloc_bitmap_alloc();
	hwloc_obj_t node = NULL;
	int rc = -1;

	if (!a || !b)
		goto out;
	while ((node = hwloc_get_next_obj_by_type(c->t, HWLOC_OBJ_NUMANODE, node))) {
		hwloc_bitmap_and(a, node->cpuset, c->usable);
		if (!hwloc_bitmap_iszero(a))
			break;
	}
	if (!node)
		goto out;
	for (int i = hwloc_get_nbobjs_by_type(c->t, HWLOC_OBJ_NUMANODE) - 1;
	     i > (int)node->logical_index; i--) {
		hwloc_obj_t o = hwloc_get_obj_by_type(c->t, HWLOC_OBJ_NUMANODE, (unsigned)i);

		hwloc_bitmap_and(b, o->cpuset, c->usable);
		if (!hwloc_bitmap_iszero(b) && !hwloc_bitmap_intersects(a, b)) {
			cpus[0] = cpu_in(c, a);
			cpus[1] = cpu_in(c, b);
			rc = 0;
			break;
		}
	}
out:
	hwloc_bitmap_free(a);
	hwloc_bitmap_free(b);
	return rc;
}

static int pick(const struct ctx *c, enum pin p, int cpus[2], int *ncpus)
{
	*ncpus = 0;
	if (p == PIN_NONE)
		return 0;
	if (c->n == 0)
		return -1;
	switch (p) {
	case PIN_SAME:
		cpus[0] = (int)c->u[c->n - 1].pu[0]->os_index;
		*ncpus = 1;
		return 0;
	case PIN_SMT:
		for (int i = c->n - 1; i >= 0; i--)
			if (c->u[i].pu[1]) {
				cpus[0] = (int)c->u[i].pu[0]->os_index;
				cpus[1] = (int)c->u[i].pu[1]->os_index;
				*ncpus = 2;
				return 0;
			}
		return -1;
	case PIN_CORE:
		/* Cores under one cache are neighbours in logical order. */
		for (int i = c->n - 1; i >= 1; i--)
			if (share_llc(c, c->u[i - 1].core, c->u[i].core)) {
				cpus[0] = (int)c->u[i - 1].pu[0]->os_index;
				cpus[1] = (int)c->u[i].pu[0]->os_index;
				*ncpus = 2;
				return 0;
			}
		return -1;
	case PIN_NUMA:
		if (pick_numa(c, cpus))
			return -1;
		*ncpus = 2;
		return 0;
	default:
		return -1;
	}
}

/* Why a policy cannot be had here. */
static const char *why_not(const struct ctx *c, enum pin p)
{
	if (c->n == 0)
		return "no CPU this process may use";
	switch (p) {
	case PIN_SMT:
		return "no SMT";
	case PIN_CORE:
		return c->n < 2 ? "only 1 core" : "no two cores share a last-level cache";
	case PIN_NUMA:
		return count(c, HWLOC_OBJ_NUMANODE) < 2 ? "only 1 NUMA node"
						      : "no two NUMA nodes with CPUs of their own";
	default:
		return "no CPU this process may use";
	}
}

/* "; try --pin same or core": the policies this machine does offer. */
static void alternatives(const struct ctx *c, enum pin asked, char *buf, size_t len)
{
	enum pin ok[PINS];
	int k = 0, cpus[2], n;
	size_t w = 0;

	buf[0] = '\0';
	for (enum pin p = PIN_SAME; p < PINS; p++)
		if (p != asked && pick(c, p, cpus, &n) == 0)
			ok[k++] = p;
	for (int i = 0; i < k && w < len; i++) {
		const char *sep = i == 0 ? "; try --pin " : i == k - 1 ? " or " : ", ";
		int r = snprintf(buf + w, len - w, "%s%s", sep, pin_names[ok[i]]);

		if (r < 0)
			break;
		w += (size_t)r;
	}
}

int pin_select(hwloc_topology_t topo, const char *policy, int cpus[2], int *ncpus,
	       char *err, size_t errlen)
{
	struct ctx c;
	enum pin p;
	char sum[512], alt[64];

	*ncpus = 0;
	for (p = PIN_NONE; p < PINS; p++)
		if (policy && strcmp(policy, pin_names[p]) == 0)
			break;
	if (p == PINS) {
		snprintf(err, errlen, "unknown --pin policy '%s': none, same, smt, core or numa",
			 policy ? policy : "");
		return -1;
	}
	if (p == PIN_NONE)
		return 0;
	if (ctx_open(&c, topo)) {
		snprintf(err, errlen, "--pin %s: out of memory", policy);
		return -1;
	}
	if (pick(&c, p, cpus, ncpus) == 0) {
		ctx_close(&c);
		return 0;
	}
	summary(&c, sum, sizeof sum);
	alternatives(&c, p, alt, sizeof alt);
	snprintf(err, errlen, "%s: %s%s", why_not(&c, p), sum, alt);
	ctx_close(&c);
	return -1;
}

void pin_why(hwloc_topology_t topo, char *buf, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	hwloc_const_bitmap_t online = hwloc_topology_get_topology_cpuset(topo);
	char mine[128], all[128];

	buf[0] = '\0';
	if (!set)
		return;
	topo_usable(topo, set);
	hwloc_bitmap_list_snprintf(mine, sizeof mine, set);
	hwloc_bitmap_list_snprintf(all, sizeof all, online);
	if (hwloc_bitmap_isequal(set, online))
		snprintf(buf, len, "from the end of CPUs %s, away from CPU 0's interrupts", mine);
	else
		snprintf(buf, len, "from CPUs %s, all that this process's affinity or cgroup "
			 "cpuset allows of %s", mine, all);
	hwloc_bitmap_free(set);
}

/* The usable PUs of unit u, in logical order, into out (at most max). */
static size_t unit_pus(const struct ctx *c, const struct unit *u, int *out, size_t max)
{
	hwloc_obj_t pu = NULL;
	size_t n = 0;

	if (u->core->type == HWLOC_OBJ_PU) {
		out[0] = (int)u->core->os_index;
		return 1;
	}
	while (n < max && (pu = hwloc_get_next_obj_inside_cpuset_by_type(c->t, u->core->cpuset,
									  HWLOC_OBJ_PU, pu)))
		if (hwloc_bitmap_isset(c->usable, pu->os_index))
			out[n++] = (int)pu->os_index;
	return n;
}

/* The NUMA node (logical index) of a PU, 0 where hwloc knows none. */
static unsigned node_of(const struct ctx *c, int cpu)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(c->t, (unsigned)cpu), o;

	for (o = pu; o; o = o->parent)
		if (o->memory_arity && o->memory_first_child &&
		    o->memory_first_child->type == HWLOC_OBJ_NUMANODE)
			return o->memory_first_child->logical_index;
	return 0;
}

int pin_order(hwloc_topology_t topo, const char *policy, int *cpus, size_t max, size_t *n,
	      char *err, size_t errlen)
{
	struct ctx c;
	int pus[64];
	size_t k, most = 0;
	bool pack = policy && strcmp(policy, "smt") == 0;

	*n = 0;
	if (ctx_open(&c, topo)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (c.n == 0) {
		snprintf(err, errlen, "no CPU this process may use");
		ctx_close(&c);
		return -1;
	}
	/* smt: each core's PUs together; otherwise one PU per core first,
	 * then the second PU of each, and so on */
	for (size_t pass = 0; pass == 0 || pass < most; pass++)
		for (int i = c.n - 1; i >= 0 && *n < max; i--) {
			k = unit_pus(&c, &c.u[i], pus, 64);
			if (k > most)
				most = k;
			if (pack)
				for (size_t j = 0; j < k && *n < max && pass == 0; j++)
					cpus[(*n)++] = pus[j];
			else if (pass < k)
				cpus[(*n)++] = pus[pass];
		}
	/* numa: the same order, dealt round-robin over the nodes */
	if (policy && strcmp(policy, "numa") == 0 && *n > 1) {
		int *sorted = calloc(*n, sizeof *sorted);
		bool *taken = calloc(*n, sizeof *taken);
		unsigned nodes = 0;
		size_t got = 0;

		for (size_t i = 0; i < *n; i++)
			if (node_of(&c, cpus[i]) + 1 > nodes)
				nodes = node_of(&c, cpus[i]) + 1;
		while (sorted && taken && got < *n)
			for (unsigned node = 0; node < nodes; node++)
				for (size_t i = 0; i < *n; i++)
					if (!taken[i] && node_of(&c, cpus[i]) == node) {
						taken[i] = true;
						sorted[got++] = cpus[i];
						break;
					}
		if (sorted && taken)
			memcpy(cpus, sorted, *n * sizeof *cpus);
		free(sorted);
		free(taken);
	}
	ctx_close(&c);
	return 0;
}

/* Which HWLOC_* variables point hwloc at another machine. */
static void elsewhere(char *buf, size_t len)
{
	static const char *const vars[] = { "HWLOC_XMLFILE", "HWLOC_SYNTHETIC",
					    "HWLOC_FSROOT", "HWLOC_CPUID_PATH",
					    "HWLOC_COMPONENTS" };
	size_t w = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof vars / sizeof vars[0] && w < len; i++)
		if (getenv(vars[i])) {
			int r = snprintf(buf + w, len - w, "%s%s", w ? ", " : "", vars[i]);

			if (r < 0)
				break;
			w += (size_t)r;
		}
}

int topo_load(hwloc_topology_t *topo, char *err, size_t errlen)
{
	char vars[128];

	if (hwloc_topology_init(topo)) {
		snprintf(err, errlen, "hwloc: cannot start a topology: %s", strerror(errno));
		return -1;
	}
	if (hwloc_topology_set_flags(*topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED) ||
	    hwloc_topology_load(*topo)) {
		snprintf(err, errlen, "hwloc: cannot read this machine's topology: %s",
			 strerror(errno));
		hwloc_topology_destroy(*topo);
		return -1;
	}
	/* CPU numbers from another machine's description would bind, silently,
	 * to whatever has those numbers here. */
	if (!hwloc_topology_is_thissystem(*topo)) {
		elsewhere(vars, sizeof vars);
		snprintf(err, errlen, "hwloc's topology is not this system's%s%s%s; unset it to "
				      "pin or describe this machine",
			 vars[0] ? " (" : "", vars, vars[0] ? " set)" : "");
		hwloc_topology_destroy(*topo);
		return -1;
	}
	return 0;
}

void topo_facts(hwloc_topology_t topo, FILE *f)
{
	struct ctx c;
	char sum[512], list[128];
	int smt = 0;

	if (ctx_open(&c, topo))
		return;
	for (int i = 0; i < c.n; i++)
		smt |= c.u[i].pu[1] != NULL;
	hwloc_bitmap_list_snprintf(list, sizeof list, c.usable);
	summary(&c, sum, sizeof sum);
	fprintf(f, "topo_packages=%u\n", count(&c, HWLOC_OBJ_PACKAGE));
	fprintf(f, "topo_numa_nodes=%u\n", count(&c, HWLOC_OBJ_NUMANODE));
	fprintf(f, "topo_cores=%u\n", count(&c, HWLOC_OBJ_CORE));
	fprintf(f, "topo_pus=%d\n", hwloc_bitmap_weight(c.usable));
	fprintf(f, "topo_l3_caches=%u\n", count(&c, HWLOC_OBJ_L3CACHE));
	fprintf(f, "topo_smt=%s\n", smt ? "yes" : "no");
	fprintf(f, "topo_cpus_allowed=%s\n", list);
	fprintf(f, "topo_summary=%s\n", sum);
	ctx_close(&c);
}
