/* The bundled exec target: the smallest static program that exits 0.
 *
 * No libc and no dynamic loader, so that an exec method measures the
 * kernel's exec, not ld.so and libc start-up. Where there is no hand-written
 * entry point for the architecture, it falls back to a static libc main(). */
#if defined(__x86_64__)
__attribute__((naked, noreturn)) void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\t"	/* SYS_exit */
			 "xor %edi, %edi\n\t"
			 "syscall");
}
#elif defined(__aarch64__)
__attribute__((naked, noreturn)) void _start(void)
{
	__asm__ volatile("mov x8, #93\n\t"	/* SYS_exit */
			 "mov x0, #0\n\t"
			 "svc #0");
}
#else
int main(void)
{
	return 0;
}
#endif
