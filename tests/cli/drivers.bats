#!/usr/bin/env bats
# The runtime methods' drivers (bench/runtimes/), each run directly as the
# engine runs it: DRIVER NOOP MIB COUNT SECONDS API, "go" on stdin after
# "ready". The protocol's lines, a ballast really resident, a time limit,
# and bad input as one error line and a non-zero exit, never a hang: every
# driver runs under `timeout 30`. make check installs their runtimes
# (scripts/deps --runtimes) and builds them.
load helpers

NOOP="$BUILD/spawncost-noop"
RT="$BUILD/runtimes"
# Every runtime and API, as runtime:api.
DRIVERS="python:subprocess python:posix-spawn go:exec rust:command node:spawnsync node:spawn
java:processbuilder ruby:system perl:system"

# The drivers are no C: make check tests them, make check-sanitize has
# no compiled drivers to test.
not_sanitized() {
	[ -z "${SPAWNCOST_SANITIZED:-}" ] || skip "the drivers are no C; make check tests them"
}

# The command line of runtime $1's driver for a ballast of $2 MiB, before
# its five arguments, into the array DRV. Interpreters come from the
# system's folders, where the engine looks for them; java gets the
# engine's -Xmx, room for the ballast.
driver() {
	local sys=/usr/local/bin:/usr/bin:/bin
	case $1 in
	python) DRV=("$(PATH=$sys command -v python3)" "$RT/python/driver.py") ;;
	node) DRV=("$(PATH=$sys command -v node)" "$RT/node/driver.js") ;;
	ruby) DRV=("$(PATH=$sys command -v ruby)" "$RT/ruby/driver.rb") ;;
	perl) DRV=("$(PATH=$sys command -v perl)" "$RT/perl/driver.pl") ;;
	java) DRV=("$(PATH=$sys command -v java)" "-Xmx$((${2%.*} + 256))m" -cp "$RT/java" Driver) ;;
	*) DRV=("$RT/$1/driver") ;;
	esac
	[ -n "${DRV[0]}" ] || { echo "$1: no interpreter installed (scripts/deps --runtimes)"; return 1; }
	[ -e "${DRV[${#DRV[@]} - 1]}" ] || [ "$1" = java ] || {
		echo "$1: no driver ${DRV[${#DRV[@]} - 1]} (make runtimes)"; return 1; }
	[ "$1" != java ] || [ -e "$RT/java/Driver.class" ] || {
		echo "java: no $RT/java/Driver.class (make runtimes)"; return 1; }
}

# Run the driver of runtime:api $1 with MIB COUNT SECONDS $2-$4, stdin
# from $5 (default: "go"), into bats' status, output and lines; stderr apart.
drive() {
	local rt=${1%%:*} api=${1#*:}
	driver "$rt" "$2"
	run --separate-stderr timeout 30 "${DRV[@]}" "$NOOP" "$2" "$3" "$4" "$api" \
		< <(printf '%s' "${5-go$'\n'}")
}

# Run it with arguments $2-$6 as given and nothing on stdin.
drive_args() {
	local rt=${1%%:*}
	driver "$rt" 0
	run --separate-stderr timeout 30 "${DRV[@]}" "${@:2}" </dev/null
}

# bats' lines hold exactly: version, ready, $1 positive integers, done.
protocol_ok() {
	local n=$1 i
	[ "$status" -eq 0 ] || { echo "status $status; stdout: $output; stderr: $stderr"; return 1; }
	[[ "${lines[0]}" == "version "?* ]] || {
		echo "no version line: ${lines[0]}"; return 1; }
	[ "${lines[1]}" = ready ] || { echo "no ready line: ${lines[1]}"; return 1; }
	[ "${#lines[@]}" -eq $((n + 3)) ] || { echo "${#lines[@]} lines, not $((n + 3))"; return 1; }
	for ((i = 2; i < n + 2; i++)); do
		[[ "${lines[i]}" =~ ^[1-9][0-9]*$ ]] || { echo "line $i: '${lines[i]}'"; return 1; }
	done
	[ "${lines[n + 2]}" = "done" ] || { echo "last line: ${lines[n + 2]}"; return 1; }
}

# One line, "error ...", containing $2, and exit status $1.
error_ok() {
	[ "$status" -eq "$1" ] || { echo "status $status, not $1; stdout: $output"; return 1; }
	[ "$(printf '%s\n' "$output" | grep -cv '^version ')" -eq 1 ] || {
		echo "stdout: $output"; return 1; }
	[[ "${lines[${#lines[@]} - 1]}" == "error "*"$2"* ]] || {
		echo "last line lacks 'error ...$2': $output"; return 1; }
}

# VmRSS (KiB) of the driver of runtime:api $1 with $2 MiB of ballast,
# read while it waits for "go"; then it is sent "go" and must finish.
# What goes wrong is said on stderr, as stdout is the answer.
rss_at_ready() {
	local rt=${1%%:*} api=${1#*:} i pid kib
	driver "$rt" "$2"
	rm -f in out pid
	mkfifo in
	timeout 30 sh -c 'echo $$ >pid; exec "$@"' sh "${DRV[@]}" "$NOOP" "$2" 3 0 "$api" \
		<in >out 2>err 3>&- &
	exec 7>in
	for i in $(seq 300); do
		! grep -qx ready out || break
		sleep 0.1
	done
	grep -qx ready out || { echo "$1: no ready: $(cat out err)" >&2; exec 7>&-; return 1; }
	pid=$(cat pid)
	kib=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
	echo go >&7
	exec 7>&-
	wait $! || { echo "$1: status $?: $(cat out err)" >&2; return 1; }
	grep -qx "done" out || { echo "$1: no done: $(cat out)" >&2; return 1; }
	echo "$kib"
}

@test "each driver: version, ready, COUNT round trips in integer ns, done" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		drive "$d" 0 40 0
		protocol_ok 40
		[ -z "$stderr" ]
	done
}

@test "each driver: a fractional ballast, and the version names the runtime" {
	not_sanitized
	for d in $DRIVERS; do
		drive "$d" 0.25 3 0
		protocol_ok 3
		echo "$d: ${lines[0]}"
		[[ "${lines[0]}" =~ ^version\ (Python\ |go|rustc\ |node\ v|java\ |ruby\ |perl\ )[0-9]+\.[0-9]+ ]]
	done
}

@test "each driver: a time limit stops it at 30 round trips, COUNT when sooner" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		# 1 µs: past after any 30 round trips (1 ms was not, below 33 µs
		# a round trip, which a fast machine's vfork and exec can be)
		drive "$d" 0 200 0.000001
		protocol_ok 30
		drive "$d" 0 5 60
		protocol_ok 5
	done
}

