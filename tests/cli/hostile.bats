#!/usr/bin/env bats
# Hostile conditions: a shared output folder, other signals, closed
# standard streams, an unwritable stdout, runs in the same second.
load helpers

slow_target() {
	printf '#!/bin/sh\nsleep 1\n' > slow
	chmod +x slow
}

@test "two runs into one folder: the second is refused, the first is whole" {
	slow_target
	"$SC" run -m fork-exec -r 0 -n 3 -w 0 --rounds 1 -e none --target "$SCRATCH/slow" -o D \
		>/dev/null 2>first.txt &
	first=$!
	wait_for_line first.txt 'cells x [0-9]+ rounds into'
	run --separate-stderr "$SC" run -m fork-exit -r 0 -n 10 -e none -o D
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"another run is writing into D"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	status=0
	wait "$first" || status=$?
	[ "$status" -eq 0 ]
	# one run's files only: every row carries env.txt's run_id
	id=$(sed -n 's/^run_id=//p' D/env.txt)
	[ -n "$id" ]
	[ -z "$(awk -F, -v id="$id" 'FNR > 1 { if ($1 != id) print }' D/summary.csv "$(samples_csv D)")" ]
	[ "$(awk -F, 'NR > 1' "$(samples_csv D)" | wc -l)" -eq 3 ]
	[ ! -e D/.spawncost.lock ]
}

@test "a folder holding any file of a run is never written into" {
	for f in samples.csv samples.csv.gz .samples.csv.gz.tmp env.txt meta.json fit.csv \
		.summary.csv.tmp; do
		mkdir "d-$f"
		echo keep > "d-$f/$f"
		run --separate-stderr "$SC" run -m fork-exit -r 0 -n 5 -e none -o "d-$f"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"already holds a run ($f"* ]]
		[ "$(cat "d-$f/$f")" = keep ]
		[ "$(ls -A "d-$f" | wc -l)" -eq 1 ]
	done
}

@test "a lock left by a run killed outright is taken over" {
	mkdir D
	echo 999999999 > D/.spawncost.lock
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o D
	[ "$status" -eq 0 ]
	[ -s D/summary.csv ]
	[ ! -e D/.spawncost.lock ]
}

@test "a run stopped before its first window ended holds its files with a header and no row" {
	slow_target
	"$SC" run -m fork-exec -r 0 -n 3 -w 0 --rounds 2 -e none --target "$SCRATCH/slow" -o H \
		>/dev/null 2>err &
	pid=$!
	wait_for_line err 'cells x [0-9]+ rounds into'
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -q "interrupted by TERM: 0 cells kept in H" err
	grep -qx 'complete=no' H/env.txt
	for f in summary probes windows fit; do
		[ "$(wc -l < "H/$f.csv")" -eq 1 ]
	done
	[ "$(samples_csv H | wc -l)" -eq 1 ]
	[ -s H/meta.json ]
	refute sh -c 'ls -A H | grep -q tmp'
}

@test "SIGHUP and SIGQUIT end a run as SIGTERM does: files whole, children reaped" {
	slow_target
	for sig in HUP QUIT; do
		"$SC" run -m fork-exec,vfork-exec -r 0 -n 6 -w 0 --rounds 1 -e none \
			--target "$SCRATCH/slow" -o "out-$sig" >/dev/null 2>"err-$sig" &
		pid=$!
		wait_for_line "err-$sig" 'cells x [0-9]+ rounds into'
		sleep 1.5
		kill -"$sig" "$pid"
		status=0
		wait "$pid" || status=$?
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		grep -qx 'complete=no' "out-$sig/env.txt"
		awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$(samples_csv "out-$sig")"
		refute sh -c "ls -A out-$sig | grep -q tmp"
		refute pgrep -f "$SCRATCH/slow"
		[[ "$(cat "err-$sig")" == *"interrupted by $sig"* ]]
	done
}

