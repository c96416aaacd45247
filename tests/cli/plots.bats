#!/usr/bin/env bats
# Charts and verdicts, from fixture runs (tests/fixtures/plots): no
# measuring. core/ is the committed default run trimmed; full/ is hand-made
# with every column later issues add (ballast, variant, per_page_ns,
# counters, phases, fit.csv) and numbers chosen so each verdict is known.
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
PLOTS="$ROOT/scripts/plots"
FIX="$ROOT/tests/fixtures/plots"

# A chart drawn as a real SVG and a real PNG, neither empty.
drawn() {
	[ -s "$1.svg" ] || { echo "no $1.svg"; return 1; }
	[ -s "$1.png" ] || { echo "no $1.png"; return 1; }
	grep -q '<svg' "$1.svg" || { echo "$1.svg is no SVG"; return 1; }
	[ "$(head -c 4 "$1.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
		{ echo "$1.png is no PNG"; return 1; }
}

@test "scripts/plots draws every chart of a run with every column, as SVG and PNG" {
	cp -R "$FIX/full" run
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	for chart in latency claims rss0 cdf cow counters phases; do
		drawn "run/$chart"
		printf '%s\n' "$output" | grep -qx "run/$chart.png"
	done
	# the run's data is read, never written
	cmp run/summary.csv "$FIX/full/summary.csv"
	refute sh -c 'ls run | grep -q tmp'
}

@test "a run without counters, phases or COW columns leaves those charts out and says why" {
	cp -R "$FIX/core" run
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ]
	for chart in latency claims rss0 cdf; do
		drawn "run/$chart"
	done
	for chart in cow counters phases; do
		[ ! -e "run/$chart.svg" ]
		[ ! -e "run/$chart.png" ]
		[[ "$stderr" == *"no $chart chart: "* ]]
	done
	[[ "$stderr" == *"no per_page_ns column"* ]]
}

@test "the claim chart marks where each ratio crosses the 4-5x band" {
	cp -R "$FIX/core" run
	"$SC" report --plot-data data run 2>/dev/null
	# the -exit pair leaves the band at about 0.45 MiB of ballast
	grep -q 'fork-exit / vfork-exit: crosses 5× at ~0.5 MiB of ballast' data/charts.gp
	grep -q 'fork-exec / vfork-exec: crosses 4× at ~4.1, 5× at ~6.5 MiB of ballast' data/charts.gp
	[ "$(wc -l < data/crossings.csv)" -eq 6 ]
}

@test "report prints a verdict per claim and writes them into report.md" {
	cp -R "$FIX/core" run
	"$PLOTS" run >/dev/null 2>&1
	run --separate-stderr "$SC" report run
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"wrote run/report.md"* ]]
	printf '%s\n' "$output" | grep -q '^claim 1, "vfork is 4-5x faster than fork":$'
	printf '%s\n' "$output" |
		grep -q '^  fork-exit / vfork-exit: holds only at RSS 0 MiB: within 4-5× at 0 MiB (4.43× \[4.43, 4.44\])'
	printf '%s\n' "$output" | grep -q '^  fork-exec / vfork-exec: does not hold: below 4× at 0 MiB (2.23×'
	printf '%s\n' "$output" | grep -A1 '^claim 2,' | grep -q 'does not hold: .*it fails from the smallest parent (0 MiB) on'
	printf '%s\n' "$output" | grep -A1 '^claim 3,' | grep -q '^  pthread (clone-thread not in this run): holds: pthread the cheapest (next: vfork-exit)'
	printf '%s\n' "$output" | grep -A3 '^claim 4,' | grep -q "^  fork's cost per GiB of parent: 28.9 ms"
	printf '%s\n' "$output" | grep -A1 '^claim 4,' | grep -q 'does not hold'
	# report.md: machine, the same verdicts in bold, charts, summary
	grep -q '^- kernel_release: `6.18.44-fc-v669`$' run/report.md
	grep -q '^- fork-exit / vfork-exit: \*\*holds only at RSS 0 MiB\*\*' run/report.md
	grep -q '^- fork-exec / vfork-exec: \*\*does not hold\*\*' run/report.md
	grep -q '^- pthread (clone-thread not in this run): \*\*holds\*\*' run/report.md
	grep -q 'a ratio is taken round by round from the two cells. windows of that round' run/report.md
	grep -q '"as efficient" = fork-exec.s median at most 10% above' run/report.md
	grep -q '^!\[fork / vfork ratios against the claimed 4-5×\](claims.png)$' run/report.md
	grep -q '^- Counters per operation: left out, the run has no &lt;event>_per_op column' run/report.md
	grep -q '^| `fork-exit` | 106 | 587 | 1918 | 7326 | 28979 |$' run/report.md
}

