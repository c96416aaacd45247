#!/usr/bin/env bats
# The commands as a user types them: list, env, help, version, and the
# syscalls each method really issues.
load helpers

@test "list prints name<TAB>summary<TAB>syscall for every method" {
	run "$SC" list
	[ "$status" -eq 0 ]
	for m in fork-exec vfork-exec posix-spawn fork-exit vfork-exit pthread; do
		printf '%s\n' "$output" | grep -q "^$m	."
	done
	printf '%s\n' "$output" | awk -F'\t' 'NF != 3 || $3 == "" { exit 1 }'
}

@test "env prints the machine facts as key=value" {
	run "$SC" env
	[ "$status" -eq 0 ]
	for k in kernel_release cpu_model cpu_count glibc_version thp_enabled thp_defrag \
		randomize_va_space perf_event_paranoid clocksource hypervisor compiler cflags cpus_allowed \
		git_revision; do
		printf '%s\n' "$output" | grep -q "^$k="
	done
	# every line is key=value
	[ -z "$(printf '%s\n' "$output" | grep -v '=')" ]
}

@test "--help and --version answer on stdout with status 0" {
	run "$SC" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *usage* ]]
	run "$SC" run --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--min-time* ]]
	run "$SC" --version
	[ "$status" -eq 0 ]
	[[ "$output" == spawncost* ]]
}

# strace shows what really reaches the kernel: glibc's vfork must be the
# vfork system call, not a fork in disguise.
@test "each method issues the system call it is named after" {
	command -v strace
	trace() {
		strace -f -qq -s 256 -e signal=none -e trace=fork,vfork,clone,clone3,execve -o trace.txt \
			"$BUILD/spawncost-measure" run -m "$1" -r 0 -n 3 -w 0 -o "out-$1" >/dev/null 2>&1 || true
	}
	trace vfork-exec
	grep -Eq '^[0-9]+ +vfork\(' trace.txt
	grep -q 'execve(".*spawncost-noop"' trace.txt
	trace vfork-exit
	grep -Eq '^[0-9]+ +vfork\(' trace.txt
	refute grep -q 'spawncost-noop' trace.txt
	trace fork-exec
	grep -Eq 'clone\(.*flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD' trace.txt
	grep -q 'execve(".*spawncost-noop"' trace.txt
	refute grep -Eq '^[0-9]+ +vfork\(' trace.txt
	trace posix-spawn
	grep -Eq 'clone3?\(.*CLONE_VM\|CLONE_VFORK' trace.txt
	trace pthread
	grep -q 'CLONE_THREAD' trace.txt
}

@test "fork-exit, system, popen, the copy-on-write methods and pidfd-spawn issue what they say" {
	command -v strace
	trace() {
		strace -f -qq -s 256 -e signal=none -e trace=fork,vfork,clone,clone3,execve,pipe2 \
			-o trace.txt "$BUILD/spawncost-measure" run -m "$1" -r "$2" -n 3 -w 0 -e none \
			-o "out-$1" >/dev/null 2>&1 || true
	}
	trace fork-exit 0
	grep -Eq 'clone\(.*flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD' trace.txt
	refute grep -q 'spawncost-noop' trace.txt
	refute grep -Eq '^[0-9]+ +vfork\(' trace.txt
	for m in system popen; do
		trace $m 0
		grep -Eq 'clone3?\(.*CLONE_VM\|CLONE_VFORK' trace.txt
		grep -q 'execve("/bin/sh", \["sh", "-c", ".*spawncost-noop' trace.txt
		grep -q 'execve(".*spawncost-noop"' trace.txt
	done
	grep -q 'pipe2(' trace.txt
	for m in cow-child cow-parent; do
		trace $m 16
		grep -Eq 'clone\(.*flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD' trace.txt
		refute grep -q 'execve(".*spawncost-noop"' trace.txt
	done
	if "$SC" list | grep -q '^pidfd-spawn	.*unavailable'; then
		skip "pidfd-spawn needs glibc 2.39 at build time"
	fi
	trace pidfd-spawn 0
	grep -Eq 'clone3\(\{flags=CLONE_VM\|CLONE_PIDFD\|CLONE_VFORK' trace.txt
	grep -q 'execve(".*spawncost-noop"' trace.txt
}

