#!/usr/bin/env bats
# spawncost compare, the CI gate, on hand-made run folders whose outcome is
# known (tests/fixtures/compare/generate says what each one holds): four
# cells of 10 windows each. base has windows.csv; identical and the copies
# have none, and get their windows from samples.csv's rounds.
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/compare"
SLOW="fork-exit/rss_mib:64/thp:off/pin:none"

# The verdict column of the text row for cell $1 in $output.
verdict() {
	printf '%s\n' "$output" | awk -v c="$1" '$1 == c { sub(/.*[0-9e-] +/, ""); print }'
}

@test "identical runs: no change anywhere, exit 0" {
	run "$SC" compare "$FX/base" "$FX/identical"
	[ "$status" -eq 0 ]
	[[ "$output" == *"result: 0 regressions, 0 improvements, 4 no change, 0 inconclusive, 0 errors in NEW"* ]]
	[[ "$output" == *"geometric mean of NEW/BASE over 4 cells: 1.000 ("* ]]
	refute grep -q warning <<< "$output"
}

@test "fresh draws of the same cells (A/A): exit 0" {
	run "$SC" compare "$FX/base" "$FX/rerun"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 regressions"* ]]
}

@test "a 20% shift in one cell: exit 1, naming that cell and only that cell" {
	run "$SC" compare "$FX/base" "$FX/shift20"
	[ "$status" -eq 1 ]
	[ "$(verdict "$SLOW")" = "regression" ]
	[ "$(printf '%s\n' "$output" | grep -c ' regression$')" -eq 1 ]
	[[ "$output" == *"result: 1 regression, 0 improvements, 3 no change"* ]]
}

@test "a 20% speed-up is an improvement and passes; swapping BASE and NEW mirrors it" {
	run "$SC" compare "$FX/base" "$FX/faster20"
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "improvement" ]
	run "$SC" compare "$FX/shift20" "$FX/base"
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "improvement" ]
}

@test "a 3% shift is significant but under the 5% bar; --threshold 1 flags it" {
	run "$SC" compare "$FX/base" "$FX/shift3"
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "no change" ]
	run "$SC" compare "$FX/base" "$FX/shift3" --threshold 1
	[ "$status" -eq 1 ]
	[ "$(verdict "$SLOW")" = "regression" ]
}

@test "every cell 10% slower: the whole run moved, which two runs cannot tell from the machine" {
	run "$SC" compare "$FX/base" "$FX/allslow10"
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "inconclusive" ]
	[[ "$output" == *"4 inconclusive"* ]]
	[[ "$output" == *"the whole run moved by +10."* ]]
	run "$SC" compare "$FX/base" "$FX/allslow10" --inconclusive fail
	[ "$status" -eq 1 ]
	# one cell 20% slower among unchanged ones stands out of the run
	run "$SC" compare "$FX/base" "$FX/shift20" --format json
	[[ "$output" == *'"regressions": 1,'* ]]
}

# Folder $1 copied to $2, every cell of its summary.csv with instructions
# per op $3 (a run made where the PMU counts them).
counted() {
	cp -R "$1" "$2"
	awk -F, -v OFS=, -v v="$3" 'NR == 1 { print $0, "instructions_per_op"; next }
		{ print $0, v }' "$1/summary.csv" > "$2/summary.csv"
}

@test "several BASE runs that agree, a whole run 10% slower, its instructions up too: it regresses" {
	for r in base rerun identical; do
		counted "$FX/$r" "$r" 1000
	done
	counted "$FX/allslow10" slow 1120
	run "$SC" compare base rerun identical slow
	[ "$status" -eq 1 ]
	[ "$(verdict "$SLOW")" = "regression" ]
	[[ "$output" == *"NEW moved as a whole beyond the BASE runs' own spread"* ]]
	[[ "$output" == *"4 regressions"* ]]
	# how far it moved, in the text and the JSON alike (+10%, not the 1 left in)
	[[ "$output" == *"beyond the BASE runs' own spread by more than the threshold: +10."*"% (the median over 4 cells)"* ]]
	[[ "$output" == *"and its instructions per op moved +12.0% with it"* ]]
	run --separate-stderr "$SC" compare base rerun identical slow --format json
	[[ "$output" == *'"run_shift": 1.10'* ]]
	[[ "$output" == *'"run_shift_kept": true,'* ]]
	[[ "$output" == *'"run_shift_instructions": 1.12'* ]]
	[[ "$output" == *'"run_shift_unwitnessed": false'* ]]
}