@test "verdicts on hand-made numbers: holds there, only there, undecided, no data" {
	cp -R "$FIX/full" run
	run "$SC" report run
	[ "$status" -eq 0 ]
	v() { printf '%s\n' "$output" | grep -qF -- "$1" || { echo "missing: $1"; return 1; }; }
	v '  THP off, fork-exit / vfork-exit: holds only at RSS 0 MiB: within 4-5× at 0 MiB (4.50×'
	v '  THP off, fork-exec / vfork-exec: holds only at RSS 64 MiB'
	v '  THP on, fork-exit / vfork-exit: does not hold: undecided (interval across 4× or 5×) at 0 MiB (4.00× [3.96, 4.04])'
	v '  THP off, fork-exec / vfork-exec: holds only at RSS 0 MiB: within 10% at 0 MiB (1.05×'
	v 'it fails above 0 MiB'
	v '  THP off, clone-thread or pthread: holds only for RSS in [0, 16] MiB: clone-thread the cheapest (next: vfork-exit)'
	v 'clone-thread not the cheapest (next: clone-vm) at 64 MiB (0.88×'
	v '  THP on, clone-thread or pthread: no data'
	v "  THP off, fork's cost per GiB of parent: 4.08 ms (fit.csv: 40.2 µs + 4.08 ms/GiB"
	v '  THP off, copy-on-write per page: each page the child writes after fork costs 240 [239, 241] ns'
	# the failed cell is listed as such, the variant with its commas intact
	grep -q '^| `clone-newuser` | error |' run/report.md
	grep -q '| `clone-custom` | none | off | anon | VM,FILES |' run/report.md
}

@test "fork-exit at fewer than two sizes: the report says what claim 4 lacks, and invents no slope" {
	run_where "$FIX/core" 'r == 0' one
	run --separate-stderr "$SC" report one
	[ "$status" -eq 0 ]
	claim4=$(printf '%s\n' "$output" | sed -n '/^claim 4,/,$p')
	echo "$claim4"
	grep -qxF '  fork-exit / fork-exit: needs fork-exit measured at two parent sizes or more (this run has it at 0 MiB only)' <<< "$claim4"
	grep -qxF "  fork's cost per GiB: needs fork-exit measured at two parent sizes or more (this run has it at 0 MiB only)" <<< "$claim4"
	refute grep -q 'nan\|0\.00 ms\|r² 0\.0000\|no data' <<< "$claim4"
	grep -qF -- "- fork's cost per GiB: **needs fork-exit measured at two parent sizes or more** (this run" one/report.md
	run_where "$FIX/core" 'm != "fork-exit"' none
	run --separate-stderr "$SC" report none
	[ "$status" -eq 0 ]
	claim4=$(printf '%s\n' "$output" | sed -n '/^claim 4,/,$p')
	grep -qxF '  fork-exit / fork-exit: needs fork-exit measured at two parent sizes or more (this run has none: it did not run, or every cell of it failed)' <<< "$claim4"
	refute grep -q 'nan\|0\.00 ms\|r² 0\.0000' <<< "$claim4"
}

@test "a claim that holds at one size of two says that size, not a range [0, 0]" {
	run_where "$FIX/core" 'r == 0 || r == 64' two
	run --separate-stderr "$SC" report two
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q '^  fork-exit / vfork-exit: holds only at RSS 0 MiB: within 4-5× at 0 MiB'
	refute grep -qF '[0, 0]' <<< "$output"
}

