#!/usr/bin/env bats
# Counters per operation: physics where the machine can count, empty cells
# and a note where it cannot.
load helpers

@test "cow-child at 64 MiB takes close to one page fault per 4 KiB page" {
	run "$SC" run -m cow-child -r 64 --thp off -n 30 -e page-faults -o out
	[ "$status" -eq 0 ]
	pf=$(col out/summary.csv page_faults_per_op cow-child 64)
	echo "page faults per op: $pf (16384 pages)"
	awk -v p="$pf" 'BEGIN { exit !(p > 16384 * 0.95 && p < 16384 * 1.10) }'
}

@test "fork-exit counts at least one context switch per operation" {
	run "$SC" run -m fork-exit -r 0 -n 30 -e context-switches,task-clock -o out
	[ "$status" -eq 0 ]
	cs=$(col out/summary.csv context_switches_per_op fork-exit 0)
	awk -v c="$cs" 'BEGIN { exit !(c >= 1) }'
	[ -n "$(col out/summary.csv task_clock_per_op fork-exit 0)" ]
	[ "$(col out/summary.csv counters_scaled fork-exit 0)" = no ]
}

@test "what the machine cannot count stays empty, said once and in env.txt" {
	run --separate-stderr "$SC" run -m vfork-exit -r 0 -n 30 -e cycles,page-faults -o out
	[ "$status" -eq 0 ]
	if grep -q '^counters_unavailable=$' out/env.txt; then
		skip "this machine counts cycles"
	fi
	[ -z "$(col out/summary.csv cycles_per_op vfork-exit 0)" ]
	[ -n "$(col out/summary.csv page_faults_per_op vfork-exit 0)" ]
	grep -q '^counters_unavailable=cycles (' out/env.txt
	[ "$(printf '%s\n' "$stderr" | grep -c 'cannot count cycles')" -eq 1 ]
}

@test "-e none counts nothing; an unknown event is refused" {
	run "$SC" run -m vfork-exit -r 0 -n 30 -e none -o out
	[ "$status" -eq 0 ]
	refute grep -q '_per_op' out/summary.csv
	grep -qx 'counters=none' out/env.txt
	rm -rf out
	expect_bad "unknown event 'no-such-event'" run -e cycles,no-such-event
}

@test "a run ends with meta.json, the same facts for tools" {
	run "$SC" run -m vfork-exit -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	[ -s out/meta.json ]
	grep -q '"schema": "spawncost-meta/1"' out/meta.json
	grep -q '"topo_summary"' out/meta.json
	grep -q '"load_avg_end"' out/meta.json
}
