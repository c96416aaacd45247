#!/usr/bin/env bats
# spawncost history: change points over many runs. The fixtures are real
# runs made here (summary-level files only), 20 with nothing changed and 20
# whose last ten carry 64 MiB more in the engine (LD_PRELOADed, label
# heavy-parent): docs/figures.md has how they were made and what was found.
# The detector's arithmetic is tested on synthetic series in
# tests/unit/analysis/test_history_detect.c.
load helpers

FX="$BATS_TEST_DIRNAME/../fixtures/history"

# File $1's header and the rows the awk condition $2 keeps (field("name")).
rows_where() {
	head -n 1 "$1"
	awk -F, "$BY_NAME$2" "$1"
}

# The series with a change point, one name a line, from the JSON listing.
changed_series() {
	jq -r '.series[] | select(.changes | length > 0) | .name' <<< "$1"
}

@test "step: the change at run-11, in the fork cells and the claim ratios, and nothing else" {
	run --separate-stderr "$SC" history "$FX/step"
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	[ "${lines[0]%%,*}" = "history: 20 runs by time (2026-12-06 23:28 to 2026-12-06 23:31 UTC)" ]
	# every change is at run 11, the first heavy-parent run, with run-10 before it
	[ "$(grep -c '^  \[[0-9]*\] +[0-9.]*% \[.*\] at run 11 of 20, p = ' <<< "$output")" -eq 10 ]
	[ "$(grep -c '^  \[' <<< "$output")" -eq 10 ]
	[ "$(grep -c '^      before: runs 1-10, median .*, last plain \[run-10\]$' <<< "$output")" -eq 10 ]
	[ "$(grep -c '^      after:  runs 11-20, median .*, first heavy-parent \[run-11\]$' <<< "$output")" -eq 10 ]
	[ "${lines[-2]}" = "10 change points in 10 series (--report N: one in full)" ]
	[ "${lines[-1]}" = "8 series, no change point" ]
	run --separate-stderr "$SC" history "$FX/step" --format json
	[ "$status" -eq 1 ]
	changed_series "$output" > got
	# the series the step changed, in the listing's order
	diff "$FX/step-changed.txt" got
	# fork copies 64 MiB more page tables: every one of them at least doubled
	[ "$(jq '[.series[].changes[] | select(.step_pct < 100)] | length' <<< "$output")" -eq 0 ]
	[ "$(jq '[.series[].changes[] | select(.run_before == 10 and .run_after == 11)] | length' <<< "$output")" -eq 10 ]
	# each step inside its interval, from the ten runs on each side
	[ "$(jq '[.series[].changes[] | select(.step_lo_pct < .step_pct and .step_pct < .step_hi_pct)] | length' <<< "$output")" -eq 10 ]
	[ "$(jq '[.series[].changes[] | select(.before.runs == 10 and .after.runs == 10)] | length' <<< "$output")" -eq 10 ]
}

@test "nochange: no change point, and exit 0" {
	run --separate-stderr "$SC" history "$FX/nochange"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# the heading and the one line (bats leaves the blank line out)
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "18 series, no change point" ]
}

@test "a series per cell and per claim ratio at each swept size, a point per run" {
	run --separate-stderr "$SC" history "$FX/nochange" --format json
	[ "$status" -eq 0 ]
	[ "$(jq '.series | length' <<< "$output")" -eq 18 ]
	[ "$(jq '[.series[] | select(.kind == "cell")] | length' <<< "$output")" -eq 12 ]
	[ "$(jq '[.series[] | select(.kind == "ratio" and .unit == "x")] | length' <<< "$output")" -eq 6 ]
	[ "$(jq '[.series[] | select((.points | length) != 20)] | length' <<< "$output")" -eq 0 ]
	# a cell's point is the median of its windows' medians, as windows.csv has them
	want=$(awk -F, "$BY_NAME"'field("method") == "fork-exit" && field("rss_mib") == 16 { print field("median_us") }' \
		"$FX/nochange/run-07/windows.csv" | sort -g | awk '{ x[NR] = $1 } END { printf "%.3f", (x[5] + x[6]) / 2 }')
	got=$(jq '.series[] | select(.name | startswith("fork-exit/rss_mib:16/")) | .points[6].value' <<< "$output")
	[ "$(printf '%.3f' "$got")" = "$want" ]
	# the runs, in order, with their facts
	[ "$(jq -r '.runs[0].label, .runs[19].dir' <<< "$output" | tr '\n' ' ')" = "plain $FX/nochange/run-20 " ]
	[ "$(jq -r '.runs[0].kernel' <<< "$output")" = "6.18.44-fc-v1272" ]
}

