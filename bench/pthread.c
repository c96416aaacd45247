/* pthread: pthread_create() of an empty function; pthread_join().
 *
 * Default attributes, as most programs use them: glibc caches the stack of
 * a joined thread, so after the first iteration a create reuses it.
 * Measured in a child of the engine (.isolate): a process that ever made a
 * thread forks more slowly for good, and the engine forks for every other
 * method. */
#include <pthread.h>

#include "method.h"

static void *empty(void *arg)
{
	note_child_start(arg);
	note_phase(arg, SLOT_EXIT);
	return NULL;
}

static int pthread_once_(struct spawn_ctx *c, const struct method *m)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, empty, c);

	if (err)
		return spawn_failed(c, FAIL_ERRNO, err, "pthread_create");
	note_phase(c, SLOT_PARENT_RESUME);
	err = pthread_join(t, NULL);
	if (err)
		return spawn_failed(c, FAIL_ERRNO, err, "pthread_join");
	return 0;
}

const struct method method_pthread = {
	.name = "pthread",
	.summary = "pthread_create() of an empty function; pthread_join()",
	.syscall = "clone3(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID)",
	.group = "core",
	.isolate = true,
	.once = HOOK(pthread_once_),
};