@test "every other signal that would end a run ends it as SIGTERM does: files whole, lock gone, children reaped" {
	slow_target
	for sig in ALRM USR1 USR2 PIPE VTALRM PROF IO PWR STKFLT XCPU RTMIN+1 RTMAX; do
		"$SC" run -m fork-exec,vfork-exec -r 0 -n 6 -w 0 --rounds 1 -e none \
			--target "$SCRATCH/slow" -o "out-$sig" >/dev/null 2>"err-$sig" &
		pid=$!
		for i in $(seq 100); do
			if grep -q 'cells x' "err-$sig"; then break; fi
			sleep 0.1
		done
		sleep 0.5
		kill -"$sig" "$pid"
		status=0
		wait "$pid" || status=$?
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ] || { echo "$sig: status $status"; return 1; }
		grep -qx 'complete=no' "out-$sig/env.txt"
		awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$(samples_csv "out-$sig")"
		refute sh -c "ls -A out-$sig | grep -q tmp"
		[ ! -e "out-$sig/.spawncost.lock" ]
		refute pgrep -f "$SCRATCH/slow"
		want=$sig
		[ "$sig" != IO ] || want=POLL	# glibc's name for it
		[[ "$(cat "err-$sig")" == *"interrupted by $want"* ]]
	done
}

@test "a pipe on stderr or stdout whose reader is gone neither ends the run nor loses it" {
	# `| true` reads nothing and is gone at once: every write to the pipe
	# fails, the progress on stderr first, the table on stdout at the end
	run bash -c "'$SC' run -m fork-exit,vfork-exit -r 0 -n 200 --rounds 3 -e none -o P 2>&1 | true; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 2 ]
	grep -qx 'complete=yes' P/env.txt
	[ "$(awk -F, 'NR > 1' P/summary.csv | wc -l)" -eq 2 ]
	[ -s P/meta.json ]
	[ ! -e P/.spawncost.lock ]
	refute sh -c 'ls -A P | grep -q tmp'
	# stdout alone: the run is whole, and says it could not print its table
	run bash -c "'$SC' run -m fork-exit -r 0 -n 50 -e none -o Q 2>err | true; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 2 ]
	grep -q 'cannot write to stdout' err
	grep -qx 'complete=yes' Q/env.txt
	[ -s Q/meta.json ]
	[ ! -e Q/.spawncost.lock ]
}

@test "with stderr closed, nothing reaches env.txt and meta.json is written" {
	"$SC" run -m fork-exit -r 0 -n 5 -e none -o out >/dev/null 2>&-
	refute grep -q 'median\|round 1' out/env.txt
	[ -s out/meta.json ]
	grep -qx 'complete=yes' out/env.txt
}

@test "a command whose stdout cannot be written exits 2 with one line" {
	[ -w /dev/full ] || skip "no /dev/full"
	for cmd in list env; do
		run --separate-stderr sh -c "'$SC' $cmd > /dev/full"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"cannot write to stdout"* ]]
	done
	run --separate-stderr sh -c "'$SC' run -m fork-exit -r 0 -n 5 -e none -o out > /dev/full"
	[ "$status" -eq 2 ]
	[ -s out/summary.csv ]
}

@test "runs started in the same second have different run_ids" {
	"$SC" run -m vfork-exit -r 0 -n 3 -e none -o a >/dev/null 2>&1 &
	"$SC" run -m vfork-exit -r 0 -n 3 -e none -o b >/dev/null 2>&1
	wait
	a=$(sed -n 's/^run_id=//p' a/env.txt)
	b=$(sed -n 's/^run_id=//p' b/env.txt)
	[ -n "$a" ]
	[ "$a" != "$b" ]
}

@test "a SIGTERM mid-cell (as timeout sends) keeps the finished cell, whole, and reaps the children" {
	slow_target
	# a probe and two iterations of 1 s each per cell; SIGTERM once the
	# first cell is written, while the second runs
	"$SC" run -m fork-exec,vfork-exec -r 0 -e none --rounds 1 -n 2 -w 0 \
		--target "$SCRATCH/slow" -o X >/dev/null 2>err &
	pid=$!
	for i in $(seq 100); do
		if grep -q '1/2\] fork-exec.*median' err; then break; fi
		sleep 0.2
	done
	sleep 0.5
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -q "interrupted by TERM: 1 cells kept in X" err
	[ "$(awk -F, 'NR > 1' X/summary.csv | wc -l)" -eq 1 ]
	# the samples compressed all the same (run --samples gz)
	gzip -t X/samples.csv.gz
	[ ! -e X/samples.csv ]
	grep -qx 'samples=gz' X/env.txt
	[ "$(awk -F, 'NR > 1' "$(samples_csv X)" | wc -l)" -eq 2 ]
	[ -s X/fit.csv ]
	[ -s X/meta.json ]
	refute sh -c 'ls -A X | grep -q tmp'
	refute pgrep -f "$SCRATCH/slow"
}

