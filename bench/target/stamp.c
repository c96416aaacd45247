/* The exec target of --phases: "spawncost-stamp FD" records the moment it
 * starts and the moment it is about to exit (CLOCK_MONOTONIC, the harness's
 * clock) into the shared memory file FD, at the offsets the harness reads,
 * then exits 0. No libc, no loader: the same start as the static no-op.
 * The stamps are the TSC on x86_64 (as the harness takes them), elsewhere
 * the clock through the vDSO (found from the auxiliary vector); one pwrite
 * after the exit stamp carries both, so that the target's own life between
 * its two stamps is a few instructions and the phases add up to the round
 * trip. */
#define SLOT_ENTRY 32	/* byte offsets: shared[4] and shared[5] */
#define SLOT_EXIT 40

#if defined(__x86_64__) || defined(__aarch64__)
#if defined(__x86_64__)
#define SYS_CLOCK_GETTIME 228
#define SYS_PWRITE64 18
#define SYS_EXIT 60
#else
#define SYS_CLOCK_GETTIME 113
#define SYS_PWRITE64 68
#define SYS_EXIT 93
#endif

static long sys4(long nr, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
#else
	register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		      x2 __asm__("x2") = c, x3 __asm__("x3") = d;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
#endif
}

struct ts {
	long sec, nsec;
};

typedef int (*clock_fn)(int, struct ts *);

/* ELF64 pieces, enough to find one symbol in the vDSO. */
struct ehdr {
	unsigned char ident[16];
	unsigned short type, machine;
	unsigned version;
	unsigned long entry, phoff, shoff;
	unsigned flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	unsigned type, flags;
	unsigned long offset, vaddr, paddr, filesz, memsz, align;
};
struct shdr {
	unsigned name, type;
	unsigned long flags, addr, offset, size;
	unsigned link, info;
	unsigned long addralign, entsize;
};
struct sym {
	unsigned name;
	unsigned char info, other;
	unsigned short shndx;
	unsigned long value, size;
};

#if defined(__x86_64__)
#define VDSO_CLOCK "__vdso_clock_gettime"
#else
#define VDSO_CLOCK "__kernel_clock_gettime"
#endif

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* clock_gettime in the vDSO the kernel mapped (AT_SYSINFO_EHDR), or 0. */
static clock_fn find_vdso_clock(char **envp)
{
	char **e = envp;
	unsigned long *aux, base = 0, bias = 0;
	const struct ehdr *h;

	while (*e)
		e++;
	for (aux = (unsigned long *)(e + 1); aux[0]; aux += 2)
		if (aux[0] == 33 /* AT_SYSINFO_EHDR */)
			base = aux[1];
	if (!base)
		return 0;
	h = (const struct ehdr *)base;
	for (int i = 0; i < h->phnum; i++) {
		const struct phdr *p = (const struct phdr *)(base + h->phoff + i * h->phentsize);
		if (p->type == 1 /* PT_LOAD */) {
			bias = base + p->offset - p->vaddr;
			break;
		}
	}
	for (int i = 0; i < h->shnum; i++) {
		const struct shdr *s = (const struct shdr *)(base + h->shoff + i * h->shentsize);
		if (s->type != 11 /* SHT_DYNSYM */)
			continue;
		const struct shdr *str =
			(const struct shdr *)(base + h->shoff + s->link * h->shentsize);
		for (unsigned long k = 0; k < s->size / sizeof(struct sym); k++) {
			const struct sym *y = (const struct sym *)(base + s->offset) + k;
			if (y->value && same((const char *)(base + str->offset + y->name), VDSO_CLOCK))
				return (clock_fn)(bias + y->value);
		}
	}
	return 0;
}

/* The stamp: on x86_64 the TSC, as the harness's note_phase takes it (it
 * converts ticks to ns per iteration); elsewhere CLOCK_MONOTONIC ns. */
static unsigned long long now(clock_fn vdso)
{
#if defined(__x86_64__)
	(void)vdso;
	return __builtin_ia32_rdtsc();
#else
	struct ts t;

	if (!vdso || vdso(1 /* CLOCK_MONOTONIC */, &t) != 0)
		sys4(SYS_CLOCK_GETTIME, 1, (long)&t, 0, 0);
	return (unsigned long long)t.sec * 1000000000ull + (unsigned long long)t.nsec;
#endif
}

__attribute__((noreturn, used)) void stamp_main(long *sp)
{
	long argc = sp[0], fd = -1;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
#if defined(__x86_64__)
	clock_fn vdso = 0;	/* rdtsc: the vDSO is not needed */
	(void)envp;
#else
	clock_fn vdso = find_vdso_clock(envp);
#endif
	unsigned long long stamps[2];

	stamps[0] = now(vdso);
	if (argc > 1) {
		fd = 0;
		for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++)
			fd = fd * 10 + (*s - '0');
	}
	stamps[1] = now(vdso);
	if (fd >= 0)
		sys4(SYS_PWRITE64, fd, (long)stamps, sizeof stamps, SLOT_ENTRY);
	sys4(SYS_EXIT, 0, 0, 0, 0);
	__builtin_unreachable();
}

__attribute__((naked, noreturn)) void _start(void)
{
#if defined(__x86_64__)
	__asm__ volatile("mov %rsp, %rdi\n\tand $-16, %rsp\n\tcall stamp_main\n\thlt");
#else
	__asm__ volatile("mov x0, sp\n\tbl stamp_main\n\tbrk #0");
#endif
}
#else
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void stamp(int fd, off_t offset)
{
	struct timespec t;
	uint64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	pwrite(fd, &ns, sizeof ns, offset);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		int fd = atoi(argv[1]);
		stamp(fd, SLOT_ENTRY);
		stamp(fd, SLOT_EXIT);
	}
	return 0;
}
#endif
