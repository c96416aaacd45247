#!/usr/bin/env bats
# What other tools read: the machine_id that keys baselines and warns when
# two runs come from different machines, the LKP adapter and the Phoronix
# Test Suite profile (scripts/integrations/). Fixture runs, except where a
# fresh run's own files are checked.
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
FX="$BATS_TEST_DIRNAME/../fixtures/compare"
MX="$BATS_TEST_DIRNAME/../fixtures/machines"
CI="$ROOT/scripts/ci-regress"

# ---- machine_id ----

@test "machine_id: 16 hex digits, the same every time" {
	run "$SC" env
	[ "$status" -eq 0 ]
	id=$(sed -n 's/^machine_id=//p' <<< "$output")
	[[ "$id" =~ ^[0-9a-f]{16}$ ]]
	[ "$("$SC" env | sed -n 's/^machine_id=//p')" = "$id" ]
}

@test "machine_id: another host name is the same machine" {
	unshare --uts true 2>/dev/null || skip "no UTS namespace here (unshare --uts needs privilege)"
	id=$("$SC" env | sed -n 's/^machine_id=//p')
	other=$(unshare --uts sh -c 'hostname spawncost-elsewhere && "$0" env' "$SC")
	[ "$(sed -n 's/^host=//p' <<< "$other")" = "spawncost-elsewhere" ]
	[ "$(sed -n 's/^machine_id=//p' <<< "$other")" = "$id" ]
}

@test "machine_id: a run writes it to env.txt and meta.json, as spawncost env says it" {
	id=$("$SC" env | sed -n 's/^machine_id=//p')
	"$SC" run -m pthread -r 0 -n 5 -w 1 -o out 2>/dev/null >/dev/null
	[ "$(grep -c '^machine_id=' out/env.txt)" -eq 1 ]
	grep -qx "machine_id=$id" out/env.txt
	grep -q "^  \"machine_id\": \"$id\",\$" out/meta.json
}

@test "compare: runs of two machines are warned about first, in every format, and still gated" {
	run --separate-stderr "$SC" compare "$MX/a" "$MX/b"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "warning: BASE and NEW come from different machines (machine_id 1111aaaa2222bbbb, 3333cccc4444dddd): a difference may be the machine's, not the change's" ]
	[[ "${lines[1]}" == "BASE: fx, Linux 6.1.0-fx ("* ]]
	[[ "${lines[2]}" == "NEW: fx, Linux 6.1.0-fx ("* ]]
	[[ "${lines[3]}" == cell* ]]
	run --separate-stderr "$SC" compare "$MX/a" "$MX/b" --format markdown
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "> **Warning: different machines.** BASE is machine \`1111aaaa2222bbbb\`, NEW machine \`3333cccc4444dddd\`"* ]]
	run --separate-stderr "$SC" compare "$MX/a" "$MX/b" --format json
	[ "$status" -eq 0 ]
	grep -q '"same_machine": false,' <<< "$output"
	grep -q '"machine_id_new": "3333cccc4444dddd",' <<< "$output"
	# the warning changes no verdict: a slower NEW still fails the gate
	run --separate-stderr "$SC" compare "$MX/b" "$FX/shift20"
	[ "$status" -eq 1 ]
}

@test "compare: one machine, or a run from before machine_id, is not warned about" {
	run --separate-stderr "$SC" compare "$MX/a" "$MX/a-again"
	[ "$status" -eq 0 ]
	refute grep -q 'different machines' <<< "$output"
	run --separate-stderr "$SC" compare "$MX/a" "$MX/a-again" --format json
	grep -q '"same_machine": true,' <<< "$output"
	run --separate-stderr "$SC" compare "$FX/base" "$MX/b" --format json
	[ "$status" -eq 0 ]
	grep -q '"same_machine": null,' <<< "$output"
	grep -q '"machine_id_base": null,' <<< "$output"
}

@test "ci-regress: the default baseline is the run's machine's, not its host's" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$MX/b"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no baseline for machine 3333cccc4444dddd "*"/results/baseline/3333cccc4444dddd: make one with"* ]]
}

@test "ci-regress: a baseline from another machine is compared, with a warning in the log and the markdown" {
	SPAWNCOST="$SC" run --separate-stderr "$CI" --run "$MX/b" --baseline "$MX/a"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: the baseline comes from machine 1111aaaa2222bbbb, this run from machine 3333cccc4444dddd"* ]]
	[ "${lines[0]}" = "### spawncost: $("$SC" env | sed -n 's/^host=//p') (machine 3333cccc4444dddd), quick profile against its baseline" ]
	[[ "$output" == *"**Warning: different machines.**"* ]]
}

