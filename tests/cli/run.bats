#!/usr/bin/env bats
# A tiny sweep, checked for shape and for plain physics. No absolute times.
load helpers

SUMMARY_HEADER="run_id,host,method,target,rss_mib,thp,pin,rss_kib,pte_kib,iterations,median_us,p10_us,p90_us,p99_us,mean_us,stddev_us,min_us,max_us,ci_lo_us,ci_hi_us,error,variant,ballast,vmas,thp_kib,pages,per_page_ns,cpus,child_same_cpu_pct,rounds"

@test "a sweep writes summary, samples and env with every column in every row" {
	run "$SC" run -m fork-exit,vfork-exit,pthread -r 0,16 -n 40 -w 2 -o out
	[ "$status" -eq 0 ]
	# the core columns first, in order; counters and later issues' after them
	[[ "$(head -1 out/summary.csv)" == "$SUMMARY_HEADER"* ]]
	[[ "$(head -1 "$(samples_csv out)")" == "run_id,host,method,target,rss_mib,thp,pin,iter,ns,variant,ballast,vmas,round,child_cpu,parent_cpu"* ]]
	[ "$(wc -l < out/summary.csv)" -eq 7 ]
	# the count asked for is the count done
	[ "$(wc -l < "$(samples_csv out)")" -eq $((6 * 40 + 1)) ]
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' out/summary.csv
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$(samples_csv out)"
	grep -qx 'complete=yes' out/env.txt
	grep -q '^kernel_release=' out/env.txt
	refute sh -c 'ls -A out | grep -q tmp'
}

@test "every median is positive and the quantiles are ordered" {
	run "$SC" run -r 0 -n 30 -w 1 -o out
	[ "$status" -eq 0 ]
	awk -F, 'NR > 1 {
		if (!($11 > 0)) exit 1                     # median_us
		if (!($17 <= $12 && $12 <= $11 && $11 <= $13 && $13 <= $14 && $14 <= $18)) exit 1
		if (!($19 <= $11 && $11 <= $20)) exit 1     # ci around the median
		if ($21 != "") exit 1
	}' out/summary.csv
}

@test "run ids and hosts let files of many runs concatenate" {
	"$SC" run -m vfork-exit -r 0 -n 30 -o a 2>/dev/null >/dev/null
	sleep 1
	"$SC" run -m vfork-exit -r 0 -n 30 -o b 2>/dev/null >/dev/null
	a=$(cut -d, -f1 a/summary.csv | tail -1)
	b=$(cut -d, -f1 b/summary.csv | tail -1)
	[ -n "$a" ]
	[ "$a" != "$b" ]
	[ "$(cut -d, -f2 a/summary.csv | tail -1)" = "$(hostname -s)" ]
}

@test "at 256 MiB vfork-exec is cheaper than fork-exec and the ballast is resident" {
	run "$SC" run -m fork-exec,vfork-exec -r 256 --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	fork=$(col out/summary.csv median_us fork-exec 256)
	vfork=$(col out/summary.csv median_us vfork-exec 256)
	awk -v f="$fork" -v v="$vfork" 'BEGIN { exit !(v < f) }'
	rss=$(col out/summary.csv rss_kib fork-exec 256)
	[ "$rss" -ge 262144 ]
}

@test "fork grows with the parent's size and vfork does not" {
	run "$SC" run -m fork-exit,vfork-exit -r 0,256 --min-time 0.2 -o out
	[ "$status" -eq 0 ]
	f0=$(col out/summary.csv median_us fork-exit 0)
	f256=$(col out/summary.csv median_us fork-exit 256)
	v0=$(col out/summary.csv median_us vfork-exit 0)
	v256=$(col out/summary.csv median_us vfork-exit 256)
	# fork copies 64k page-table entries at 256 MiB: several times dearer
	awk -v a="$f0" -v b="$f256" 'BEGIN { exit !(b > 3 * a) }'
	awk -v a="$v0" -v b="$v256" 'BEGIN { exit !(b < 2 * a) }'
}

