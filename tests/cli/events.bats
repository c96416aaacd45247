#!/usr/bin/env bats
# spawncost events: what this machine can count. Hardware counters may or
# may not be countable (a VM may have no PMU); software ones always are.
load helpers

# The event record of $1 in $output: event<TAB>NAME<TAB>SPEC<TAB>STATUS<TAB>WHY.
event_line() {
	printf '%s\n' "$output" | awk -F'\t' -v n="$1" '$1 == "event" && $2 == n'
}

@test "events lists the PMUs and probes the default counters" {
	run --separate-stderr "$SC" events
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# Every record is one of the known kinds with its number of fields.
	printf '%s\n' "$output" | awk -F'\t' '
		$1 == "pmu" && NF == 3 { next }
		$1 == "event" && NF == 5 && $4 ~ /^(countable|user-only|not-countable)$/ && $5 != "" { next }
		{ print "bad record: " $0; bad = 1 } END { exit bad }'
	printf '%s\n' "$output" | grep -q '^pmu	perf	'
	for e in cycles instructions page-faults context-switches cpu-migrations task-clock; do
		[ "$(event_line "$e" | wc -l)" -eq 1 ]
	done
	# Software events are always countable: kernel work included as root,
	# perhaps user-only without privilege (perf_event_paranoid).
	want=countable
	[ "$(id -u)" -eq 0 ] || want="(countable|user-only)"
	event_line page-faults | grep -Eq "	page_faults:1:2:0:0	$want	"
	event_line context-switches | grep -Eq "	context_switches:1:3:0:0	$want	"
	# Cycles: counted where a hardware PMU is, said why not where none is.
	line=$(event_line cycles)
	[[ "$line" == *"	cycles:0:0:0:0	countable	"* || "$line" == *"	cycles:0:0:0:0	user-only	"* ||
	   "$line" == *"	cycles:0:0:0:0	not-countable	E"* ]]
	# Records are data; --all is not given, so no name records.
	refute grep -q '^name	' <<<"$output"
	[ -z "$(ls -A "$SCRATCH")" ]
}

@test "events NAME probes named events after the defaults, once each" {
	run "$SC" events perf::PERF_COUNT_SW_PAGE_FAULTS,page-faults perf::cs
	[ "$status" -eq 0 ]
	[[ "$(event_line perf::PERF_COUNT_SW_PAGE_FAULTS)" == *"	perf__perf_count_sw_page_faults:1:2:0:0	countable	"* ]]
	[[ "$(event_line perf::cs)" == *"	perf__cs:1:3:0:0	countable	"* ]]
	[ "$(event_line page-faults | wc -l)" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '^event	')" -eq 8 ]
}

@test "events --all lists every event name of the detected PMUs" {
	run "$SC" events --all
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q '^name	perf::PERF_COUNT_SW_PAGE_FAULTS	'
	printf '%s\n' "$output" | grep -q '^name	perf::PERF_COUNT_HW_CPU_CYCLES	'
	printf '%s\n' "$output" | awk -F'\t' '$1 == "name" && (NF != 3 || $2 !~ /::/) { exit 1 }'
	[ "$(printf '%s\n' "$output" | grep -c '^event	')" -eq 6 ]
}

@test "events refuses an unknown event, a bad list and a bad option with one line" {
	expect_bad "unknown event 'no-such-event'" events no-such-event
	[ -z "$output" ]
	expect_bad "'page-faults:u'" events page-faults:u
	expect_bad "empty item" events page-faults,,cycles
	expect_bad "unknown option '--bogus'" events --bogus
}

@test "events --help and spawncost --help mention the command" {
	run "$SC" events --help
	[ "$status" -eq 0 ]
	[[ "$output" == *not-countable* ]]
	run "$SC" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"  events  "* ]]
}
