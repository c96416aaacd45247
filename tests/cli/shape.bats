#!/usr/bin/env bats
# The parent's shape: --fds (descriptors it holds) and --threads (idle
# threads it has). Shape and physics, no absolute times.
load helpers

# The value of column $2 in the summary row of method $3 at fds $4 and
# threads $5 (rss 0) of file $1.
shape() {
	cell "$1" "$2" method="$3" fds="$4" threads="$5"
}

# Is $1 more than $3 times $2?
more_than() {
	awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { exit !(a > k * b) }'
}

@test "descriptors cost a fork, and clone-files, which shares the table, does not grow" {
	skip_if_sanitized
	run "$SC" run -m fork-exit,clone-files -r 0 --fds 0,10000 -n 200 -e none -o out
	[ "$status" -eq 0 ]
	f0=$(shape out/summary.csv median_us fork-exit 0 0)
	f1=$(shape out/summary.csv median_us fork-exit 10000 0)
	c0=$(shape out/summary.csv median_us clone-files 0 0)
	c1=$(shape out/summary.csv median_us clone-files 10000 0)
	echo "fork-exit $f0 -> $f1, clone-files $c0 -> $c1"
	more_than "$f1" "$f0" 1.5
	# clone-files grows far less than fork-exit does (a ratio of ratios)
	more_than "$(awk -v a="$f1" -v b="$f0" 'BEGIN { print a / b }')" \
		"$(awk -v a="$c1" -v b="$c0" 'BEGIN { print a / b }')" 1.3
}

@test "idle threads cost a fork, not a vfork" {
	skip_if_sanitized
	run "$SC" run -m fork-exit,vfork-exit -r 0 --threads 0,64 -n 200 -e none -o out
	[ "$status" -eq 0 ]
	f0=$(shape out/summary.csv median_us fork-exit 0 0)
	f1=$(shape out/summary.csv median_us fork-exit 0 64)
	v0=$(shape out/summary.csv median_us vfork-exit 0 0)
	v1=$(shape out/summary.csv median_us vfork-exit 0 64)
	echo "fork-exit $f0 -> $f1, vfork-exit $v0 -> $v1"
	more_than "$f1" "$f0" 1.5
	more_than "$(awk -v a="$f1" -v b="$f0" 'BEGIN { print a / b }')" \
		"$(awk -v a="$v1" -v b="$v0" 'BEGIN { print a / b }')" 1.3
	# the threads are in the parent fork copies: their stacks are mappings
	m0=$(shape out/summary.csv fork_maps fork-exit 0 0)
	m1=$(shape out/summary.csv fork_maps fork-exit 0 64)
	[ "$m1" -gt "$((m0 + 64))" ]
}

@test "the shape columns are appended, in every file, and the fits group by them" {
	run "$SC" run -m fork-exit -r 0,16 --fds 0,100 --threads 0,2 -n 20 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$(head -1 out/summary.csv)" == *,window_spread_pct,fds,threads,* ]]
	[[ "$(head -1 "$(samples_csv out)")" == *,fork_maps,fork_rss_kib,fds,threads,* ]]
	[[ "$(head -1 out/probes.csv)" == *,exit_reap_ns,fds,threads,* ]]
	[[ "$(head -1 out/fit.csv)" == *,points,fds,threads,* ]]
	[ "$(tail -n +2 out/summary.csv | wc -l)" -eq 8 ]
	# a line over the ballast per shape, one over fds per (size, threads),
	# one over threads per (size, fds)
	[ "$(awk -F, "$BY_NAME"'field("x") == "ballast_gib"' out/fit.csv | wc -l)" -eq 4 ]
	[ "$(awk -F, "$BY_NAME"'field("x") == "fds"' out/fit.csv | wc -l)" -eq 4 ]
	[ "$(awk -F, "$BY_NAME"'field("x") == "threads"' out/fit.csv | wc -l)" -eq 4 ]
	[[ "$output" == *"fit over the parent's descriptors"* ]]
	[[ "$output" == *"fit over the parent's threads"* ]]
	# every sample row names its cell's shape
	[ "$(awk -F, "$BY_NAME"'
		field("fds") == 100 && field("threads") == 2' "$(samples_csv out)" | wc -l)" -eq 40 ]
}

@test "the fits over descriptors and threads are in fit.csv, not only on the console" {
	run "$SC" run -m fork-exit -r 0 --fds 0,100,1000 --threads 0,2 -n 20 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	[[ "$output" == *"ns per descriptor  (r2 "*", 3 points)"* ]]
	[[ "$output" == *"fds=0      2 points: no fit"* ]]
	# over fds, 3 points: a slope per descriptor and an r2; the fds cell is
	# empty (the line spans them), the size it was measured at is given
	[ -n "$(cell out/fit.csv us_per_x x=fds threads=0)" ]
	[ -n "$(cell out/fit.csv r2 x=fds threads=0)" ]
	[ -z "$(cell out/fit.csv fds x=fds threads=0)" ]
	[ "$(cell out/fit.csv rss_mib x=fds threads=0)" = 0 ]
	[ -z "$(cell out/fit.csv us_per_gib x=fds threads=0)" ]
	# over threads, 2 points: the line through them, no r2
	[ "$(cell out/fit.csv points x=threads fds=1000)" -eq 2 ]
	[ -z "$(cell out/fit.csv r2 x=threads fds=1000)" ]
	[ -n "$(cell out/fit.csv us_per_x x=threads fds=1000)" ]
	run "$SC" report out
	[ "$status" -eq 0 ]
}

@test "the analysis tells shapes apart and leaves the plain parent's names alone" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 --fds 0,100 -n 20 -e none -o out
	[ "$status" -eq 0 ]
	run "$SC" compare out out
	[ "$status" -eq 0 ]
	[[ "$output" == *"fork-exit/rss_mib:0/thp:off/pin:"*"/vmas:1 "* ]]
	[[ "$output" == *"fork-exit/rss_mib:0/thp:off/pin:"*"/vmas:1/fds:100 "* ]]
	run "$SC" report out
	[ "$status" -eq 0 ]
	# the claims use the plain parent's cells only
	grep -q 'fork-exit' out/report.md
}

@test "bad --fds and --threads are one line and exit 2" {
	expect_bad "--fds" run -m fork-exit -r 0 --fds -1
	expect_bad "--fds" run -m fork-exit -r 0 --fds many
	expect_bad "--fds" run -m fork-exit -r 0 --fds 10,10
	expect_bad "--fds" run -m fork-exit -r 0 --fds 1000001
	expect_bad "--threads" run -m fork-exit -r 0 --threads -2
	expect_bad "--threads" run -m fork-exit -r 0 --threads x
	expect_bad "--threads" run -m fork-exit -r 0 --threads 10001
}

@test "more descriptors than RLIMIT_NOFILE allows is refused before measuring" {
	run --separate-stderr sh -c "ulimit -n 1024 && exec '$SC' run -m fork-exit -r 0 --fds 2000 -n 5"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--fds: 2000 descriptors do not fit under RLIMIT_NOFILE"* ]]
	[ -z "$(ls -A "$SCRATCH")" ]
}