@test "the runs may be given in any order, one by one or as folders of them" {
	"$SC" history "$FX/step" > all || true
	mapfile -t dirs < <(ls -d "$FX"/step/run-* | sort -r)
	run --separate-stderr "$SC" history "${dirs[@]}"
	[ "$status" -eq 1 ]
	diff all <(printf '%s\n' "$output")
	# the same answer every time: the permutations start from a fixed seed
	"$SC" history "$FX/step" --format json > a || true
	"$SC" history "$FX/step" --format json > b || true
	cmp a b
}

@test "--by label: heavy-parent comes first, and the change is where plain begins" {
	run --separate-stderr "$SC" history "$FX/step" --by label
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "history: 20 runs by label "* ]]
	[ "$(grep -c '^  \[[0-9]*\] -[0-9.]*% \[.*\] at run 11 of 20, p = ' <<< "$output")" -eq 10 ]
	[ "$(grep -c 'first plain \[run-01\]$' <<< "$output")" -eq 10 ]
}

@test "--by commit and --by kernel: one commit, one kernel, so the order is the time's" {
	"$SC" history "$FX/step" > by-time || true
	for by in commit kernel; do
		run --separate-stderr "$SC" history "$FX/step" --by "$by"
		[ "$status" -eq 1 ]
		diff <(tail -n +2 by-time) <(printf '%s\n' "$output" | tail -n +2)
	done
}

@test "--by kernel and --by label go in version order, --by commit in the order each commit first came" {
	for i in 1 2 3 4; do
		cp -r "$FX/nochange/run-0$i" "r$i"
	done
	# by time: r1 r2 r3 r4
	for kv in "r1 6.12" "r2 6.6" "r3 6.10" "r4 6.9"; do
		set -- $kv
		sed -i "s/^kernel_release=.*/kernel_release=$2/; s/^label=.*/label=v$2/" "$1/env.txt"
	done
	run --separate-stderr "$SC" history r1 r2 r3 r4 --by kernel --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.runs[].kernel] | join(" ")' <<< "$output")" = "6.6 6.9 6.10 6.12" ]
	run --separate-stderr "$SC" history r1 r2 r3 r4 --by label --format json
	[ "$(jq -r '[.runs[].label] | join(" ")' <<< "$output")" = "v6.6 v6.9 v6.10 v6.12" ]
	# commit c ran first and last, a second, b third: c, c, a, b (not by name)
	for kv in "r1 c" "r2 a" "r3 b" "r4 c"; do
		set -- $kv
		sed -i "s/^git_revision=.*/git_revision=$2/" "$1/env.txt"
	done
	run --separate-stderr "$SC" history r4 r3 r2 r1 --by commit --format json
	[ "$(jq -r '[.runs[] | "\(.commit)\(.dir)"] | join(" ")' <<< "$output")" = "cr1 cr4 ar2 br3" ]
}

@test "two runs that started the same second go by folder, whichever order they are given in" {
	cp -r "$FX/step/run-01" a
	cp -r "$FX/step/run-12" b
	cp "$FX/step/run-01/env.txt" b/env.txt
	"$SC" history a b --format json > ab || true
	"$SC" history b a --format json > ba || true
	cmp ab ba
	[ "$(jq -r '[.runs[].dir] | join(" ")' ab)" = "a b" ]
}

