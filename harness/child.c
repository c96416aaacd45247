/* Creating, exec'ing and reaping children: the pieces every method shares. */
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>

#include "method.h"

int spawn_failed(struct spawn_ctx *c, enum fail_kind kind, int code, const char *call)
{
	c->fail.kind = kind;
	c->fail.code = code;
	c->fail.call = call;
	return -1;
}

void child_exec(const struct spawn_ctx *c)
{
	execve(c->target, c->argv, c->envp);
	/* Only reached when exec failed. In a vfork child errno and the stack
	 * are the parent's, so keep to async-signal-safe calls and leave. */
	int err = errno;
	ssize_t unused = write(c->errpipe[1], &err, sizeof err);
	(void)unused;
	_exit(127);
}

/* The child exited 127: an exec failure if it left an errno in the pipe,
 * otherwise the target itself said 127. */
static int exit127(struct spawn_ctx *c)
{
	int err;

	if (read(c->errpipe[0], &err, sizeof err) == (ssize_t)sizeof err)
		return spawn_failed(c, FAIL_EXEC, err, "execve");
	return spawn_failed(c, FAIL_STATUS, 127, NULL);
}

int reap(struct spawn_ctx *c, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return spawn_failed(c, FAIL_ERRNO, errno, "waitpid");
	if (WIFSIGNALED(status))
		return spawn_failed(c, FAIL_SIGNAL, WTERMSIG(status), NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return exit127(c);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return spawn_failed(c, FAIL_STATUS, WEXITSTATUS(status), NULL);
	return 0;
}