@test "each driver: its ballast is resident while it waits for go" {
	not_sanitized
	for d in $DRIVERS; do
		empty=$(rss_at_ready "$d" 0)
		full=$(rss_at_ready "$d" 64)
		echo "$d: VmRSS $empty KiB at 0 MiB, $full KiB at 64 MiB"
		[ "$full" -gt 65536 ]
		# the 64 MiB themselves, not the runtime's own start-up
		[ $((full - empty)) -ge $((65536 * 7 / 8)) ]
	done
}

@test "each driver: stdin closed or not go at ready: exit 0 without a sample" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		drive "$d" 0 5 0 ''
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" = ready ]
		drive "$d" 0 5 0 $'stop\n'
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" = ready ]
	done
}

@test "each driver: a missing or relative noop is an error line and exit 2" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		drive_args "$d" "$SCRATCH/no-such-noop" 0 5 0 "${d#*:}"
		error_ok 2 "no-such-noop"
		drive_args "$d" spawncost-noop 0 5 0 "${d#*:}"
		error_ok 2 "absolute"
	done
}

@test "each driver: a negative or non-numeric size is an error line and exit 2" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		for mib in -1 -0.5 x 1e3 '' 0x10 1.; do
			drive_args "$d" "$NOOP" "$mib" 5 0 "${d#*:}"
			error_ok 2 "MIB $mib"
		done
	done
}

@test "each driver: a zero or bad count, a bad time limit or API, a wrong argv: exit 2" {
	not_sanitized
	for d in $DRIVERS; do
		echo "$d"
		drive_args "$d" "$NOOP" 0 0 0 "${d#*:}"
		error_ok 2 "COUNT 0"
		drive_args "$d" "$NOOP" 0 -3 0 "${d#*:}"
		error_ok 2 "COUNT -3"
		drive_args "$d" "$NOOP" 0 99999999999999999999 0 "${d#*:}"
		error_ok 2 "COUNT 9"
		drive_args "$d" "$NOOP" 0 5 -1 "${d#*:}"
		error_ok 2 "SECONDS -1"
		drive_args "$d" "$NOOP" 0 5 0 frob
		error_ok 2 "API frob"
		drive_args "$d" "$NOOP" 0 5
		error_ok 2 "usage"
	done
}

@test "each driver: a ballast beyond the machine's memory is an error line and exit 1" {
	not_sanitized
	kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
	[ "$kib" -lt $((1024 * 1024 * 1024)) ] || skip "this machine has 1 TiB of memory"
	for d in $DRIVERS; do
		echo "$d"
		# the largest MIB a driver takes, 1 TiB
		drive "$d" 1048576 5 0
		error_ok 1 "ENOMEM: cannot allocate a ballast"
	done
}

@test "each driver: a round trip that fails is an error line and exit 1" {
	not_sanitized
	printf '#!/bin/sh\nexit 3\n' > fails
	chmod +x fails
	for d in $DRIVERS; do
		echo "$d"
		drive_args "$d" "$SCRATCH/fails" 0 5 0 "${d#*:}"
		error_ok 1 "exit status 3"
	done
}
