#!/usr/bin/env bats
# Each claim pair in one line, as hyperfine sums up a comparison, and the
# run as one JSON document for scripts (report --json, run --json).
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
FIX="$ROOT/tests/fixtures/plots"

@test "report ends with each pair in one line: slower, faster or undecided, the ratio and its interval in brackets" {
	cp -R "$FIX/full" run
	run --separate-stderr "$SC" report run
	[ "$status" -eq 0 ]
	answers=$(printf '%s\n' "$output" | sed -n '/^each pair in one line/,$p')
	echo "$answers"
	grep -qxF '  fork-exit ran 4.50× [4.46, 4.55] slower than vfork-exit at 0 MiB, THP off' <<< "$answers"
	grep -qxF '  fork-exec ran 1.43× [1.41, 1.44] faster than posix-spawn at 0 MiB, THP off' <<< "$answers"
	grep -qxF '  fork-exec and vfork-exec: no decided difference at 0 MiB, THP on: 1.00× [0.99, 1.01]' <<< "$answers"
	grep -qxF '  clone-vm ran 1.14× [1.13, 1.15] faster than clone-thread at 64 MiB, THP off' <<< "$answers"
	# the last lines of the output: what `make run` leaves on the screen
	[ "$(printf '%s\n' "$output" | tail -n 1)" = '  fork-exec ran 4.50× [4.46, 4.55] slower than vfork-exec at 64 MiB, THP on' ]
	# report.md has them too
	grep -qxF '### Each pair in one line' run/report.md
	grep -qxF -- '- fork-exit ran 4.50× [4.46, 4.55] slower than vfork-exit at 0 MiB, THP off' run/report.md
}

@test "the one-line answers give the paired window-level ratio, never the ratio of pooled medians" {
	cp -R "$ROOT/results/reference/default" run
	run --separate-stderr "$SC" report run
	[ "$status" -eq 0 ]
	v=$(cell run/verdicts.csv ratio claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	lo=$(cell run/verdicts.csv ratio_lo claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	hi=$(cell run/verdicts.csv ratio_hi claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	want=$(printf '  fork-exit ran %.2f× [%.2f, %.2f] slower than vfork-exit at 0 MiB' "$v" "$lo" "$hi")
	echo "want: $want"
	grep -qxF "$want" <<< "$output"
	# the reference tells the two apart: its pooled medians give another figure
	pooled=$(awk "BEGIN { printf \"%.2f\", $(col run/summary.csv median_us fork-exit 0) / $(col run/summary.csv median_us vfork-exit 0) }")
	[ "$pooled" != "$(printf '%.2f' "$v")" ]
	refute grep -qF "fork-exit ran $pooled× " <<< "$output"
}
