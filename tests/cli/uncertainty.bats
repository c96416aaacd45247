#!/usr/bin/env bats
# Honest uncertainty: the window, not the sample, is the unit of every
# interval; ratios are taken round by round; contention is measured and said;
# no timed child runs the dynamic linker. Shapes and physics only, no times.
load helpers

# The windows.csv column $2 of the rows whose method is $3, one per line.
wcol() {
	cell "$1" "$2" method="$3"
}

@test "every cell is measured in 10 windows, each a row of windows.csv, and its interval comes from them" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 600 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$(head -1 out/summary.csv)" == *,refined,windows,contended_windows* ]]
	[ "$(col out/summary.csv windows fork-exit 0)" = 10 ]
	[ "$(col out/summary.csv windows vfork-exit 0)" = 10 ]
	[[ "$(col out/summary.csv contended_windows fork-exit 0)" =~ ^[0-9]+$ ]]
	[[ "$(head -1 out/windows.csv)" == run_id,host,method,target,rss_mib,thp,pin,*,round,start_s,length_s,iterations,median_us,delay_pct,steal_pct,nivcsw,child_minflt_per_trip,contended ]]
	[ "$(wc -l < out/windows.csv)" -eq 21 ]
	[ "$(wcol out/windows.csv round fork-exit | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 10 " ]
	# the count asked for is split over the windows
	[ "$(wcol out/windows.csv iterations fork-exit | sort -u)" = 60 ]
	# with 10 windows the interval lies within their range, or reaches the
	# pooled median where that falls outside it
	lo=$(col out/summary.csv ci_lo_us fork-exit 0)
	hi=$(col out/summary.csv ci_hi_us fork-exit 0)
	med=$(col out/summary.csv median_us fork-exit 0)
	min=$(wcol out/windows.csv median_us fork-exit | sort -g | head -1)
	max=$(wcol out/windows.csv median_us fork-exit | sort -g | tail -1)
	awk -v lo="$lo" -v min="$min" -v med="$med" 'BEGIN { exit !(lo >= min || lo == med) }'
	awk -v hi="$hi" -v max="$max" -v med="$med" 'BEGIN { exit !(hi <= max || hi == med) }'
	awk -v lo="$lo" -v hi="$hi" -v med="$med" 'BEGIN { exit !(lo <= med && med <= hi) }'
}

@test "fewer than 6 windows: the interval is their range, and the report says it holds less than 95%" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 300 --rounds 3 -e none -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv windows fork-exit 0)" = 3 ]
	min=$(wcol out/windows.csv median_us fork-exit | sort -g | head -1)
	max=$(wcol out/windows.csv median_us fork-exit | sort -g | tail -1)
	med=$(col out/summary.csv median_us fork-exit 0)
	awk -v lo="$(col out/summary.csv ci_lo_us fork-exit 0)" -v min="$min" -v med="$med" \
		'BEGIN { exit !(lo == min || lo == med) }'
	awk -v hi="$(col out/summary.csv ci_hi_us fork-exit 0)" -v max="$max" -v med="$med" \
		'BEGIN { exit !(hi == max || hi == med) }'
	"$SC" report out >/dev/null 2>&1
	grep -q 'only 3 windows: fewer than 6 cannot give a 95% interval' out/report.md
}

@test "one window gives no interval: the columns stay empty rather than claim one" {
	run "$SC" run -m vfork-exit -r 0 -n 50 --rounds 1 -e none -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv windows vfork-exit 0)" = 1 ]
	[ -z "$(col out/summary.csv ci_lo_us vfork-exit 0)" ]
	[ -z "$(col out/summary.csv ci_hi_us vfork-exit 0)" ]
}

