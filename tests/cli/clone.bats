#!/usr/bin/env bats
# The clone family, clone3, namespaces and the exec variants: what reaches
# the kernel, how the costs relate, and how refusals degrade.
load helpers

# Trace a short run of method $1 (more run args may follow) into trace.txt.
trace() {
	local m="$1"; shift
	strace -f -qq -s 256 -e signal=none -e trace=clone,clone3,vfork,execve -o trace.txt \
		"$BUILD/spawncost-measure" run -m "$m" -r 0 -n 2 -w 0 -o "out-$m" "$@" >/dev/null 2>&1 || true
	# (the trace is what is checked; LeakSanitizer fails any run under ptrace)
}

# Every creating call in the trace asks for exactly these flags.
flags_are() {
	grep -Eq "$1" trace.txt || { echo "no '$1' in:"; grep -E 'clone' trace.txt; return 1; }
}

@test "each clone method issues clone with the flags it names" {
	trace clone-fork;    flags_are 'clone\(child_stack=0x[0-9a-f]+, flags=SIGCHLD[) ]'
	trace clone-vm;      flags_are 'flags=CLONE_VM\|SIGCHLD[) ]'
	trace clone-vfork;   flags_are 'flags=CLONE_VM\|CLONE_VFORK\|SIGCHLD[) ]'
	trace clone-files;   flags_are 'flags=CLONE_FILES\|SIGCHLD[) ]'
	trace clone-fs;      flags_are 'flags=CLONE_FS\|SIGCHLD[) ]'
	trace clone-sighand; flags_are 'flags=CLONE_VM\|CLONE_SIGHAND\|SIGCHLD[) ]'
	trace clone-thread
	flags_are 'flags=CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|CLONE_SYSVSEM\|CLONE_SETTLS\|CLONE_PARENT_SETTID\|CLONE_CHILD_CLEARTID,'
}

@test "each namespace method creates the namespaces it names" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for every namespace"
	trace clone-newpid;  flags_are 'flags=CLONE_NEWPID\|SIGCHLD[) ]'
	trace clone-newns;   flags_are 'flags=CLONE_NEWNS\|SIGCHLD[) ]'
	trace clone-newuts;  flags_are 'flags=CLONE_NEWUTS\|SIGCHLD[) ]'
	trace clone-newipc;  flags_are 'flags=CLONE_NEWIPC\|SIGCHLD[) ]'
	trace clone-newnet;  flags_are 'flags=CLONE_NEWNET\|SIGCHLD[) ]'
	trace clone-newuser; flags_are 'flags=CLONE_NEWUSER\|SIGCHLD[) ]'
	trace clone-container
	flags_are 'flags=CLONE_NEWNS\|CLONE_NEWUTS\|CLONE_NEWIPC\|CLONE_NEWUSER\|CLONE_NEWPID\|CLONE_NEWNET\|SIGCHLD[) ]'
}

@test "each clone3 method issues clone3 with its flags, and waits on the pidfd" {
	trace clone3-pidfd;         flags_are 'clone3\(\{flags=CLONE_PIDFD, pidfd=.*exit_signal=SIGCHLD'
	trace clone3-clear-sighand; flags_are 'clone3\(\{flags=CLONE_PIDFD\|CLONE_CLEAR_SIGHAND,'
	trace clone3-vfork-exec
	flags_are 'clone3\(\{flags=CLONE_VM\|CLONE_PIDFD\|CLONE_VFORK,'
	grep -q 'execve(".*spawncost-noop"' trace.txt
	[ "$(id -u)" -eq 0 ] || skip "clone3-into-cgroup needs a writable cgroup v2"
	trace clone3-into-cgroup;   flags_are 'clone3\(\{flags=CLONE_PIDFD\|CLONE_INTO_CGROUP,.*cgroup=[0-9]+'
}

@test "exec-only execs the chain 64 times per iteration and reports per exec" {
	strace -f -qq -s 256 -e signal=none -e trace=execve -o trace.txt \
		"$BUILD/spawncost-measure" run -m exec-only -r 0 -n 1 -w 0 -o out >/dev/null 2>&1 || true
	# one timed iteration and one probe, 64 execs each
	[ "$(col out/summary.csv probes exec-only 0)" -eq 1 ]
	[ "$(grep -c 'execve(".*spawncost-chain"' trace.txt)" -eq 128 ]
	[ "$(col out/summary.csv variant exec-only 0)" = "ops_per_iteration=64" ]
	[ "$(col out/summary.csv target exec-only 0)" = chain ]
}

