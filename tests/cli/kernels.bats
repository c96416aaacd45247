#!/usr/bin/env bats
# scripts/kernels: a kernel booted under QEMU's emulator with a tiny sweep,
# once for the file (setup_file), and what its run folder and every output
# say; bad input; scripts/kernels-compare on fixture runs. The guest needs
# QEMU, a static busybox and cpio (setup_file installs them with
# scripts/deps --kernels when missing) and a kernel: Debian's cloud kernel,
# fetched once into build/kernels (a 27 MB package, its image kept), or
# SPAWNCOST_TEST_KERNEL (an image's path or a package name). The tests that
# boot skip, saying why, where these cannot be had.
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
KERNELS="$ROOT/scripts/kernels"
KCOMPARE="$ROOT/scripts/kernels-compare"
FX="$ROOT/tests/fixtures/compare"
KERNEL="${SPAWNCOST_TEST_KERNEL:-linux-image-cloud-amd64}"
NOTE="emulated under QEMU TCG: figures are not hardware figures"

guest_tools() {
	command -v qemu-system-x86_64 >/dev/null && command -v cpio >/dev/null &&
		command -v busybox >/dev/null
}

setup_file() {
	local d="$BATS_FILE_TMPDIR"
	[ "$(uname -m)" = x86_64 ] || { echo "an x86-64 host only" > "$d/why"; return 0; }
	guest_tools || "$ROOT/scripts/deps" --kernels > /dev/null 2> "$d/deps.err" || true
	if ! guest_tools; then
		echo "no QEMU, busybox or cpio (scripts/deps --kernels: $(tail -n 1 "$d/deps.err" 2>/dev/null))" > "$d/why"
		return 0
	fi
	if ! "$KERNELS" --fetch "$KERNEL" > /dev/null 2> "$d/fetch.err"; then
		echo "cannot fetch $KERNEL: $(tail -n 1 "$d/fetch.err")" > "$d/why"
		return 0
	fi
	local start=$SECONDS st=0
	"$KERNELS" --emulated --guest-cpus 1 --guest-mem 512 --out "$d/k" "$KERNEL" -- \
		-m fork-exit,vfork-exit -r 0 -n 50 --rounds 2 > "$d/out" 2> "$d/err" || st=$?
	echo "$st" > "$d/status"
	echo "$((SECONDS - start))" > "$d/seconds"
}

# The guest's run folder, or skip saying why there is none.
guest_run() {
	local d="$BATS_FILE_TMPDIR"
	[ -f "$d/status" ] || skip "$(cat "$d/why")"
	RUN="$d/k/$(head -n 1 "$d/k/kernels.txt")"
}

# A bad invocation of scripts/kernels: exit 2, one line on stderr holding
# $1, nothing left in the scratch folder.
kernels_bad() {
	expect_bad_of "$KERNELS" "$@"
}

@test "one kernel under --emulated: an ordinary run folder, named by the guest's release" {
	guest_run
	echo "# the guest's run took $(cat "$BATS_FILE_TMPDIR/seconds") s" >&3
	[ "$(cat "$BATS_FILE_TMPDIR/status")" -eq 0 ] || { cat "$BATS_FILE_TMPDIR/err"; return 1; }
	[ "$(basename "$RUN")" = "$(sed -n 's/^kernel_release=//p' "$RUN/env.txt")" ]
	[ "$(col "$RUN/summary.csv" error fork-exit 0)" = "" ]
	[ "$(col "$RUN/summary.csv" error vfork-exit 0)" = "" ]
	[ "$(col "$RUN/summary.csv" rounds vfork-exit 0)" -eq 2 ]
	[ "$(col "$RUN/summary.csv" iterations fork-exit 0)" -eq 50 ]
	[ -s "$RUN/meta.json" ]
	[ -s "$RUN/report.md" ]
	grep -q '^spawncost-guest: up ' "$BATS_FILE_TMPDIR/k/console/$(basename "$RUN").log"
	# one kernel: no table, no charts
	[ ! -e "$BATS_FILE_TMPDIR/k/kernels.md" ]
}

