#!/usr/bin/env bats
# scripts/sysprep as the build bundles it (build/sysprep, next to the engine).
# tune and restore only ever run against a fake /sys and /proc under
# SYSPREP_ROOT, with the state file in the scratch folder: never this
# machine's knobs. check reads this machine once, read-only.
load helpers

SP="$BUILD/sysprep"
KNOBS=12

# A machine with every knob noisy: schedutil and powersave, boost on, SMT on,
# ASLR on, THP always, load 3 on 2 CPUs, CPU pressure 12.5% over 10 s, 5% of
# the CPU time stolen, irqbalance and a DAMON worker running, nothing isolated.
noisy_tree() {
	R="$SCRATCH/root"
	local cpu="$R/sys/devices/system/cpu"
	mkdir -p "$cpu/cpu0/cpufreq" "$cpu/cpu1/cpufreq" "$cpu/cpufreq" "$cpu/smt" \
		"$R/proc/sys/kernel" "$R/proc/42" "$R/proc/43" "$R/proc/pressure" \
		"$R/sys/kernel/mm/transparent_hugepage"
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
	psi 12.50 8.00
	echo irqbalance > "$R/proc/42/comm"
	echo kdamond.0 > "$R/proc/43/comm"
	printf 'flags\t\t: fpu vme de pse tsc hypervisor lahf_lm\n' > "$R/proc/cpuinfo"
	printf 'cpu  5000 10 3000 90000 200 0 100 400 0 0\ncpu0 2500 5 1500 45000 100 0 50 200 0 0\n' \
		> "$R/proc/stat"
	echo "[always] madvise never" > "$R/sys/kernel/mm/transparent_hugepage/enabled"
	fake_clock
	export SYSPREP_ROOT="$R" SYSPREP_STATE="$SCRATCH/state" FAKE_STOLEN=50
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
	psi 0.10 0.50
	echo bash > "$R/proc/42/comm"
	echo kworker/0:1 > "$R/proc/43/comm"
	echo "always [madvise] never" > "$R/sys/kernel/mm/transparent_hugepage/enabled"
	export FAKE_STOLEN=5
}

# The fake machine's /proc/pressure/cpu: "some" averages over 10 and 60 s.
psi() {
	printf 'some avg10=%s avg60=%s avg300=1.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' \
		"$1" "$2" > "$R/proc/pressure/cpu"
}

# The fake machine's clock: sysprep's steal check sleeps between its two
# readings of /proc/stat, and this sleep, first in PATH, moves the fake
# file's cpu line on by FAKE_TICKS (1000), FAKE_STOLEN of them stolen and
# FAKE_GUEST (0) of the user ones run in a guest (counted in both).
fake_clock() {
	mkdir -p "$SCRATCH/bin"
	cat > "$SCRATCH/bin/sleep" <<-'EOF'
	#!/bin/sh
	f="$SYSPREP_ROOT/proc/stat"
	awk -v t="${FAKE_TICKS:-1000}" -v s="$FAKE_STOLEN" -v g="${FAKE_GUEST:-0}" \
		'$1 == "cpu" { $2 += t - s; $9 += s; $10 += g } { print }' "$f" > "$f.new"
	mv "$f.new" "$f"
	EOF
	chmod +x "$SCRATCH/bin/sleep"
	export PATH="$SCRATCH/bin:$PATH"
}

# The line check printed for knob $1.
knob() {
	printf '%s\n' "$output" | grep "^[a-z/]*: $1: "
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
	[[ "$output" == *"noisy: pressure: tasks waited for a CPU 12.50% of the last 10 s"* ]]
	[[ "$output" == *"noisy: steal: 5.0% of the CPU time over 1 s, above 2%"* ]]
	[[ "$output" == *"noisy: irqbalance: running"* ]]
	[[ "$output" == *"noisy: kdamond: kdamond.0 running"* ]]
	[[ "$output" == *"noisy: isolated: no isolated CPUs"* ]]
	if [ "$(id -u)" -eq 0 ]; then
		[[ "$output" == *"ok: perf_paranoid: perf_event_paranoid=3"* ]]
	else
		[[ "$output" == *"noisy: perf_paranoid: perf_event_paranoid=3"* ]]
	fi
}

@test "sysprep check: the same figures and verdicts under a decimal-comma locale" {
	comma_locale
	noisy_tree
	# 1.74 read as 1 would not be above 0.5 x 2 CPUs
	echo "1.74 1.00 1.00 1/100 4242" > "$R/proc/loadavg"
	run --separate-stderr "$SP" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"noisy: load: 1.74 over the last minute, above 0.5 x 2 CPUs"* ]]
	c_out=$output
	run --separate-stderr comma "$SP" check
	[ "$status" -eq 1 ]
	[ "$output" = "$c_out" ]
}