@test "the 0 MiB cell's parent is within 1 MiB of a minimal C program" {
	skip_if_sanitized
	printf '#include <stdio.h>\n#include <string.h>\nint main(void){char l[256];FILE*f=fopen("/proc/self/status","r");while(fgets(l,256,f))if(!strncmp(l,"VmRSS:",6))fputs(l+6,stdout);return 0;}\n' > minimal.c
	cc -O2 -o minimal minimal.c
	minimal=$(./minimal | tr -dc 0-9)
	run "$SC" run -m fork-exit -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	ours=$(col out/summary.csv rss_kib fork-exit 0)
	echo "minimal=$minimal ours=$ours"
	[ "$ours" -le $((minimal + 1024)) ]
}

@test "a failed exec is an error row, not a sample, and the run goes on" {
	# a script that empties itself when it runs: the try before the run, or
	# the first exec of the sweep, leaves a file execve says ENOEXEC to
	printf '#!/bin/sh\n: > "$0"\n' > notexec
	chmod +x notexec
	run --separate-stderr "$SC" run -m fork-exec,vfork-exec,posix-spawn,fork-exit -r 0 -n 30 \
		--target "$SCRATCH/notexec" -o out
	[ "$status" -eq 1 ]
	for m in fork-exec vfork-exec posix-spawn; do
		[ "$(col out/summary.csv error $m 0)" = "ENOEXEC: exec of the target failed" ]
		[ "$(col out/summary.csv iterations $m 0)" = 0 ]
		[ -z "$(col out/summary.csv median_us $m 0)" ]
	done
	[ -z "$(col out/summary.csv error fork-exit 0)" ]
	refute grep -q ',fork-exec,' "$(samples_csv out)"
}

# An executable file the kernel cannot run would fail every exec of the
# sweep, the largest ballast included: it is tried once and refused, as a
# missing target is.
@test "a target the kernel cannot run is refused up front, with why" {
	t="$BATS_TEST_TMPDIR"
	: > "$t/empty"
	printf 'echo no interpreter line\n' > "$t/text"
	printf '\177ELF, but not a header' > "$t/elf"
	printf '#!/nonexistent/sh\n' > "$t/script"
	chmod +x "$t/empty" "$t/text" "$t/elf" "$t/script"
	for f in empty text elf; do
		expect_bad "--target: $t/$f: the kernel cannot run it: not an ELF program for this machine, and no #! line (ENOEXEC)" \
			run -m fork-exec,fork-exit -r 0 -n 20 --rounds 2 -e none --target "$t/$f"
	done
	expect_bad "--target: $t/script: the kernel cannot run it: its #! interpreter or ELF loader is missing (ENOENT)" \
		run -m vfork-exec -r 0 -n 20 --rounds 2 -e none --target "$t/script"
	# the engine started by hand tries it too
	run --separate-stderr "$BUILD/spawncost-measure" run -m fork-exec -r 0 -n 20 -e none \
		--target "$t/empty" -o out
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"the kernel cannot run it"* ]]
	[ ! -e out ]
}

@test "a target that exits non-zero or dies is an error row" {
	printf '#!/bin/sh\nexit 3\n' > three
	chmod +x three
	printf '#!/bin/sh\nkill -SEGV $$\n' > segv
	chmod +x segv
	run "$SC" run -m fork-exec -r 0 -n 30 --target "$SCRATCH/three" -o a
	[ "$status" -eq 1 ]
	[ "$(col a/summary.csv error fork-exec 0)" = "EXIT3: child exited with status 3" ]
	run "$SC" run -m vfork-exec -r 0 -n 30 --target "$SCRATCH/segv" -o b
	[ "$status" -eq 1 ]
	[[ "$(col b/summary.csv error vfork-exec 0)" == SIGSEGV* ]]
}

@test "the closing table goes to stdout and progress to stderr" {
	run --separate-stderr "$SC" run -m vfork-exit -r 0 -n 30 -o out
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == method* ]]
	[[ "$output" == *vfork-exit* ]]
	[[ "$stderr" == *"1/1] vfork-exit"* ]]
}

@test "an existing run is never overwritten" {
	"$SC" run -m vfork-exit -r 0 -n 30 -o out >/dev/null 2>&1
	before=$(cat out/summary.csv)
	run --separate-stderr "$SC" run -m vfork-exit -r 0 -n 30 -o out
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"already holds a run"* ]]
	[ "$(cat out/summary.csv)" = "$before" ]
}

@test "the default folder is results/<host>-<UTC time>" {
	run "$SC" run -m vfork-exit -r 0 -n 30
	[ "$status" -eq 0 ]
	ls -d results/"$(hostname -s)"-20[0-9][0-9][01][0-9][0-3][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]
}