@test "one sample: no spread and no interval, and the readers take it" {
	run "$SC" run -m fork-exit -r 0 -n 1 --rounds 3 -e none -o one
	[ "$status" -eq 0 ]
	[ -z "$(col one/summary.csv stddev_us fork-exit 0)" ]
	[ -z "$(col one/summary.csv ci_lo_us fork-exit 0)" ]
	[ -z "$(col one/summary.csv ci_hi_us fork-exit 0)" ]
	# the windows asked for are the windows there are
	[ "$(col one/summary.csv rounds fork-exit 0)" = 1 ]
	grep -qx 'rounds=1' one/env.txt
	run "$SC" compare one one
	[ "$status" -eq 0 ]
	run "$SC" export one --format bencher
	[ "$status" -eq 0 ]
}

@test "clone-custom whose child exits runs no target, and says none" {
	run "$SC" run --clone-flags FILES --then exit -r 0 -n 5 -e none -o out
	[ "$status" -eq 0 ]
	[ "$(col out/summary.csv target clone-custom 0)" = none ]
}

@test "more mappings than the ballast has pages is refused up front" {
	run --separate-stderr "$SC" run -m fork-exit -r 1 --vmas 1000 -o out
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--vmas: 1000 mappings do not fit in 1 MiB"* ]]
	[ ! -e out ]
}

@test "a newline in the output path stays on env.txt's command line, and meta.json is valid" {
	dir=$'new\nline'
	run "$SC" run -m vfork-exit -r 0 -n 5 -e none -o "$dir"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^command=' "$dir/env.txt")" -eq 1 ]
	grep -q '^command=.*new\\nline' "$dir/env.txt"
	refute grep -qx 'line.*' "$dir/env.txt"
	command -v python3 || skip "no python3 to read the JSON"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/meta.json"
}

# Valid JSON in strict UTF-8 on stdin, or fail.
json_ok() {
	python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))'
}

@test "a byte that is not UTF-8 in --target and -o: every export, compare's JSON and meta.json stay valid, the byte as \\xff" {
	command -v python3 || skip "no python3 to read the JSON"
	cp "$BUILD/spawncost-noop" $'tg\xff'
	dir=$'out\xff'
	run "$SC" run -m fork-exec,fork-exit -r 0 -n 5 -e none --target "$SCRATCH/"$'tg\xff' -o "$dir"
	[ "$status" -eq 0 ]
	json_ok < "$dir/meta.json"
	grep -qF 'out\\xff' "$dir/meta.json"
	for f in gbench github-action-benchmark bencher; do
		run --separate-stderr "$SC" export "$dir" --format "$f"
		echo "$f: $status $stderr"
		[ "$status" -eq 0 ]
		json_ok <<< "$output"
		[[ "$output" == *'"fork-exec/target:'"$SCRATCH"'/tg\\xff/rss_mib:0'* ]]
	done
	run --separate-stderr "$SC" compare "$dir" "$dir" --format json
	[ "$status" -eq 0 ]
	json_ok <<< "$output"
	[[ "$output" == *'"base": "out\\xff"'* ]]
	[[ "$output" == *'"target": "'"$SCRATCH"'/tg\\xff"'* ]]
}

@test "export writes its whole document or nothing: no half a JSON document when a later cell fails" {
	command -v python3 || skip "no python3 to read the JSON"
	# plain: its samples are copied by hand below
	run "$SC" run -m fork-exit,vfork-exit -r 0 -n 5 -e none --samples plain -o good
	[ "$status" -eq 0 ]
	# the second cell ended in an error whose text is not UTF-8
	cp -r good err
	{
		head -n 1 good/summary.csv
		awk -F, -v OFS=, "$BY_NAME"'
			field("method") == "vfork-exit" {
				set("error", "boom\377")
				for (k in COLUMN_) if (k ~ /_us$/) set(k, "")
			}
			{ print }' good/summary.csv
	} > err/summary.csv
	for f in windows samples; do
		{
			head -n 1 "good/$f.csv"
			awk -F, "$BY_NAME"'field("method") != "vfork-exit"' "good/$f.csv"
		} > "err/$f.csv"
	done
	run --separate-stderr "$SC" export err --format gbench
	[ "$status" -eq 0 ]
	json_ok <<< "$output"
	[[ "$output" == *'"error_message":"boom\\xff"'* ]]
	# the second cell's windows sum past a double: said, and nothing written
	cp -r good big
	{
		head -n 1 good/windows.csv
		awk -F, -v OFS=, "$BY_NAME"'
			field("method") == "vfork-exit" { set("median_us", "1e308") } { print }' good/windows.csv
	} > big/windows.csv
	run --separate-stderr "$SC" export big --format gbench
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"vfork-exit"*"too large to export in us"* ]]
}

