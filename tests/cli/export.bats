#!/usr/bin/env bats
# spawncost export: a run folder as JSON for benchmark trackers. The JSON
# itself is parsed and checked field by field in tests/unit/test_export.c;
# these tests are what a user types.
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/compare"

@test "gbench: a context block, one repetition per window, four aggregates per cell" {
	run --separate-stderr "$SC" export "$FX/base" --format gbench
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "{" ]
	[ "${lines[1]}" = '  "context": {' ]
	[ "$(grep -c '"run_type":"iteration","repetitions":10,' <<< "$output")" -eq 40 ]
	[ "$(grep -c '"run_type":"aggregate","repetitions":10,' <<< "$output")" -eq 16 ]
	[ "$(grep -c '"repetition_index":0,' <<< "$output")" -eq 4 ]
	[ "$(grep -c '"repetition_index":9,' <<< "$output")" -eq 4 ]
	refute grep -q '"repetition_index":10,' <<< "$output"
	for a in mean median stddev cv; do
		grep -q "\"name\":\"fork-exec/rss_mib:0/thp:off/pin:none_$a\".*\"aggregate_name\":\"$a\"" <<< "$output"
	done
	# the first repetition is windows.csv's first window: its median, its iterations
	grep -q '"repetition_index":0,"threads":1,"iterations":4,"real_time":150.335,' <<< "$output"
	grep -q '"name":"fork-exit/rss_mib:64/thp:off/pin:none".*"time_unit":"us"' <<< "$output"
	[ "${lines[-1]}" = "}" ]
}

@test "gbench: the date is the run's start, from its run id, with the pid runs now add after the stamp" {
	cp -r "$FX/base" pid
	sed -i 's/^run_id=.*/run_id=fx-20260101T000000-1234/' pid/env.txt
	touch pid/summary.csv
	run --separate-stderr "$SC" export pid --format gbench
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = '    "date": "2026-01-01T00:00:00+00:00",' ]
}

@test "gbench: its size follows the windows, not the samples" {
	run --separate-stderr "$SC" export "$FX/base" --format gbench
	[ "$status" -eq 0 ]
	# 4 cells of 10 windows and 4 aggregates, not of 40 samples: about 18 kB
	[ "${#output}" -lt 25000 ]
}

@test "gbench: a run without windows.csv takes its windows from samples.csv's rounds" {
	run --separate-stderr "$SC" export "$FX/identical" --format gbench
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -o '"real_time":[0-9.]*' <<< "$output" | cut -d: -f2 > identical
	"$SC" export "$FX/base" --format gbench | grep -o '"real_time":[0-9.]*' | cut -d: -f2 > base
	[ "$(wc -l < identical)" -eq 56 ]
	[ "$(wc -l < base)" -eq 56 ]
	# windows.csv rounds each window's median to 0.001 us
	paste -d' ' base identical | awk '{ d = $1 - $2; if (d > 0.001 || d < -0.001) exit 1 }'
}

@test "gbench: with windows.csv, samples.csv is not needed" {
	cp -r "$FX/base" run1
	rm run1/samples.csv
	run --separate-stderr "$SC" export run1 --format gbench
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(grep -c '"run_type":"iteration"' <<< "$output")" -eq 40 ]
	[ "$(grep -c '"run_type":"aggregate"' <<< "$output")" -eq 16 ]
}

@test "gbench: a run with neither windows nor rounds gives one repetition per cell, and says so" {
	cp -r "$FX/identical" old
	cut -d, -f1-9 "$FX/identical/samples.csv" > old/samples.csv
	run --separate-stderr "$SC" export old --format gbench
	[ "$status" -eq 0 ]
	[ "$stderr" = "spawncost export: note: old has no windows: one repetition per cell" ]
	[ "$(grep -c '"run_type":"iteration","repetitions":1,"repetition_index":0,' <<< "$output")" -eq 4 ]
	refute grep -q '"run_type":"aggregate"' <<< "$output"
	grep -q '"name":"fork-exit/rss_mib:64/thp:off/pin:none".*"iterations":40,"real_time":1907.611,' <<< "$output"
}

@test "gbench: a folder that keeps neither windows.csv nor samples.csv gives one repetition per cell" {
	mkdir trimmed
	cp "$FX/base/summary.csv" "$FX/base/env.txt" trimmed/
	run --separate-stderr "$SC" export trimmed --format gbench
	[ "$status" -eq 0 ]
	[ "$stderr" = "spawncost export: note: trimmed has no windows (it keeps neither windows.csv nor samples.csv): one repetition per cell" ]
	[ "$(grep -c '"run_type":"iteration","repetitions":1,"repetition_index":0,' <<< "$output")" -eq 4 ]
	refute grep -q '"run_type":"aggregate"' <<< "$output"
}