@test "several BASE runs that agree, a whole run 10% slower, nothing counted: a host that turned slow, inconclusive" {
	run "$SC" compare "$FX/base" "$FX/rerun" "$FX/identical" "$FX/allslow10"
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "inconclusive" ]
	[[ "$output" == *"4 inconclusive"* ]]
	refute grep -q "NEW moved as a whole beyond" <<< "$output"
	[[ "$output" == *"past where the 3 BASE runs put a next run ("*"% from their middle, p < alpha), but no instructions were counted to say it was NEW's"* ]]
	[[ "$output" == *"instructions counted in both runs would tell"* ]]
	run --separate-stderr "$SC" compare "$FX/base" "$FX/rerun" "$FX/identical" "$FX/allslow10" --format json
	[[ "$output" == *'"run_shift_kept": false,'* ]]
	[[ "$output" == *'"run_shift_instructions": null'* ]]
	[[ "$output" == *'"run_shift_unwitnessed": true'* ]]
	run "$SC" compare "$FX/base" "$FX/rerun" "$FX/identical" "$FX/allslow10" --inconclusive fail
	[ "$status" -eq 1 ]
}

@test "several BASE runs, a whole run 10% slower whose instructions did not move: the machine's, inconclusive" {
	for r in base rerun identical allslow10; do
		counted "$FX/$r" "$r" 1000
	done
	run "$SC" compare base rerun identical allslow10
	[ "$status" -eq 0 ]
	[[ "$output" == *"4 inconclusive"* ]]
	[[ "$output" == *"but instructions per op moved only +0.0%"* ]]
	[[ "$output" == *"its instructions per op did not move with it"* ]]
}

@test "one BASE run given twice is one BASE run: a whole run 10% slower stays inconclusive" {
	run "$SC" compare "$FX/base" "$FX/base" "$FX/allslow10"
	[ "$status" -eq 0 ]
	[[ "$output" == *"4 inconclusive"* ]]
	[[ "$output" == *"the whole run moved by +10."* ]]
	refute grep -q "NEW moved as a whole beyond" <<< "$output"
	[[ "$output" == *"drift; the BASE runs' levels cannot tell (all alike, or too few cells in them)"* ]]
}

@test "two BASE runs that differ: the shift they would keep is said, in the text and the JSON" {
	run "$SC" compare "$FX/base" "$FX/rerun" "$FX/allslow10"
	[ "$status" -eq 0 ]
	[[ "$output" == *"4 inconclusive"* ]]
	[[ "$output" == *"drift, as far as the BASE runs tell: their 2 levels would keep a shift only "*"% or more from their middle (p < alpha)"* ]]
	refute grep -q "NEW moved as a whole beyond" <<< "$output"
	run --separate-stderr "$SC" compare "$FX/base" "$FX/rerun" "$FX/allslow10" --format json
	[[ "$output" == *'"run_keep_bound": 1.'* ]]
	[[ "$output" == *'"run_shift_kept": false,'* ]]
	# one BASE run: nothing to bound it by
	run --separate-stderr "$SC" compare "$FX/base" "$FX/allslow10" --format json
	[[ "$output" == *'"run_keep_bound": null'* ]]
}

@test "a cell that erred in one of several BASE runs is judged on the others" {
	run "$SC" compare "$FX/errored" "$FX/base" "$FX/rerun"
	[ "$status" -eq 0 ]
	refute grep -q "error in BASE" <<< "$output"
	[[ "$output" == *"0 errors in NEW"* ]]
	# erred in every BASE run: an error in BASE, with its message
	run "$SC" compare "$FX/errored" "$FX/errored" "$FX/rerun"
	[[ "$output" == *"error in BASE: ENOEXEC: exec of the target failed"* ]]
}

