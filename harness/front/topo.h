/* Where the parent and the child run: the machine's topology through hwloc,
 * and the CPUs each --pin policy or --cpus list stands for.
 *
 * Front end only: hwloc must never be linked into spawncost-measure (see
 * harness/front/launch.c). The front end loads the topology, picks the CPUs and
 * hands them to the engine as `--cpus A[,B]` (pin_format).
 *
 * CPUs are OS indexes (hwloc's os_index, the numbers taskset, sched_getcpu
 * and /proc/cpuinfo use), never hwloc's logical indexes. Error texts are one
 * line without a program prefix, for the caller to print after its own. */
#ifndef SPAWNCOST_TOPO_H
#define SPAWNCOST_TOPO_H

#include <stddef.h>
#include <stdio.h>

#include <hwloc.h>

/* Load this system's topology into *topo (disallowed CPUs included, so
 * pin_check_cpus can say why a CPU cannot be used). Refuses, returning -1
 * with *topo destroyed and err filled, when hwloc says the topology is not
 * this system's (HWLOC_XMLFILE, HWLOC_SYNTHETIC or HWLOC_FSROOT in the
 * environment): binding by another machine's numbers would pin to the wrong
 * CPUs without a word. 0 on success; the caller destroys *topo. */
int topo_load(hwloc_topology_t *topo, char *err, size_t errlen);

/* The CPUs of a --pin policy:
 *   none  nothing: *ncpus = 0.
 *   same  one PU for both: the last core's first PU (CPU 0 is left to
 *         interrupts and housekeeping).
 *   smt   two hardware threads of one core: the last core that has two.
 *   core  one PU (the first) on each of two cores sharing a last-level
 *         cache: the last two such cores.
 *   numa  one PU on each of two NUMA nodes with CPUs of their own: the first
 *         and the last such node, the last core's first PU in each.
 * cpus[0] comes before cpus[1] in hwloc's logical order. Only CPUs this
 * process may use (topo_usable) are picked. Works on any topology
 * (synthetic ones too).
 * Returns 0, or -1 with err saying what the machine has and which policies
 * it offers, e.g. "no SMT: 1 package, 1 NUMA node, 2 cores, 2 PUs, 1 L3;
 * try --pin same or core". */
int pin_select(hwloc_topology_t topo, const char *policy, int cpus[2], int *ncpus,
	       char *err, size_t errlen);

/* Why a policy's pick is where it is, for the run's banner and env.txt's
 * pin_why: "from the end of CPUs 0-3, away from CPU 0's interrupts", or,
 * when this process may use fewer CPUs than are online, "from CPUs 2, all
 * that this process's affinity or cgroup cpuset allows of 0-3". */
void pin_why(hwloc_topology_t topo, char *buf, size_t len);

/* The CPUs this process may bind to: online, allowed by its cgroup's cpuset
 * and, on this system, inside this thread's CPU affinity (taskset). */
void topo_usable(hwloc_topology_t topo, hwloc_bitmap_t set);

/* The CPUs --parallel's spawners take, in order, under a --pin policy:
 * one PU of each core first (from the last core, as the picks above), then
 * each core's next PU; smt: each core's PUs together; numa: the first
 * order dealt round-robin over the NUMA nodes. At most max into cpus, *n
 * how many. Returns 0, or -1 with err. */
int pin_order(hwloc_topology_t topo, const char *policy, int *cpus, size_t max, size_t *n,
	      char *err, size_t errlen);

/* Check --cpus A[,B]: one or two different CPU numbers that exist, are
 * online and are allowed to this process. Returns 0 with cpus and *ncpus
 * filled, or -1 with err naming the problem. */
int pin_check_cpus(hwloc_topology_t topo, const char *list, int cpus[2], int *ncpus,
		   char *err, size_t errlen);

/* The engine's --cpus argument for a pick: "1" or "0,1" ("" for none).
 * Returns what snprintf returns. */
int pin_format(const int cpus[2], int ncpus, char *buf, size_t len);

/* key=value lines for env.txt: topo_packages, topo_numa_nodes, topo_cores,
 * topo_pus, topo_l3_caches, topo_smt (yes/no), topo_cpus_allowed (list) and
 * topo_summary ("1 package, 1 NUMA node, 2 cores, 2 PUs, 1 L3"). Counts are
 * of what this process may use; the summary says when that is less than the
 * machine. */
void topo_facts(hwloc_topology_t topo, FILE *f);

/* spawncost topo [--pin POLICY | --cpus A[,B]] (harness/front/topo_cmd.c). */
int cmd_topo(int argc, char **argv);

#endif