@test "env.txt and meta.json name the guest kernel, the accelerator, the host and the guest's size" {
	guest_run
	grep -qx 'emulated=yes' "$RUN/env.txt"
	grep -qx 'accelerator=tcg' "$RUN/env.txt"
	grep -qx "vm_host=$(hostname | cut -d. -f1)" "$RUN/env.txt"
	grep -qx 'guest_cpus=1' "$RUN/env.txt"
	grep -qx 'guest_mem_mib=512' "$RUN/env.txt"
	grep -q "^guest_kernel=$KERNEL" "$RUN/env.txt"
	grep -qx 'kernel_cmdline=console=ttyS0 panic=-1 quiet' "$RUN/env.txt"
	# read inside the guest, as sysprep reads them on a host
	grep -q '^thp_enabled=[a-z]' "$RUN/env.txt"
	grep -qx 'cpu_count=1' "$RUN/env.txt"
	grep -q '"emulated": "yes"' "$RUN/meta.json"
	grep -q '"accelerator": "tcg"' "$RUN/meta.json"
	grep -q '"kernel_release": "' "$RUN/meta.json"
}

@test "every output of the emulated run says so: the console, report.md, the report, the charts" {
	guest_run
	grep -qx "$NOTE" "$BATS_FILE_TMPDIR/out"
	grep -q "$NOTE" "$RUN/report.md"
	run --separate-stderr "$SC" report "$RUN"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$NOTE" ]
	run "$SC" report --plot-data data "$RUN"
	[ "$status" -eq 0 ]
	grep -qx "emulated_note = \"$NOTE\"" data/charts.gp
}

@test "an emulated run's report, verdicts, export and every chart say so; a real run's do not" {
	cp -R "$ROOT/tests/fixtures/plots/core" real
	cp -R real emu
	echo emulated=yes >> emu/env.txt
	run --separate-stderr "$SC" report emu
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$NOTE" ]
	grep -q "^> \*\*$NOTE.\*\* QEMU's emulator ran this run's guest" emu/report.md
	grep -qx -- '- emulated: `yes`' emu/report.md
	run --separate-stderr "$ROOT/scripts/plots" emu
	[ "$status" -eq 0 ]
	for chart in latency claims rss0 cdf; do
		grep -q "$NOTE" "emu/$chart.svg"
	done
	run --separate-stderr "$SC" export emu --format github-action-benchmark
	[ "$status" -eq 0 ]
	grep -q "mean: .*$NOTE\"" <<< "$output"
	[ "$stderr" = "spawncost export: note: emu: $NOTE" ]
	run --separate-stderr "$SC" report real
	refute grep -q emulated <<< "$output"
	refute grep -q emulated real/report.md
	run --separate-stderr "$ROOT/scripts/plots" real
	refute grep -q emulated real/latency.svg
}

@test "compare refuses to set the emulated run against a real one, either way: exit 2, one line" {
	guest_run
	run --separate-stderr "$SC" compare "$FX/base" "$RUN"
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"was emulated under QEMU TCG"* ]]
	[ -z "$output" ]
	run --separate-stderr "$SC" compare "$RUN" "$FX/base"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$RUN was emulated under QEMU TCG (its env.txt says emulated=yes) and $FX/base was not"* ]]
}

@test "a kernel that does not start the init in time: exit 2, one line, then the console's last lines" {
	guest_run
	mkdir "$BATS_TEST_TMPDIR/t"
	TMPDIR="$BATS_TEST_TMPDIR/t" run --separate-stderr "$KERNELS" --emulated --guest-mem 512 \
		--boot-timeout 1 --out k "$KERNEL" -- -r 0
	[ "$status" -eq 2 ]
	[[ "${stderr##*$'\n'}" == *"did not start the init in 1 s (the console's last lines above)" ]]
	[ -z "$(ls -A)" ]
	# its QEMU is gone, and its temporary files
	refute pgrep -f "$BATS_TEST_TMPDIR/t"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
}