@test "--alpha below what 10 windows a side can reach: the 20% shift is inconclusive, never no change" {
	# the smallest two-sided p of the U test with 10 and 10 windows is 1.1e-5
	run "$SC" compare "$FX/base" "$FX/shift20" --alpha 1e-6
	[ "$status" -eq 0 ]
	[ "$(verdict "$SLOW")" = "inconclusive" ]
	[[ "$output" == *"the U test of 10 and 10 windows gives p = 1.1e-05, 4.3e-05 adjusted over the cells (Holm), not below alpha"* ]]
	[[ "$output" == *"warning: 1 cell is inconclusive"* ]]
}

@test "--inconclusive fail: an undecided cell fails the gate; pass (the default) lets it through" {
	run "$SC" compare "$FX/base" "$FX/shift20" --alpha 1e-6 --inconclusive fail
	[ "$status" -eq 1 ]
	[[ "$output" == *"inconclusive fails"* ]]
	run "$SC" compare "$FX/base" "$FX/shift20" --alpha 1e-6 --inconclusive pass
	[ "$status" -eq 0 ]
	expect_bad "expected pass or fail" compare "$FX/base" "$FX/base" --inconclusive maybe
}

@test "windows.csv and samples.csv's rounds give the same windows" {
	run "$SC" compare "$FX/base" "$FX/identical" --format json
	[[ "$output" == *'"ratio": 1.0000'* ]]
	[[ "$output" == *'"windows_base": 10,'* ]]
	[[ "$output" == *'"windows_new": 10,'* ]]
}

@test "several BASE runs: the last folder is NEW, the others make the baseline" {
	run "$SC" compare "$FX/base" "$FX/rerun" "$FX/shift20"
	[ "$status" -eq 1 ]
	[ "$(verdict "$SLOW")" = "regression" ]
	[[ "$output" == *"BASE is 2 runs"* ]]
	run "$SC" compare "$FX/base" "$FX/identical" "$FX/rerun"
	[ "$status" -eq 0 ]
	run --separate-stderr "$SC" compare "$FX/base" "$FX/rerun" "$FX/shift20" --format json
	[[ "$output" == *'"base_runs": 2,'* ]]
}

@test "a kernel and a mitigation differ in env.txt: said first, before the table" {
	run "$SC" compare "$FX/base" "$FX/kernel"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "warning: not like for like: the machines differ in" ]
	[ "${lines[1]}" = "  kernel_release: BASE 6.1.0-fx, NEW 6.8.0-fx" ]
	[ "${lines[2]}" = "  vuln_meltdown: BASE Not affected, NEW Mitigation: PTI" ]
	[ "${lines[3]}" = "BASE: fx, Linux 6.1.0-fx ($FX/base)" ]
	[ "${lines[4]}" = "NEW: fx, Linux 6.8.0-fx ($FX/kernel)" ]
	[[ "${lines[5]}" == cell* ]]
	run "$SC" compare "$FX/base" "$FX/noenv"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "warning: a run has no env.txt"* ]]
}

@test "columns in another order read the same" {
	run "$SC" compare "$FX/base" "$FX/identical"
	expected=$(grep -v '^NEW: ' <<< "$output")
	run "$SC" compare "$FX/base" "$FX/shuffled"
	[ "$status" -eq 0 ]
	[ "$(grep -v '^NEW: ' <<< "$output")" = "$expected" ]
}

@test "cells on one side only are listed; one BASE has and NEW lacks fails; --strict refuses them" {
	run "$SC" compare "$FX/base" "$FX/partial" --allow-missing
	[ "$status" -eq 0 ]
	[[ "$output" == *"only in BASE: vfork-exit/rss_mib:0/thp:off/pin:none"* ]]
	[[ "$output" == *"only in NEW: fork-exit/rss_mib:16/thp:off/pin:none"* ]]
	[[ "$output" == *"over 3 cells"* ]]
	[[ "$output" == *"warning: NEW $FX/partial lacks 1 cell BASE has: vfork-exit/rss_mib:0/thp:off/pin:none; with --allow-missing the cells it has are judged"* ]]
	run --separate-stderr "$SC" compare "$FX/base" "$FX/partial"
	[ "$status" -eq 1 ]
	[ "$stderr" = "spawncost compare: NEW $FX/partial lacks 1 cell BASE has: vfork-exit/rss_mib:0/thp:off/pin:none: the gate fails (--allow-missing lets it pass)" ]
	[[ "$output" == *"error: NEW $FX/partial lacks 1 cell BASE has"* ]]
	expect_bad "1 only in BASE, 1 only in NEW" compare "$FX/base" "$FX/partial" --strict
}