@test "the engine binds its symbols at load: no forked child runs ld.so's lazy binding" {
	skip_if_sanitized
	command -v readelf || skip "no readelf"
	readelf -d "$BUILD/spawncost-measure" | grep -q 'BIND_NOW'
	# the children of a timed window fault the same pages whether or not
	# the loader is told to bind now: nothing is left to bind lazily (a
	# lazily bound engine's children take 8 more; the layout ASLR draws
	# for a process can move one page either way)
	"$SC" run -m fork-exit -r 0 -n 300 --rounds 3 -e none -o lazy >/dev/null 2>&1
	LD_BIND_NOW=1 "$SC" run -m fork-exit -r 0 -n 300 --rounds 3 -e none -o now >/dev/null 2>&1
	a=$(wcol lazy/windows.csv child_minflt_per_trip fork-exit | sort -g | head -1)
	b=$(wcol now/windows.csv child_minflt_per_trip fork-exit | sort -g | head -1)
	echo "faults per child: $a as built, $b with LD_BIND_NOW"
	awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; exit !(d < 3 && d > -3) }'
}

@test "ratios are paired round by round: the report shows each ratio's per-round spread" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 400 -e none -o out
	[ "$status" -eq 0 ]
	"$SC" report out >/dev/null 2>&1
	grep -Eq '^- fork-exit / vfork-exit: \*\*.*\(([0-9.]+)× \[[0-9.]+, [0-9.]+\], rounds [0-9.]+-[0-9.]+\)' out/report.md
	[ "$(head -1 out/verdicts.csv)" = "claim,pair,thp,rss_mib,ratio,ratio_lo,ratio_hi,round_lo,round_hi,rounds,status" ]
	row=$(grep '^1,fork-exit/vfork-exit,off,0.000,' out/verdicts.csv)
	[ "$(echo "$row" | cut -d, -f10)" = 10 ]
	# the median of the per-round ratios lies within their spread, the
	# interval too
	echo "$row" | awk -F, '{ exit !($8 <= $6 && $6 <= $5 && $5 <= $7 && $7 <= $9) }'
	[[ "$(echo "$row" | cut -d, -f11)" =~ ^(holds|does\ not\ hold|undecided)$ ]]
}

@test "a ratio of two parent sizes is paired only at the sweep's sizes, never at a refined one" {
	# a refined size's windows were taken during --refine's search, beside
	# vfork-exit at that size: round r of it is not round r of 0 MiB
	cp -r "$BATS_TEST_DIRNAME/../../results/reference/default" ref
	"$SC" report ref >/dev/null 2>&1
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "refined") c = i; next }
		$c == "yes" { print $5 + 0 }' ref/summary.csv | sort -u > refined
	[ -s refined ]
	awk -F, '$1 == 4 { print $4 + 0 }' ref/verdicts.csv | sort -u > claim4
	[ -s claim4 ]
	[ -z "$(comm -12 refined claim4)" ]
	# the pairs measured side by side keep their refined sizes
	awk -F, '$1 == 1 { print $4 + 0 }' ref/verdicts.csv | sort -u > claim1
	[ -n "$(comm -12 refined claim1)" ]
}

@test "two runs at once on one CPU both say they were contended" {
	skip_if_sanitized
	cpu=$(($(nproc) - 1))
	"$SC" run -m vfork-exit,pthread -r 0 --min-time 2 --cpus "$cpu" -e none -o a >/dev/null 2>a.err &
	"$SC" run -m vfork-exit,pthread -r 0 --min-time 2 --cpus "$cpu" -e none -o b >/dev/null 2>b.err
	wait
	for d in a b; do
		grep -q 'warning: contended: ' "$d.err"
		awk -F, "$BY_NAME"'
			{ n += field("contended_windows") } END { exit !(n > 0) }' "$d/summary.csv"
		grep -q ',yes$' "$d/windows.csv"
		"$SC" report "$d" >/dev/null 2>&1
		grep -q '^> \*\*Contended:\*\*' "$d/report.md"
	done
}

