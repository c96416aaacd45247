#!/usr/bin/env bats
# Faults and interrupts: errors become rows, signals leave valid files,
# nothing outlives a run.
load helpers

# The files of a run folder are whole: every row has every column.
files_whole() {
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$1/summary.csv"
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$(samples_csv "$1")"
	refute sh -c "ls -A '$1' | grep -q tmp"
}

no_children_of() {
	refute pgrep -P "$1"
}

# A sweep of 6 cells of a window each, once its first window is done (the
# progress says so), however long the machine takes to get there: a fixed
# sleep made these tests fail on a loaded machine.
start_sweep() {
	"$SC" run -m fork-exit,vfork-exit -r 0,16,64 --min-time 0.5 --rounds 1 -o out >out.txt 2>err.txt &
	PID=$!
	wait_for_line err.txt 'window median'
}

@test "SIGINT mid-run keeps the finished cells, marks complete=no and exits 130" {
	start_sweep
	kill -INT "$PID"
	status=0; wait "$PID" || status=$?
	[ "$status" -eq 130 ]
	files_whole out
	grep -qx 'complete=no' out/env.txt
	rows=$(($(wc -l < out/summary.csv) - 1))
	[ "$rows" -ge 1 ]
	[ "$rows" -lt 6 ]
	grep -q 'interrupted by INT' err.txt
	no_children_of "$PID"
}

@test "a second SIGINT exits at once, still with valid files" {
	start_sweep
	kill -INT "$PID"; kill -INT "$PID"
	status=0; wait "$PID" || status=$?
	[ "$status" -eq 130 ]
	files_whole out
	grep -qx 'complete=no' out/env.txt
}

@test "SIGTERM exits 143 with valid files" {
	start_sweep
	kill -TERM "$PID"
	status=0; wait "$PID" || status=$?
	[ "$status" -eq 143 ]
	files_whole out
}

@test "a hanging target is killed at its deadline, with its children, and the run goes on" {
	printf '#!/bin/sh\nsleep 300\n' > hang
	chmod +x hang
	# bounded: a watchdog that kills nothing would leave the run waiting 300 s
	run timeout 60 "$SC" run -m fork-exec,vfork-exit -r 0 -n 30 --target "$SCRATCH/hang" --timeout 0.3 -o out
	[ "$status" -eq 1 ]
	[[ "$(col out/summary.csv error fork-exec 0)" == "ETIME: an iteration ran past its 0.3 s deadline"* ]]
	[ -z "$(col out/summary.csv error vfork-exit 0)" ]
	refute pgrep -f "$SCRATCH/hang"
	refute pgrep -fx 'sleep 300'
}

@test "fork refused by RLIMIT_NPROC is an EAGAIN row, not an abort" {
	stranger
	# the stranger may own one process: the run itself. (Root ignores the limit.)
	run prlimit --nproc=1 "${STRANGER[@]}" "$STRANGER_SC" run -m fork-exit,pthread -r 0 -n 30 -o out
	[ "$status" -eq 1 ]
	[ "$(col out/summary.csv error fork-exit 0)" = "EAGAIN: fork failed" ]
	# pthread is measured in a child of the engine: that fork is refused first
	[ "$(col out/summary.csv error pthread 0)" = "EAGAIN: fork of the process that measures it failed" ]
}

@test "a ballast refused by RLIMIT_AS is an ENOMEM row; smaller sizes still run" {
	command -v prlimit || skip "no prlimit"
	skip_if_sanitized	# ASan reserves terabytes of address space
	run prlimit --as=$((768 << 20)) "$SC" run -m vfork-exit -r 0,1024 -n 30 -o out
	[ "$status" -eq 1 ]
	[ -z "$(col out/summary.csv error vfork-exit 0)" ]
	[ "$(col out/summary.csv error vfork-exit 1024)" = "ENOMEM: ballast mmap failed" ]
	[ -z "$(col out/summary.csv median_us vfork-exit 1024)" ]
}

@test "an interrupted clone3-into-cgroup leaves no cgroup folder" {
	[ "$(id -u)" -eq 0 ] || skip "needs a writable cgroup v2"
	mnt=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] || skip "no cgroup v2 here"
	"$SC" run -m clone3-into-cgroup -r 0,16 --min-time 2 -o out >/dev/null 2>&1 &
	PID=$!
	sleep 1
	# the cgroup is named after the engine, the front end's child
	engine=$(pgrep -P "$PID" -x spawncost-measu)
	[ -n "$engine" ]
	kill -INT "$PID"; kill -INT "$PID"
	wait "$PID" || true
	[ -z "$(find "$mnt" -maxdepth 3 -name "spawncost-$engine")" ]
}

@test "a cell that fails in a later round keeps none of its earlier samples: the run still compares and exports" {
	# a target that hangs from its 16th call: vfork-exec's first window
	# (10 iterations and its probes) is fast, its second fails
	printf '#!/bin/sh\nn=$(($(cat %s/calls 2>/dev/null || echo 0) + 1))\necho $n > %s/calls\n[ $n -lt 16 ] || sleep 3\n' \
		"$SCRATCH" "$SCRATCH" > slow
	chmod +x slow
	run "$SC" run -m vfork-exec,fork-exit -r 0 -n 20 -w 0 --rounds 2 -e none --timeout 1 \
		--target "$SCRATCH/slow" -o L
	[ "$status" -eq 1 ]
	[[ "$(col L/summary.csv error vfork-exec 0)" == "ETIME: "* ]]
	[ "$(col L/summary.csv iterations vfork-exec 0)" -eq 0 ]
	[ "$(col L/summary.csv probes vfork-exec 0)" -eq 0 ]
	[ "$(col L/summary.csv iterations fork-exit 0)" -eq 20 ]
	# its rows are gone from every file; fork-exit's are whole
	refute grep -q ',vfork-exec,' "$(samples_csv L)"
	refute grep -q ',vfork-exec,' L/probes.csv
	refute grep -q ',vfork-exec,' L/windows.csv
	[ "$(grep -c ',fork-exit,' "$(samples_csv L)")" -eq 20 ]
	files_whole L
	# read through its samples too, as a run made before windows.csv is
	cp -R L S
	rm S/windows.csv
	for d in L S; do
		run --separate-stderr "$SC" compare "$d" "$d"
		[ "$status" -eq 0 ] || { echo "compare $d: $stderr"; return 1; }
		[[ "$output" == *"vfork-exec"*"error in both: ETIME"* ]]
		run --separate-stderr "$SC" export "$d" --format gbench
		[ "$status" -eq 0 ] || { echo "export $d: $stderr"; return 1; }
		printf '%s\n' "$output" > gbench.json
		python3 -c 'import json; json.load(open("gbench.json"))'
		[[ "$output" == *'"name":"vfork-exec/'*'"error_occurred":true'* ]]
		[[ "$output" == *'"name":"fork-exit/'*'"iterations":10'* ]]
	done
}