@test "an interrupted NEW (complete=no, half its cells gone) fails the gate, naming the cells" {
	cut_short_run rerun cut 2
	run --separate-stderr "$SC" compare "$FX/base" cut
	[ "$status" -eq 1 ]
	[ "$stderr" = "spawncost compare: NEW cut is incomplete (its env.txt says complete=no: the run was cut short or is still going) and lacks 2 cells BASE has: fork-exit/rss_mib:64/thp:off/pin:none, vfork-exit/rss_mib:0/thp:off/pin:none: the gate fails (--allow-missing lets it pass)" ]
	[[ "${lines[0]}" == "error: NEW cut is incomplete (its env.txt says complete=no"* ]]
	# the cells it kept are judged as ever, and the tally line keeps its shape
	[[ "$output" == *"result: 0 regressions, 0 improvements, 2 no change, 0 inconclusive, 0 errors in NEW"* ]]
	run --separate-stderr "$SC" compare "$FX/base" cut --format markdown
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "> **Error:** NEW cut is incomplete"*"the gate fails (\`--allow-missing\` lets it pass)." ]]
	[[ "$output" == *"**FAIL**: 0 regressions"* ]]
	run --separate-stderr "$SC" compare "$FX/base" cut --format json
	[ "$status" -eq 1 ]
	[[ "$output" == *'"exit_status": 1,'* ]]
	[[ "$output" == *'"new_complete": false,'* ]]
	printf '%s\n' "$output" | grep -A3 '"missing_in_new"' | grep -q '"vfork-exit/rss_mib:0/thp:off/pin:none"'
	[[ "$output" == *'"allow_missing": false,'* ]]
}

@test "a NEW run cut short with every cell there still fails; --allow-missing lets either pass" {
	cut_short_run rerun cut 4
	run --separate-stderr "$SC" compare "$FX/base" cut
	[ "$status" -eq 1 ]
	[ "$stderr" = "spawncost compare: NEW cut is incomplete (its env.txt says complete=no: the run was cut short or is still going): the gate fails (--allow-missing lets it pass)" ]
	cut_short_run rerun half 2
	run --separate-stderr "$SC" compare "$FX/base" half --allow-missing
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "warning: NEW half is incomplete"*"; with --allow-missing the cells it has are judged" ]]
	run --separate-stderr "$SC" compare "$FX/base" half --allow-missing --format json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"exit_status": 0,'* ]]
	[[ "$output" == *'"allow_missing": true,'* ]]
}

@test "a BASE run cut short is warned of; the cells only NEW has pass" {
	cut_short_run base cut 2
	run --separate-stderr "$SC" compare cut "$FX/rerun"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "warning: BASE cut is incomplete (its env.txt says complete=no): the cells it lacks are not compared" ]
	[[ "$output" == *"only in NEW: vfork-exit/rss_mib:0/thp:off/pin:none"* ]]
	run --separate-stderr "$SC" compare "$FX/base" cut "$FX/rerun" --format json
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A2 '"incomplete_base_runs"' | grep -qx '    "cut"'
	# a cell the first BASE lacks but another BASE run has is still missing from NEW
	run --separate-stderr "$SC" compare cut "$FX/base" "$FX/partial"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"NEW $FX/partial lacks 1 cell BASE has: vfork-exit/rss_mib:0/thp:off/pin:none: the gate fails"* ]]
}

