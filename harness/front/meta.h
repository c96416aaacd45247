/* `spawncost meta DIR`: a run's env.txt as DIR/meta.json, for tools. */
#ifndef SPAWNCOST_META_H
#define SPAWNCOST_META_H

#include <stddef.h>

#define META_SCHEMA "spawncost-meta/1"

/* Read dir/env.txt and write dir/meta.json (through a temporary name).
 * Returns 0, or -1 with a one-line reason in err. */
int meta_write(const char *dir, char *err, size_t errlen);

/* The command: argv[0] is "meta". Returns the exit status. */
int cmd_meta(int argc, char **argv);

#endif
