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
	[[ "${lines[1]}" == cell* ]]
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
	[ "$(grep -c '\\nmachine: 3333cccc4444dddd"' <<< "$output")" -eq 4 ]
}
