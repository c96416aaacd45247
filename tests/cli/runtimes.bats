#!/usr/bin/env bats
# The runtime methods through the engine: what they ask of the kernel, the
# physics of forking and vforking runtimes, and the errors a missing runtime
# or driver gives. The drivers themselves: tests/cli/drivers.bats.
load helpers

# The value of column $2 in file $1's row of method $3 at rss $4.
rt() {
	col "$1" "$2" "$3" "$4"
}

# Is $1 more than $3 times $2?
more_than() {
	awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { exit !(a > k * b) }'
}

@test "spawncost list names the system calls strace sees each runtime make here" {
	command -v strace
	run "$BATS_TEST_DIRNAME/../../scripts/runtime-syscalls"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 9 ]
	"$SC" list | awk -F'\t' '$1 ~ /^rt-/ { print $1 "\t" $3 }' > listed
	printf '%s\n' "$output" > seen
	diff listed seen
}

@test "a forking runtime's spawn grows with its heap, a vforking one's does not" {
	skip_if_sanitized
	run "$SC" run -m rt-perl-system,rt-rust-command,rt-python-subprocess -r 0,64 -n 100 \
		--cpus 1 -e none -o out
	[ "$status" -eq 0 ]
	# perl forks (spawncost list): 64 MiB more heap costs it a round trip
	more_than "$(rt out/summary.csv median_us rt-perl-system 64)" \
		"$(rt out/summary.csv median_us rt-perl-system 0)" 2
	# rust and python vfork: the same 64 MiB costs them next to nothing
	more_than "$(rt out/summary.csv median_us rt-rust-command 0)" \
		"$(rt out/summary.csv median_us rt-rust-command 64)" 0.67
	more_than "$(rt out/summary.csv median_us rt-python-subprocess 0)" \
		"$(rt out/summary.csv median_us rt-python-subprocess 64)" 0.67
	# the x axis is the driver's own resident memory, ballast included
	[ "$(rt out/summary.csv rss_kib rt-perl-system 64)" -gt 65536 ]
	# the variant column holds the runtime's version
	[[ "$(rt out/summary.csv variant rt-perl-system 0)" == perl* ]]
	[[ "$(rt out/summary.csv variant rt-python-subprocess 0)" == Python* ]]
	[ "$(rt out/summary.csv target rt-rust-command 0)" = static ]
}

@test "the runtimes chart and report section come from a runtime run" {
	command -v gnuplot
	run "$SC" run -m rt-perl-system,rt-go-exec,fork-exec,posix-spawn -r 0,16 -n 40 --cpus 1 \
		-e none -o out
	[ "$status" -eq 0 ]
	run "$SC" report out
	[ "$status" -eq 0 ]
	grep -q '^## Runtimes' out/report.md
	grep -q '^| rt-perl-system | perl' out/report.md
	grep -q '^| fork-exec (C) | C |' out/report.md
	grep -q 'clone(CLONE_VM\\|CLONE_VFORK\\|SIGCHLD), execve |$' out/report.md
	run "$BATS_TEST_DIRNAME/../../scripts/plots" out
	[ "$status" -eq 0 ]
	[ -s out/runtimes.svg ]
	# the runtime methods are not on the latency chart, which is the engine's
	refute grep -q 'rt-perl' "$(ls out/latency.svg)"
}

@test "a runtime that is not installed is an error row naming its package" {
	run env SPAWNCOST_RUNTIME_DIR="$SCRATCH/nothing" "$SC" run -m rt-python-subprocess,rt-go-exec \
		-r 0 -n 10 -e none -o out
	[ "$status" -eq 1 ]
	[[ "$(rt out/summary.csv error rt-python-subprocess 0)" == "ENOENT: cannot run python3: install python3 (scripts/deps --runtimes)" ]]
	# go's driver is a program of its own: it runs
	[ -z "$(rt out/summary.csv error rt-go-exec 0)" ]
}

@test "a driver that is not built is an error row that says to build it" {
	mkdir bin
	cp "$BUILD"/spawncost "$BUILD"/spawncost-measure "$BUILD"/spawncost-noop bin/
	run bin/spawncost run -m rt-rust-command -r 0 -n 10 -e none -o out
	[ "$status" -eq 1 ]
	[[ "$(rt out/summary.csv error rt-rust-command 0)" == "ENOENT: "*"/runtimes/rust/driver is not built: run \`make runtimes\`" ]]
	# and the console's line says the same
	[[ "$output" == *"rt-rust-command"*"is not built: run \`make runtimes\`"* ]]
}

@test "runtimes is a group of its own, not part of all" {
	run "$SC" list
	[ "$(printf '%s\n' "$output" | grep -c '^rt-')" -eq 9 ]
	run --separate-stderr "$SC" run -m all -r 0 -n 1 -e none --rounds 1 -o out
	refute grep -q '^[^,]*,[^,]*,rt-' out/summary.csv
}

@test "the runtime methods refuse what is the engine's own: one line, exit 2" {
	expect_bad "--methods: the runtime methods" run -m rt-perl-system -r 0 --fds 10
	expect_bad "--methods: the runtime methods" run -m runtimes -r 0 --threads 2
	expect_bad "--methods: the runtime methods" run -m rt-go-exec -r 0 --parallel 1
	expect_bad "--methods: the runtime methods" run -m rt-go-exec -r 0 --phases
	expect_bad "not a runtime method" driver fork-exec
	expect_bad "not a size in MiB" driver rt-go-exec -1
}