@test "export: github-action-benchmark's extra names the machine" {
	run --separate-stderr "$SC" export "$MX/b" --format github-action-benchmark
	[ "$status" -eq 0 ]
	# four cells and the one claim ratio
	[ "$(grep -c '\\nmachine: 3333cccc4444dddd"' <<< "$output")" -eq 5 ]
}

# ---- LKP: scripts/integrations/lkp ----

LKP="$ROOT/scripts/integrations/lkp"

@test "lkp parse: a metric: value line per cell and figure, from a run folder" {
	SPAWNCOST="$SC" run --separate-stderr "$LKP/parse" "$FX/base"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 12 ]
	[ "${lines[0]}" = "fork-exec.0mib.median_us: 149.98" ]
	[[ "$output" == *$'\nfork-exit.64mib.median_us: 1907.611\nfork-exit.64mib.p10_us: 1878.269\nfork-exit.64mib.p90_us: 1936.219\n'* ]]
	[ "$(grep -cE '^[a-z0-9-]+\.[0-9]+mib\.(median|p10|p90)_us: [0-9]+(\.[0-9]+)?$' <<< "$output")" -eq 12 ]
}

@test "lkp parse: what ./run printed, on stdin as LKP hands it over, gives the same lines" {
	expected=$(SPAWNCOST="$SC" "$LKP/parse" "$FX/base")
	"$SC" export "$FX/base" --format github-action-benchmark > out.json
	run --separate-stderr "$LKP/parse" < out.json
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "lkp parse: a key away from its plain value names the metric; the plain ones do not" {
	SPAWNCOST="$SC" run --separate-stderr "$LKP/parse" "$FX/variant-new"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nfork-exit.64mib.variant-b.median_us: 2274.437\n'* ]]
	printf '[\n  {\n    "name": "fork-exit/rss_mib:64/thp:on/pin:same/ballast:anon/vmas:1",\n    "unit": "us",\n    "value": 12.5,\n    "range": "95%% CI 12.300..12.700",\n    "extra": "n: 40\\np10: 12.000 us\\np90: 13.000 us"\n  }\n]\n' > one.json
	run --separate-stderr "$LKP/parse" < one.json
	[ "${lines[0]}" = "fork-exit.64mib.thp-on.median_us: 12.5" ]
	[ "${lines[2]}" = "fork-exit.64mib.thp-on.p90_us: 13.000" ]
}

@test "lkp run: the job's parameters become run options, the folder stays, stdout is what parse reads" {
	printf '#!/bin/sh\necho "$*" >> %s/args.log\nexec %s "$@"\n' "$SCRATCH" "$FX/stub-spawncost" > sc
	chmod +x sc
	mkdir rr
	SPAWNCOST="$SCRATCH/sc" RESULT_ROOT="$SCRATCH/rr" profile=quick methods=fork-exit rss=0,64 pin=none iterations=30 \
		run --separate-stderr "$LKP/run"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 args.log)" = "run -o $SCRATCH/rr/spawncost-run --profile quick -m fork-exit -r 0,64 --pin none -n 30" ]
	[ -f rr/spawncost-run/summary.csv ]
	[ "$("$LKP/parse" <<< "$output" | wc -l)" -eq 12 ]
	# the same result folder twice is refused
	SPAWNCOST="$SCRATCH/sc" RESULT_ROOT="$SCRATCH/rr" run --separate-stderr "$LKP/run"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"spawncost-run already exists"* ]]
}

@test "lkp parse: bad arguments are one line and exit 2" {
	run --separate-stderr "$LKP/parse" a b
	[ "$status" -eq 2 ]
	[ "$stderr" = "spawncost (lkp parse): one run folder at a time (or none: read stdin)" ]
	SPAWNCOST="$SC" run --separate-stderr "$LKP/parse" nowhere
	[ "$status" -eq 2 ]
	[ "$(wc -l <<< "$stderr")" -eq 1 ]
	[[ "$stderr" == *nowhere* ]]
}

