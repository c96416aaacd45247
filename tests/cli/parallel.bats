#!/usr/bin/env bats
# --parallel: N spawners time one cell at once. Shape and behaviour, no
# absolute times; this machine may have two CPUs only, so N stays at 2
# (with --oversubscribe where one CPU is given).
load helpers

# The value of column $2 in file $1's row of method $3 at parallel $4.
par() {
	cell "$1" "$2" method="$3" parallel="$4"
}

@test "with --parallel 2 both spawners take samples and the columns are appended" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 --parallel 1,2 --cpus 1 --oversubscribe \
		-n 100 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$(head -1 out/summary.csv)" == *,fds,threads,parallel,spawners,throughput_per_s,* ]]
	[[ "$(head -1 "$(samples_csv out)")" == *,fds,threads,parallel,spawners,spawner ]]
	[[ "$(head -1 out/probes.csv)" == *,fds,threads,parallel,spawners,spawner ]]
	[ "$(par out/summary.csv iterations fork-exit 2)" -eq 200 ]
	[ "$(par out/summary.csv spawners fork-exit 2)" = processes ]
	# each spawner's own rows: 100 each
	[ "$(awk -F, "$BY_NAME"'
		field("parallel") == 2 && field("spawner") == 1' "$(samples_csv out)" | wc -l)" -eq 200 ]
	[ "$(awk -F, "$BY_NAME"'
		field("parallel") == 2 && field("spawner") == 0' "$(samples_csv out)" | wc -l)" -eq 200 ]
	# a throughput for every cell, summed over the spawners. By Little's
	# law throughput x mean round trip is the round trips under way at
	# once: about 1 with one spawner, about 2 with two, whatever else the
	# CPU runs (here 1.73-2.30 times the one-spawner cell's, calm and beside
	# 1-3 busy loops; 0.99-1.06 when only spawner 0's throughput is kept).
	# Against the median, which leaves out the time the busy loops took, a
	# right sum read 0.92 of one spawner's bound.
	t1=$(par out/summary.csv throughput_per_s fork-exit 1)
	t2=$(par out/summary.csv throughput_per_s fork-exit 2)
	m1=$(par out/summary.csv mean_us fork-exit 1)
	m2=$(par out/summary.csv mean_us fork-exit 2)
	awk -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" 'BEGIN { exit !(t2 * m2 > 1.4 * t1 * m1) }'
}

@test "thread spawners share one parent and every cell still measures" {
	run "$SC" run -m fork-exit,vfork-exit,clone-vm,pthread -r 0 --parallel 2 --spawners threads \
		--cpus 1 --oversubscribe -n 50 -e none -o out
	[ "$status" -eq 0 ]
	[ "$(par out/summary.csv spawners fork-exit 2)" = threads ]
	[ "$(awk -F, "$BY_NAME"'
		field("error") != ""' out/summary.csv | wc -l)" -eq 0 ]
	[ "$(tail -n +2 out/summary.csv | wc -l)" -eq 4 ]
}

@test "the scaling chart and the report's efficiency come from a --parallel run" {
	command -v gnuplot
	run "$SC" run -m fork-exit -r 0 --parallel 1,2 --cpus 1 --oversubscribe -n 60 -e none -o out
	[ "$status" -eq 0 ]
	run "$SC" report out
	[ "$status" -eq 0 ]
	grep -q '^## Scaling' out/report.md
	grep -q '^| fork-exit | 0 | off | processes | 1 | ' out/report.md
	run "$BATS_TEST_DIRNAME/../../scripts/plots" out
	[ "$status" -eq 0 ]
	[ -s out/scaling.svg ]
	# the claims use the one-spawner cells only: no cell of N = 2 in them
	run "$SC" report out
	[[ "$output" != *"parallel"* ]]
}

@test "a run without --parallel has no scaling chart, and says why" {
	run "$SC" run -m fork-exit -r 0 -n 20 -e none -o out
	[ "$status" -eq 0 ]
	run "$SC" report out
	grep -q 'Spawn throughput against spawners at once: left out, no method ran at two' out/report.md
	refute grep -q '^## Scaling' out/report.md
}

@test "a failing spawner fails its cell with an error row" {
	run "$SC" run -m fork-exec,vfork-exit -r 0 --parallel 2 --cpus 1 --oversubscribe \
		--target /bin/false -n 20 -e none -o out
	[ "$status" -eq 1 ]
	[[ "$(par out/summary.csv error fork-exec 2)" == "spawner "*"EXIT1"* ]]
	[ -z "$(par out/summary.csv error vfork-exit 2)" ]
}

@test "an interrupted --parallel run reaps every spawner and child" {
	"$SC" run -m fork-exit,vfork-exec -r 0 --parallel 2 --cpus 1 --oversubscribe -n 10000000 \
		-e none -o "$SCRATCH/out" >/dev/null 2>err.txt &
	pid=$!
	# wait until both spawners run (the engine and two children of it)
	for _ in $(seq 100); do
		if [ "$(pgrep -f -- "-o $SCRATCH/out" | wc -l)" -ge 3 ]; then
			break
		fi
		sleep 0.1
	done
	[ "$(pgrep -f -- "-o $SCRATCH/out" | wc -l)" -ge 3 ]
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[ -z "$(pgrep -f -- "-o $SCRATCH/out")" ]
	grep -q 'interrupted by INT' err.txt
	[ "$(tail -n +2 out/summary.csv | wc -l)" -eq 0 ]
}

@test "bad --parallel, --spawners and --oversubscribe are one line and exit 2" {
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel 0
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel -1
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel x
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel 4097
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel 1,1
	expect_bad "--parallel: 2 spawners, but --cpus gives 1 CPU" run -m fork-exit -r 0 \
		--parallel 2 --cpus 1
	expect_bad "--spawners" run -m fork-exit -r 0 --parallel 1 --spawners many
	expect_bad "--spawners" run -m fork-exit -r 0 --spawners threads
	expect_bad "--oversubscribe" run -m fork-exit -r 0 --oversubscribe
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel 1 --threads 2
	expect_bad "--parallel" run -m fork-exit -r 0 --parallel 1 --phases
	expect_bad "--parallel" run -m cow-child -r 16 --parallel 1
}

@test "a spawner whose child hangs is killed at the deadline, and nothing is left" {
	printf '#!/bin/sh\nexec sleep 300\n' > hang.sh
	chmod +x hang.sh
	run "$SC" run -m fork-exec,vfork-exit -r 0 --parallel 2 --cpus 1 --oversubscribe \
		--target "$SCRATCH/hang.sh" --timeout 1 -n 20 -e none -o out
	[ "$status" -eq 1 ]
	[[ "$(par out/summary.csv error fork-exec 2)" == "ETIME: no spawner made a round trip"* ]]
	[ -z "$(par out/summary.csv error vfork-exit 2)" ]
	[ -z "$(pgrep -f "$SCRATCH/hang.sh")" ]
	[ -z "$(pgrep -x -f 'sleep 300')" ]
}
