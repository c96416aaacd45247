#!/usr/bin/env bats
# execvp and posix_spawnp: the no-op found by its bare name after
# --path-dirs empty folders in PATH. Shape and physics, no absolute times.
load helpers

@test "the path methods search every folder of PATH before the no-op's" {
	command -v strace
	strace -f -qq -s 256 -e signal=none -e trace=execve -o trace.txt \
		"$BUILD/spawncost-measure" run -m execvp -r 0 -n 1 -w 0 --rounds 1 -e none \
		--path-dirs 3 -o out >/dev/null 2>&1 || true
	# per iteration (one timed, one probe): three folders in vain, then the no-op
	[ "$(grep -c 'execve("/tmp/spawncost-path-[^"]*/[0-9]/spawncost-noop".* = -1 ENOENT' trace.txt)" -eq 6 ]
	[ "$(grep -c 'execve(".*/spawncost-noop".* = 0' trace.txt)" -eq 2 ]
	[ "$(col out/summary.csv path_dirs execvp 0)" = 3 ]
	# and the folders are gone afterwards
	refute sh -c 'ls -d /tmp/spawncost-path-* 2>/dev/null | grep -q .'
}

@test "each empty folder in PATH costs execvp and posix_spawnp something" {
	run "$SC" run -m execvp,posix-spawnp,fork-exec -r 0 -n 400 -e none --path-dirs 0 -o none
	[ "$status" -eq 0 ]
	run "$SC" run -m execvp,posix-spawnp,fork-exec -r 0 -n 400 -e none --path-dirs 300 -o many
	[ "$status" -eq 0 ]
	for m in execvp posix-spawnp; do
		a=$(col none/summary.csv median_us $m 0)
		b=$(col many/summary.csv median_us $m 0)
		echo "$m: $a -> $b"
		awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > 1.3 * a) }'
	done
	[ -z "$(col many/summary.csv path_dirs fork-exec 0)" ]
	[ "$(col many/summary.csv path_dirs posix-spawnp 0)" = 300 ]
}

@test "a bad --path-dirs is one line and exit 2" {
	expect_bad "--path-dirs" run -m execvp -r 0 --path-dirs -1
	expect_bad "--path-dirs" run -m execvp -r 0 --path-dirs x
	expect_bad "--path-dirs" run -m execvp -r 0 --path-dirs 10001
}

# The PATH is one environment string, and exec passes none past 32 pages
# (MAX_ARG_STRLEN): a longer one would cost the run its meta.json and make
# system's shell fail. Refused up front, with the most that fits here.
@test "--path-dirs past what exec can pass is refused up front, with the most that fits" {
	expect_bad "--path-dirs: 5000 folders make a PATH longer than the $((32 * $(getconf PAGESIZE))) bytes the kernel passes in one environment string (MAX_ARG_STRLEN); at most " \
		run -m execvp -r 0 -n 20 --rounds 2 -e none --path-dirs 5000
	most=$(sed -n 's/.*; at most \([0-9]*\) here$/\1/p' <<< "$stderr")
	[ "$most" -gt 1000 ]
	[ "$most" -lt 5000 ]
	expect_bad "at most $most here" run -m execvp -r 0 -n 20 -e none --path-dirs $((most + 1))
	run "$SC" run -m execvp -r 0 -n 20 --rounds 2 -e none --path-dirs "$most" -o out
	[ "$status" -eq 0 ]
	[ -s out/meta.json ]
	[ "$(col out/summary.csv path_dirs execvp 0)" = "$most" ]
	# without a path method, PATH is left alone
	run "$SC" run -m fork-exit -r 0 -n 20 --rounds 2 -e none --path-dirs 5000 -o other
	[ "$status" -eq 0 ]
}
