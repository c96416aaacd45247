#!/usr/bin/env bats
# tests/lint-bats: assertions that cannot fail under bats' set -e are refused.
load helpers

lint() {
	printf '%s\n' "$@" > t.bats
	run "$BATS_TEST_DIRNAME/../lint-bats" t.bats
}

@test "a non-final A && B is refused, with its file and line" {
	lint '@test "x" {' '	[ 1 -eq 2 ] && [ 1 -eq 1 ]' '	true' '}'
	[ "$status" -eq 1 ]
	[[ "$output" == "t.bats:2: && joins assertions"* ]]
}

@test "A || echo is refused; || skip, || return and assignments are not" {
	lint '@test "x" {' '	[ 1 -eq 2 ] || echo no' '	true' '}'
	[ "$status" -eq 1 ]
	[[ "$output" == *"|| hides a failure"* ]]
	lint '@test "x" {' '	command -v x || skip "no x"' '	wait 1 || status=$?' '	[ 1 ] || return 1' '	true' '}'
	[ "$status" -eq 0 ]
}

@test "&& inside [[ ]], \$( ), quotes and multi-line awk is allowed, and not on a last line either" {
	lint '@test "x" {' '	[[ a && b ]]' '	n=$(a && b)' "	awk 'NR == 1 {" '		\$1 == 2 && \$2 == 3 { print }'"' f" "	echo 'a && b' # it's fine" '}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lint '@test "x" {' '	true' '	[ 1 ] && [ 2 ]' '}'
	[ "$status" -eq 1 ]
}

@test "a CSV header read into a map by hand is refused, in a test or a helper" {
	map='c[$i] = i'	# spelt apart, or this very line would be refused
	lint "by() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) $map; next }' f; }"
	[ "$status" -eq 1 ]
	[[ "$output" == "t.bats:1: a hand-made header map reads the whole row for a missing column"* ]]
	lint '@test "x" {' "	awk -F, \"\$BY_NAME\"'{ print field(\"ns\") }' f" '}'
	[ "$status" -eq 0 ]
}
