#include <dirent.h>
#include <sched.h>
#include <gnu/libc-version.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "env.h"
#include "memory.h"
#include "version.h"

/* The first line of a file, trimmed; "" when it cannot be read. */
static const char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return buf;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* sysfs lists choices as "always [madvise] never": the bracketed one is on. */
static const char *bracketed(const char *path, char *buf, size_t len)
{
	char *open, *close;

	first_line(path, buf, len);
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (open && close) {
		*close = '\0';
		memmove(buf, open + 1, (size_t)(close - open));
	}
	return buf;
}

#define THP "/sys/kernel/mm/transparent_hugepage/"

static void fact(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=%s\n", key, value);
}

static void fact_file(FILE *f, const char *key, const char *path)
{
	char buf[512];

	if (access(path, R_OK) == 0)
		fact(f, key, first_line(path, buf, sizeof buf));
}

/* The value of the first "key : value" line of /proc/cpuinfo. */
static const char *cpuinfo(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	size_t klen = strlen(key);

	buf[0] = '\0';
	if (!f)
		return buf;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, key, klen) == 0 && colon &&
		    strspn(line + klen, " \t") == (size_t)(colon - line - (long)klen)) {
			snprintf(buf, len, "%s", colon + 1 + strspn(colon + 1, " "));
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	return buf;
}

/* "none", or the hypervisor's vendor string (KVMKVMKVM, Microsoft Hv, ...). */
static const char *hypervisor(char *buf, size_t len)
{
	snprintf(buf, len, "none");
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31))) {
		unsigned v[3];
		__cpuid(0x40000000, a, v[0], v[1], v[2]);
		snprintf(buf, len, "%.12s", (const char *)v);
		if (!buf[0])
			snprintf(buf, len, "yes");
	}
#else
	first_line("/sys/hypervisor/type", buf, len);
	if (!buf[0])
		snprintf(buf, len, "none");
#endif
	return buf;
}

static void vulnerabilities(FILE *f)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[512], key[300];
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
			snprintf(key, sizeof key, "vuln_%s", names[i]->d_name);
			fact_file(f, key, path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* A run started under taskset or a cgroup cpuset is pinned even before
 * --pin exists: its env.txt says where (cpus_allowed). */
const char *env_cpus_allowed(char *buf, size_t len)
{
	cpu_set_t set;
	size_t used = 0;

	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return buf;
	for (int c = 0; c < CPU_SETSIZE && used + 16 < len; c++) {
		if (!CPU_ISSET(c, &set) || (c > 0 && CPU_ISSET(c - 1, &set)))
			continue;
		int end = c;
		while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set))
			end++;
		used += (size_t)snprintf(buf + used, len - used, used ? ",%d" : "%d", c);
		if (end > c)
			used += (size_t)snprintf(buf + used, len - used, "-%d", end);
	}
	return buf;
}

/* A file's first line, written whether or not the file is there ("" when
 * not): for facts whose absence is itself the answer (no isolated CPUs). */
static void fact_line(FILE *f, const char *key, const char *path)
{
	char buf[4096];

	fact(f, key, first_line(path, buf, sizeof buf));
}

/* Is a process named irqbalance running? It moves interrupts between CPUs
 * every few seconds, onto the CPUs being measured too. */
static const char *irqbalance(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	const char *state = "not running";

	if (!d)
		return "unknown";
	while ((e = readdir(d))) {
		char path[300], comm[64];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		if (strcmp(first_line(path, comm, sizeof comm), "irqbalance") == 0) {
			state = "running";
			break;
		}
	}
	closedir(d);
	return state;
}

/* The kernel's view of CPUs kept apart from ordinary work. */
static void isolation(FILE *f)
{
	char buf[4096];

	fact_line(f, "isolated_cpus", "/sys/devices/system/cpu/isolated");
	if (access("/sys/devices/system/cpu/nohz_full", R_OK) == 0) {
		/* Kernels built with NO_HZ_FULL but booted without it say "(null)". */
		first_line("/sys/devices/system/cpu/nohz_full", buf, sizeof buf);
		fact(f, "nohz_full", strcmp(buf, "(null)") == 0 ? "" : buf);
	}
	fact_file(f, "smt_active", "/sys/devices/system/cpu/smt/active");
	fact(f, "irqbalance", irqbalance());
}

const char *env_loadavg(char *buf, size_t len)
{
	char line[128];
	double l1, l5, l15;

	buf[0] = '\0';
	first_line("/proc/loadavg", line, sizeof line);
	if (sscanf(line, "%lf %lf %lf", &l1, &l5, &l15) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", l1, l5, l15);
	return buf;
}

void env_write_load(FILE *f, const char *key)
{
	char buf[64];

	fact(f, key, env_loadavg(buf, sizeof buf));
}

/* The CPUs present, from a list like "0-7,16-23": hardware, unlike the
 * online count, which hotplug and nosmt move. 0 when unreadable. */
static long cpus_present(void)
{
	char buf[512];
	const char *p = first_line("/sys/devices/system/cpu/present", buf, sizeof buf);
	long n = 0;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return 0;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (b < a || (*end && *end != ','))
			return 0;
		n += b - a + 1;
		p = *end ? end + 1 : end;
	}
	return n;
}

