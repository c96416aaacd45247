#!/usr/bin/env bats
# scripts/sysprep as the build bundles it (build/sysprep, next to the engine).
# tune and restore only ever run against a fake /sys and /proc under
# SYSPREP_ROOT, with the state file in the scratch folder: never this
# machine's knobs. check reads this machine once, read-only.
load helpers

SP="$BUILD/sysprep"
KNOBS=9

# A machine with every knob noisy: schedutil and powersave, boost on, SMT on,
# ASLR on, THP always, load 3 on 2 CPUs, irqbalance running, nothing isolated.
noisy_tree() {
	R="$SCRATCH/root"
	local cpu="$R/sys/devices/system/cpu"
	mkdir -p "$cpu/cpu0/cpufreq" "$cpu/cpu1/cpufreq" "$cpu/cpufreq" "$cpu/smt" \
		"$R/proc/sys/kernel" "$R/proc/42" "$R/sys/kernel/mm/transparent_hugepage"
	echo schedutil > "$cpu/cpu0/cpufreq/scaling_governor"
	echo powersave > "$cpu/cpu1/cpufreq/scaling_governor"
	echo "performance schedutil powersave" > "$cpu/cpu0/cpufreq/scaling_available_governors"
	echo "performance powersave" > "$cpu/cpu1/cpufreq/scaling_available_governors"
	echo 1 > "$cpu/cpufreq/boost"
	echo 1 > "$cpu/smt/active"
	echo on > "$cpu/smt/control"
	echo 0-1 > "$cpu/online"
	echo > "$cpu/isolated"
	echo 2 > "$R/proc/sys/kernel/randomize_va_space"
	echo 3 > "$R/proc/sys/kernel/perf_event_paranoid"
	echo "3.00 2.00 1.00 1/100 4242" > "$R/proc/loadavg"
	echo irqbalance > "$R/proc/42/comm"
	echo "[always] madvise never" > "$R/sys/kernel/mm/transparent_hugepage/enabled"
	export SYSPREP_ROOT="$R" SYSPREP_STATE="$SCRATCH/state"
}

# The same machine quieted: what a tuned, isolated, idle box looks like.
quiet_tree() {
	noisy_tree
	local cpu="$R/sys/devices/system/cpu"
	echo performance > "$cpu/cpu0/cpufreq/scaling_governor"
	echo performance > "$cpu/cpu1/cpufreq/scaling_governor"
	echo 0 > "$cpu/cpufreq/boost"
	echo 0 > "$cpu/smt/active"
	echo 1 > "$cpu/isolated"
	echo 0 > "$R/proc/sys/kernel/randomize_va_space"
	echo 1 > "$R/proc/sys/kernel/perf_event_paranoid"
	echo "0.10 0.20 0.30 1/100 4242" > "$R/proc/loadavg"
	echo bash > "$R/proc/42/comm"
	echo "always [madvise] never" > "$R/sys/kernel/mm/transparent_hugepage/enabled"
}

# Status 2 and exactly one line on stderr containing $1.
expect_usage_error() {
	local needle="$1"; shift
	run --separate-stderr "$@"
	[ "$status" -eq 2 ] || { echo "status $status for: $*"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == *"$needle"* ]] || { echo "stderr lacks '$needle': $stderr"; return 1; }
}

@test "sysprep: make bundles it next to the engine, executable" {
	[ -x "$SP" ]
	cmp "$SP" "$BATS_TEST_DIRNAME/../../scripts/sysprep"
	[ -x "$BUILD/spawncost-measure" ]
}

@test "sysprep check: this machine, read-only: one line per knob, exit 0 or 1" {
	unset SYSPREP_ROOT
	run --separate-stderr "$SP" check
	[ "$status" -le 1 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq "$KNOBS" ]
	[ -z "$(printf '%s\n' "$output" | grep -Ev '^(noisy|ok|n/a): [a-z_]+: .')" ]
	if printf '%s\n' "$output" | grep -q '^noisy: '; then [ "$status" -eq 1 ]; else [ "$status" -eq 0 ]; fi
}

