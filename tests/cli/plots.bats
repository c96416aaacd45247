#!/usr/bin/env bats
# Charts and verdicts, from fixture runs (tests/fixtures/plots): no
# measuring. core/ is the committed default run trimmed; full/ is hand-made
# with every column later issues add (ballast, variant, per_page_ns,
# counters, phases, fit.csv) and numbers chosen so each verdict is known.
# wide/ is a real small run of 21 spawn methods and the cow group (`run -m
# core,clone,ns,clone3-pidfd,cow -r 0,1,4,16 -n 30 --rounds 2 --phases`, its
# samples cut to 0 MiB) given a 40-character CPU model; scaling/ is a real
# `run -m fork-exit,vfork-exit,posix-spawn -r 0,64 --parallel 1,2`.
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

# The key of a chart's SVG, one line per entry: "title|colour|dashes|point"
# (gnuplot writes each plot as a <g id="gnuplot_plot_N">, in which a titled
# one has its key text, then the key sample's path and point).
key_styles() {
	awk '
	function out() { if (t != "") print t "|" s "|" d "|" p }
	/<g id="gnuplot_plot_/ { out(); t = s = d = p = ""; g = NR; next }
	t == "" && NR - g <= 6 && match($0, /<text>[^<]*<\/text>/) {
		t = substr($0, RSTART + 6, RLENGTH - 13)
	}
	t != "" && s == "" && match($0, /<path stroke=.rgb\([^)]*\)/) {
		s = substr($0, RSTART + 14, RLENGTH - 14)
		if (match($0, /stroke-dasharray=.[0-9.,]*/))
			d = substr($0, RSTART + 18, RLENGTH - 18)
	}
	t != "" && p == "" && match($0, /#gpPt[0-9]+/) { p = substr($0, RSTART + 5, RLENGTH - 5) }
	END { out() }' "$1"
}

# Every entry of the key of $1 (those whose title has $3, if given) drawn in
# a style of its own: $2 entries.
distinct_styles() {
	local n styles
	n=$(key_styles "$1" | grep -c -- "${3:-}")
	styles=$(key_styles "$1" | grep -- "${3:-}" | cut -d'|' -f2- | sort -u | wc -l)
	[ "$n" -eq "$2" ] || { echo "$1: $n key entries, not $2"; key_styles "$1"; return 1; }
	[ "$styles" -eq "$n" ] || { echo "$1: $styles styles for $n entries"; key_styles "$1"; return 1; }
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
	[[ "$stderr" == *"no copy-on-write figures"* ]]
}