@test "clone-custom runs the user's flags and records them in the variant column" {
	run "$SC" run --clone-flags VM,FILES,NEWUTS --then exec -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv variant clone-custom 0)" = "flags=VM|FILES|NEWUTS;then=exec" ]
	[ "$(col "$(samples_csv out)" variant clone-custom 0 | sort -u)" = "flags=VM|FILES|NEWUTS;then=exec" ]
	strace -f -qq -s 256 -e signal=none -e trace=clone,execve -o trace.txt \
		"$BUILD/spawncost-measure" run --clone-flags VM,FILES,NEWUTS --then exec -r 0 -n 1 -w 0 -o out2 >/dev/null 2>&1 || true
	flags_are 'flags=CLONE_VM\|CLONE_FILES\|CLONE_NEWUTS\|SIGCHLD[) ]'
	grep -q 'execve(".*spawncost-noop"' trace.txt
}

@test "clone-fork grows with RSS like fork-exit, clone-vfork stays flat like vfork-exit" {
	run "$SC" run -m fork-exit,clone-fork,vfork-exit,clone-vfork -r 0,256 --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	m() { col out/summary.csv median_us "$1" "$2"; }
	within3() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; exit !(r > 1/3 && r < 3) }'; }
	grows() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b > 3 * a) }'; }
	flat() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b < 2 * a) }'; }
	for r in 0 256; do
		within3 "$(m clone-fork $r)" "$(m fork-exit $r)"
		within3 "$(m clone-vfork $r)" "$(m vfork-exit $r)"
	done
	grows "$(m fork-exit 0)" "$(m fork-exit 256)"
	grows "$(m clone-fork 0)" "$(m clone-fork 256)"
	flat "$(m vfork-exit 0)" "$(m vfork-exit 256)"
	flat "$(m clone-vfork 0)" "$(m clone-vfork 256)"
}

@test "a method this build cannot run is an error row, and the run goes on" {
	run "$SC" list
	if ! printf '%s\n' "$output" | grep -q '^pidfd-spawn.*unavailable'; then
		skip "this libc has pidfd_spawn"
	fi
	run "$SC" run -m pidfd-spawn,vfork-exit -r 0 -n 30 -o out
	[ "$status" -eq 1 ]
	[ "$(col out/summary.csv error pidfd-spawn 0)" = "ENOSYS: needs glibc 2.39 or later at build time" ]
	[ -z "$(col out/summary.csv error vfork-exit 0)" ]
}

@test "without privilege, namespaces and cgroups are error rows that say what they need" {
	stranger
	run "${STRANGER[@]}" "$STRANGER_SC" run -m clone-newpid,clone-newnet,clone3-into-cgroup,fork-exit \
		-r 0 -n 30 -o out
	[ "$status" -eq 1 ]
	[ "$(col out/summary.csv error clone-newpid 0)" = "EPERM: needs CAP_SYS_ADMIN or unprivileged user namespaces" ]
	[ "$(col out/summary.csv error clone-newnet 0)" = "EPERM: needs CAP_SYS_ADMIN or unprivileged user namespaces" ]
	[[ "$(col out/summary.csv error clone3-into-cgroup 0)" == *"needs a writable cgroup v2 folder"* ]]
	[ -z "$(col out/summary.csv error fork-exit 0)" ]
}

@test "clone3-into-cgroup leaves no cgroup folder behind" {
	[ "$(id -u)" -eq 0 ] || skip "needs a writable cgroup v2"
	mnt=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] || skip "no cgroup v2 here"
	before=$(find "$mnt" -maxdepth 3 -name 'spawncost-*' | wc -l)
	run "$SC" run -m clone3-into-cgroup -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	[ "$(find "$mnt" -maxdepth 3 -name 'spawncost-*' | wc -l)" -eq "$before" ]
}

@test "--target static, dynamic and shell name the bundled programs" {
	for t in static dynamic shell; do
		run "$SC" run -m fork-exec -r 0 -n 30 --target $t -o "out-$t"
		[ "$status" -eq 0 ]
		[ "$(col "out-$t/summary.csv" target fork-exec 0)" = "$t" ]
	done
	strace -f -qq -s 256 -e signal=none -e trace=execve -o trace.txt \
		"$BUILD/spawncost-measure" run -m fork-exec -r 0 -n 1 -w 0 --target shell -o out-sh2 >/dev/null 2>&1 || true
	grep -q 'execve("/bin/sh", \["sh", "-c", ".*spawncost-noop"\]' trace.txt
}

@test "-m takes groups; the default is the core six" {
	run "$SC" run -r 0 -n 30 -o core
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 core/summary.csv | wc -l)" -eq 6 ]
	run "$SC" run -m clone,exec -r 0 -n 30 -o groups
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 groups/summary.csv | wc -l)" -eq 10 ]
}
