#!/usr/bin/env bats
# scripts/ci-regress and scripts/validate-gate, on fixture runs. Nothing is
# measured: --run hands ci-regress a finished run, SPAWNCOST="$SC" makes the
# scripts use the build under test, and the stub-spawncost fixture stands in
# where they would measure (its `run` copies a fixture).
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/compare"
CI="$BATS_TEST_DIRNAME/../../scripts/ci-regress"
VG="$BATS_TEST_DIRNAME/../../scripts/validate-gate"

@test "ci-regress: a run like its baseline passes, with markdown on stdout" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/identical" --baseline "$FX/base"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "### spawncost: "*", quick profile against its baseline" ]]
	[[ "$output" == *"**PASS**: 0 regressions"* ]]
}

@test "ci-regress: a 20% regression fails with 1, and --report appends the markdown" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/shift20" --baseline "$FX/base" --report report.md
	[ "$status" -eq 1 ]
	[[ "$output" == *"**FAIL**: 1 regression"* ]]
	grep -q '\*\*regression\*\*' report.md
	[ "$(cat report.md)" = "$output" ]
}

@test "ci-regress: compare options reach the gate" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/shift3" --baseline "$FX/base" --threshold 1
	[ "$status" -eq 1 ]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/partial" --baseline "$FX/base" --strict
	[ "$status" -eq 2 ]
}

@test "ci-regress: no baseline is exit 2 saying how to make one; --update-baseline makes it" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/base" --baseline bl/fx
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no baseline for "*"--update-baseline"* ]]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/base" --baseline bl/fx --update-baseline
	[ "$status" -eq 0 ]
	cmp bl/fx/summary.csv "$FX/base/summary.csv"
	# what the gate reads: the windows, not the samples
	cmp bl/fx/windows.csv "$FX/base/windows.csv"
	[ ! -e bl/fx/samples.csv ]
	# a run made before windows.csv keeps its samples, whose rounds are its windows
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/identical" --baseline old/fx --update-baseline
	[ "$status" -eq 0 ]
	cmp old/fx/samples.csv "$FX/identical/samples.csv"
	# replacing it shows the old comparison first, and leaves nothing aside
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/shift20" --baseline bl/fx --update-baseline
	[ "$status" -eq 0 ]
	[[ "$output" == *"**FAIL**: 1 regression"* ]]
	cmp bl/fx/summary.csv "$FX/shift20/summary.csv"
	[ "$(ls bl)" = "fx" ]
}

@test "ci-regress: measures into --out, pinned, when given no run" {
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$CI" --baseline "$FX/base" --out new
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == *"measuring the quick profile into new (pinned: "* ]]
	[ -f new/summary.csv ]
}

@test "ci-regress: bad options" {
	SPAWNCOST="$SC" run "$CI" --frob
	[ "$status" -eq 2 ]
	SPAWNCOST="$SC" run "$CI" --baseline
	[ "$status" -eq 2 ]
	SPAWNCOST="$SC" run "$CI" --run "$FX" --baseline "$FX/base"
	[ "$status" -eq 2 ]
}

@test "validate-gate: A/A and A/B pairs, summed up" {
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$VG" --pairs 2 --out vg
	[ "$status" -eq 0 ]
	[[ "$output" == *"A/A: 0 of 2 pairs failed the gate (goal 0); of 8 cells compared, 0 flagged as regressions"* ]]
	[[ "$output" == *"A/B: 2 of 2 pairs flagged fork-exit 64 -> 96 MiB as a regression, 0 as no change"* ]]
	# the B run is swapped in a copy: its 96 MiB fork-exit named 64, its
	# own 64 MiB one gone; the measured folder keeps both
	grep -q ',fork-exit,none,96,' vg/ab-1-b/summary.csv
	grep -q ',fork-exit,none,64,' vg/ab-1-b/summary.csv
	[ "$(grep -c ',fork-exit,none,64,' vg/ab-1-b-as-64/summary.csv)" -eq 1 ]
	refute grep -q ',96,' vg/ab-1-b-as-64/summary.csv
	refute grep -q ',96,' vg/ab-1-b-as-64/windows.csv
	[ "$(cat vg/summary.txt)" = "$output" ]
	run "$VG" --pairs 0
	[ "$status" -eq 2 ]
	run "$VG" --size x
	[ "$status" -eq 2 ]
}

@test "validate-gate --bases 2: each B also against the last two A runs" {
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$VG" --pairs 2 --bases 2 --out vg
	[ "$status" -eq 0 ]
	[[ "$output" == *"A/B against the last 2 A runs (compare A... B):"* ]]
	[[ "$output" == *"A/B against 2 A runs: 1 of 1 flagged it as a regression"* ]]
}

@test "ci-regress --update-baseline replaces only a baseline, and refuses anything else untouched" {
	mkdir notabaseline
	echo precious > notabaseline/thesis.tex
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/base" --baseline notabaseline --update-baseline
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refusing to replace notabaseline: not a spawncost baseline (it holds thesis.tex)"* ]]
	[ "$(cat notabaseline/thesis.tex)" = precious ]
	# a baseline it made itself is replaced
	SPAWNCOST="$SC" run "$CI" --run "$FX/base" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	SPAWNCOST="$SC" run "$CI" --run "$FX/identical" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	[ -f bl/summary.csv ]
}

