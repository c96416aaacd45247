/* spawncost topo: the machine as hwloc sees it, and the CPUs a --pin policy
 * or a --cpus list would bind, without measuring anything. */
#include <stdio.h>
#include <string.h>

#include "topo.h"

static const char topo_usage[] =
	"usage: spawncost topo [--pin none|same|smt|core|numa | --cpus A[,B]]\n"
	"  Without options: the topology as key=value lines (the topo_* lines of env.txt).\n"
	"  --pin POLICY   print the CPUs the policy picks here, as --cpus takes them\n"
	"                 (same: one PU; smt: two hardware threads of one core; core: two\n"
	"                 cores sharing a last-level cache; numa: two NUMA nodes)\n"
	"  --cpus A[,B]   check CPUs by number, and print them back\n"
	"  CPU numbers are the kernel's (taskset, sched_getcpu). Exit 2, with one line on\n"
	"  stderr, when the machine cannot offer what is asked.\n";

int cmd_topo(int argc, char **argv)
{
	hwloc_topology_t topo;
	char err[512], out[32];
	int cpus[2], ncpus, rc = 0;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(topo_usage, stdout);
		return 0;
	}
	if (argc != 1 && !(argc == 3 && (strcmp(argv[1], "--pin") == 0 ||
					 strcmp(argv[1], "--cpus") == 0))) {
		fprintf(stderr, "spawncost topo: takes --pin POLICY or --cpus A[,B], or nothing "
				"(spawncost topo --help)\n");
		return 2;
	}
	if (topo_load(&topo, err, sizeof err)) {
		fprintf(stderr, "spawncost topo: %s\n", err);
		return 2;
	}
	if (argc == 1)
		topo_facts(topo, stdout);
	else if ((strcmp(argv[1], "--pin") == 0 ? pin_select : pin_check_cpus)(
			 topo, argv[2], cpus, &ncpus, err, sizeof err)) {
		fprintf(stderr, "spawncost topo: %s\n", err);
		rc = 2;
	} else {
		pin_format(cpus, ncpus, out, sizeof out);
		printf("%s\n", out);
	}
	hwloc_topology_destroy(topo);
	return rc;
}