@test "a cell in error, or missing, has no point: the change is dated by the runs that have one" {
	cp -r "$FX/step" hole
	# run 5: fork-exit at 0 MiB in error (its row keeps a median), its windows gone
	{
		head -n 1 "$FX/step/run-05/summary.csv"
		awk -F, -v OFS=, "$BY_NAME"'field("method") == "fork-exit" && field("rss_mib") == 0 {
			set("error", "ENOMEM") } { print }' "$FX/step/run-05/summary.csv"
	} > hole/run-05/summary.csv
	rows_where "$FX/step/run-05/windows.csv" '!(field("method") == "fork-exit" && field("rss_mib") == 0)' \
		> hole/run-05/windows.csv
	# run 11, the first heavy one: no fork-exec at all
	for f in summary windows; do
		rows_where "$FX/step/run-11/$f.csv" 'field("method") != "fork-exec"' > "hole/run-11/$f.csv"
	done
	run --separate-stderr "$SC" history hole --format json
	[ "$status" -eq 1 ]
	[ "$(jq '[.series[] | select(.name | startswith("fork-exit/rss_mib:0/")) | .points[].run] | index(5)' <<< "$output")" = null ]
	[ "$(jq '[.series[] | select(.name == "ratio fork-exit/vfork-exit at 0 MiB") | .points[].run] | index(5)' <<< "$output")" = null ]
	[ "$(jq '[.series[] | select(.name | startswith("fork-exit/rss_mib:0/")) | .points | length] | .[0]' <<< "$output")" -eq 19 ]
	# fork-exec and its ratios step at run 12, the first heavy run that has them
	[ "$(jq '[.series[].changes[] | select(.run_before == 10 and .run_after == 12)] | length' <<< "$output")" -eq 6 ]
	[ "$(jq '[.series[].changes[] | select(.run_before == 10 and .run_after == 11)] | length' <<< "$output")" -eq 4 ]
	run --separate-stderr "$SC" history hole
	[ "$(grep -c '^  \[[0-9]*\] +[0-9.]*% \[.*\] at run 12 of 20, p = ' <<< "$output")" -eq 6 ]
	# --report of a change at run 11 lists the four series that changed there, not those at 12
	n=$(jq '[.series[].changes[] | select(.run_after == 11)][0].number' <<< "$("$SC" history hole --format json)")
	run --separate-stderr "$SC" history hole --report "$n"
	[ "$status" -eq 0 ]
	grep -qx '4 series changed at run 11' <<< "$output"
	refute grep -q 'fork-exec' <<< "$output"
}

@test "a run without a key column (made before it) still joins every series, on the keys all runs have" {
	cp -r "$FX/step" older
	for f in summary windows; do
		awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "vmas") c = i }
			{ for (i = c; i < NF; i++) $i = $(i + 1); NF--; print }' \
			"$FX/step/run-20/$f.csv" > "older/run-20/$f.csv"
	done
	refute grep -q vmas older/run-20/summary.csv
	run --separate-stderr "$SC" history older --format json
	[ "$status" -eq 1 ]
	[ "$(jq '.series | length' <<< "$output")" -eq 18 ]
	[ "$(jq '[.series[] | select((.points | length) != 20)] | length' <<< "$output")" -eq 0 ]
	[ "$(jq -r '.series[0].name' <<< "$output")" = "fork-exec/rss_mib:0/thp:off/pin:same/ballast:anon" ]
}

@test "a change with six runs a side says its interval holds less than 95%" {
	mkdir six
	for r in 05 06 07 08 09 10 11 12 13 14 15 16; do
		cp -r "$FX/step/run-$r" six/
	done
	run --separate-stderr "$SC" history six
	[ "$status" -eq 1 ]
	# each side's range holds its median with 1 - 2/64: both together, 93.8%
	[ "$(grep -c '^      (few runs a side: the interval holds 94%, not 95%)$' <<< "$output")" -eq 10 ]
	run --separate-stderr "$SC" history "$FX/step"
	refute grep -q 'few runs a side' <<< "$output"
}