@test "scripts/calibrate: intervals, the A/A gate and the verdicts of K runs of one command" {
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" -k 2 -o cal -- \
		-m fork-exit,vfork-exit -r 0 -n 200 -e none
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "calibrate: 2 runs: cal/run-1 cal/run-2" ]
	printf '%s\n' "$output" | grep -Eq '^  fork-exit/rss_mib:0/thp:off +[01]/1 +[01]/1 +[0-9.]+%$'
	printf '%s\n' "$output" | grep -Eq "^intervals: 2 cells over 1 consecutive pairs: run i's interval holds run i\+1's median in [0-2] of 2 \([0-9]+%\); the two intervals overlap in [0-2] of 2"
	printf '%s\n' "$output" | grep -Eq '^compare: 2 ordered pairs \(A/A\): [0-2] exit 1 \(false alarms\); over 4 cell comparisons: [0-9]+ regression, [0-9]+ improvement, [0-9]+ inconclusive, [0-9]+ no change$'
	printf '%s\n' "$output" | grep -Eq '^verdicts: 1 claim points; flips between decided sides: [01]; undecided in [0-2] of 2 '
	printf '%s\n' "$output" | grep -qx 'compare (several BASE): none (it takes 3 runs or more)'
	[ -s cal/calibrate.txt ]
	# the same figures from the folders, without measuring again
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" --runs cal/run-1 cal/run-2
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q '^compare: 2 ordered pairs (A/A)'
}

@test "scripts/calibrate --runs reads the folders and writes none of them" {
	fx="$BATS_TEST_DIRNAME/../fixtures/history/nochange"
	cp -R "$fx/run-01" "$fx/run-02" "$fx/run-03" .
	# a verdicts.csv made by another spawncost: taken again, not trusted
	printf 'claim,pair,thp,rss_mib,ratio,ratio_lo,ratio_hi,round_lo,round_hi,rounds,status\n' > run-02/verdicts.csv
	find run-01 run-02 run-03 -type f -exec md5sum {} + | sort > before
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" --runs run-01 run-02 run-03
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -Eq '^verdicts: [1-9][0-9]* claim points; flips between decided sides: 0;'
	# run-03 against run-01 and run-02: a baseline of several runs
	printf '%s\n' "$output" | grep -qx 'compare (several BASE): each run from the third on against up to 5 runs just before it: 0 of 1 exit 1 (false alarms)'
	# every run's verdicts counted, run-02's too: points x 3 (point, run) verdicts
	printf '%s\n' "$output" | awk '/^verdicts: / { n = $2; sub(/.* of /, ""); exit !($1 == 3 * n) }'
	find run-01 run-02 run-03 -type f -exec md5sum {} + | sort > after
	cmp before after
}

@test "scripts/calibrate: each run against the five runs just before it at most, however many there are" {
	# compare takes 32 BASE runs: all the runs before the 34th of -k 50 were
	# one too many, and calibrate died after measuring them all
	for i in 1 2 3 4 5 6 7 8; do cp -R "$BATS_TEST_DIRNAME/../fixtures/compare/base" "r$i"; done
	printf '#!/bin/sh\n[ "$1" != compare ] || echo "$*" >> "%s/compares"\nexec "%s" "$@"\n' \
		"$PWD" "$SC" > sc
	chmod +x sc
	SPAWNCOST="$PWD/sc" run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" \
		--runs r1 r2 r3 r4 r5 r6 r7 r8
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx 'compare (several BASE): each run from the third on against up to 5 runs just before it: 0 of 6 exit 1 (false alarms)'
	grep -qx 'compare r1 r2 r3' compares
	grep -qx 'compare r2 r3 r4 r5 r6 r7' compares
	grep -qx 'compare r3 r4 r5 r6 r7 r8' compares
	refute grep -q 'compare r1 r2 r3 r4 r5 r6 r7' compares
}

@test "scripts/calibrate: bad input is one line and exit 2" {
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" -k 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"-k: at least 2 runs"* ]]
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" --runs nowhere elsewhere
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nowhere: no summary.csv"* ]]
	run --separate-stderr "$BATS_TEST_DIRNAME/../../scripts/calibrate" -- -o x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"-o is the script's"* ]]
}