@test "make install puts the binary and its target where it finds them" {
	make -C "$BATS_TEST_DIRNAME/../.." install PREFIX="$SCRATCH/prefix" >/dev/null
	run "$SCRATCH/prefix/bin/spawncost" run -m fork-exec -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv target fork-exec 0)" = static ]
	[ -f "$SCRATCH/prefix/share/man/man1/spawncost.1" ]
	[ -f "$SCRATCH/prefix/share/man/man1/spawncost-run.1" ]
	# history --html's chart scripts, found beside the engine
	run "$SCRATCH/prefix/bin/spawncost" history --html page "$BATS_TEST_DIRNAME/../fixtures/history/step"
	[ "$status" -eq 1 ]
	[ -s page/charts/s1.svg ]
}

@test "the man pages render without a warning" {
	command -v man || skip "no man"
	for page in spawncost spawncost-run; do
		run --separate-stderr man --warnings -l "$BATS_TEST_DIRNAME/../../man/$page.1"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "$output" == *"SYNOPSIS"* ]]
	done
}

# The global symbols program $1 defines, one per line.
defined() {
	nm "$1" | awk 'NF == 3 && $2 ~ /^[A-Z]$/ { print $3 }' | sort -u
}

@test "the front end holds no engine code, and the engine no front-end code" {
	skip_if_sanitized
	# the engine's code, from its objects (tests/engine-symbols): the loop is in it
	engine=$("$BATS_TEST_DIRNAME/../engine-symbols" "$BUILD")
	grep -qx 'harness/engine/cell.o cell_measure' <<< "$engine"
	defined "$BUILD/spawncost" > front
	defined "$BUILD/spawncost-measure" > measure
	awk 'NR == FNR { have[$1] = 1; next } $2 in have' front - <<< "$engine" > found
	# no engine symbol, a method's included, is in the front end
	[ ! -s found ] || { cat found; false; }
	# the front end's objects' symbols: never in the engine
	nm -g --defined-only "$BUILD"/harness/front/*.o "$BUILD"/harness/analysis/*.o |
		awk 'NF == 3 && $3 != "main" { print $3 }' | sort -u > frontcode
	[ -z "$(comm -12 frontcode measure)" ]
	grep -qx cell_measure measure
	grep -qx method_fork_exec measure
	# The methods' descriptions (bench/ built with METHOD_DESCRIPTIONS:
	# names and texts for list and -m) are the front end's, renamed
	# desc_method_*; they hold no code.
	nm -g --defined-only "$BUILD"/desc/bench/*.o | awk 'NF == 3 { print $2, $3 }' > descs
	[ -s descs ]
	refute grep -q '^[Tt] ' descs
	refute grep -qv ' desc_method_' descs
	grep -qx desc_method_fork_exec front
}

# Whatever the engine maps, every timed fork copies: it must stay libc-only
# however many libraries the front end grows (see harness/front/launch.c).
@test "the measuring engine links nothing but libc" {
	skip_if_sanitized
	engine="$BUILD/spawncost-measure"
	run ldd "$engine"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q 'libc\.so'
	refute sh -c "printf '%s\n' \"\$1\" | grep -Ev 'linux-vdso|libc\.so|ld-linux' | grep -q ." _ "$output"
}

# Its relocated tables would be anonymous pages every timed fork copies as
# a PIE, and a .bss beyond its data's last page a mapping of its own
# (docs/measuring.md, "A constant parent").
@test "the measuring engine is position-dependent and has no .bss mapping of its own" {
	skip_if_sanitized
	command -v readelf || skip "no readelf"
	engine="$BUILD/spawncost-measure"
	readelf -h "$engine" | grep -q 'Type: *EXEC'
	# the writable segment's memory ends in the page its file bytes end in
	seg=$(readelf -lW "$engine" | awk '$1 == "LOAD" && $7 ~ /W/ { print $3, $5, $6 }')
	echo "RW segment: $seg"
	[ -n "$seg" ]
	read -r vaddr filesz memsz <<< "$seg"
	[ $(( (vaddr + memsz - 1) / 4096 )) -eq $(( (vaddr + filesz - 1) / 4096 )) ]
}

@test "every command spawncost --help lists has its entry in man/spawncost.1" {
	run "$SC" --help
	[ "$status" -eq 0 ]
	cmds=$(printf '%s\n' "$output" | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
	[ -n "$cmds" ]
	for c in $cmds; do
		grep -q "^\.B $c\b" "$BATS_TEST_DIRNAME/../../man/spawncost.1"
	done
}