@test "compare-plots overlays several runs, each named by its --label, else host and kernel" {
	cp -R "$FIX/core" a
	cp -R "$FIX/full" b
	run --separate-stderr "$PLOTS" --compare -o cmp a b
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	drawn cmp/compare-latency
	drawn cmp/compare-claims
	# one chart per claim's ratio, a line per run, for the pairs either run has
	drawn cmp/compare-claim-exit
	drawn cmp/compare-claim-exec
	drawn cmp/compare-claim-spawn
	grep -q 'fork-exec / posix-spawn: 2 runs compared' cmp/compare-claim-spawn.svg
	[ "$(cat cmp/compared.txt)" = "$(printf 'a\nb')" ]
	"$SC" report --plot-data data a b
	grep -qxF 'array cmr_label = ["vm, Linux 6.18.44-fc-v669", "fixture, Linux 6.1.0-fixture"]' data/charts.gp
	# a label names its run; two runs that would read the same add their folders
	echo 'label=THP on' >> b/env.txt
	cp -R a a2/
	"$SC" report --plot-data data2 a b a2/
	grep -qxF 'array cmr_label = ["vm, Linux 6.18.44-fc-v669 [a]", "THP on", "vm, Linux 6.18.44-fc-v669 [a2]"]' data2/charts.gp
}

@test "scripts/plots finds the newest run by its run_id, not by the folder's age" {
	mkdir -p results/old results/new
	cp "$FIX/core/summary.csv" results/old/
	cp "$FIX/core/summary.csv" results/new/
	echo 'run_id=vm-20261125T143618' > results/new/env.txt
	echo 'run_id=vm-20261124T090000' > results/old/env.txt
	touch -d '2020-01-01' results/new/env.txt
	run "$PLOTS" --newest
	[ "$status" -eq 0 ]
	[ "$output" = "results/new" ]
}

@test "report and plots refuse bad input with one line and status 2, writing nothing" {
	expect_bad "no run folder given" report
	expect_bad "one run folder at a time" report a b
	expect_bad "unknown option '--bogus'" report --bogus x
	expect_bad "--cdf-rss: 'x' is not a number" report --cdf-rss x run
	expect_bad "--cdf-rss: 'inf' is not a number" report --cdf-rss inf run
	expect_bad "nowhere/summary.csv" report nowhere
	mkdir cut
	printf 'run_id,host,method\nvm,vm,fork' > cut/summary.csv
	run --separate-stderr "$SC" report cut
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"file cut short"* ]]
	[ ! -e cut/report.md ]
	printf 'run_id,host,method\nvm,vm,fork-exit\n' > cut/summary.csv
	run --separate-stderr "$SC" report cut
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no column 'target'"* ]]
	cp "$FIX/core/summary.csv" cut/summary.csv
	sed -i '2s/,150.518,/,fast,/' cut/summary.csv
	run --separate-stderr "$SC" report cut
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"row 2: median_us 'fast' is not a number"* ]]
	[ ! -e cut/report.md ]
	run --separate-stderr "$PLOTS" nowhere
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nowhere has no summary.csv"* ]]
}

@test "scripts/plots stopped by a signal exits 128+signal, says so, and leaves no half-drawn chart" {
	cp -R "$FIX/full" run
	mkdir bin tmp
	# a gnuplot that takes its time, so that the signal lands mid-chart
	printf '#!/bin/sh\nprintf x > "$4"\n: > "%s/drawing"\nsleep 1\n' "$SCRATCH" > bin/gnuplot
	chmod +x bin/gnuplot
	PATH="$SCRATCH/bin:$PATH" TMPDIR="$SCRATCH/tmp" "$PLOTS" run >out 2>err &
	pid=$!
	for i in $(seq 100); do
		if [ -e drawing ]; then break; fi
		sleep 0.1
	done
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -qx 'plots: interrupted by TERM' err
	refute sh -c 'ls run | grep -q tmp'
	[ -z "$(ls -A tmp)" ]
	# the rest was never drawn: the run's last charts are not there
	[ ! -e run/phases.svg ]
}

@test "every script ends on a signal one way: scripts/lib/cleanup.sh, no trap of its own" {
	cd "$ROOT"
	run sh -c "grep -rln '^[[:space:]]*trap ' scripts | grep -v '^scripts/lib/cleanup.sh$'"
	[ -z "$output" ]
}