@test "--threshold and --alpha: a real 4% drift of the machine is significant, and below the threshold" {
	run --separate-stderr "$SC" history "$FX/nochange" --threshold 0
	[ "$status" -eq 1 ]
	[ "$(grep -c '^  \[' <<< "$output")" -eq 1 ]
	grep -q '^  \[1\] -4\.[0-9]% \[.*\] at run 12 of 20, p = 0\.00' <<< "$output"
	# 99999 permutations for p below 0.0001: the ten changes still are
	run --separate-stderr "$SC" history "$FX/step" --alpha 0.0001 --format json
	[ "$status" -eq 1 ]
	[ "$(jq '.permutations' <<< "$output")" -eq 99999 ]
	[ "$(jq '[.series[].changes[] | select(.p < 0.0001 and .run_after == 11)] | length' <<< "$output")" -eq 10 ]
}

@test "--report N: the robot's shape, the two runs, each series that changed there, and the command" {
	run --separate-stderr "$SC" history "$FX/step" --report 2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "spawncost history: change [2] of 10, in fork-exit/rss_mib:0/"*", between runs 10 and 11 (p = 0.001)" ]]
	grep -q '^before: run 10 of 20: plain \[run-10\]$' <<< "$output"
	grep -q '^after:  run 11 of 20: heavy-parent \[run-11\]$' <<< "$output"
	grep -q '^        commit fe9d166-dirty, kernel 6.18.44-fc-v1272, label heavy-parent, machine ' <<< "$output"
	grep -q '^ *before *%stddev *%change *after *%stddev *series' <<< "$output"
	[ "$(grep -cE '^ +[0-9.]+(x| us) ± +[0-9.]+%  +\+[0-9.]+%  +[0-9.]+(x| us) ± +[0-9.]+%  .* \(10, 10\)$' <<< "$output")" -eq 10 ]
	grep -q '^10 series changed at run 11$' <<< "$output"
	# %stddev: the sample standard deviation of the runs' figures, as % of their mean
	want=$("$SC" history "$FX/step" --format json | jq -r '.series[] | select(.name | startswith("fork-exit/rss_mib:0/")) |
		.points[:10] | map(.value) | (add / length) as $m | (map((. - $m) * (. - $m)) | add / (length - 1) | sqrt) / $m * 100' |
		xargs printf '%.1f')
	grep -qE "^ +200\.3 us ± +$want%  +\+1432\.8%  .* fork-exit/rss_mib:0/" <<< "$output"
	# the user's command: the front end's own options and -o left out
	grep -qx '  spawncost run --profile quick -m core -r 0,16 --label heavy-parent' <<< "$output"
	grep -qx '  spawncost run --profile quick -m core -r 0,16 --label plain' <<< "$output"
}

@test "--report: a number the listing does not have is one line and exit 2" {
	run --separate-stderr "$SC" history "$FX/step" --report 11
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost history: --report: no change 11 (the listing has 10)" ]
	[ -z "$output" ]
}

@test "sizes only --refine measured make no series; every claim ratio at a swept size does" {
	ref="$BATS_TEST_DIRNAME/../../results/reference/refine"
	cp -r "$ref" a
	cp -r "$ref" b
	run --separate-stderr "$SC" history a b --format json
	[ "$status" -eq 0 ]
	[ "$(jq '[.series[].name | select(test("rss_mib:(2|5.75|6|6.5|7.5|8.5|9|9.5|10.75|11.5|12.25)/"))] | length' <<< "$output")" -eq 0 ]
	[ "$(jq '[.series[].name | select(test(" at (2|5.75|6|6.5|7.5|8.5|9|9.5|10.75|11.5|12.25) MiB"))] | length' <<< "$output")" -eq 0 ]
	jq -r '.series[].name' <<< "$output" | grep -qx 'ratio fork-exec/vfork-exec at 16 MiB'
}

@test "one run has no series to split: no change point" {
	run --separate-stderr "$SC" history "$FX/step/run-11"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "18 series, no change point" ]
}

