#!/usr/bin/env bats
# scripts/fleet/run: the suite across a fleet with Ansible, for real, on two
# host aliases of this machine (tests/fleet/local.ini, a local connection):
# copy, deps, build, measure, fetch, overlay charts and fleet.md. Needs
# ansible-playbook; setup_file installs it with scripts/deps --fleet when it
# is missing, and the tests that need it skip, saying why, only when that
# fails.
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
FLEET="$ROOT/scripts/fleet/run"
TABLE="$ROOT/scripts/fleet/table"
INV="$BATS_TEST_DIRNAME/../fleet"

setup_file() {
	if ! command -v ansible-playbook >/dev/null 2>&1; then
		"$BATS_TEST_DIRNAME/../../scripts/deps" --fleet > /dev/null 2> "$BATS_FILE_TMPDIR/deps.err" ||
			true
	fi
}

need_ansible() {
	command -v ansible-playbook >/dev/null 2>&1 ||
		skip "ansible cannot be installed here (scripts/deps --fleet: $(tail -n 1 "$BATS_FILE_TMPDIR/deps.err" 2>/dev/null))"
}

# $SCRATCH/bin: the system's programs but Ansible's, for PATH.
no_ansible_bin() {
	mkdir bin
	for f in /usr/bin/* /bin/*; do
		case ${f##*/} in ansible*) continue ;; esac
		if [ ! -e "bin/${f##*/}" ]; then
			ln -s "$f" "bin/${f##*/}"
		fi
	done
}

# A bad invocation of the fleet: exit 2, one line on stderr containing $1,
# and nothing written in the scratch folder but what the test made there.
fleet_bad() {
	local needle="$1"; shift
	local before
	before=$(ls -A "$SCRATCH")
	run --separate-stderr "$FLEET" "$@"
	[ "$status" -eq 2 ] || { echo "status $status for: $*"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == *"$needle"* ]] || { echo "stderr lacks '$needle': $stderr"; return 1; }
	[ "$(ls -A "$SCRATCH")" = "$before" ] || { echo "left files: $(ls -A "$SCRATCH")"; return 1; }
}

@test "fleet: two aliases of this machine measured, fetched, tabled and overlaid" {
	need_ansible
	machine=$("$SC" env | sed -n 's/^machine_id=//p')
	run --separate-stderr "$FLEET" "$INV/local.ini" --profile quick -- -n 30
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[ "$(ls results | wc -l)" -eq 1 ]
	dir=$(echo results/fleet-*)
	[[ "$dir" =~ ^results/fleet-[0-9]{8}T[0-9]{6}$ ]]
	# two run folders, whole, with the options given
	for h in alpha beta; do
		grep -qx 'complete=yes' "$dir/$h/env.txt"
		grep -qx "machine_id=$machine" "$dir/$h/env.txt"
		grep -q -- '--profile quick' "$dir/$h/env.txt"
		[ "$(awk -F, "$BY_NAME"'field("iterations") != 30 { bad++ }
			END { print NR - 1, bad + 0 }' "$dir/$h/summary.csv")" = "12 0" ]
		[ -s "$dir/$h/samples.csv.gz" ]
		[ -s "$dir/$h/report.md" ]
	done
	[ "$(cat "$dir/hosts.txt")" = "$(printf 'alpha\nbeta')" ]
	[ ! -e "$dir/failed.txt" ]
	# fleet.md: one table, a row per host, on stdout too
	[ "$(grep -c '^|' "$dir/fleet.md")" -eq 4 ]
	[ "$(grep -c '^| \(alpha\|beta\) | '"$machine"' | ' "$dir/fleet.md")" -eq 2 ]
	grep -q '^| host | machine_id | kernel | CPU | CPUs | hypervisor | THP | mitigations | parents MiB | fork-exec | ' "$dir/fleet.md"
	grep -q '^| alpha | .* | 0–64 | [0-9.]* / [0-9.]* | ' "$dir/fleet.md"
	grep -q '| fork-exit/vfork-exit: [a-z]' "$dir/fleet.md"
	[ "$output" = "$(cat "$dir/fleet.md")" ]
	# the overlay of both runs
	[ -s "$dir/charts/compare-latency.svg" ]
	[ -s "$dir/charts/compare-latency.png" ]
	[ -s "$dir/charts/compare-claims.svg" ]
	[ "$(wc -l < "$dir/charts/compared.txt")" -eq 2 ]
	# nothing left on the hosts
	stamp=${dir#results/fleet-}
	[ -z "$(ls -d "$HOME/.cache/spawncost-fleet/$stamp-"* 2>/dev/null)" ]
}

@test "fleet: a host that fails and one out of reach are named with their errors; the other goes on" {
	need_ansible
	run --separate-stderr "$FLEET" "$INV/failing.ini" -o fl -- -m fork-exit -r 0 -n 10
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"fleet: bad failed: measure: spawncost run: --frob: unknown option"* ]]
	[[ "$stderr" == *"fleet: gone failed: unreachable: "*"port 1"* ]]
	[ -f fl/good/summary.csv ]
	[ ! -e fl/bad ]
	[ ! -e fl/gone ]
	[ "$(cut -f1 fl/failed.txt | tr '\n' ' ')" = "bad gone " ]
	[ "$(grep -c '^| \(good\|bad\|gone\) | ' fl/fleet.md)" -eq 3 ]
	grep -q '^| bad | \*\*failed\*\*: measure: spawncost run: --frob: unknown option' fl/fleet.md
	grep -q '^| good | [0-9a-f]\{16\} | ' fl/fleet.md
	# one run is no overlay
	[ ! -e fl/charts ]
}