@test "ci-regress passes --alpha and --threshold as one argument each, and an unwritable --report fails" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/identical" --baseline "$FX/base" --alpha '*'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--alpha"* ]]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/identical" --baseline "$FX/base" \
		--threshold '5 --format json'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--threshold"* ]]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/identical" --baseline "$FX/base" \
		--report /proc/version
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot write the report"* ]]
}

@test "ci-regress: an interrupted run fails the gate; --allow-missing passes through" {
	cut_short_run rerun cut 2
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run cut --baseline "$FX/base"
	[ "$status" -eq 1 ]
	[[ "$output" == *"> **Error:** NEW cut is incomplete"* ]]
	[[ "$output" == *"**FAIL**: 0 regressions"* ]]
	[[ "$stderr" == *"the gate fails (--allow-missing lets it pass)"* ]]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run cut --baseline "$FX/base" --allow-missing
	[ "$status" -eq 0 ]
	[[ "$output" == *"**PASS**: 0 regressions"* ]]
}

@test "ci-regress --update-baseline refuses a run compare refuses, the old baseline untouched" {
	SPAWNCOST="$SC" run "$CI" --run "$FX/base" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	cut_short_run rerun cut 2
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run cut --baseline bl --update-baseline
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "ci-regress: refusing cut as the baseline: NEW cut is incomplete (its env.txt says complete=no: the run was cut short or is still going)" ]
	cmp bl/summary.csv "$FX/base/summary.csv"
	# --allow-missing lets the gate pass such a run, never makes a baseline of it
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run cut --baseline bl --update-baseline --allow-missing
	[ "$status" -eq 2 ]
	cmp bl/summary.csv "$FX/base/summary.csv"
	# a file that does not add up: compare's own line
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/malformed" --baseline bl --update-baseline
	[ "$status" -eq 2 ]
	[ "$stderr" = "ci-regress: refusing $FX/malformed as the baseline: $FX/malformed/summary.csv: 7 fields where the header has 21 at line 3" ]
	cmp bl/summary.csv "$FX/base/summary.csv"
	[ "$(ls -A)" = "$(printf 'bl\ncut')" ]
}

@test "ci-regress --update-baseline leaves folders named DIR.old and DIR.new alone" {
	mkdir bl.old bl.new
	echo mine > bl.old/notes
	echo mine > bl.new/notes
	SPAWNCOST="$SC" run "$CI" --run "$FX/base" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	SPAWNCOST="$SC" run "$CI" --run "$FX/rerun" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	cmp bl/summary.csv "$FX/rerun/summary.csv"
	[ "$(cat bl.old/notes)" = mine ]
	[ "$(cat bl.new/notes)" = mine ]
	[ "$(ls -A)" = "$(printf 'bl\nbl.new\nbl.old')" ]
}

@test "ci-regress --update-baseline takes DIR/ as DIR, and leaves nothing in it to block the next" {
	SPAWNCOST="$SC" run "$CI" --run "$FX/base" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/rerun" --baseline bl/ --update-baseline
	[ "$status" -eq 0 ]
	cmp bl/summary.csv "$FX/rerun/summary.csv"
	[ "$(ls -A bl)" = "$(printf 'env.txt\nsummary.csv\nwindows.csv')" ]
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/base" --baseline bl// --update-baseline
	[ "$status" -eq 0 ]
	cmp bl/summary.csv "$FX/base/summary.csv"
	[ "$(ls -A)" = bl ]
}

@test "ci-regress --update-baseline: a swap that fails puts the old baseline back and leaves nothing" {
	SPAWNCOST="$SC" run "$CI" --run "$FX/base" --baseline bl --update-baseline
	[ "$status" -eq 0 ]
	# an mv that cannot move the new copy in (nor swap it, as mv --exchange would)
	mkdir shim
	printf '%s\n' '#!/bin/sh' 'case "$*" in *--exchange*|*/.bl.new.*) echo "mv: injected" >&2; exit 1 ;; esac' \
		'exec /bin/mv "$@"' > shim/mv
	chmod +x shim/mv
	PATH="$PWD/shim:$PATH" SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$FX/rerun" --baseline bl --update-baseline
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ci-regress: cannot rename "*"/.bl.new."*" to bl"* ]]
	cmp bl/summary.csv "$FX/base/summary.csv"
	[ "$(ls -A)" = "$(printf 'bl\nshim')" ]
}

@test "validate-gate --only ab measures and reports the A/B pairs only; --only x is refused" {
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$VG" \
		--pairs 1 --only ab --out vg
	[ "$status" -eq 0 ]
	[[ "$output" == *"A/B: "*" of 1 pairs flagged"* ]]
	[[ "$output" == *"validate-gate: "*", 1 A/B pairs, pinned"* ]]
	refute grep -q '^A/A: ' <<< "$output"
	refute grep -q 'A/A pairs' <<< "$output"
	[ ! -e vg/aa-1-a ]
	[ -e vg/ab-1-a ]
	run --separate-stderr "$VG" --only x
	[ "$status" -eq 2 ]
	[ "$stderr" = "validate-gate: --only: 'x' is not aa or ab" ]
}

@test "validate-gate -o is --out, as calibrate's -o" {
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$VG" --pairs 1 --only aa -o vg
	[ "$status" -eq 0 ]
	[ -e vg/aa-1-a ]
	[ -e vg/summary.txt ]
}