@test "200 runs: every series, every run" {
	for c in 0 1 2 3 4; do
		for r in "$FX"/nochange/run-* "$FX"/step/run-*; do
			mkdir -p "runs/c$c-$(basename "$(dirname "$r")")-$(basename "$r")"
			cp "$r"/* "runs/c$c-$(basename "$(dirname "$r")")-$(basename "$r")/"
		done
	done
	run --separate-stderr "$SC" history runs --format json
	[ "$status" -eq 1 ]
	[ "$(jq '.runs | length' <<< "$output")" -eq 200 ]
	[ "$(jq '[.series[] | select((.points | length) != 200)] | length' <<< "$output")" -eq 0 ]
}

@test "runs of several machines: warned about first, and a step where the machine changes says so" {
	cp -r "$FX/step" two
	for r in two/run-1[1-9] two/run-20; do
		sed -i 's/^machine_id=.*/machine_id=3333cccc4444dddd/' "$r/env.txt"
	done
	run --separate-stderr "$SC" history two
	[ "$status" -eq 1 ]
	[ "${lines[1]}" = "warning: the runs come from 2 machines (machine_id): a step where the machine changes may be the machine's, not a change's" ]
	[ "$(grep -c ' at run 11 of 20, p = 0.001, where the machine changes$' <<< "$output")" -eq 10 ]
	run --separate-stderr "$SC" history "$FX/step"
	refute grep -q 'machine' <<< "$output"
	# the page says it too: under its heading, and at each change
	run --separate-stderr "$SC" history two --html page
	[ "$status" -eq 1 ]
	grep -q '^<p class=warn>The runs come from 2 machines (machine_id)' page/index.html
	[ "$(grep -c 'heavy-parent \[run-11\] <span class=warn>(where the machine changes)</span>' page/index.html)" -eq 10 ]
}

@test "bad input: one line, exit 2, nothing on stdout" {
	expect_bad "DIR: missing" history
	expect_bad "nowhere: No such file or directory" history nowhere
	expect_bad "--by: expected time, commit, kernel or label" history "$FX/step" --by date
	expect_bad "--alpha: " history "$FX/step" --alpha 0
	expect_bad "--alpha: " history "$FX/step" --alpha 2
	expect_bad "--threshold: " history "$FX/step" --threshold -1
	expect_bad "--report: " history "$FX/step" --report 0
	expect_bad "--format: expected text or json" history "$FX/step" --format csv
	expect_bad "--report: prints text" history "$FX/step" --report 1 --format json
	expect_bad "given twice" history "$FX/step/run-01" "$FX/step/run-01/"
	expect_bad "$FX/step/run-01/env.txt: not a folder" history "$FX/step/run-01/env.txt"
}

@test "a folder with no run in it, and a run that does not add up, are refused by name" {
	mkdir -p "$BATS_TEST_TMPDIR/empty/sub"
	expect_bad "empty: no run in it (no summary.csv, here or in a folder under it)" history "$BATS_TEST_TMPDIR/empty"
	mkdir -p "$BATS_TEST_TMPDIR/bad"
	cp -r "$FX/step/run-01" "$FX/step/run-02" "$BATS_TEST_TMPDIR/bad/"
	head -c 300 "$FX/step/run-02/summary.csv" > "$BATS_TEST_TMPDIR/bad/run-02/summary.csv"
	expect_bad "bad/run-02/summary.csv: " history "$BATS_TEST_TMPDIR/bad"
}

@test "a window's median of 0 us is a damaged windows.csv, never a run infinitely fast" {
	cp -r "$FX/step" zero
	with_columns "$FX/step/run-05/windows.csv" median_us 0.000 > zero/run-05/windows.csv
	run --separate-stderr "$SC" history zero
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "spawncost history: zero/run-05/windows.csv: median_us "*" at line 2" ]]
}

@test "emulated and real runs in one history: one line, exit 2 (as compare refuses them)" {
	cp -R "$FX/nochange/run-01" real
	cp -R "$BATS_TEST_DIRNAME/../../results/reference/kernels-emulated/6.1.0-57-amd64" emu
	run --separate-stderr "$SC" history real emu
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"emu was emulated under QEMU TCG"* ]]
}
