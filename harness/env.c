#include <dirent.h>
#include <sched.h>
#include <gnu/libc-version.h>
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

/* The CPUs this process may run on, as a list like "0-3,6": a run started
 * under taskset or a cgroup cpuset is pinned even before --pin exists. */
static const char *cpus_allowed(char *buf, size_t len)
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
	fact(f, "kernel_release", u.release);
	fact(f, "kernel_version", u.version);
	fact(f, "arch", u.machine);
	fact(f, "cpu_model", cpuinfo("model name", buf, sizeof buf));
	fprintf(f, "cpu_count=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fact(f, "cpus_allowed", cpus_allowed(buf, sizeof buf));
	fprintf(f, "page_size=%ld\n", sysconf(_SC_PAGESIZE));
	fprintf(f, "mem_total_kib=%ld\n", proc_kib("/proc/meminfo", "MemTotal"));
	fact(f, "glibc_version", gnu_get_libc_version());
	fact(f, "thp_enabled",
	     bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf));
	fact(f, "thp_defrag",
	     bracketed("/sys/kernel/mm/transparent_hugepage/defrag", buf, sizeof buf));
	fact_file(f, "randomize_va_space", "/proc/sys/kernel/randomize_va_space");
	fact_file(f, "perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");
	fact_file(f, "clocksource",
		  "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	fact_file(f, "cpufreq_governor",
		  "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	fact_file(f, "cpufreq_boost", "/sys/devices/system/cpu/cpufreq/boost");
	fact_file(f, "intel_pstate_no_turbo", "/sys/devices/system/cpu/intel_pstate/no_turbo");
	fact(f, "hypervisor", hypervisor(buf, sizeof buf));
	vulnerabilities(f);
	#ifdef __clang__
	fact(f, "compiler", "clang " __clang_version__);
#else
	fact(f, "compiler", "gcc " __VERSION__);
#endif
	fact(f, "cflags", SPAWNCOST_CFLAGS);
}