@test "a signal while a guest runs: its QEMU is killed, nothing is left, the status says which" {
	guest_run
	mkdir "$BATS_TEST_TMPDIR/t"
	TMPDIR="$BATS_TEST_TMPDIR/t" "$KERNELS" --emulated --guest-mem 512 --out k "$KERNEL" -- \
		-m fork-exit -r 0 -n 100000 > out 2> err &
	local pid=$! st=0
	# the guest is booting a second after the script says so
	for _ in $(seq 100); do
		if grep -q 'booting under tcg' err; then
			break
		fi
		sleep 0.1
	done
	sleep 1
	kill -TERM "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ "$(tail -n 1 err)" = "scripts/kernels: interrupted by TERM" ]
	refute pgrep -f "$BATS_TEST_TMPDIR/t"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
	[ "$(ls -A)" = "$(printf 'err\nout')" ]
}

@test "bad input: one line and exit 2, before any guest boots, nothing written" {
	kernels_bad "no kernel given" --emulated -- -r 0
	kernels_bad "no-such-vmlinuz: no such kernel image" --emulated no-such-vmlinuz -- -r 0
	kernels_bad "unknown option --bogus" --bogus
	kernels_bad "--guest-mem 0x1: not a whole number" --guest-mem 0x1 x
	# any readable file passes for an image until QEMU boots it
	local image="$BATS_TEST_FILENAME"
	SPAWNCOST_QEMU=no-such-qemu kernels_bad "no QEMU here (no-such-qemu): scripts/deps --kernels installs it" --emulated --guest-mem 512 "$image" -- -r 0
	kernels_bad "--guest-mem 512: the sweep's largest ballast, 1024 MiB, needs 1408 MiB" --emulated --guest-mem 512 "$image" -- -r 0,1024
	kernels_bad "--guest-mem 512: the sweep's largest ballast, 1024 MiB" --emulated --guest-mem 512 "$image"
	kernels_bad "run option -o: the run folders are --out's" --emulated "$image" -- -o x
	kernels_bad "run option --events: no counters in a guest" --emulated "$image" -- --events=cycles
	kernels_bad "run option --pin core: hwloc is not in the guest" --emulated "$image" -- --pin core
}

@test "vCPUs that the host's CPUs cannot hold, one each: exit 2, one line" {
	guest_tools || skip "no QEMU, busybox or cpio here"
	local image="$BATS_TEST_FILENAME" n
	n=$(nproc)
	kernels_bad "--guest-cpus $((n + 1)): one host CPU per vCPU, and $n are given or allowed" --emulated --guest-cpus $((n + 1)) --guest-mem 512 "$image" -- -r 0
	kernels_bad "--host-cpus 0-: not a CPU list (as 0-3,6)" --emulated --host-cpus 0- --guest-mem 512 "$image" -- -r 0
	kernels_bad "--host-cpus 3-1: not a CPU list (as 0-3,6)" --emulated --host-cpus 3-1 --guest-mem 512 "$image" -- -r 0
	kernels_bad "--host-cpus 4096: CPU 4096 is not one this process may use" --emulated --host-cpus 4096 --guest-mem 512 "$image" -- -r 0
}

@test "a package name that is no package: exit 2, one line" {
	command -v apt-cache >/dev/null || skip "no apt-cache here"
	kernels_bad "linux-image-no-such-kernel: no such package here" --fetch linux-image-no-such-kernel
}

@test "without --emulated where KVM cannot run guests: exit 2, one line saying so" {
	[ "$(uname -m)" = x86_64 ] || skip "an x86-64 host only"
	command -v qemu-system-x86_64 >/dev/null || skip "no QEMU here"
	run --separate-stderr "$KERNELS" --guest-mem 512 "$BATS_TEST_FILENAME" -- -r 0
	[[ "$stderr" == *"KVM cannot run guests here"* ]] || skip "KVM runs guests here"
	printf 'stderr: %s\n' "$stderr"	# shown when a line below fails
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"--emulated runs them under QEMU's emulator"* ]]
}

