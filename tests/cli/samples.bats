#!/usr/bin/env bats
# How a run keeps its samples (run --samples gz|plain|none): compressed by
# default once the engine has gone, whole even after a signal, and read
# alike by every reader whichever way they are kept.
load helpers

slow_target() {
	printf '#!/bin/sh\nsleep 1\n' > slow
	chmod +x slow
}

# The rows of a CSV file but its header.
rows() {
	awk 'NR > 1' "$1" | wc -l
}

@test "a run keeps its samples as samples.csv.gz, whole, and says so in env.txt and meta.json" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 40 -e none -o out
	[ "$status" -eq 0 ]
	gzip -t out/samples.csv.gz
	[ ! -e out/samples.csv ]
	refute sh -c 'ls -A out | grep -q tmp'
	[ "$(rows "$(samples_csv out)")" -eq 80 ]
	grep -qx 'samples=gz' out/env.txt
	[ "$(grep -c '^samples=' out/env.txt)" -eq 1 ]
	grep -q '"samples": "gz"' out/meta.json
}

@test "a run into the default folder is settled there too" {
	run "$SC" run -m vfork-exit -r 0 -n 5 -e none
	[ "$status" -eq 0 ]
	dir=$(echo results/*)
	[ -d "$dir" ]
	gzip -t "$dir/samples.csv.gz"
	[ ! -e "$dir/samples.csv" ]
}

@test "--samples plain keeps samples.csv; --samples none keeps no samples, and the readers need none" {
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 20 -e none --samples plain -o plain
	[ "$status" -eq 0 ]
	[ "$(rows plain/samples.csv)" -eq 40 ]
	[ ! -e plain/samples.csv.gz ]
	grep -qx 'samples=plain' plain/env.txt
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 20 -e none --samples none -o none
	[ "$status" -eq 0 ]
	[ ! -e none/samples.csv ]
	[ ! -e none/samples.csv.gz ]
	grep -qx 'samples=none' none/env.txt
	grep -q '"samples": "none"' none/meta.json
	for cmd in "report none" "compare none none" "export none --format gbench" \
		   "report --plot-data data none"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SC" $cmd
		echo "$cmd: $status $stderr"
		[ "$status" -eq 0 ]
	done
	[[ "$stderr" == *"no cdf chart"*"has no samples"* ]]
}

@test "report, compare, export and the chart data say the same of samples.csv.gz as of samples.csv" {
	run "$SC" run -m fork-exit,vfork-exit -r 0,16 -n 40 --rounds 4 -e none -o gzrun
	[ "$status" -eq 0 ]
	cp -r gzrun plainrun
	gzip -d plainrun/samples.csv.gz
	[ -f plainrun/samples.csv ]
	for d in gzrun plainrun; do
		"$SC" report "$d" > "$d.verdicts"
		"$SC" report --plot-data "$d.data" "$d"
		# without windows.csv, compare and gbench take the windows from
		# the samples' rounds
		rm "$d/windows.csv"
		"$SC" compare "$d" "$d" > "$d.compare" || true
		"$SC" export "$d" --format gbench > "$d.gbench"
	done
	[ -s gzrun.data/cdf.csv ]
	[ "$(grep -c '"run_type":"iteration"' gzrun.gbench)" -eq 16 ]
	# the same but for the folders' names (the run's command names gzrun in both)
	for f in gzrun.verdicts gzrun.compare gzrun.gbench gzrun/report.md; do
		diff <(sed 's/gzrun\|plainrun/RUN/g' "$f") <(sed 's/gzrun\|plainrun/RUN/g' "plain${f#gz}")
	done
	diff -r gzrun.data plainrun.data
}

@test "compressing that fails keeps samples.csv plain and whole, and says so in one line" {
	slow_target
	"$SC" run -m fork-exec -r 0 -e none --rounds 1 -n 2 -w 0 --target "$SCRATCH/slow" -o D \
		>/dev/null 2>err &
	pid=$!
	wait_for_line err 'cells x [0-9]+ rounds into'
	# where the compressed copy would be written: it cannot be
	mkdir D/.samples.csv.gz.tmp
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	[ "$(grep -c 'samples.csv' err)" -eq 1 ]
	grep -q 'samples.csv kept plain in D: cannot write .samples.csv.gz.tmp: Is a directory' err
	[ ! -e D/samples.csv.gz ]
	[ "$(rows D/samples.csv)" -eq 2 ]
	grep -qx 'samples=plain' D/env.txt
}

@test "a folder holding both samples.csv and samples.csv.gz is refused by every reader, one line, exit 2" {
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o good
	[ "$status" -eq 0 ]
	cp -r good both
	gzip -dc good/samples.csv.gz > both/samples.csv
	for cmd in "report both" "report --plot-data data both" "compare good both" \
		   "export both --format gbench" "export both --format bencher"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SC" $cmd
		echo "$cmd: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == *"both: holds both samples.csv and samples.csv.gz"* ]]
	done
}

@test "a samples.csv.gz cut short or damaged is refused with one line saying which" {
	run "$SC" run -m fork-exit -r 0 -n 300 -e none -o good
	[ "$status" -eq 0 ]
	# without windows.csv, compare reads the samples
	rm good/windows.csv
	cp -r good cut
	head -c 200 good/samples.csv.gz > cut/samples.csv.gz
	cp -r good bad
	# a gzip header, then what no inflate takes
	printf '\037\213\010\000\000\000\000\000\000\003garbage, not deflate data' > bad/samples.csv.gz
	run --separate-stderr "$SC" compare good cut
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"cut/samples.csv.gz: compressed data cut short"* ]]
	run --separate-stderr "$SC" compare good bad
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"bad/samples.csv.gz: compressed data damaged"* ]]
}

@test "a bad --samples is refused with one line, before anything is made" {
	expect_bad "--samples: expected gz, plain or none" run --samples zip -m fork-exit -r 0 -n 5 -o out
	expect_bad "--samples: needs a value" run -m fork-exit -r 0 -n 5 -o out --samples
}

@test "Ctrl-C on a terminal stops the run once: the engine keeps its finished cells" {
	command -v python3 || skip "no python3 to drive a terminal"
	# The terminal signals the front end and the engine (one process
	# group); passed on too, it would be the engine's second signal, which
	# leaves at once without the table of the cells kept.
	run python3 - "$SC" <<-'PY'
	import os, pty, select, sys, time
	pid, fd = pty.fork()
	if pid == 0:
	    os.execv(sys.argv[1], [sys.argv[1], "run", "-m", "fork-exit,vfork-exit", "-r", "0,16,64",
	                           "--min-time", "0.5", "--rounds", "1", "-e", "none", "-o", "out"])
	seen, end = b"", time.time() + 60
	while b"cell 2/" not in seen and time.time() < end:	# the terminal's progress bar
	    if select.select([fd], [], [], 1)[0]:
	        seen += os.read(fd, 4096)
	os.write(fd, b"\x03")
	while True:
	    try:
	        more = os.read(fd, 4096)
	    except OSError:
	        break
	    if not more:
	        break
	    seen += more
	sys.stdout.write(seen.decode(errors="replace"))
	sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
	PY
	echo "$output"
	[ "$status" -eq 130 ]
	[[ "$output" == *"interrupted by INT: "*" cells kept in out"* ]]
	grep -qx 'complete=no' out/env.txt
	gzip -t out/samples.csv.gz
}
