/* The phases of one iteration (--phases), in the order of their columns in
 * summary.csv (child_start_us, parent_resume_us, exec_us, exit_reap_us),
 * samples.csv and probes.csv (the same, in ns): the engine writes them in
 * this order, the analysis reads them back by name. */
#ifndef SPAWNCOST_PHASES_H
#define SPAWNCOST_PHASES_H

enum phase {
	PH_CHILD_START,		/* the call -> the child runs */
	PH_PARENT_RESUME,	/* the call -> the parent runs again */
	PH_EXEC,		/* the child runs -> the exec target's first instruction */
	PH_EXIT_REAP,		/* the child exits -> the parent has reaped it */
	NPHASES
};

#endif