@test "a FIFO or an endless file in a run folder is refused by every reader, never waited on" {
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o good
	[ "$status" -eq 0 ]
	for f in summary.csv samples.csv.gz windows.csv env.txt; do
		rm -rf "fifo-$f"
		cp -r good "fifo-$f"
		rm "fifo-$f/$f"
		mkfifo "fifo-$f/$f"
	done
	for cmd in "compare fifo-summary.csv fifo-summary.csv" "compare good fifo-windows.csv" \
		   "export fifo-windows.csv --format gbench" "report fifo-summary.csv" \
		   "meta fifo-env.txt" "compare good fifo-env.txt"; do
		# shellcheck disable=SC2086
		run --separate-stderr timeout 10 "$SC" $cmd
		echo "$cmd: $status $stderr"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"not a regular file"* ]]
	done
	cp -r good endless
	rm endless/summary.csv
	ln -s /dev/zero endless/summary.csv
	run --separate-stderr timeout 10 "$SC" report endless
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"not a regular file"* ]]
}

@test "a disk that fills mid-run leaves no result file half written under its name" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	mkdir tiny
	mount -t tmpfs -o size=200k tmpfs tiny || skip "cannot mount a tmpfs here"
	dd if=/dev/zero of=tiny/fill bs=1k count=150 2>/dev/null
	run --separate-stderr "$SC" run -m fork-exit,vfork-exit -r 0 -n 3000 -e none -o tiny/r
	umount_status=0
	ls -A tiny/r > listing
	umount tiny || umount_status=$?
	[ "$umount_status" -eq 0 ]
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot write in tiny/r: No space left on device: no result was kept"* ]]
	refute grep -q 'csv\|tmp' listing
}

@test "the report reads numbers as compare and export do: no hex, spaces, negative times or empty counts" {
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o good
	[ "$status" -eq 0 ]
	for bad in '0x10' ' 5' '-3' 'inf'; do
		rm -rf bad
		cp -r good bad
		with_columns good/summary.csv median_us "$bad" > bad/summary.csv
		run --separate-stderr "$SC" report bad
		echo "median '$bad': $status $stderr"
		[ "$status" -eq 2 ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
	# a byte-order mark is skipped by every reader alike
	rm -rf bom
	cp -r good bom
	printf '\357\273\277' | cat - good/summary.csv > bom/summary.csv
	run "$SC" report bom
	[ "$status" -eq 0 ]
	run "$SC" compare bom good
	[ "$status" -eq 0 ]
	rm -rf bad
	cp -r good bad
	with_columns good/summary.csv iterations 0 > bad/summary.csv
	run --separate-stderr "$SC" report bad
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"a measured cell with 0 iterations"* ]]
	for count in -5 1e30 2.5; do
		with_columns good/summary.csv iterations "$count" > bad/summary.csv
		run --separate-stderr "$SC" report bad
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"is not a count"* ]]
	done
}

@test "report, compare and export read one grammar of numbers: what one refuses, all refuse" {
	# plain: its samples are made bad by hand below
	run "$SC" run -m fork-exit -r 0 -n 5 -e none --samples plain -o good
	[ "$status" -eq 0 ]
	for cmd in "report good" "compare good good" "export good --format gbench"; do
		run --separate-stderr "$SC" $cmd
		[ "$status" -eq 0 ]
	done
	for case in summary:iterations:50.0 summary:iterations:5e1 summary:median_us:-0 \
		summary:p10_us:-0.0 summary:rss_kib:1.5 summary:windows:2.0 summary:per_page_ns:-1 \
		windows:iterations:5.0 windows:iterations:5x samples:round:1.0; do
		IFS=: read -r file col v <<< "$case"
		rm -rf bad
		cp -r good bad
		with_columns "good/$file.csv" "$col" "$v" > "bad/$file.csv"
		cmds=("report bad" "compare bad good" "export bad --format gbench")
		if [ "$file" = samples ]; then
			# the report reads samples.csv for its charts only; compare and
			# gbench read it where windows.csv is not
			cmds=("compare bad good" "export bad --format gbench")
			rm bad/windows.csv
		fi
		for cmd in "${cmds[@]}"; do
			run --separate-stderr "$SC" $cmd
			echo "$file.csv $col='$v', $cmd: $status $stderr"
			[ "$status" -eq 2 ]
			[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
			[[ "$stderr" == *"$col"*"'$v'"* ]]
		done
	done
}

@test "a path too long to make is refused before any folder is made" {
	long=$(printf 'a%.0s' $(seq 300))
	run --separate-stderr "$SC" run -m vfork-exit -r 0 -n 3 -o "top/$long/x"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"a folder name in the path is too long"* ]]
	[ ! -e top ]
}