@test "a refined size only in BASE is not missing: where refine lands is each run's own" {
	cp -r "$FX/base" refined
	awk -F, -v OFS=, 'NR == 1 { print $0, "refined"; next } { print $0, "no" }
		$3 == "fork-exit" && $5 == 0 { $5 = 3; print $0, "yes" }' "$FX/base/summary.csv" > refined/summary.csv
	awk -F, -v OFS=, '{ print } NR > 1 && $3 == "fork-exit" && $5 == 0 { $5 = 3; print }' \
		"$FX/base/windows.csv" > refined/windows.csv
	run --separate-stderr "$SC" compare refined "$FX/rerun"
	[ "$status" -eq 0 ]
	[[ "$output" == *"only in BASE: fork-exit/rss_mib:3/thp:off/pin:none"* ]]
	refute grep -q "lacks" <<< "$output"
	# complete=yes and every cell there: no word of it
	run "$SC" compare "$FX/base" "$FX/rerun"
	refute grep -q "incomplete" <<< "$output"
}

@test "a cell that errs in NEW fails the gate" {
	run "$SC" compare "$FX/base" "$FX/errored"
	[ "$status" -eq 1 ]
	[[ "$output" == *"error in NEW: ENOEXEC: exec of the target failed"* ]]
	[[ "$output" == *"1 error in NEW"* ]]
	# ... but one that already erred in BASE does not
	run "$SC" compare "$FX/errored" "$FX/base"
	[ "$status" -eq 0 ]
	[[ "$output" == *"error in BASE"* ]]
}

@test "a variant column tells cells apart" {
	run "$SC" compare "$FX/variant-base" "$FX/variant-new"
	[ "$status" -eq 1 ]
	[ "$(verdict "$SLOW/variant:a")" = "no change" ]
	[ "$(verdict "$SLOW/variant:b")" = "regression" ]
}

@test "markdown: the warning first, a table, the verdict in bold" {
	run "$SC" compare "$FX/base" "$FX/kernel" --format markdown
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "> **Warning: not like for like.**"* ]]
	run "$SC" compare "$FX/base" "$FX/shift20" --format markdown
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "**FAIL**: 1 regression"* ]]
	printf '%s\n' "$output" | grep -qx '| cell | base µs | new µs | change | ratio 95% CI | p | windows | verdict |'
	printf '%s\n' "$output" | grep -q "^| \`$SLOW\` | 1908.77 | .* | \*\*regression\*\* |$"
}

@test "json: one object, the gate's numbers in it" {
	run --separate-stderr "$SC" compare "$FX/base" "$FX/shift20" --format json
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "{" ]
	[[ "$output" == *'"regressions": 1,'* ]]
	[[ "$output" == *'"exit_status": 1'* ]]
}

@test "the same inputs always give the same report (fixed bootstrap seed)" {
	a=$("$SC" compare "$FX/base" "$FX/rerun" --format json)
	b=$("$SC" compare "$FX/base" "$FX/rerun" --format json)
	[ "$a" = "$b" ]
}

@test "a run compared with itself, end to end" {
	"$SC" run -m fork-exit,vfork-exit -r 0 -n 400 -w 2 -o out 2>/dev/null >/dev/null
	run "$SC" compare out out
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 regressions, 0 improvements, "* ]]
	[[ "$output" == *"+0.0%"* ]]
	[[ "$output" == *" 10/10 "* ]]
}

# Run folder $1 copied to $2 with every cell's key $3 set to $4, in each of
# its CSV files, and KEY=VALUE lines ($5...) added to its env.txt.
run_with() {
	local from="$1" to="$2" key="$3" value="$4" f
	shift 4
	mkdir "$to"
	for f in summary windows samples; do
		[ ! -f "$from/$f.csv" ] || with_columns "$from/$f.csv" "$key" "$value" > "$to/$f.csv"
	done
	cp "$from/env.txt" "$to/"
	[ $# -eq 0 ] || printf '%s\n' "$@" >> "$to/env.txt"
}

@test "runs are named above the table by their --label, else by host and kernel" {
	run_with "$FX/base" labelled thp off label="6.19-rc1 + patch"
	run "$SC" compare "$FX/base" labelled
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "BASE: fx, Linux 6.1.0-fx ($FX/base)" ]
	[ "${lines[1]}" = "NEW: 6.19-rc1 + patch (labelled)" ]
	[[ "${lines[2]}" == cell* ]]
	run "$SC" compare "$FX/base" "$FX/rerun" labelled
	printf '%s\n' "$output" | grep -qxF "BASE 2: fx, Linux 6.1.0-fx ($FX/rerun)"
	run "$SC" compare "$FX/base" labelled --format markdown
	printf '%s\n' "$output" | grep -qxF -- "- NEW: 6.19-rc1 + patch (labelled)"
	run --separate-stderr "$SC" compare "$FX/base" labelled --format json
	[[ "$output" == *'"base_names": ['*'"fx, Linux 6.1.0-fx"'* ]]
	[[ "$output" == *'"new_name": "6.19-rc1 + patch"'* ]]
	[[ "$output" == *'"ignored": []'* ]]
}