/* FNV-1a, 64 bits: the same on every machine and compiler. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* What the machine is, as hardware: architecture, CPU model, CPUs present,
 * memory in whole GiB, and the DMI vendor, product and board (or the device
 * tree's model) where readable. Memory is MemTotal rounded up: MemTotal is
 * what is left after the kernel's own reservations, which move a little
 * with the kernel and its command line, and a kernel change must not make
 * another machine. The DMI files used are readable by every user; serial
 * numbers and UUIDs are root's only, and the id must not change with who
 * runs. Two machines of one model and size get one id, on purpose: their
 * figures are comparable, which is what a baseline needs. */
const char *env_machine_id(char *buf, size_t len)
{
	static const char *const dmi[] = {
		"/sys/class/dmi/id/sys_vendor", "/sys/class/dmi/id/product_name",
		"/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/board_name",
		"/proc/device-tree/model",
	};
	struct utsname u;
	char line[512], num[64];
	long cpus = cpus_present(), kib = proc_kib("/proc/meminfo", "MemTotal");
	uint64_t h = 0xcbf29ce484222325ULL;

	uname(&u);
	h = fnv1a(h, u.machine);
	h = fnv1a(h, "|");
	/* x86 names the model; arm64 gives implementer and part; POWER, "cpu". */
	if (*cpuinfo("model name", line, sizeof line)) {
		h = fnv1a(h, line);
	} else {
		h = fnv1a(h, cpuinfo("CPU implementer", line, sizeof line));
		h = fnv1a(h, cpuinfo("CPU part", line, sizeof line));
		h = fnv1a(h, cpuinfo("cpu", line, sizeof line));
	}
	snprintf(num, sizeof num, "|%ld|%ld", cpus > 0 ? cpus : sysconf(_SC_NPROCESSORS_CONF),
		 kib > 0 ? (kib + 1048575) / 1048576 : 0);
	h = fnv1a(h, num);
	for (size_t i = 0; i < sizeof dmi / sizeof dmi[0]; i++) {
		h = fnv1a(h, "|");
		h = fnv1a(h, first_line(dmi[i], line, sizeof line));
	}
	snprintf(buf, len, "%016" PRIx64, h);
	return buf;
}

const char *env_host(void)
{
	static char host[256];

	if (!host[0]) {
		if (gethostname(host, sizeof host - 1) != 0 || !host[0])
			snprintf(host, sizeof host, "unknown");
		host[strcspn(host, ".")] = '\0';
	}
	return host;
}

void env_write(FILE *f)
{
	struct utsname u;
	char buf[512];

	uname(&u);
	fact(f, "spawncost_version", SPAWNCOST_VERSION);
	fact(f, "git_revision", SPAWNCOST_GIT);
	fact(f, "host", env_host());
	fact(f, "machine_id", env_machine_id(buf, sizeof buf));
	fact(f, "kernel_release", u.release);
	fact(f, "kernel_version", u.version);
	fact(f, "arch", u.machine);
	fact(f, "cpu_model", cpuinfo("model name", buf, sizeof buf));
	fact(f, "microcode", cpuinfo("microcode", buf, sizeof buf));
	fprintf(f, "cpu_count=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fact(f, "cpus_allowed", env_cpus_allowed(buf, sizeof buf));
	fprintf(f, "page_size=%ld\n", sysconf(_SC_PAGESIZE));
	fprintf(f, "mem_total_kib=%ld\n", proc_kib("/proc/meminfo", "MemTotal"));
	fact(f, "glibc_version", gnu_get_libc_version());
	fact(f, "thp_enabled",
	     bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf));
	fact(f, "thp_defrag",
	     bracketed("/sys/kernel/mm/transparent_hugepage/defrag", buf, sizeof buf));
	if (access(THP "shmem_enabled", R_OK) == 0)
		fact(f, "thp_shmem_enabled", bracketed(THP "shmem_enabled", buf, sizeof buf));
	fact_file(f, "thp_khugepaged_defrag", THP "khugepaged/defrag");
	fact_file(f, "randomize_va_space", "/proc/sys/kernel/randomize_va_space");
	fact_file(f, "perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");
	fact_file(f, "clocksource",
		  "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	fact_file(f, "cpufreq_governor",
		  "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	fact_file(f, "cpufreq_boost", "/sys/devices/system/cpu/cpufreq/boost");
	fact_file(f, "intel_pstate_no_turbo", "/sys/devices/system/cpu/intel_pstate/no_turbo");
	fact_line(f, "kernel_cmdline", "/proc/cmdline");
	isolation(f);
	fact(f, "hypervisor", hypervisor(buf, sizeof buf));
	vulnerabilities(f);
	#ifdef __clang__
	fact(f, "compiler", "clang " __clang_version__);
#else
	fact(f, "compiler", "gcc " __VERSION__);
#endif
	fact(f, "cflags", SPAWNCOST_CFLAGS);
}
