#include <math.h>

#include "bands.h"

const struct band bands[NBANDS] = {
	[BAND_VFORK_EXIT] = { "fork-exit", "vfork-exit", CLAIM1_LO, CLAIM1_HI, 0 },
	[BAND_VFORK_EXEC] = { "fork-exec", "vfork-exec", CLAIM1_LO, CLAIM1_HI, 0 },
	[BAND_EFFICIENT] = { "fork-exec", "vfork-exec", 0, AS_EFFICIENT, 0 },
	[BAND_SPAWN_4X] = { "fork-exec", "posix-spawn", CLAIM1_LO, CLAIM1_HI, 1 },
	[BAND_SPAWN_EFFICIENT] = { "fork-exec", "posix-spawn", 0, AS_EFFICIENT, 1 },
};

enum side band_side(struct est e, double lo, double hi)
{
	if (e.hi < lo)
		return SIDE_BELOW;
	if (e.lo > hi)
		return SIDE_ABOVE;
	if (e.lo >= lo && e.hi <= hi)
		return SIDE_WITHIN;
	return SIDE_ACROSS;
}