@test "a time budget still runs at least 30 iterations" {
	run "$SC" run -m fork-exit -r 0 --min-time 0.001 --precision 0 -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv iterations fork-exit 0)" -ge 30 ]
}

@test "each cell is measured in --rounds windows spread over the run" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 31 --rounds 4 -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv rounds fork-exit 0)" -eq 4 ]
	[ "$(col out/summary.csv iterations fork-exit 0)" -eq 31 ]
	# 31 over 4 windows: 8, 8, 8, 7; windows of the two cells alternate
	[ "$(awk -F, '$3 == "fork-exit" { print $13 }' "$(samples_csv out)" | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" = "8 8 8 7 " ]
	[ "$(awk -F, 'NR > 1 { print $3 }' "$(samples_csv out)" | uniq | wc -l)" -eq 8 ]
	# iter numbers the cell's samples across its windows
	[ "$(awk -F, '$3 == "vfork-exit" { print $8 }' "$(samples_csv out)" | tail -1)" -eq 31 ]
}

@test "samples say where the parent ran; probes, pinned or not, say where the child ran" {
	for pin in none cpus; do
		if [ $pin = none ]; then
			run "$SC" run -m fork-exit,vfork-exit,pthread -r 0 -n 30 --pin none -o $pin
		else
			all=$(seq -s, 0 $(($(nproc) - 1)) | cut -d, -f1-2)
			run "$SC" run -m fork-exit,vfork-exit,pthread -r 0 -n 30 --cpus "$all" -o $pin
		fi
		[ "$status" -eq 0 ]
		# no timed child is watched (a forked child would fault on the store)
		awk -F, "$BY_NAME"'
			field("child_cpu") != "" || field("parent_cpu") == "" { exit 1 }' "$(samples_csv "$pin")"
		awk -F, "$BY_NAME"'
			field("child_cpu") == "" || field("parent_cpu") == "" { exit 1 }' $pin/probes.csv
		[ "$(col $pin/summary.csv probes fork-exit 0)" -ge 3 ]
		p=$(col $pin/summary.csv child_same_cpu_pct fork-exit 0)
		awk -v p="$p" 'BEGIN { exit !(p >= 0 && p <= 100) }'
	done
}

@test "--cpus binds the run: with one CPU, every child runs where its parent does" {
	cpu=$(($(nproc) - 1))
	run "$SC" run -m fork-exit,vfork-exec,clone-vm -r 0 -n 30 --cpus "$cpu" -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv pin fork-exit 0)" = cpus ]
	[ "$(col out/summary.csv cpus fork-exit 0)" = "$cpu" ]
	awk -F, -v cpu="$cpu" "$BY_NAME"'
		field("child_cpu") != cpu || field("parent_cpu") != cpu { exit 1 }' out/probes.csv
	awk -F, -v cpu="$cpu" "$BY_NAME"'
		field("parent_cpu") != cpu { exit 1 }' "$(samples_csv out)"
	[ "$(col out/summary.csv child_same_cpu_pct clone-vm 0)" = "100.000" ]
}

@test "--pin same: every sample's child ran on its parent's CPU" {
	run "$SC" run -m fork-exit,vfork-exec,clone-vm,pthread -r 0 -n 30 --pin same -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv pin fork-exit 0)" = same ]
	awk -F, "$BY_NAME"'
		field("child_cpu") != field("parent_cpu") { exit 1 }' out/probes.csv
	grep -q '^topo_summary=' out/env.txt
	grep -qx 'pin=same' out/env.txt
}

@test "a --pin policy the machine cannot offer is refused with what it has" {
	smt=$("$SC" topo | sed -n 's/^topo_smt=//p')
	numa=$("$SC" topo | sed -n 's/^topo_numa_nodes=//p')
	if [ "$smt" = no ]; then
		expect_bad "no SMT" run --pin smt
	fi
	if [ "$numa" -lt 2 ]; then
		expect_bad "try --pin" run --pin numa
	fi
	expect_bad "give one or the other" run --pin same --cpus 0
}