@test "fleet: the table is written again from a fleet folder alone" {
	mkdir -p fl/a
	cp "$BATS_TEST_DIRNAME/../fixtures/machines/b/"* fl/a/
	printf 'a\nb\n' > fl/hosts.txt
	printf 'b\tbuild: make: no compiler\n' > fl/failed.txt
	printf 'stamp=20260101T000000\ncommit=abc1234\nprofile=quick\npin=\nrun_options=-n 30\n' > fl/fleet.txt
	SPAWNCOST="$SC" run --separate-stderr "$TABLE" fl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "# spawncost across 2 hosts, 20260101T000000" ]]
	[[ "$output" == *"| a | 3333cccc4444dddd | 6.1.0-fx | Fixture CPU | 2 | none | madvise | 1 mitigated, 0 vulnerable of 2 | 0–64 | 150 | 99.8 / 1908 | 23.9 | "* ]]
	[[ "$output" == *"| b | **failed**: build: make: no compiler |"* ]]
	[[ "$output" == *"pin as spawncost chooses"* ]]
	# a run with a --label is named by it
	echo 'label=patched | kernel' >> fl/a/env.txt
	SPAWNCOST="$SC" run --separate-stderr "$TABLE" fl
	[[ "$output" == *"| patched \| kernel (a) | 3333cccc4444dddd | 6.1.0-fx | "* ]]
	SPAWNCOST="$SC" run --separate-stderr "$TABLE" nowhere
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nowhere: not a fleet folder (no hosts.txt)"* ]]
}

@test "fleet: a host whose fork-exit ran at one size gets what claim 4 lacks, not a slope of 0" {
	mkdir fl
	run_where "$BATS_TEST_DIRNAME/../fixtures/plots/core" 'r == 0' fl/a
	printf 'a\n' > fl/hosts.txt
	printf 'stamp=20260101T000000\ncommit=abc1234\n' > fl/fleet.txt
	SPAWNCOST="$SC" run --separate-stderr "$TABLE" fl
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == *" | fork-exit/fork-exit: needs fork-exit measured at two parent sizes or more; fork's cost per GiB: needs fork-exit measured at two parent sizes or more; "* ]]
	refute grep -q 'nan\|0\.00 ms' <<< "$output"
}

@test "fleet: bad arguments are one line and exit 2, with nothing written" {
	fleet_bad "no inventory" --profile quick
	fleet_bad "nowhere.ini: no such inventory file" nowhere.ini
	fleet_bad "--profile: 'huge' is not quick, default or full" "$INV/local.ini" --profile huge
	fleet_bad "--pin: 'everywhere' is not same, smt, core, numa or none" "$INV/local.ini" --pin everywhere
	fleet_bad "--profile needs a value" "$INV/local.ini" --profile
	fleet_bad "unknown option '--frob'" "$INV/local.ini" --frob
	fleet_bad "one inventory at a time" "$INV/local.ini" "$INV/failing.ini"
	fleet_bad "the fleet names each host's run folder itself" "$INV/local.ini" -- -n 30 -o out
	mkdir out
	fleet_bad "out already exists: a fleet folder is written once" "$INV/local.ini" -o out
	[ -z "$(ls -A out)" ]
}

# Every spelling of spawncost run's -o that getopt_long takes is caught
# before anything runs. Without ansible on PATH, one that slipped through
# would stop at "ansible-playbook is not installed" instead.
@test "fleet: every spelling of the run's output option is refused in one line" {
	no_ansible_bin
	for o in "-o out" -oout "--output out" --output=out --out=out --ou=out "--outp out"; do
		# shellcheck disable=SC2086
		PATH="$SCRATCH/bin" fleet_bad "the fleet names each host's run folder itself" \
			"$INV/local.ini" -- -n 30 $o
	done
	PATH="$SCRATCH/bin" fleet_bad "ansible-playbook is not installed" "$INV/local.ini" -- --oversubscribe
}

@test "fleet: an inventory that names no host, or that ansible cannot read, is refused" {
	need_ansible
	: > empty.ini
	fleet_bad "empty.ini: names no host" empty.ini
	printf '[spawncost\nalpha x=\n' > broken.ini
	fleet_bad "broken.ini: ansible cannot parse it as an inventory" broken.ini
}

@test "fleet: without ansible-playbook, says how to install it" {
	no_ansible_bin
	PATH="$SCRATCH/bin" run --separate-stderr "$FLEET" "$INV/local.ini"
	[ "$status" -eq 2 ]
	[ "$stderr" = "fleet: ansible-playbook is not installed (scripts/deps --fleet installs it)" ]
}

@test "scripts/deps: --fleet is apart from --build, and checks for ansible-playbook" {
	run --separate-stderr "$ROOT/scripts/deps" --build --fleet
	[ "$status" -eq 2 ]
	[ "$stderr" = "scripts/deps: --build and --fleet: one at a time" ]
	need_ansible
	run --separate-stderr "$ROOT/scripts/deps" --check --fleet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