# Folder $1 as scripts/kernels leaves it, from fixture runs: kernels.txt
# names them, the first the BASE; with "emulated", each run's env.txt says
# emulated=yes.
fixture_kernels() {
	mkdir "$1"
	cp -R "$FX/base" "$1/6.1.0-fx"
	cp -R "$FX/kernel" "$1/6.8.0-fx"
	cp -R "$FX/shift20" "$1/6.9.0-fx"
	printf '6.1.0-fx\n6.8.0-fx\n6.9.0-fx\n' > "$1/kernels.txt"
	if [ "${2:-}" = emulated ]; then
		for k in 6.1.0-fx 6.8.0-fx 6.9.0-fx; do
			echo emulated=yes >> "$1/$k/env.txt"
		done
	fi
}

@test "kernels-compare: each kernel against the first, a table of every cell across them, a chart per claim" {
	fixture_kernels d
	run --separate-stderr "$KCOMPARE" d
	# shift20 is a regression
	[ "$status" -eq 1 ]
	[ -s d/compare-6.8.0-fx.md ]
	[ -s d/compare-6.9.0-fx.md ]
	cmp <(printf '%s\n' "$output") d/kernels.md
	grep -qx '| cell | 6.1.0-fx µs | 6.8.0-fx µs | change | ratio 95% CI | verdict | 6.9.0-fx µs | change | ratio 95% CI | verdict |' d/kernels.md
	grep -q '^| `fork-exit/rss_mib:64/thp:off/pin:none` | 1908.77 | 1908.77 | +0.0% | .* | no change | 2278.00 | +19.3% | .* | \*\*regression\*\* |$' d/kernels.md
	[ "$(grep -c '^| `' d/kernels.md)" -eq 4 ]
	grep -q '^Geometric mean of 6.9.0-fx / 6.1.0-fx over 4 cells' d/kernels.md
	refute grep -q emulated d/kernels.md
	[ -s d/charts/compare-claim-exit.svg ]
	[ -s d/charts/compare-claim-exit.png ]
	[ -s d/charts/compare-latency.svg ]
	# no run has vfork-exec: no chart of fork-exec / vfork-exec
	[ ! -e d/charts/compare-claim-exec.svg ]
}

@test "kernels-compare of emulated runs says so in the table, the compare files and the charts" {
	fixture_kernels d emulated
	run --separate-stderr "$KCOMPARE" d
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "> **$NOTE**" ]
	grep -qx "> \*\*$NOTE\*\*" d/compare-6.8.0-fx.md
	grep -q "$NOTE" d/charts/compare-claim-exit.svg
	grep -q "$NOTE" d/charts/compare-latency.svg
}

@test "kernels-compare: a folder without kernels.txt, with one run, or naming no run folder is one line and exit 2" {
	run --separate-stderr "$KCOMPARE" .
	[ "$status" -eq 2 ]
	[[ "$stderr" == "kernels-compare: .: no kernels.txt (a folder scripts/kernels wrote)" ]]
	fixture_kernels d
	echo 6.1.0-fx > d/kernels.txt
	run --separate-stderr "$KCOMPARE" d
	[ "$status" -eq 2 ]
	[[ "$stderr" == "kernels-compare: kernels.txt names one run: nothing to set it beside" ]]
	rm d/6.8.0-fx/summary.csv
	printf '6.1.0-fx\n6.8.0-fx\n' > d/kernels.txt
	run --separate-stderr "$KCOMPARE" d
	[ "$status" -eq 2 ]
	[ "$stderr" = "kernels-compare: d/6.8.0-fx: not a run folder (no summary.csv)" ]
}

