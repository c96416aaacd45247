/* --cpus A[,B]: CPU numbers the user names, checked against hwloc's view of
 * this machine, and the pick written back in that form for the engine. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

/* One CPU number: decimal digits only, no sign, no spaces. */
static int parse_cpu(const char *s, size_t len, int *cpu)
{
	char buf[16], *end;
	long v;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -1;
	*cpu = (int)v;
	return 0;
}

/* Whether one CPU can be bound to; err says why not. */
static int cpu_usable(hwloc_topology_t t, int cpu, char *err, size_t errlen)
{
	hwloc_const_bitmap_t complete = hwloc_topology_get_complete_cpuset(t),
			     online = hwloc_topology_get_topology_cpuset(t),
			     allowed = hwloc_topology_get_allowed_cpuset(t);
	hwloc_bitmap_t usable;
	char list[128];
	int rc = 0;

	if (!hwloc_bitmap_isset(complete, (unsigned)cpu)) {
		hwloc_bitmap_list_snprintf(list, sizeof list, complete);
		snprintf(err, errlen, "--cpus: no CPU %d: this machine has CPUs %s", cpu, list);
		return -1;
	}
	if (!hwloc_bitmap_isset(online, (unsigned)cpu)) {
		hwloc_bitmap_list_snprintf(list, sizeof list, online);
		snprintf(err, errlen, "--cpus: CPU %d is offline: online CPUs are %s", cpu, list);
		return -1;
	}
	if (!hwloc_bitmap_isset(allowed, (unsigned)cpu) ||
	    !hwloc_get_pu_obj_by_os_index(t, (unsigned)cpu)) {
		hwloc_bitmap_list_snprintf(list, sizeof list, allowed);
		snprintf(err, errlen,
			 "--cpus: CPU %d is not allowed to this process (cgroup cpuset): "
			 "it may use CPUs %s", cpu, list);
		return -1;
	}
	if (!(usable = hwloc_bitmap_alloc()))
		return 0;
	topo_usable(t, usable);
	if (!hwloc_bitmap_isset(usable, (unsigned)cpu)) {
		hwloc_bitmap_list_snprintf(list, sizeof list, usable);
		snprintf(err, errlen,
			 "--cpus: CPU %d is outside this process's CPU affinity (taskset): "
			 "it may use CPUs %s", cpu, list);
		rc = -1;
	}
	hwloc_bitmap_free(usable);
	return rc;
}

int pin_check_cpus(hwloc_topology_t topo, const char *list, int cpus[2], int *ncpus,
		   char *err, size_t errlen)
{
	const char *comma = list ? strchr(list, ',') : NULL;
	int n = comma ? 2 : 1;

	*ncpus = 0;
	if (!list || (comma && strchr(comma + 1, ',')) ||
	    parse_cpu(list, comma ? (size_t)(comma - list) : strlen(list), &cpus[0]) ||
	    (comma && parse_cpu(comma + 1, strlen(comma + 1), &cpus[1]))) {
		snprintf(err, errlen, "--cpus takes one or two CPU numbers, A or A,B, not '%s'",
			 list ? list : "");
		return -1;
	}
	if (n == 2 && cpus[0] == cpus[1]) {
		snprintf(err, errlen, "--cpus %s names CPU %d twice: give one CPU, or two "
				      "different ones", list, cpus[0]);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (cpu_usable(topo, cpus[i], err, errlen))
			return -1;
	*ncpus = n;
	return 0;
}

int pin_format(const int cpus[2], int ncpus, char *buf, size_t len)
{
	if (ncpus <= 0)
		return snprintf(buf, len, "%s", "");
	if (ncpus == 1)
		return snprintf(buf, len, "%d", cpus[0]);
	return snprintf(buf, len, "%d,%d", cpus[0], cpus[1]);
}