@test "the parent is the same in every cell: what fork copies does not drift" {
	skip_if_sanitized	# it measures the process itself (and LSan fails under ptrace)
	run "$SC" run -m core,clone -r 0 --rounds 3 -n 60 -e none -o out
	[ "$status" -eq 0 ]
	# pthread is measured in a child of the engine (harness/engine/isolate.c): a
	# process that made a thread forks more slowly for good. Its windows
	# agree among themselves.
	[ "$(awk -F, "$BY_NAME"'
		field("method") == "pthread" { print field("fork_maps") "/" field("fork_rss_kib") }' "$(samples_csv out)" | sort -u | wc -l)" -eq 1 ]
	maps=$(awk -F, "$BY_NAME"'
		field("rss_mib") == 0 && field("method") != "pthread" { print field("fork_maps") }' out/summary.csv | sort -u)
	echo "fork_maps: $maps"
	[ "$(printf '%s\n' "$maps" | wc -l)" -eq 1 ]
	[ "$maps" -gt 0 ]
	spread=$(awk -F, "$BY_NAME"'
		field("rss_mib") == 0 && field("method") != "pthread" { v = field("fork_rss_kib"); if (lo == "" || v < lo) lo = v; if (v > hi) hi = v }
		END { print hi - lo }' out/summary.csv)
	echo "fork_rss_kib spread: $spread"
	[ "$spread" -le 8 ]
	# and per window: samples.csv carries the same figures
	[ "$(awk -F, "$BY_NAME"'
		field("method") != "pthread" { print field("fork_maps") }' "$(samples_csv out)" | sort -u)" = "$maps" ]
}

@test "a pthread cell leaves the engine single-threaded: its threads are made in a child" {
	skip_if_sanitized	# it measures the process itself (and LSan fails under ptrace)
	command -v strace || skip "no strace"
	strace -f -qq -e trace=clone,clone3 -e signal=none -o trace.txt \
		"$BUILD/spawncost-measure" run -m pthread,fork-exit -r 0 --rounds 2 -n 40 -e none \
		-o out >/dev/null 2>&1
	engine=$(head -1 trace.txt | awk '{ print $1 }')
	grep -q 'CLONE_THREAD' trace.txt
	refute grep -qE "^$engine .*CLONE_THREAD" trace.txt
	[ -z "$(col out/summary.csv error pthread 0)" ]
	[ -z "$(col out/summary.csv error pthread 0)" ]
	[ "$(col out/summary.csv probes pthread 0)" -ge 2 ]
	[ "$(awk -F, '$3 == "pthread"' "$(samples_csv out)" | wc -l)" -eq 40 ]
}

@test "runs are pinned by default and say so; --pin none opts out" {
	run --separate-stderr "$SC" run -m fork-exit -r 0 -n 20 -o pinned
	[ "$status" -eq 0 ]
	[ "$(col pinned/summary.csv pin fork-exit 0)" = same ]
	[ -n "$(col pinned/summary.csv cpus fork-exit 0)" ]
	grep -qx 'pin=same' pinned/env.txt
	[[ "$stderr" == *"pinned to CPU"*"--pin none"* ]]
	run --separate-stderr "$SC" run -m fork-exit -r 0 -n 20 --pin none -o free
	[ "$status" -eq 0 ]
	[ "$(col free/summary.csv pin fork-exit 0)" = none ]
	[ -z "$(col free/summary.csv cpus fork-exit 0)" ]
	[[ "$stderr" == *"unpinned"* ]]
}

# taskset, a container's cpuset or a CI runner's share narrow the CPUs a
# run may use: the default pin picks inside them and says so.
@test "under a narrowed CPU affinity the default pin picks inside it and says why" {
	command -v taskset || skip "no taskset"
	# the first CPU this process may use, and another online one
	mine=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
	one=${mine%%[,-]*}
	other=$(awk -v c="$one" '{ n = split($0, r, ","); for (i = 1; i <= n; i++) {
		split(r[i], e, "-"); hi = e[2] == "" ? e[1] : e[2];
		for (k = e[1]; k <= hi; k++) if (k != c) { print k; exit } } }' \
		/sys/devices/system/cpu/online)
	[ -n "$other" ] || skip "one CPU online"
	run --separate-stderr taskset -c "$one" "$SC" run -m fork-exit -r 0 -n 20 --rounds 2 -e none \
		-o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv cpus fork-exit 0)" = "$one" ]
	grep -qx "cpus=$one" out/env.txt
	grep -qx "pin_why=from CPUs $one, all that this process's affinity or cgroup cpuset allows of .*" out/env.txt
	[[ "$stderr" == *"pinned to CPU $one (--pin same, from CPUs $one, all that this process's affinity"* ]]
	run --separate-stderr taskset -c "$one" "$SC" run -m fork-exit -r 0 -n 20 --cpus "$other" -o bad
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost run: --cpus: CPU $other is not one this process may use: its affinity or cgroup cpuset allows CPUs $one" ]
	[ ! -e bad ]
}

@test "no timer or signal reaches the engine while it measures; the watchdog leaves with it" {
	skip_if_sanitized	# it measures the process itself (and LSan fails under ptrace)
	command -v strace || skip "no strace"
	strace -f -q -e trace=none -e signal=all -o trace.txt \
		"$BUILD/spawncost-measure" run -m fork-exit,vfork-exec -r 0 --min-time 1.2 --rounds 1 \
		-e none -o out >/dev/null 2>&1
	[ -s out/summary.csv ]
	refute grep -q SIGALRM trace.txt
	refute grep -q 'setitimer\|timer_settime' trace.txt
	# every process of the run, the watchdog among them, had ended when the
	# run did (pgrep would also see other runs' watchdogs)
	all=$(awk '{ print $1 }' trace.txt | sort -u | wc -l)
	ended=$(grep -E '^[0-9]+ +\+\+\+ (exited|killed)' trace.txt | awk '{ print $1 }' | sort -u | wc -l)
	[ "$all" -ge 2 ]
	[ "$ended" -eq "$all" ]
}

@test "an unpinned cell with two modes is flagged; a pinned one has one" {
	run "$SC" run -m fork-exit -r 0 -n 200 --rounds 1 -e none -o out
	[ "$status" -eq 0 ]
	m=$(col out/summary.csv modes fork-exit 0)
	echo "modes: $m"
	[ "$m" -ge 1 ]
}

@test "summary.csv's statistics are those of samples.csv's rows, to the digit" {
	run "$SC" run -m fork-exit,vfork-exit,exec-only -r 0,16 -n 301 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	# type-7 quantiles, the mean summed in sorted order, µs with 3 decimals
	for cell in $(awk -F, 'NR > 1 { print $3 "/" $5 }' out/summary.csv); do
		m=${cell%/*} r=${cell#*/}
		want=$(awk -F, -v m="$m" -v r="$r" "$BY_NAME"'
			field("method") == m && field("rss_mib") == r { print field("ns") }' "$(samples_csv out)" | sort -n |
			awk 'function q(p,   h, lo) { h = (NR - 1) * p; lo = int(h)
				return lo + 1 >= NR ? x[NR] : x[lo + 1] + (h - lo) * (x[lo + 2] - x[lo + 1]) }
			{ x[NR] = $1; s += $1 }
			END { printf "%d %.3f %.3f %.3f %.3f %.3f %.3f %.3f\n", NR, q(0.5) / 1000,
				q(0.1) / 1000, q(0.9) / 1000, q(0.99) / 1000, s / NR / 1000,
				x[1] / 1000, x[NR] / 1000 }')
		have=$(awk -F, -v m="$m" -v r="$r" "$BY_NAME"'
			field("method") == m && field("rss_mib") == r { print field("iterations"), field("median_us"),
				field("p10_us"), field("p90_us"), field("p99_us"), field("mean_us"), field("min_us"),
				field("max_us") }' out/summary.csv)
		echo "$cell: samples say '$want', summary says '$have'"
		[ "$want" = "$have" ]
	done
	[ "$(awk -F, 'NR > 1' out/summary.csv | wc -l)" -eq 6 ]
}

@test "window_spread_pct says how far apart the windows' medians were; empty with one window" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 90 --rounds 3 -e none -o three
	[ "$status" -eq 0 ]
	for m in fork-exit vfork-exit; do
		w=$(col three/summary.csv window_spread_pct $m 0)
		echo "$m: $w"
		awk -v w="$w" 'BEGIN { exit !(w != "" && w >= 0 && w < 1000) }'
	done
	run "$SC" run -m fork-exit -r 0 -n 30 --rounds 1 -e none -o one
	[ "$status" -eq 0 ]
	[ -z "$(col one/summary.csv window_spread_pct fork-exit 0)" ]
}
