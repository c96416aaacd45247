/* spawncost-measure: the measuring engine. It links nothing but libc, so
 * that the process whose forks are timed is as small as a C program can be
 * (see harness/front/launch.c). Started by `spawncost run`, with its arguments. */
#include <stdio.h>
#include <string.h>

#include "method.h"
#include "run.h"
#include "stdstreams.h"

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "spawncost-measure: started by `spawncost run`, not by hand\n");
		return 2;
	}
	child_stack_settle();	/* the heap's first bytes (harness/engine/child.c) */
	std_fds_open();
	return stdout_checked("spawncost run", cmd_run(argc - 1, argv + 1));
}
