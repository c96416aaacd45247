#!/usr/bin/env bats
# The machine facts a run records (spawncost env, env.txt) and `spawncost
# meta DIR`, which turns DIR/env.txt into DIR/meta.json. That the JSON parses
# back, with integers where they belong, is checked with jansson in
# tests/unit/test_meta.c (no jq here).
load helpers

@test "env has the scheduling and kernel facts that explain noise" {
	run --separate-stderr "$SC" env
	[ "$status" -eq 0 ]
	for k in microcode kernel_cmdline isolated_cpus irqbalance load_avg; do
		printf '%s\n' "$output" | grep -q "^$k=" || { echo "no $k"; return 1; }
	done
	printf '%s\n' "$output" | grep -Eqx 'irqbalance=(running|not running)'
	printf '%s\n' "$output" | grep -Eqx 'load_avg=[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}'
	[ "$(printf '%s\n' "$output" | grep '^kernel_cmdline=')" = "kernel_cmdline=$(head -n 1 /proc/cmdline)" ]
	[ "$(printf '%s\n' "$output" | grep '^isolated_cpus=')" = "isolated_cpus=$(cat /sys/devices/system/cpu/isolated 2>/dev/null)" ]
	local thp=/sys/kernel/mm/transparent_hugepage
	if [ -r $thp/shmem_enabled ]; then
		printf '%s\n' "$output" | grep -Eqx 'thp_shmem_enabled=[a-z_]+'
	fi
	if [ -r $thp/khugepaged/defrag ]; then
		printf '%s\n' "$output" | grep -qx "thp_khugepaged_defrag=$(cat $thp/khugepaged/defrag)"
	fi
	if [ -r /sys/devices/system/cpu/smt/active ]; then
		printf '%s\n' "$output" | grep -qx "smt_active=$(cat /sys/devices/system/cpu/smt/active)"
	fi
	if grep -q '^microcode' /proc/cpuinfo; then
		printf '%s\n' "$output" | grep -Eq '^microcode=.'
	fi
	# every line is one fact, each key once
	refute grep -qv '=' <<<"$output"
	[ -z "$(printf '%s\n' "$output" | cut -d= -f1 | sort | uniq -d)" ]
}

@test "meta writes DIR/meta.json from DIR/env.txt, atomically" {
	mkdir run
	"$SC" env > run/env.txt
	run --separate-stderr "$SC" meta run
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(ls -A run | sort | tr '\n' ' ')" = "env.txt meta.json " ]
	[ "$(sed -n 2p run/meta.json)" = '  "schema": "spawncost-meta/1",' ]
	grep -Eq '^  "cpu_count": [0-9]+,$' run/meta.json
	grep -Eq '^  "page_size": [0-9]+,$' run/meta.json
	grep -Eq '^  "irqbalance": "(running|not running)",$' run/meta.json
	grep -Eq '^  "load_avg": "[0-9. ]+",?$' run/meta.json
	# one JSON member per env.txt line, plus the schema
	[ "$(grep -c '^  "' run/meta.json)" -eq $(($(wc -l < run/env.txt) + 1)) ]
	# run again (a run's end does): replaced whole
	echo "extra=1" >> run/env.txt
	"$SC" meta run
	grep -q '"extra": "1"' run/meta.json
}

@test "meta refuses a missing or malformed env.txt with one line and exit 2" {
	expect_bad "nowhere/env.txt: No such file or directory" meta nowhere
	mkdir run
	printf 'host=a\nthis is not a fact\n' > run/env.txt
	run --separate-stderr "$SC" meta run
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost meta: run/env.txt: line 2: not key=value" ]
	printf 'host=a\nhost=b\n' > run/env.txt
	run --separate-stderr "$SC" meta run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"line 2: key 'host' given twice" ]]
	: > run/env.txt
	run --separate-stderr "$SC" meta run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"run/env.txt: no key=value lines" ]]
	[ "$(ls -A run)" = env.txt ]
}

@test "meta takes exactly one folder" {
	expect_bad "expected one run folder" meta
	expect_bad "expected one run folder" meta a b
	expect_bad "expected one run folder" meta --frob
	run "$SC" meta --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: spawncost meta DIR"* ]]
	run "$SC" --help
	[[ "$output" == *"  meta  "* ]]
}

@test "run --label is kept in env.txt and meta.json; without one, label= is empty" {
	"$SC" run -m fork-exit -r 0 -n 5 --rounds 1 --label "6.19-rc1 + patch" -o labelled \
		2>/dev/null >/dev/null
	grep -qx 'label=6.19-rc1 + patch' labelled/env.txt
	grep -qx '  "label": "6.19-rc1 + patch",' labelled/meta.json
	"$SC" run -m fork-exit -r 0 -n 5 --rounds 1 -o plain 2>/dev/null >/dev/null
	grep -qx 'label=' plain/env.txt
	grep -qx '  "label": "",' plain/meta.json
}

@test "run --label: empty, a newline, a control or non-ASCII byte, a blank at an end or 65 characters: one line, exit 2" {
	expect_bad "--label: empty" run -m fork-exit -r 0 -n 5 --label "" -o out
	expect_bad "--label: holds a character that is not printable ASCII" \
		run -m fork-exit -r 0 -n 5 --label "$(printf 'a\nb')" -o out
	expect_bad "--label: holds a character that is not printable ASCII" \
		run -m fork-exit -r 0 -n 5 --label "$(printf 'a\tb')" -o out
	expect_bad "--label: holds a character that is not printable ASCII" \
		run -m fork-exit -r 0 -n 5 --label "noyau é" -o out
	expect_bad "--label: starts or ends with a blank" run -m fork-exit -r 0 -n 5 --label "x " -o out
	expect_bad "--label: 65 characters, more than 64" \
		run -m fork-exit -r 0 -n 5 --label "$(printf 'x%.0s' $(seq 65))" -o out
	"$SC" run -m fork-exit -r 0 -n 5 --rounds 1 --label "$(printf 'x%.0s' $(seq 64))" -o out \
		2>/dev/null >/dev/null
	grep -qx "label=$(printf 'x%.0s' $(seq 64))" out/env.txt
}