@test "sysprep check: a noisy machine names every knob and exits 1" {
	noisy_tree
	run --separate-stderr "$SP" check
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq "$KNOBS" ]
	[[ "$output" == *"noisy: governor: schedutil powersave on 2 of 2 CPUs, not performance"* ]]
	[[ "$output" == *"noisy: boost: on (cpufreq/boost=1)"* ]]
	[[ "$output" == *"noisy: smt: on"* ]]
	[[ "$output" == *"noisy: aslr: on (randomize_va_space=2)"* ]]
	[[ "$output" == *"noisy: thp: enabled=always"* ]]
	[[ "$output" == *"noisy: load: 3.00 over the last minute, above 0.5 x 2 CPUs"* ]]
	[[ "$output" == *"noisy: irqbalance: running"* ]]
	[[ "$output" == *"noisy: isolated: no isolated CPUs"* ]]
	if [ "$(id -u)" -eq 0 ]; then
		[[ "$output" == *"ok: perf_paranoid: perf_event_paranoid=3"* ]]
	else
		[[ "$output" == *"noisy: perf_paranoid: perf_event_paranoid=3"* ]]
	fi
}

@test "sysprep check --quiet: the complaint lines only" {
	noisy_tree
	run "$SP" check
	want=$(printf '%s\n' "$output" | grep '^noisy: ')
	run --separate-stderr "$SP" check --quiet
	[ "$status" -eq 1 ]
	[ "$output" = "$want" ]
	[ "${#lines[@]}" -ge 8 ]
}

@test "sysprep check: a quiet machine exits 0, and --quiet says nothing" {
	quiet_tree
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$KNOBS" ]
	refute grep -q '^noisy' <<<"$output"
	[[ "$output" == *"ok: governor: performance on all 2 CPUs"* ]]
	[[ "$output" == *"ok: thp: enabled=madvise"* ]]
	[[ "$output" == *"ok: isolated: CPUs 1"* ]]
	[[ "$output" == *"ok: irqbalance: not running"* ]]
	run --separate-stderr "$SP" check --quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "sysprep check: where no knob exists, every line is n/a and it exits 0" {
	mkdir empty
	SYSPREP_ROOT="$SCRATCH/empty" run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$KNOBS" ]
	[ "$(printf '%s\n' "$output" | grep -c '^n/a: ')" -eq "$KNOBS" ]
	[ -z "$stderr" ]
}

@test "sysprep tune then restore: every knob set, then put back exactly" {
	noisy_tree
	local cpu="$R/sys/devices/system/cpu" thp="$R/sys/kernel/mm/transparent_hugepage/enabled"
	run --separate-stderr "$SP" tune
	[ "$status" -eq 0 ] || { echo "$output $stderr"; return 1; }
	[[ "$output" == *"tune: /proc/sys/kernel/randomize_va_space: 2 -> 0"* ]]
	[ "$(cat "$cpu/cpu0/cpufreq/scaling_governor")" = performance ]
	[ "$(cat "$cpu/cpu1/cpufreq/scaling_governor")" = performance ]
	[ "$(cat "$cpu/cpufreq/boost")" = 0 ]
	[ "$(cat "$R/proc/sys/kernel/randomize_va_space")" = 0 ]
	[ "$(cat "$thp")" = madvise ]
	# what tune leaves alone: SMT, services, the paranoia level
	[ "$(cat "$cpu/smt/active")" = 1 ]
	[ "$(cat "$R/proc/42/comm")" = irqbalance ]
	[ "$(cat "$R/proc/sys/kernel/perf_event_paranoid")" = 3 ]
	[ -f "$SYSPREP_STATE" ]
	grep -qx '/proc/sys/kernel/randomize_va_space 2' "$SYSPREP_STATE"
	grep -qx '/sys/kernel/mm/transparent_hugepage/enabled always' "$SYSPREP_STATE"

	# a second tune would save tuned values as the originals: refused
	expect_usage_error "sysprep restore first" "$SP" tune
	grep -qx '/proc/sys/kernel/randomize_va_space 2' "$SYSPREP_STATE"

	run --separate-stderr "$SP" restore
	[ "$status" -eq 0 ] || { echo "$output $stderr"; return 1; }
	[ "$(cat "$cpu/cpu0/cpufreq/scaling_governor")" = schedutil ]
	[ "$(cat "$cpu/cpu1/cpufreq/scaling_governor")" = powersave ]
	[ "$(cat "$cpu/cpufreq/boost")" = 1 ]
	[ "$(cat "$R/proc/sys/kernel/randomize_va_space")" = 2 ]
	[ "$(cat "$thp")" = always ]	# what the kernel is told; it shows "[always] madvise never"
	[ ! -e "$SYSPREP_STATE" ]
	expect_usage_error "nothing to restore" "$SP" restore
}

@test "sysprep tune: saves only what it changes, and skips a CPU with no performance governor" {
	noisy_tree
	local cpu="$R/sys/devices/system/cpu"
	echo "powersave schedutil" > "$cpu/cpu1/cpufreq/scaling_available_governors"
	echo 0 > "$R/proc/sys/kernel/randomize_va_space"
	rm "$cpu/cpufreq/boost"
	mkdir -p "$cpu/intel_pstate"
	echo 0 > "$cpu/intel_pstate/no_turbo"
	run --separate-stderr "$SP" tune
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"cpu1 offers no performance governor"* ]]
	[[ "$output" == *"randomize_va_space: already 0"* ]]
	[ "$(cat "$cpu/cpu1/cpufreq/scaling_governor")" = powersave ]
	[ "$(cat "$cpu/intel_pstate/no_turbo")" = 1 ]
	refute grep -q randomize_va_space "$SYSPREP_STATE"
	refute grep -q cpu1 "$SYSPREP_STATE"
	run "$SP" restore
	[ "$status" -eq 0 ]
	[ "$(cat "$cpu/intel_pstate/no_turbo")" = 0 ]
	[ "$(cat "$cpu/cpu0/cpufreq/scaling_governor")" = schedutil ]
}

