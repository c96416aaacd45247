/* The exec-only target: "spawncost-chain N" execs itself N more times, then
 * exits 0, so that a chain of execs can be timed with no fork between them.
 * Like the no-op, it has no libc and no dynamic loader. */
#if defined(__x86_64__) || defined(__aarch64__)
static long sys3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
#else
	register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		      x2 __asm__("x2") = c;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#endif
}

#if defined(__x86_64__)
#define SYS_EXECVE 59
#define SYS_EXIT 60
#else
#define SYS_EXECVE 221
#define SYS_EXIT 93
#endif

__attribute__((noreturn, used)) void chain_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	unsigned long n = 0;
	char buf[24], *p = buf + sizeof buf;
	char *args[3];

	for (const char *s = argc > 1 ? argv[1] : ""; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (n > 0) {
		*--p = '\0';
		n--;
		do
			*--p = (char)('0' + n % 10);
		while (n /= 10);
		args[0] = argv[0];
		args[1] = p;
		args[2] = 0;
		sys3(SYS_EXECVE, (long)argv[0], (long)args, (long)envp);
		sys3(SYS_EXIT, 127, 0, 0);
	}
	sys3(SYS_EXIT, 0, 0, 0);
	__builtin_unreachable();
}

/* The kernel starts us with argc, argv and envp on the stack. */
__attribute__((naked, noreturn)) void _start(void)
{
#if defined(__x86_64__)
	__asm__ volatile("mov %rsp, %rdi\n\tand $-16, %rsp\n\tcall chain_main\n\thlt");
#else
	__asm__ volatile("mov x0, sp\n\tbl chain_main\n\tbrk #0");
#endif
}
#else
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	char buf[24];

	if (n == 0)
		return 0;
	snprintf(buf, sizeof buf, "%lu", n - 1);
	execve(argv[0], (char *[]){ argv[0], buf, NULL }, environ);
	return 127;
}
#endif
