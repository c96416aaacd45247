/* What the front end does with a run's samples once the engine is gone:
 * `run --samples gz|plain|none` (samples.c). */
#ifndef SPAWNCOST_SAMPLES_H
#define SPAWNCOST_SAMPLES_H

#include <signal.h>

/* Leave dir/samples.csv as form asks (gz: samples.csv.gz in its place;
 * none: removed; plain: as it is) and say in env.txt's samples= line what
 * the folder holds. A step that fails keeps samples.csv plain and says so in
 * one line on stderr; *stop set (a signal) ends compressing the same way. */
void samples_settle(const char *dir, const char *form, volatile sig_atomic_t *stop);

#endif