# QEMU is tests/fixtures/kernels/qemu from here on: no guest runs, and each
# "kernel" is a text file saying what its guest does (the fake's comment).
fake_qemu() {
	[ "$(uname -m)" = x86_64 ] || skip "an x86-64 host only"
	command -v cpio >/dev/null || skip "no cpio here"
	command -v busybox >/dev/null || skip "no busybox here"
	export SPAWNCOST_QEMU="$ROOT/tests/fixtures/kernels/qemu"
}

# SIGTERM to background job $1 once "$@" holds (10 s at most); its status
# in st.
term_once() {
	local pid=$1
	shift
	for _ in $(seq 100); do
		if "$@" > /dev/null; then
			break
		fi
		sleep 0.1
	done
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
}

# The KVM probe runs only where this user may open /dev/kvm.
kvm_opens() {
	[[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm ]] || skip "no /dev/kvm this user may open: no KVM probe runs"
}

@test "a kernel that fails after another ran: the run that ended is kept, the failed one is not" {
	fake_qemu
	echo "ok 6.1.0-fake $FX/base" > k1
	# its run comes back, and spawncost report refuses it: half-written
	echo "ok 6.2.0-fake $FX/malformed" > k2
	echo "status 2 6.3.0-fake $FX/base" > k3
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out k1 k2 -- -r 0
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"scripts/kernels: k2: spawncost report failed"* ]]
	[ "${stderr##*$'\n'}" = "scripts/kernels: kept the kernels that ran to their end in out: 6.1.0-fake" ]
	[ "$(cat out/kernels.txt)" = 6.1.0-fake ]
	[ "$(ls out)" = "$(printf '6.1.0-fake\nconsole\nkernels.txt')" ]
	[ "$(ls out/console)" = 6.1.0-fake.log ]
	[ -s out/6.1.0-fake/report.md ]
	grep -qx emulated=yes out/6.1.0-fake/env.txt
	[ "$(ls -A)" = "$(printf 'k1\nk2\nk3\nout')" ]
	# a run that ended in an error is not kept either
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out2 k1 k3 -- -r 0
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"scripts/kernels: k3: the run ended with status 2"* ]]
	[ "$(cat out2/kernels.txt)" = 6.1.0-fake ]
	[ ! -e out2/6.3.0-fake ]
}

@test "a signal during the second kernel: the first kernel's run is kept, the second's QEMU is killed" {
	fake_qemu
	echo "ok 6.1.0-fake $FX/base" > k1
	echo "stall 6.2.0-fake" > k2
	mkdir t
	TMPDIR="$SCRATCH/t" "$KERNELS" --emulated --guest-mem 512 --out out k1 k2 -- -r 0 > o 2> e &
	term_once $! grep -rqs '^spawncost-guest: up 6.2.0-fake' t
	cat e
	[ "$st" -eq 143 ]
	[ "$(tail -n 1 e)" = "scripts/kernels: kept the kernels that ran to their end in out: 6.1.0-fake" ]
	[ "$(cat out/kernels.txt)" = 6.1.0-fake ]
	[ "$(ls out)" = "$(printf '6.1.0-fake\nconsole\nkernels.txt')" ]
	[ -s out/6.1.0-fake/meta.json ]
	refute pgrep -f "$SCRATCH/t"
	[ -z "$(ls -A t)" ]
	[ "$(ls -A)" = "$(printf 'e\nk1\nk2\no\nout\nt')" ]
}

@test "kernel images and --out with spaces in their paths" {
	fake_qemu
	mkdir "my kernels"
	echo "ok 6.1.0-fake $FX/base" > "my kernels/k 1"
	echo "ok 6.2.0-fake $FX/kernel" > "my kernels/k 2"
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out "my out" "my kernels/k 1" "my kernels/k 2" -- -r 0
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -s "my out/kernels.md" ]
	grep -qx 'guest_kernel=my kernels/k 2' "my out/6.2.0-fake/env.txt"
}