@test "gbench: every reference run (results/reference/) exports from what it keeps" {
	reference_runs > refs
	[ "$(wc -l < refs)" -gt 10 ]
	while IFS= read -r ref; do
		run --separate-stderr "$SC" export "$ref" --format gbench
		[ "$status" -eq 0 ] || { echo "$ref: status $status: $stderr"; return 1; }
		[ "${lines[0]}" = "{" ]
	done < refs
	# the default reference keeps windows.csv: a repetition per window
	ref="$BATS_TEST_DIRNAME/../../results/reference/default"
	run --separate-stderr "$SC" export "$ref" --format gbench
	[ -z "$stderr" ]
	[ "$(grep -c '"run_type":"iteration"' <<< "$output")" -eq "$(($(wc -l < "$ref/windows.csv") - 1))" ]
}

@test "github-action-benchmark: name, unit us, value = the median, range its 95% interval, extra n" {
	run --separate-stderr "$SC" export "$FX/base" --format github-action-benchmark
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[" ]
	median=$(col "$FX/base/summary.csv" median_us fork-exit 64)
	lo=$(col "$FX/base/summary.csv" ci_lo_us fork-exit 64)
	hi=$(col "$FX/base/summary.csv" ci_hi_us fork-exit 64)
	grep -q '"name": "fork-exit/rss_mib:64/thp:off/pin:none"' <<< "$output"
	grep -q "\"value\": $median," <<< "$output"
	grep -q "\"range\": \"95% CI $lo..$hi\"" <<< "$output"
	[ "$(grep -c '"unit": "us"' <<< "$output")" -eq 4 ]
	[ "$(grep -c '"extra": "n: 40\\nwindows: 10\\n' <<< "$output")" -eq 4 ]
}

@test "bencher: latency in ns, the median with its 95% interval as its bounds" {
	run --separate-stderr "$SC" export "$FX/base" --format bencher
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A4 '"fork-exit/rss_mib:64/thp:off/pin:none"' > cell
	grep -q '"latency": {' cell
	grep -q '"value": 1907611' cell
	grep -q '"lower_value": 1900574' cell
	grep -q '"upper_value": 1918893' cell
}

@test "github-action-benchmark: each claim ratio is a series of its own, the median of the per-round ratios" {
	run --separate-stderr "$SC" export "$FX/base" --format github-action-benchmark
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A5 '"name": "ratio fork-exit/vfork-exit at 0 MiB"' > ratio
	grep -q '"unit": "x"' ratio
	grep -q '"extra": "rounds: 10\\nrun: ' ratio
	# the median of windows.csv's fork-exit / vfork-exit, round by round
	want=$(awk -F, "$BY_NAME"'field("rss_mib") == 0 && field("method") == "fork-exit" { a[field("round")] = field("median_us") }
		field("rss_mib") == 0 && field("method") == "vfork-exit" { b[field("round")] = field("median_us") }
		END { for (r in a) print a[r] / b[r] }' "$FX/base/windows.csv" | sort -g | awk '{ x[NR] = $1 } END { printf "%.4f", (x[5] + x[6]) / 2 }')
	got=$(sed -n 's/.*"value": \([0-9.]*\).*/\1/p' ratio)
	[ "$(printf '%.4f' "$got")" = "$want" ]
	grep -q '"range": "95% CI ' ratio
}

@test "bencher: each claim ratio is a benchmark with the measure ratio, its bounds the interval" {
	run --separate-stderr "$SC" export "$FX/base" --format bencher
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A5 '"ratio fork-exit/vfork-exit at 0 MiB"' > ratio
	grep -q '"ratio": {' ratio
	grep -q '"lower_value": ' ratio
	grep -q '"upper_value": ' ratio
	# a pair the run lacks a cell of is no series
	refute grep -q '"ratio fork-exec/' <<< "$output"
}

@test "claim ratios: one per pair and swept size, refined sizes left out, named the same in every run" {
	ref="$BATS_TEST_DIRNAME/../../results/reference/refine"
	run --separate-stderr "$SC" export "$ref" --format bencher
	[ "$status" -eq 0 ]
	grep -o '"ratio [^"]*"' <<< "$output" | sort > got
	# the sizes the sweep had (refined=no), for each pair whose two cells are there
	awk -F, "$BY_NAME"'field("refined") == "no" { m[field("method") " " field("rss_mib")] = 1 }
		END { n = split("fork-exit/vfork-exit fork-exec/vfork-exec fork-exec/posix-spawn", p, " ")
		      for (k in m) { split(k, mk, " "); s[mk[2]] = 1 }
		      for (i = 1; i <= n; i++) { split(p[i], ab, "/")
			for (r in s) if ((ab[1] " " r) in m && (ab[2] " " r) in m)
				printf "\"ratio %s at %s MiB\"\n", p[i], r } }' "$ref/summary.csv" | sort > want
	[ -s want ]
	diff want got
}

@test "one window has no interval: the range and the bounds are left out, and gbench has no aggregates" {
	cp -r "$FX/base" one
	head -n 1 "$FX/base/windows.csv" > one/windows.csv
	awk -F, "$BY_NAME"'field("round") == 1' "$FX/base/windows.csv" >> one/windows.csv
	# what the engine writes for one window: the interval is its median, twice
	head -n 1 "$FX/base/summary.csv" > one/summary.csv
	awk -F, -v OFS=, "$BY_NAME"'{ set("ci_lo_us", field("median_us")); set("ci_hi_us", field("median_us")) }
		{ print }' "$FX/base/summary.csv" >> one/summary.csv
	run --separate-stderr "$SC" export one --format github-action-benchmark
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	refute grep -q '"range"' <<< "$output"
	[ "$(grep -c '"extra": "n: 40\\nwindows: 1\\n' <<< "$output")" -eq 4 ]
	run --separate-stderr "$SC" export one --format bencher
	[ "$status" -eq 0 ]
	# four cells and the claim ratio, whose one round has no interval either
	[ "$(grep -c '"value"' <<< "$output")" -eq 5 ]
	refute grep -q '_value' <<< "$output"
	run --separate-stderr "$SC" export one --format gbench
	[ "$status" -eq 0 ]
	[ "$(grep -c '"run_type":"iteration","repetitions":1,"repetition_index":0,' <<< "$output")" -eq 4 ]
	refute grep -q '"run_type":"aggregate"' <<< "$output"
}

@test "error cells: an error entry in gbench, left out of the others with a note" {
	run --separate-stderr "$SC" export "$FX/errored" --format gbench
	[ "$status" -eq 0 ]
	grep -q '"error_occurred":true,"error_message":"ENOEXEC: exec of the target failed"' <<< "$output"
	run --separate-stderr "$SC" export "$FX/errored" --format bencher
	[ "$status" -eq 0 ]
	refute grep -q fork-exec <<< "$output"
	[[ "$stderr" == *"left out fork-exec/rss_mib:0/thp:off/pin:none"* ]]
}

@test "a fresh run exports in all three formats" {
	"$SC" run -m fork-exit,pthread -r 0 -n 30 -w 1 -o out 2>/dev/null >/dev/null
	for f in gbench github-action-benchmark bencher; do
		run --separate-stderr "$SC" export out --format "$f"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		grep -q 'pthread/rss_mib:0/thp:off/pin:same' <<< "$output"
	done
	# one repetition per row of windows.csv
	windows=$(($(wc -l < out/windows.csv) - 1))
	[ "$(grep -c '"run_type":"iteration"' < <("$SC" export out --format gbench))" -eq "$windows" ]
}

@test "gbench without windows.csv reads samples.csv, so a cut one is refused; the others need only the summary" {
	expect_bad "truncated/samples.csv: file cut short" export "$FX/truncated" --format gbench
	run "$SC" export "$FX/truncated" --format bencher
	[ "$status" -eq 0 ]
}

@test "no format"          { expect_bad "--format: missing" export "$FX/base"; }
@test "unknown format"     { expect_bad "expected gbench, github-action-benchmark or bencher" export "$FX/base" --format csv; }
@test "no folder"          { expect_bad "DIR: missing" export --format gbench; }
@test "two folders"        { expect_bad "unexpected argument" export "$FX/base" "$FX/base" --format gbench; }
@test "missing folder"     { expect_bad "nowhere: No such file or directory" export nowhere --format bencher; }
@test "malformed summary"  { expect_bad "malformed/summary.csv: 7 fields where the header has 21 at line 3" export "$FX/malformed" --format bencher; }
@test "empty summary"      { expect_bad "empty/summary.csv: empty file" export "$FX/empty" --format github-action-benchmark; }
