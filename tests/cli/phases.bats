#!/usr/bin/env bats
# --phases: where the time of a spawn goes. No absolute times: sums, orders
# and growth.
load helpers

# The median over samples of method $2's (sum of the phase columns named
# after it) / ns, in file $1.
sum_ratio() {
	local file="$1" m="$2"; shift 2
	awk -F, -v m="$m" -v cols="$*" "$BY_NAME"'
		BEGIN { k = split(cols, want, " ") }
		field("method") == m {
			s = 0
			for (j = 1; j <= k; j++) { if (field(want[j]) == "") next; s += field(want[j]) }
			print s / field("ns")
		}' "$file" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

@test "phases are columns; off by default they are empty and the target is the plain no-op" {
	run "$SC" run -m fork-exec -r 0 -n 30 -o off
	[ "$status" -eq 0 ]
	[ "$(col off/summary.csv target fork-exec 0)" = static ]
	[ -z "$(col off/summary.csv exec_us fork-exec 0)" ]
	run "$SC" run -m fork-exec,fork-exit -r 0 -n 30 --phases -o on
	[ "$status" -eq 0 ]
	# the timed iterations run the plain no-op; only the probes stamp
	[ "$(col on/summary.csv target fork-exec 0)" = static ]
	[ "$(col on/probes.csv target fork-exec 0 | sort -u)" = stamp ]
	for p in child_start_us parent_resume_us exec_us exit_reap_us; do
		[ -n "$(col on/summary.csv $p fork-exec 0)" ]
	done
	[ -z "$(col on/summary.csv exec_us fork-exit 0)" ]
	[ -n "$(col on/summary.csv exit_reap_us fork-exit 0)" ]
}

@test "--phases stamps nothing in timed iterations: their rows have no phases, the probes do" {
	run "$SC" run -m fork-exec,fork-exit -r 0 -n 64 --rounds 1 --phases -o out
	[ "$status" -eq 0 ]
	awk -F, "$BY_NAME"'
		field("child_start_ns") != "" || field("exit_reap_ns") != "" || field("child_cpu") != "" { bad++ }
		END { exit bad > 0 }' "$(samples_csv out)"
	# one probe before the window, one after every 16 timed iterations but the last
	[ "$(col out/summary.csv probes fork-exec 0)" -eq 4 ]
	[ "$(awk -F, '$3 == "fork-exec"' out/probes.csv | wc -l)" -eq 4 ]
	awk -F, "$BY_NAME"'
		field("method") == "fork-exec" && (field("child_start_ns") == "" || field("exec_ns") == "") { bad++ }
		END { exit bad > 0 }' out/probes.csv
}

@test "--phases keeps the argv of a target other than the static no-op" {
	run "$SC" run -m fork-exec,vfork-exec -r 0 -n 20 --target shell --phases -o out
	[ "$status" -eq 0 ]
	[ -z "$(col out/summary.csv error fork-exec 0)" ]
	[ "$(col out/probes.csv target fork-exec 0 | sort -u)" = shell ]
}

@test "the phases of each probe add up to its round trip within a few percent" {
	run "$SC" run -m fork-exec,vfork-exec,fork-exit,vfork-exit,clone-vm -r 0 -n 160 --phases -o out
	[ "$status" -eq 0 ]
	for m in fork-exec vfork-exec; do
		r=$(sum_ratio out/probes.csv $m child_start_ns exec_ns exit_reap_ns)
		echo "$m: $r"
		awk -v r="$r" 'BEGIN { exit !(r > 0.95 && r <= 1.0) }'
	done
	for m in fork-exit vfork-exit clone-vm; do
		r=$(sum_ratio out/probes.csv $m child_start_ns exit_reap_ns)
		echo "$m: $r"
		awk -v r="$r" 'BEGIN { exit !(r > 0.95 && r <= 1.0) }'
	done
}

@test "vfork-exec's parent resumes only after its child began the exec; fork-exec's does not wait" {
	run "$SC" run -m fork-exec,vfork-exec -r 0 --min-time 0.3 --phases -o out
	[ "$status" -eq 0 ]
	# per probe: vfork's parent resumes after the child started
	awk -F, "$BY_NAME"'
		field("method") == "vfork-exec" && field("parent_resume_ns") <= field("child_start_ns") { bad++ }
		END { exit bad > 0 }' out/probes.csv
	pr=$(col out/summary.csv parent_resume_us fork-exec 0)
	cs=$(col out/summary.csv child_start_us fork-exec 0)
	ex=$(col out/summary.csv exec_us fork-exec 0)
	echo "fork-exec: parent resume $pr, child start $cs + exec $ex"
	awk -v pr="$pr" -v cs="$cs" -v ex="$ex" 'BEGIN { exit !(pr < cs + ex) }'
}

@test "at 256 MiB fork's child starts later, vfork's does not" {
	run "$SC" run -m fork-exit,vfork-exit -r 0,256 --min-time 0.2 --phases -o out
	[ "$status" -eq 0 ]
	f0=$(col out/summary.csv child_start_us fork-exit 0)
	f256=$(col out/summary.csv child_start_us fork-exit 256)
	v0=$(col out/summary.csv child_start_us vfork-exit 0)
	v256=$(col out/summary.csv child_start_us vfork-exit 256)
	echo "fork $f0 -> $f256, vfork $v0 -> $v256"
	awk -v a="$f0" -v b="$f256" 'BEGIN { exit !(b > 3 * a) }'
	awk -v a="$v0" -v b="$v256" 'BEGIN { exit !(b < 2 * a) }'
}

@test "run --help and the man page say --phases stamps the probes, not the timed iterations" {
	help=$("$SC" run --help | awk '/^      --phases/ { p = 1; print; next } p && /^  +-/ { exit } p')
	[[ "$help" == *"probes (untimed"* ]]
	[[ "$help" == *"timed iterations and their target are as"* ]]
	refute grep -q 'each iteration' <<< "$help"
	man=$(awk '/^\.B \\-\\-phases$/ { p = 1; next } p && /^\.TP/ { exit } p' \
		"$BATS_TEST_DIRNAME/../../man/spawncost-run.1")
	[[ "$man" == *"untimed probe iterations"* ]]
	[[ "$man" == *"are the same as without"* ]]
}