@test "a figure too large to export in ns is said as such, not as a write error" {
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o good
	[ "$status" -eq 0 ]
	cp -r good big
	with_columns good/summary.csv median_us 1e307 p10_us 1e307 p90_us 1e307 > big/summary.csv
	run --separate-stderr "$SC" export big --format bencher
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"too large to export in ns"* ]]
}

@test "a file-size limit is a write error: nothing half-written is kept, no silent death" {
	command -v prlimit || skip "no prlimit"
	run --separate-stderr prlimit --fsize=20000 "$SC" run -m fork-exit,vfork-exit -r 0 -n 3000 \
		-e none -o fs
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot write in fs: File too large: no result was kept"* ]]
	refute sh -c 'ls -A fs | grep -q "csv\|tmp"'
	grep -qx 'complete=no' fs/env.txt
}

@test "a run whose last files cannot be written keeps none of them, fit.csv included" {
	"$SC" run -m fork-exit,vfork-exit -r 0,16 -n 3000 -e none -o out >/dev/null 2>err &
	pid=$!
	wait_for_line err 'cells x [0-9]+ rounds into'
	# windows.csv, written after fit.csv, cannot be: a folder has its name
	mkdir out/.windows.csv.tmp
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 2 ]
	grep -q 'cannot finish the files in out' err
	[ ! -e out/fit.csv ]
	[ ! -e out/summary.csv ]
	[ ! -e out/samples.csv ]
	grep -qx 'complete=no' out/env.txt
}

@test "under a low descriptor limit the run goes on, and the noise check says it could not run" {
	command -v prlimit || skip "no prlimit"
	run --separate-stderr prlimit --nofile=8 "$SC" run -m vfork-exit -r 0 -n 5 -e none -o nf
	echo "$status: $stderr"
	[[ "$stderr" == *"the noise check (sysprep) could not run here"* ]]
	refute grep -q 'Invalid argument' <<< "$stderr"
	# whole, or refused with nothing half-written left (the test runner's own
	# descriptors count against the limit too)
	[[ "$status" -eq 0 || "$status" -eq 2 ]]
	refute sh -c 'ls -A nf 2>/dev/null | grep -q tmp'
	run prlimit --nofile=16 "$SC" run -m vfork-exit -r 0 -n 5 -e none -o nf16
	[ "$status" -eq 0 ]
	grep -qx 'complete=yes' nf16/env.txt
}

@test "two SIGTERMs in quick succession still leave whole files and no child" {
	slow_target
	"$SC" run -m fork-exec,vfork-exec -r 0 -n 6 -w 0 --rounds 1 -e none \
		--target "$SCRATCH/slow" -o out >/dev/null 2>err &
	pid=$!
	wait_for_line err 'cells x [0-9]+ rounds into'
	sleep 1.5
	kill -TERM "$pid"
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' out/summary.csv
	awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$(samples_csv out)"
	refute sh -c 'ls -A out | grep -q tmp'
	refute pgrep -f "$SCRATCH/slow"
}

@test "a cell named twice is refused by the report as by compare and export" {
	run "$SC" run -m fork-exit -r 0 -n 5 -e none -o good
	[ "$status" -eq 0 ]
	cp -r good dup
	tail -1 good/summary.csv >> dup/summary.csv
	for cmd in "report dup" "compare good dup" "export dup --format bencher"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SC" $cmd
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"appears twice (lines 2 and 3)"* ]]
	done
}

@test "under a process limit the noise check says it could not run, and warns of nothing false" {
	stranger
	run --separate-stderr prlimit --nproc=3 "${STRANGER[@]}" "$STRANGER_SC" run -m fork-exit -r 0 \
		-n 5 -e none -o out
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the noise check (sysprep) could not run here"* ]]
	refute grep -q 'noisy: thp\|noisy: aslr' <<< "$stderr"
}