@test "--ignore thp matches a THP off/on pair, and the header shows both settings" {
	run_with "$FX/rerun" thp-on thp on
	run --separate-stderr "$SC" compare "$FX/base" thp-on
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no cell in common"*"; they differ only in thp (off in BASE, on in NEW): --ignore thp matches them" ]]
	run --separate-stderr "$SC" compare "$FX/base" thp-on --ignore thp
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = "thp: off (BASE) vs on (NEW), left out of matching cells (--ignore)" ]
	[[ "$output" == *"fork-exit/rss_mib:64/pin:none "* ]]
	[[ "$output" == *"over 4 cells"* ]]
	run --separate-stderr "$SC" compare "$FX/base" thp-on --ignore thp --format json
	[[ "$output" == *'"key": "thp",'*'"base": ['*'"off"'*'"new": ['*'"on"'* ]]
}

@test "--ignore is a comma list or given again; a key a run sweeps cannot be ignored" {
	run_with "$FX/rerun" other-pin pin same
	run_with other-pin thp-pin thp on
	run "$SC" compare "$FX/base" thp-pin --ignore thp,pin
	[ "$status" -eq 0 ]
	expected="$output"
	run "$SC" compare "$FX/base" thp-pin --ignore pin --ignore thp
	[ "$output" = "$expected" ]
	[[ "$output" == *"pin: none (BASE) vs same (NEW)"* ]]
	# both THP settings in one run: without thp, two of its cells are alike
	mkdir both
	cat "$FX/base/summary.csv" > both/summary.csv
	with_columns "$FX/base/summary.csv" thp on | tail -n +2 >> both/summary.csv
	cp "$FX/base/env.txt" both/
	run --separate-stderr "$SC" compare "$FX/base" both --ignore thp
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--ignore thp: "*"appears twice"*"the run has cells that differ only in thp" ]]
}

@test "a reference run (results/reference/) compares from what it keeps" {
	ref="$BATS_TEST_DIRNAME/../../results/reference/default"
	"$SC" run -m fork-exit,vfork-exit -r 0,16 -n 20 --rounds 2 -o out 2>/dev/null >/dev/null
	run --separate-stderr "$SC" compare out "$ref"
	[ "$status" -ne 2 ] || { echo "$stderr"; return 1; }
	run --separate-stderr "$SC" compare "$ref" out
	[ "$status" -ne 2 ] || { echo "$stderr"; return 1; }
	# a reference trimmed to its summary: each cell's median is its one
	# window, which decides nothing, and compare says so
	mkdir trimmed
	cp "$ref/summary.csv" "$ref/env.txt" trimmed/
	run --separate-stderr "$SC" compare "$ref" trimmed
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "$stderr" == *"trimmed keeps neither windows.csv nor samples.csv"* ]]
	[[ "$output" == *"fewer than 2 windows a side: no interval"* ]]
	[[ "$output" == *" 0 no change, "* ]]
}

@test "every reference run compares with itself" {
	reference_runs > refs
	[ "$(wc -l < refs)" -gt 10 ]
	while IFS= read -r ref; do
		run --separate-stderr "$SC" compare "$ref" "$ref"
		[ "$status" -eq 0 ] || { echo "$ref: status $status: $stderr"; return 1; }
	done < refs
}

