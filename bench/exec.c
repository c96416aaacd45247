/* The exec family: exec's cost alone, and the libc calls that run a
 * command through the shell. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "method.h"

/* Execs in one exec-only round trip. */
#define CHAIN 64

/* exec-only: vfork once, then the chain target execs itself until CHAIN
 * execs are done, then exits; the harness divides the round trip by CHAIN.
 * The vfork, exit and reap around the chain are spread over its execs:
 * about 1% of each here (see README). */
/* The chain target's argument: the execs left after the first. */
#define CHAIN_LEFT "63"
_Static_assert(CHAIN == 64, "CHAIN_LEFT is CHAIN - 1");

static int exec_only(struct spawn_ctx *c, const struct method *m)
{
	char *argv[] = { (char *)c->chain, CHAIN_LEFT, NULL };
	struct spawn_ctx chain = *c;
	pid_t pid;

	(void)m;
	chain.target = c->chain;
	chain.argv = argv;
	pid = vfork();
	if (pid < 0)
		return spawn_failed(c, FAIL_ERRNO, errno, "vfork");
	if (pid == 0)
		child_exec(&chain);
	return reap(c, pid);
}

/* system() and popen() take a shell command: the bundled no-op's path,
 * single-quoted so that no character of it means anything to the shell. */
static int quote_setup(struct spawn_ctx *c, const struct method *m)
{
	size_t n = strlen(c->noop);
	char *q = malloc(4 * n + 3), *p = q;

	(void)m;
	if (!q)
		return spawn_failed(c, FAIL_ERRNO, ENOMEM, "malloc");
	*p++ = '\'';
	for (const char *s = c->noop; *s; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '\'';
	*p = '\0';
	c->state = q;
	return 0;
}

static void quote_teardown(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	free(c->state);
	c->state = NULL;
}

static int system_once(struct spawn_ctx *c, const struct method *m)
{
	(void)m;
	return judge_status(c, system(c->state));
}

static int popen_once(struct spawn_ctx *c, const struct method *m)
{
	FILE *f = popen(c->state, "re");

	(void)m;
	if (!f)
		return spawn_failed(c, FAIL_ERRNO, errno, "popen");
	return judge_status(c, pclose(f));
}

const struct method method_exec_only = {
	.name = "exec-only",
	.summary = "the static chain target execve()s itself 64 times after one vfork; "
		   "reported per exec",
	.syscall = "vfork(), execve x64, exit",
	.group = "exec",
	.fixed_target = "chain",
	.ops = CHAIN,
	.once = HOOK(exec_only),
};

const struct method method_system = {
	.name = "system",
	.summary = "libc system() of the static no-op (through /bin/sh -c)",
	.syscall = "clone3(CLONE_VM|CLONE_VFORK) (glibc spawn of /bin/sh), execve, then the shell's vfork and execve",
	.group = "exec",
	.fixed_target = "static",
	.setup = HOOK(quote_setup),
	.teardown = HOOK(quote_teardown),
	.once = HOOK(system_once),
};

const struct method method_popen = {
	.name = "popen",
	.summary = "libc popen() and pclose() of the static no-op (through /bin/sh -c)",
	.syscall = "pipe2, clone3(CLONE_VM|CLONE_VFORK) (glibc spawn of /bin/sh), execve, then the shell's vfork and execve",
	.group = "exec",
	.fixed_target = "static",
	.setup = HOOK(quote_setup),
	.teardown = HOOK(quote_teardown),
	.once = HOOK(popen_once),
};
