#!/usr/bin/env bats
# The run's options live in one table (harness/common/options.c): the
# parser, --help and the man page name the same ones, and the options the
# front end hands the engine are refused from users.
load helpers

MAN="$BATS_TEST_DIRNAME/../../man/spawncost-run.1"

# The long options `run --help` lists, one a line, sorted; --help itself
# left out (man pages do not list it).
help_options() {
	"$SC" run --help | grep -oE '^  (-[a-z], )?--[a-z-]+|^      --[a-z-]+' |
		grep -oE -- '--[a-z-]+' | grep -vx -- '--help' | sort -u
}

@test "run --help and man/spawncost-run.1 name the same options" {
	help=$(help_options)
	man=$(awk '/^\.TP/ { getline; print }' "$MAN" | sed 's/\\-/-/g' |
		grep -oE -- '--[a-z-]+' | sort -u)
	[ -n "$help" ]
	diff <(printf '%s\n' "$help") <(printf '%s\n' "$man")
}

@test "every option run --help lists is one the parser takes" {
	for o in $(help_options); do
		run "$SC" run "$o" 1 --no-such-option
		[ "$status" -eq 2 ]
		refute grep -q -- "$o: unknown option" <<< "$output"
	done
}

@test "the front end's own options are refused from users, with one line" {
	for o in --facts-fd --front --event-spec --spawner-cpus --pin-why --dir-fd; do
		run "$SC" run "$o" 3 -m fork-exit -r 0 -n 5 -o out
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		grep -q -- "$o" <<< "$output"
		[ ! -e out ]
	done
}

@test "their names are not in --help" {
	run "$SC" run --help
	[ "$status" -eq 0 ]
	refute grep -qE -- '--(facts-fd|front|event-spec|spawner-cpus|pin-why|dir-fd)' <<< "$output"
}
