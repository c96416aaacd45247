#!/usr/bin/env bats
# The house style that a reader can check by machine (shared STYLE.md).
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."

# Each C function longer than 60 lines (from its signature to its closing
# brace, both counted) whose comment right above does not say why, as
# FILE: LINES: SIGNATURE. The why is said as "Longer than 60 lines: ...".
LONG='
FNR == 1 { why = ""; infn = 0; incomment = 0 }
incomment || /^\/\*/ { why = why $0; incomment = !/\*\//; next }
/^[a-zA-Z].*\(/ && !/;$/ { name = $0; start = FNR; infn = 1; said = why ~ /[Ll]onger than 60 lines/ }
{ why = "" }
infn && /^}/ {
	if (FNR - start + 1 > 60 && !said)
		print FILENAME ": " FNR - start + 1 ": " name
	infn = 0
}'

# A C file with one function of $1 lines between its braces, the comment $2 above it.
long_c() {
	printf '/* %s */\nint f(void)\n{\n' "$2"
	for i in $(seq "$1"); do printf '\tx();\n'; done
	printf '}\n'
}

@test "the length check names a function over 60 lines, unless its comment says why" {
	long_c 57 "short enough" > ok.c
	long_c 58 "one line too many" > long.c
	long_c 58 "Longer than 60 lines: kept whole" > why.c
	run awk "$LONG" ok.c long.c why.c
	[ "$status" -eq 0 ]
	[ "$output" = "long.c: 61: int f(void)" ]
}

@test "no function in harness/ is over 60 lines unless its comment says why" {
	run awk "$LONG" "$ROOT"/harness/*/*.c
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
