#!/usr/bin/env bats
# spawncost export: a run folder as JSON for benchmark trackers. The JSON
# itself is parsed and checked field by field in tests/unit/test_export.c;
# these tests are what a user types.
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/compare"

@test "gbench: a context block, every iteration, four aggregates per cell" {
	run --separate-stderr "$SC" export "$FX/base" --format gbench
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "{" ]
	[ "${lines[1]}" = '  "context": {' ]
	[ "$(grep -c '"run_type":"iteration"' <<< "$output")" -eq 160 ]
	[ "$(grep -c '"run_type":"aggregate"' <<< "$output")" -eq 16 ]
	for a in mean median stddev cv; do
		grep -q "\"name\":\"fork-exec/rss_mib:0/thp:off/pin:none_$a\".*\"aggregate_name\":\"$a\"" <<< "$output"
	done
	grep -q '"name":"fork-exit/rss_mib:64/thp:off/pin:none".*"time_unit":"us"' <<< "$output"
	[ "${lines[-1]}" = "}" ]
}

@test "github-action-benchmark: name, unit us, value = the median, range p10..p90, extra n" {
	run --separate-stderr "$SC" export "$FX/base" --format github-action-benchmark
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[" ]
	median=$(col "$FX/base/summary.csv" median_us fork-exit 64)
	grep -q '"name": "fork-exit/rss_mib:64/thp:off/pin:none"' <<< "$output"
	grep -q "\"value\": $median," <<< "$output"
	grep -q '"range": "p10..p90 1878.269..1936.219"' <<< "$output"
	[ "$(grep -c '"unit": "us"' <<< "$output")" -eq 4 ]
	[ "$(grep -c '"extra": "n: 40' <<< "$output")" -eq 4 ]
}

@test "bencher: latency in ns, median with p10 and p90 as its bounds" {
	run --separate-stderr "$SC" export "$FX/base" --format bencher
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A4 '"fork-exit/rss_mib:64/thp:off/pin:none"' > cell
	grep -q '"latency": {' cell
	grep -q '"value": 1907611' cell
	grep -q '"lower_value": 1878269' cell
	grep -q '"upper_value": 1936219' cell
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
	[ "$(grep -c '"run_type":"iteration"' < <("$SC" export out --format gbench))" -eq 60 ]
}

@test "gbench reads samples.csv, so a cut one is refused; the others need only the summary" {
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
