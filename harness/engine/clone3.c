/* A clone3(2) trampoline. The child starts on the stack given in args and
 * must not return into C code of the parent's frames: it calls fn(arg) and
 * leaves with exit(2) (the thread, not the group). The parent returns with
 * the child's tid. */
#include <errno.h>
#include <linux/sched.h>
#include <stddef.h>

#include "method.h"

#if defined(__x86_64__)
long spawncost_clone3_raw(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl spawncost_clone3_raw\n"
	".type spawncost_clone3_raw,@function\n"
	"spawncost_clone3_raw:\n"
	"	mov %rdx, %r8\n"	/* fn and arg survive the syscall in r8/r9 */
	"	mov %rcx, %r9\n"
	"	mov $435, %eax\n"	/* SYS_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"	/* child: outermost frame on its own stack */
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"	/* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size spawncost_clone3_raw, .-spawncost_clone3_raw\n");
#elif defined(__aarch64__)
long spawncost_clone3_raw(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl spawncost_clone3_raw\n"
	".type spawncost_clone3_raw,%function\n"
	"spawncost_clone3_raw:\n"
	"	mov x10, x2\n"
	"	mov x11, x3\n"
	"	mov x8, #435\n"
	"	svc #0\n"
	"	cbnz x0, 1f\n"
	"	mov x29, xzr\n"
	"	mov x0, x11\n"
	"	blr x10\n"
	"	mov x8, #93\n"
	"	svc #0\n"
	"1:	ret\n"
	".size spawncost_clone3_raw, .-spawncost_clone3_raw\n");
#endif

long clone3_run(struct clone_args *args, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__) || defined(__aarch64__)
	long r = spawncost_clone3_raw(args, sizeof *args, fn, arg);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
#else
	(void)args, (void)fn, (void)arg;
	errno = ENOSYS;
	return -1;
#endif
}