@test "a run of one parent size draws its claims chart (a decade around the size)" {
	cp -R "$BATS_TEST_DIRNAME/../../results/reference/shape" run
	rm -f run/*.png run/*.svg
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	drawn run/claims
}

@test "a 40-character CPU model: the charts' subtitle is wrapped, no line wider than 80, the model whole" {
	cp -R "$FIX/wide" run
	"$SC" report --plot-data data run 2>/dev/null
	title=$(sed -n 's/^run_title = "\(.*\)"$/\1/p' data/charts.gp)
	[ -n "$title" ]
	# gnuplot's "\n" is a new line; the middle dot is one character
	lines=$(printf '%s\n' "$title" | sed 's/\\n/\n/g; s/·/./g')
	echo "$lines"
	grep -qF 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz, 2 CPUs' <<< "$lines"
	[ "$(wc -l <<< "$lines")" -ge 2 ]
	[ "$(awk '{ print length($0) }' <<< "$lines" | sort -n | tail -n 1)" -le 80 ]
}

@test "21 methods in one chart: 21 key entries, each in a style of its own" {
	cp -R "$FIX/wide" run
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	distinct_styles run/latency.svg 21
	distinct_styles run/cdf.svg 21
}

@test "the scaling chart draws each parent size of a method in a style of its own" {
	cp -R "$FIX/scaling" run
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	distinct_styles run/scaling.svg 6 ' MiB'
	key_styles run/scaling.svg | grep -q '^ideal: N x the rate at the smallest N|' 
}

@test "a run without copy-on-write figures has no cow chart, even with fit.csv, and report.md lists only charts it can have" {
	run_where "$FIX/wide" 'm !~ /^(cow-|first-touch|rewrite)/' run
	cp "$FIX/wide/fit.csv" run/
	# as older scripts drew it, from fit.csv alone
	echo old > run/cow.png
	run --separate-stderr "$PLOTS" run
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ ! -e run/cow.png ]
	[ ! -e run/cow.svg ]
	[[ "$stderr" == *"no cow chart: "* ]]
	[[ "$stderr" == *"plots: removed run/cow.png, a chart this run has no data for"* ]]
	"$SC" report run >/dev/null 2>&1
	grep -q '^- Copy-on-write cost per page, and fork.s cost per GiB: left out' run/report.md
	# a run with phase columns but no phase figures: no phases chart "to draw"
	cp -R "$FIX/scaling" scal
	"$PLOTS" scal >/dev/null 2>&1
	"$SC" report scal >/dev/null 2>&1
	refute grep -q 'not drawn yet' scal/report.md
	grep -q '^- Where a spawn.s time goes: left out' scal/report.md
}

@test "the counters chart has no empty panel and gives task_clock its unit" {
	cp -R "$FIX/wide" run
	"$SC" report --plot-data data run 2>/dev/null
	labels=$(grep '^array ev_label = ' data/charts.gp)
	echo "$labels"
	# cpu_migrations is 0 in every cell of the run: no panel, but a note
	refute grep -q 'cpu_migrations' <<< "$labels"
	grep -q '^ev_zero = "cpu_migrations"$' data/charts.gp
	grep -qF 'task_clock per operation (µs of CPU time)' <<< "$labels"
	# every panel has a value other than 0
	n=$(sed -n 's/^ev_n = //p' data/charts.gp)
	for e in $(seq "$n"); do
		echo "panel $e"
		awk -F, -v e="$e" "$BY_NAME"'
			field("event") == e && field("per_op") != 0 { found = 1 }
			END { exit !found }' data/counters.csv
	done
}

@test "the claim chart marks where each ratio crosses the 4-5x band" {
	cp -R "$FIX/core" run
	"$SC" report --plot-data data run 2>/dev/null
	# the -exit pair leaves the band at about 0.45 MiB of ballast
	grep -q 'fork-exit / vfork-exit: crosses 5× at ~0.5 MiB of ballast' data/charts.gp
	grep -q 'fork-exec / vfork-exec: crosses 4× at ~4.1, 5× at ~6.5 MiB of ballast' data/charts.gp
	[ "$(wc -l < data/crossings.csv)" -eq 6 ]
}

@test "the claim chart draws each crossing on its line, in ballast, and zooms on the band" {
	cp -R "$FIX/core" run
	"$SC" report --plot-data data run 2>/dev/null
	# the line between measured sizes is drawn as the crossings are found:
	# at each crossing's ballast, the drawn line is at the level
	awk -F, "$BY_NAME"'
		FILENAME ~ /crossings/ { s[++n] = field("series"); b[n] = field("rss_mib"); l[n] = field("level"); next }
		{
			for (i = 1; i <= n; i++)
				if (field("series") == s[i] && field("rss_mib") <= b[i]) {
					lo_b[i] = field("rss_mib"); lo_r[i] = field("ratio")
				} else if (field("series") == s[i] && !(i in hi_b)) {
					hi_b[i] = field("rss_mib"); hi_r[i] = field("ratio")
				}
		}
		END {
			if (n != 5)
				exit 1
			for (i = 1; i <= n; i++) {
				r = lo_r[i] + (b[i] - lo_b[i]) / (hi_b[i] - lo_b[i]) * (hi_r[i] - lo_r[i])
				if (r < l[i] * 0.99 || r > l[i] * 1.01) {
					print "crossing " i " at " b[i] " MiB: the line is at " r
					exit 1
				}
			}
		}' data/crossings.csv data/claims-line.csv
	# the zoomed panel spans the crossings' brackets, in ballast
	grep -qx 'clm_zoom_lo = 0' data/charts.gp
	grep -qx 'clm_zoom_hi = 64' data/charts.gp
	grep -q '^array crs_label = \["5× at ~0.5 MiB", "4× at ~4.1 MiB", ' data/charts.gp
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
	printf '%s\n' "$output" | grep -A3 '^claim 4,' | grep -q "^  fork's cost per GiB of ballast: 28.9 ms"
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

@test "report.md names the run folder by its own name, not the path it was made in" {
	mkdir -p "made/in/some place"
	run "$SC" run -m vfork-exit -r 0 -n 20 --rounds 2 -e none -o "$SCRATCH/made/in/some place/r1"
	[ "$status" -eq 0 ]
	mv "made/in/some place/r1" moved
	run "$SC" report moved
	[ "$status" -eq 0 ]
	grep -q '^- command: `spawncost run -m vfork-exit -r 0 -n 20 --rounds 2 -e none -o moved[ `]' moved/report.md
	refute grep -q "$SCRATCH" moved/report.md
	refute grep -q 'some place' moved/report.md
	# the front end's hand-off to the engine is left out: its path, the facts' descriptor
	refute grep -qE -- '--(front|facts-fd|event-spec|pin-why|spawner-cpus)' moved/report.md
	# env.txt keeps the command as it ran
	grep -qF -- "-o $SCRATCH/made/in/some place/r1 " moved/env.txt
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
	v "  THP off, fork's cost per GiB of ballast: 4.08 ms (fit.csv: 40.2 µs + 4.08 ms/GiB"
	v '  THP off, copy-on-write per page: each page the child writes after fork costs 240 [239, 241] ns'
	# the failed cell is listed as such, the variant with its commas intact
	grep -q '^| `clone-newuser` | error |' run/report.md
	grep -q '| `clone-custom` | none | off | anon | VM,FILES |' run/report.md
}

@test "a fit.csv line through two points gives the report no r2, even from a run that wrote one" {
	cp -R "$FIX/full" run
	awk 'NR == 1 { print $0 ",points"; next } { print $0 ",2" }' "$FIX/full/fit.csv" > run/fit.csv
	run "$SC" report run
	[ "$status" -eq 0 ]
	grep -qF "  THP off, fork's cost per GiB of ballast: 4.08 ms (fit.csv: 40.2 µs + 4.08 ms/GiB" <<< "$output"
	refute grep -q 'r² 0.9950' <<< "$output"
	refute grep -q 'r²' run/report.md
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