@test "a signal during the KVM probe: the probe's QEMU is killed too" {
	fake_qemu
	kvm_opens
	echo "ok 6.1.0-fake $FX/base" > k1
	mkdir t
	FAKE_QEMU_PROBE=pause TMPDIR="$SCRATCH/t" "$KERNELS" --guest-mem 512 --out out k1 -- -r 0 > o 2> e &
	term_once $! pgrep -f "$SCRATCH/t/.*/probe.bin"
	[ "$st" -eq 143 ]
	refute pgrep -f "$SCRATCH/t"
	[ -z "$(ls -A t)" ]
}

@test "the KVM probe's refusal is one line, even when QEMU's shell is late to make its log" {
	fake_qemu
	kvm_opens
	command -v cc >/dev/null || skip "no cc here"
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/slowlog.so" "$ROOT/tests/fixtures/kernels/slowlog.c" -ldl
	LD_PRELOAD="$BATS_TEST_TMPDIR/slowlog.so" kernels_bad "KVM cannot run guests here (fake: KVM runs no guest here)" --guest-mem 512 "$BATS_TEST_FILENAME" -- -r 0
}

@test "a guest that fails is never a result: no init in time, stopped before the run ended, its run cut short on the way back" {
	fake_qemu
	echo hang > hang
	echo "crash 6.1.0-fake" > crash
	echo "cut 6.1.0-fake $FX/base" > cut
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --boot-timeout 1 --out out hang -- -r 0
	[ "$status" -eq 2 ]
	[ "${stderr##*$'\n'}" = "scripts/kernels: hang: did not start the init in 1 s (the console's last lines above)" ]
	[[ "$stderr" == *"  console: Linux version fake"* ]]
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out crash -- -r 0
	[ "$status" -eq 2 ]
	[ "${stderr##*$'\n'}" = "scripts/kernels: crash: the guest stopped before the run ended (the console's last lines above)" ]
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out cut -- -r 0
	[ "$status" -eq 2 ]
	[ "${stderr##*$'\n'}" = "scripts/kernels: cut: the run folder did not come back whole over the serial line" ]
	[ "$(ls -A)" = "$(printf 'crash\ncut\nhang')" ]
}

@test "a tool scripts/deps does not install is named with its package: exit 2, one line" {
	fake_qemu
	local path="$BATS_TEST_TMPDIR/path" f
	mkdir "$path"
	for f in /usr/local/bin/* /usr/bin/* /bin/*; do
		if [ ! -e "$path/${f##*/}" ]; then
			ln -s "$f" "$path/${f##*/}"
		fi
	done
	rm "$path/taskset"
	PATH="$path" kernels_bad "no taskset here: install the distribution's util-linux package" --emulated --guest-mem 512 "$BATS_TEST_FILENAME" -- -r 0
}

@test "a QEMU that ends before its guest runs says why, not that its threads could not be pinned" {
	fake_qemu
	echo refuse > refuse
	echo "stall 6.1.0-fake" > stall
	run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out refuse -- -r 0
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"  qemu: qemu-system-x86_64: fake: cannot set up guest memory 'pc.ram'"* ]]
	[ "${stderr##*$'\n'}" = "scripts/kernels: refuse: QEMU failed (its output and the console's last lines above)" ]
	refute grep -q 'cannot open' <<< "$stderr"
	# QEMU ends between the look at its threads and their pinning
	mkdir bin
	printf '#!/bin/sh\nfor a; do pid=$a; done\nkill -KILL "$pid"\necho "taskset: failed: No such process" >&2\nexit 1\n' > bin/taskset
	chmod +x bin/taskset
	PATH="$SCRATCH/bin:$PATH" run --separate-stderr "$KERNELS" --emulated --guest-mem 512 --out out stall -- -r 0
	[ "$status" -eq 2 ]
	refute grep -q 'pin\|taskset' <<< "$stderr"
	[ "${stderr##*$'\n'}" = "scripts/kernels: stall: QEMU failed (its output and the console's last lines above)" ]
	[ "$(ls -A)" = "$(printf 'bin\nrefuse\nstall')" ]
}