@test "sysprep check --quiet: the complaint lines only" {
	noisy_tree
	run "$SP" check
	want=$(printf '%s\n' "$output" | grep '^noisy: ')
	run --separate-stderr "$SP" check --quiet
	[ "$status" -eq 1 ]
	[ "$output" = "$want" ]
	[ "${#lines[@]}" -ge 11 ]
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
	[[ "$output" == *"ok: pressure: tasks waited for a CPU 0.10% of the last 10 s, 0.50% of the last 60 s"* ]]
	[[ "$output" == *"ok: steal: 0.5% of the CPU time over 1 s"* ]]
	[[ "$output" == *"ok: kdamond: no DAMON worker running"* ]]
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

@test "sysprep check: pressure: CPU pressure above 5% over 10 s or 60 s is noisy, with the figures" {
	quiet_tree
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob pressure)" = "ok: pressure: tasks waited for a CPU 0.10% of the last 10 s, 0.50% of the last 60 s" ]
	psi 12.50 3.00
	run --separate-stderr "$SP" check
	[ "$status" -eq 1 ]
	[ "$(knob pressure)" = "noisy: pressure: tasks waited for a CPU 12.50% of the last 10 s, 3.00% of the last 60 s, above 5%: other work competes for the CPUs" ]
	psi 0.00 6.00
	run --separate-stderr "$SP" check --quiet
	[ "$status" -eq 1 ]
	[ "$output" = "noisy: pressure: tasks waited for a CPU 0.00% of the last 10 s, 6.00% of the last 60 s, above 5%: other work competes for the CPUs" ]
	psi 5.00 5.00
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[[ "$(knob pressure)" == "ok: pressure: "* ]]
	echo "some total=3" > "$R/proc/pressure/cpu"
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob pressure)" = "n/a: pressure: cannot read the some avg10 and avg60 of /proc/pressure/cpu" ]
}

@test "sysprep check: pressure: n/a without /proc/pressure/cpu, saying why where it can" {
	quiet_tree
	rm "$R/proc/pressure/cpu"
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob pressure)" = "n/a: pressure: no /proc/pressure/cpu: a kernel without PSI (CONFIG_PSI), or with it off (psi=0)" ]
	echo "root=/dev/vda psi=0 quiet" > "$R/proc/cmdline"
	run --separate-stderr "$SP" check
	[ "$(knob pressure)" = "n/a: pressure: no /proc/pressure/cpu: psi=0 on the kernel command line turns PSI off" ]
	echo "root=/dev/vda quiet" > "$R/proc/cmdline"
	echo 6.1.0-test > "$R/proc/sys/kernel/osrelease"
	mkdir -p "$R/boot"
	echo "# CONFIG_PSI is not set" > "$R/boot/config-6.1.0-test"
	run --separate-stderr "$SP" check
	[ "$(knob pressure)" = "n/a: pressure: no /proc/pressure/cpu: this kernel is built without PSI (CONFIG_PSI)" ]
	printf 'CONFIG_PSI=y\nCONFIG_PSI_DEFAULT_DISABLED=y\n' > "$R/boot/config-6.1.0-test"
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob pressure)" = "n/a: pressure: no /proc/pressure/cpu: this kernel has PSI off unless booted with psi=1" ]
}

@test "sysprep check: kdamond: a running DAMON worker is noisy, named" {
	quiet_tree
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob kdamond)" = "ok: kdamond: no DAMON worker running" ]
	mkdir -p "$R/proc/77" "$R/proc/78"
	echo kdamond.1 > "$R/proc/77/comm"
	echo kdamond.0 > "$R/proc/78/comm"
	run --separate-stderr "$SP" check --quiet
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "noisy: kdamond: kdamond.0 kdamond.1 running: DAMON samples page accesses in the background"* ]]
}

@test "sysprep check: steal: the share of CPU time stolen over the interval, noisy above 2%" {
	quiet_tree	# 5 of 1000 ticks stolen while sysprep sleeps
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob steal)" = "ok: steal: 0.5% of the CPU time over 1 s (a VM: its hypervisor steals when the host is busy)" ]
	FAKE_STOLEN=50 run --separate-stderr "$SP" check
	[ "$status" -eq 1 ]
	[ "$(knob steal)" = "noisy: steal: 5.0% of the CPU time over 1 s, above 2%: a VM whose hypervisor gives its CPUs to other work (a quieter host, or dedicated CPUs)" ]
	# guest time is inside user time: it adds nothing to the total
	FAKE_GUEST=500 FAKE_STOLEN=30 SYSPREP_STEAL_SECONDS=3 run --separate-stderr "$SP" check
	[ "$(knob steal)" = "noisy: steal: 3.0% of the CPU time over 3 s, above 2%: a VM whose hypervisor gives its CPUs to other work (a quieter host, or dedicated CPUs)" ]
	# one stolen tick over a short look is not called noise
	FAKE_TICKS=20 FAKE_STOLEN=1 run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[[ "$(knob steal)" == "ok: steal: 5.0% of the CPU time over 1 s"* ]]
	# no hypervisor flag: the figure alone
	echo "flags		: fpu vme de pse tsc" > "$R/proc/cpuinfo"
	run --separate-stderr "$SP" check
	[ "$(knob steal)" = "ok: steal: 0.5% of the CPU time over 1 s" ]
	mkdir -p "$R/sys/hypervisor"
	echo xen > "$R/sys/hypervisor/type"
	FAKE_STOLEN=100 run --separate-stderr "$SP" check
	[[ "$(knob steal)" == "noisy: steal: 10.0% of the CPU time over 1 s, above 2%: a xen VM whose hypervisor"* ]]
}

@test "sysprep check: steal: n/a without a steal column, or when no tick passed" {
	quiet_tree
	printf 'cpu  5000 10 3000 90000 200 0 100\n' > "$R/proc/stat"
	run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob steal)" = "n/a: steal: /proc/stat has no steal column" ]
	# the real sleep, for no time: the same cpu line twice
	rm "$SCRATCH/bin/sleep"
	printf 'cpu  5000 10 3000 90000 200 0 100 400 0 0\n' > "$R/proc/stat"
	SYSPREP_STEAL_SECONDS=0 run --separate-stderr "$SP" check
	[ "$status" -eq 0 ]
	[ "$(knob steal)" = "n/a: steal: no CPU time counted in /proc/stat over 0 s" ]
	expect_usage_error "SYSPREP_STEAL_SECONDS=soon: not a number of seconds" \
		env SYSPREP_STEAL_SECONDS=soon "$SP" check
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