@test "lkp: the job, meta.yaml and run name the same parameters" {
	python3 -c 'import yaml' 2>/dev/null || skip "no python3 yaml module here to read the YAML"
	params=$(sed -n 's/^# - //p' "$LKP/run" | sort | tr '\n' ' ')
	[ "$params" = "iterations methods pin profile rss " ]
	meta=$(python3 -c 'import sys, yaml; print(" ".join(sorted(yaml.safe_load(open(sys.argv[1]))["parameters"])))' "$LKP/meta.yaml")
	[ "$meta " = "$params" ]
	job=$(python3 -c 'import sys, yaml; j = yaml.safe_load(open(sys.argv[1])); print(j["suite"], j["testcase"], " ".join(sorted(j["spawncost"])))' "$LKP/jobs/spawncost.yaml")
	[ "$job" = "spawncost spawncost methods pin profile" ]
}

# ---- Phoronix Test Suite: scripts/integrations/pts/spawncost ----

PTS="$ROOT/scripts/integrations/pts/spawncost"

@test "pts: the test profile's XML is well-formed" {
	xmllint --noout "$PTS/test-definition.xml"
	xmllint --noout "$PTS/results-definition.xml"
	[ "$(xmllint --xpath 'string(/PhoronixTestSuite/TestInformation/Title)' "$PTS/test-definition.xml")" = "spawncost" ]
}

@test "pts: result lines from spawncost export on a fixture, where results-definition.xml looks" {
	SPAWNCOST="$SC" run --separate-stderr "$PTS/result-lines" "$FX/base"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[2]}" = "median_us: 1907.611 (fork-exit/rss_mib:64/thp:off/pin:none)" ]
	# PTS finds the line by LineHint, splits it at blanks and parentheses,
	# and takes the word where the template has #_RESULT_#.
	tmpl=$(xmllint --xpath 'string(//ResultsParser/OutputTemplate)' "$PTS/results-definition.xml")
	hint=$(xmllint --xpath 'string(//ResultsParser/LineHint)' "$PTS/results-definition.xml")
	at=$(tr '()' '  ' <<< "$tmpl" | awk '{ for (i = 1; i <= NF; i++) if ($i == "#_RESULT_#") print i }')
	[ "$(grep -c -F -- "$hint" <<< "$output")" -eq 4 ]
	[ "$(tr '()' '  ' <<< "${lines[2]}" | awk -v at="$at" '{ print $at }')" = "1907.611" ]
}

@test "pts: every option value is one spawncost run takes" {
	methods=$(xmllint --xpath '//Option[Identifier="method"]/Menu/Entry/Value/text()' "$PTS/test-definition.xml")
	[ "$(wc -w <<< "$methods")" -eq 6 ]
	for m in $methods; do
		"$SC" list | cut -f1 | grep -qx -- "$m"
	done
	rss=$(xmllint --xpath '//Option[Identifier="rss"]/Menu/Entry/Value/text()' "$PTS/test-definition.xml")
	[[ "$(echo $rss)" =~ ^[0-9]+( [0-9]+)*$ ]]
}

@test "pts: install.sh builds the committed tree, and ./spawncost writes the line PTS reads" {
	HOME="$SCRATCH" SPAWNCOST_SRC="$ROOT" run --separate-stderr sh "$PTS/install.sh"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$(cat install-exit-status)" = 0 ]
	[ -x spawncost ]
	HOME="$SCRATCH" LOG_FILE="$SCRATCH/log" run --separate-stderr ./spawncost --pin same -m fork-exit -r 0 -n 10
	[ "$status" -eq 0 ]
	[ "$(cat test-exit-status)" = 0 ]
	[ "$(wc -l < log)" -eq 1 ]
	grep -qE '^median_us: [0-9]+\.[0-9]{3} \(fork-exit/rss_mib:0/' log
	# a run that fails says why and leaves a non-zero status for PTS
	HOME="$SCRATCH" LOG_FILE="$SCRATCH/log2" run --separate-stderr ./spawncost -m no-such-method
	[ "$status" -eq 2 ]
	[ "$(cat test-exit-status)" = 2 ]
	[[ "$stderr" == *"no-such-method"* ]]
}

@test "pts: install.sh without a source says where to point it" {
	HOME="$SCRATCH" run --separate-stderr env -u SPAWNCOST_SRC sh "$PTS/install.sh"
	[ "$status" -eq 1 ]
	[ "$stderr" = "spawncost install: set SPAWNCOST_SRC to a spawncost checkout or a git URL" ]
	[ "$(cat install-exit-status)" = 1 ]
}