@test "sysprep tune and restore: harmless where no knob exists" {
	mkdir empty
	export SYSPREP_ROOT="$SCRATCH/empty" SYSPREP_STATE="$SCRATCH/state"
	run --separate-stderr "$SP" tune
	[ "$status" -eq 0 ]
	[[ "$output" == *"nothing to set here"* ]]
	[ -z "$(ls -A empty)" ]
	run --separate-stderr "$SP" restore
	[ "$status" -eq 0 ]
	[ ! -e state ]
}

@test "sysprep restore: writes nothing a planted state file names outside its knobs" {
	noisy_tree
	mkdir -p "$R/etc"
	echo secret > "$R/etc/shadow"
	{
		echo "/etc/shadow x"
		echo "/sys/devices/system/cpu/cpu0/../../../../../etc/shadow performance"
		echo "/proc/sys/kernel/randomize_va_space 1;reboot"
		echo "/sys/devices/system/cpu/cpufreq/boost 0"
	} > "$SYSPREP_STATE"
	run --separate-stderr "$SP" restore
	[ "$status" -eq 1 ]
	[ "$(cat "$R/etc/shadow")" = secret ]
	[ "$(cat "$R/proc/sys/kernel/randomize_va_space")" = 2 ]
	[ "$(cat "$R/sys/devices/system/cpu/cpufreq/boost")" = 0 ]
	[ -f "$SYSPREP_STATE" ]	# kept: not everything went back
}

@test "sysprep tune and restore on the real machine need root" {
	unset SYSPREP_ROOT
	export SYSPREP_STATE="$SCRATCH/no/state"
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv || skip "no setpriv to drop root"
		as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups sh -s "$@" < "$SP"; }
	else
		as_user() { "$SP" "$@"; }
	fi
	expect_usage_error "tune: needs root" as_user tune
	expect_usage_error "restore: needs root" as_user restore
	[ ! -e "$SCRATCH/no" ]
}

@test "sysprep: an unknown command or option is exit 2 with one line" {
	expect_usage_error "unknown command 'frob'" "$SP" frob
	expect_usage_error "no command given" "$SP"
	expect_usage_error "check: unknown option '--loud'" "$SP" check --loud
	expect_usage_error "tune: takes no arguments" env SYSPREP_ROOT="$SCRATCH" "$SP" tune now
	run "$SP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"sysprep check [--quiet]"* ]]
}

@test "make install puts sysprep next to the installed engine" {
	make -C "$BATS_TEST_DIRNAME/../.." install PREFIX="$SCRATCH/prefix" >/dev/null
	[ -x "$SCRATCH/prefix/libexec/spawncost/sysprep" ]
	[ -x "$SCRATCH/prefix/libexec/spawncost/spawncost-measure" ]
}
