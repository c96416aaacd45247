#!/usr/bin/env python3
"""spawncost's Python driver: spawn the no-op from a heap of MIB MiB.

usage: python3 driver.py NOOP MIB COUNT SECONDS API
API: subprocess (subprocess.run([noop]), close_fds default) or
     posix-spawn (os.posix_spawn, then os.waitpid).
The protocol is in bench/runtimes/README.md; stdout carries only it.
"""
import errno
import os
import re
import subprocess
import sys
import time

APIS = ("subprocess", "posix-spawn")
DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
WHOLE = re.compile(r"[0-9]+", re.ASCII)
MAX_MIB = 1024 * 1024  # 1 TiB
MAX_COUNT = 10**9
MAX_SECONDS = 10**6
WARMUP = 5
MIN_TIMED = 30  # a time limit never stops a window with fewer samples
PAGE = 4096


class RoundTripFailed(Exception):
    pass


def fail(status, why):
    print(f"error {why}", flush=True)
    sys.exit(status)


def parse(argv):
    if len(argv) != 5:
        fail(2, f"usage: driver.py NOOP MIB COUNT SECONDS API (got {len(argv)} arguments)")
    noop, mib, count, seconds, api = argv
    if not noop.startswith("/"):
        fail(2, f"NOOP {noop}: not an absolute path")
    if not os.path.exists(noop):
        fail(2, f"NOOP {noop}: no such file")
    if not os.path.isfile(noop) or not os.access(noop, os.X_OK):
        fail(2, f"NOOP {noop}: not an executable file")
    if not DECIMAL.fullmatch(mib) or float(mib) > MAX_MIB:
        fail(2, f"MIB {mib}: not a decimal number of MiB from 0 to {MAX_MIB}")
    if not WHOLE.fullmatch(count) or not 1 <= int(count) <= MAX_COUNT:
        fail(2, f"COUNT {count}: not a whole number from 1 to {MAX_COUNT}")
    if not DECIMAL.fullmatch(seconds) or float(seconds) > MAX_SECONDS:
        fail(2, f"SECONDS {seconds}: not a decimal number of seconds from 0 to {MAX_SECONDS}")
    if api not in APIS:
        fail(2, f"API {api}: not one of {', '.join(APIS)}")
    return noop, int(float(mib) * 1024 * 1024), int(count), int(float(seconds) * 1e9), api


def ballast(size):
    """size bytes on Python's heap, one byte written in every page. More
    than the machine's memory is refused first: where the kernel
    overcommits, the allocation would succeed and the OOM killer come."""
    if size > os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"):
        fail(1, f"ENOMEM: cannot allocate a ballast of {size} bytes (more than this machine's memory)")
    try:
        b = bytearray(size)
    except (MemoryError, OverflowError):
        fail(1, f"ENOMEM: cannot allocate a ballast of {size} bytes")
    b[::PAGE] = b"\x01" * len(range(0, size, PAGE))
    return b


def exit_text(returncode):
    # subprocess reports a signal as a negative return code
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def run_subprocess(noop):
    try:
        rc = subprocess.run([noop]).returncode
    except OSError as e:
        raise RoundTripFailed(f"{errno.errorcode.get(e.errno, e.errno)}: subprocess.run failed")
    if rc != 0:
        raise RoundTripFailed(f"{noop}: {exit_text(rc)}")


def run_posix_spawn(noop):
    try:
        pid = os.posix_spawn(noop, [noop], os.environ)
        _, status = os.waitpid(pid, 0)
    except OSError as e:
        raise RoundTripFailed(f"{errno.errorcode.get(e.errno, e.errno)}: posix_spawn failed")
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        raise RoundTripFailed(f"{noop}: {exit_text(rc)}")


def timed(once, noop, count, limit_ns):
    """count round trips, or fewer once limit_ns have passed (and at least
    MIN_TIMED were timed); ns each. Nothing is printed in the loop."""
    samples = []
    first = None
    for _ in range(count):
        t0 = time.monotonic_ns()
        once(noop)
        t1 = time.monotonic_ns()
        samples.append(t1 - t0)
        if first is None:
            first = t0
        if limit_ns and len(samples) >= MIN_TIMED and t1 - first >= limit_ns:
            break
    return samples


def main():
    noop, size, count, limit_ns, api = parse(sys.argv[1:])
    heap = ballast(size)
    v = sys.version_info
    print(f"version Python {v.major}.{v.minor}.{v.micro}")
    once = run_subprocess if api == "subprocess" else run_posix_spawn
    try:
        for _ in range(WARMUP):
            once(noop)
        print("ready", flush=True)
        if sys.stdin.readline().rstrip("\n") != "go":
            return 0
        samples = timed(once, noop, count, limit_ns)
    except RoundTripFailed as e:
        fail(1, e)
    sys.stdout.write("".join(f"{ns}\n" for ns in samples) + "done\n")
    sys.stdout.flush()
    del heap  # alive until the samples are out
    return 0


if __name__ == "__main__":
    sys.exit(main())