# Bad input: exit 2, one line on stderr naming the file and what is wrong.
@test "malformed summary"   { expect_bad "malformed/summary.csv: 7 fields where the header has 21 at line 3" compare "$FX/base" "$FX/malformed"; }
@test "empty summary"       { expect_bad "empty/summary.csv: empty file" compare "$FX/empty" "$FX/base"; }
@test "truncated samples"   { expect_bad "truncated/samples.csv: file cut short" compare "$FX/base" "$FX/truncated"; }
@test "samples cut at a row boundary" {
	expect_bad "short/samples.csv: 35 samples of vfork-exit/rss_mib:0/thp:off/pin:none where summary.csv counts 40" \
		compare "$FX/base" "$FX/short"
}
@test "a window twice in windows.csv" {
	cp -r "$FX/base" twice
	sed -n 2p twice/windows.csv >> twice/windows.csv
	run --separate-stderr "$SC" compare "$FX/base" twice
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"twice/windows.csv: a second window of round 1 of a cell at line 42"* ]]
}
@test "no cell in common"   { expect_bad "the runs have no cell in common" compare "$FX/base" "$FX/mismatched"; }
@test "--ignore an unknown key" { expect_bad "--ignore: unknown key 'colour' (keys: target, rss_mib, thp, pin," compare "$FX/base" "$FX/base" --ignore thp,colour; }
@test "--ignore method"     { expect_bad "--ignore: 'method' is what a cell measures" compare "$FX/base" "$FX/base" --ignore method; }
@test "--ignore nothing"    { expect_bad "--ignore: the list has an empty item" compare "$FX/base" "$FX/base" --ignore thp,; }
@test "missing folder"      { expect_bad "nowhere: No such file or directory" compare "$FX/base" nowhere; }
@test "a file, not a folder" { expect_bad "not a folder" compare "$FX/base" "$FX/generate"; }
@test "one run only"        { expect_bad "give two run folders" compare "$FX/base"; }
@test "34 runs"             { expect_bad "unexpected argument" compare $(for i in $(seq 34); do printf '%s ' "$FX/base"; done); }
@test "unknown format"      { expect_bad "expected text, markdown or json" compare "$FX/base" "$FX/base" --format csv; }
@test "bad threshold"       { expect_bad "'-5' is not a number" compare "$FX/base" "$FX/base" --threshold -5; }
@test "alpha of 0"          { expect_bad "must be above 0" compare "$FX/base" "$FX/base" --alpha 0; }
@test "alpha above 1"       { expect_bad "too large" compare "$FX/base" "$FX/base" --alpha 2; }
@test "unknown option"      { expect_bad "unknown option" compare "$FX/base" "$FX/base" --frob; }
@test "option without value" { expect_bad "needs a value" compare "$FX/base" "$FX/base" --alpha; }

# An emulated run (scripts/kernels --emulated; tests/cli/kernels.bats boots
# one): the base fixture whose env.txt says so.
emulated_copy() {
	cp -R "$FX/$1" "$2"
	echo emulated=yes >> "$2/env.txt"
}

@test "an emulated run against a real one, among BASEs or as NEW: exit 2, one line, nothing on stdout" {
	emulated_copy shift20 emu
	run --separate-stderr "$SC" compare "$FX/base" emu
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost compare: emu was emulated under QEMU TCG (its env.txt says emulated=yes) and $FX/base was not: emulated figures are not hardware figures, and are not set against them" ]
	[ -z "$output" ]
	run --separate-stderr "$SC" compare emu "$FX/rerun" "$FX/base"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"emu was emulated under QEMU TCG"* ]]
}

@test "emulated runs against each other: compared, and every format says they are emulated" {
	emulated_copy base a
	emulated_copy shift20 b
	run --separate-stderr "$SC" compare a b
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "note: emulated under QEMU TCG: figures are not hardware figures" ]
	run --separate-stderr "$SC" compare a b --format markdown
	[ "${lines[0]}" = "> **emulated under QEMU TCG: figures are not hardware figures**" ]
	run --separate-stderr "$SC" compare a b --format json
	grep -q '"emulated": true,' <<< "$output"
	run --separate-stderr "$SC" compare "$FX/base" "$FX/shift20" --format json
	grep -q '"emulated": false,' <<< "$output"
	run "$SC" compare "$FX/base" "$FX/shift20"
	refute grep -q emulated <<< "$output"
}
