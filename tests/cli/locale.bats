#!/usr/bin/env bats
# Figures for machines whatever the user's locale. Under a decimal-comma
# locale (de_DE), awk, sort -g and bash's printf read "179.942" as 179 and
# write "179,000": the C programs never take the numeric locale, and every
# script sets LC_ALL=C first. Fixture runs, but for one small run and one
# round of scripts/crosscheck.
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
FX="$BATS_TEST_DIRNAME/../fixtures/compare"

setup() {
	SCRATCH="$(mktemp -d)"
	cd "$SCRATCH" || return 1
	comma_locale
	# the locale really writes a comma, or these tests would prove nothing
	[ "$(comma locale decimal_point)" = "," ]
}

# "$@" prints the same on stdout, with the same status, under the C and the
# decimal-comma locale.
same_in_both() {
	local c_out c_rc=0 x_out x_rc=0

	c_out=$("$@" 2>/dev/null) || c_rc=$?
	x_out=$(comma "$@" 2>/dev/null) || x_rc=$?
	if [ "$x_out" != "$c_out" ]; then
		diff <(printf '%s\n' "$c_out") <(printf '%s\n' "$x_out") || true
		return 1
	fi
	[ -n "$c_out" ] || { echo "no output: $*"; return 1; }
	[ "$x_rc" -eq "$c_rc" ] || { echo "status $c_rc, under $COMMA_LOCALE $x_rc: $*"; return 1; }
}

@test "the C programs write and read every figure with a point under a decimal-comma locale" {
	run --separate-stderr comma "$SC" run -m fork-exit,vfork-exit -r 0,1 -n 20 --rounds 2 -e none -o run
	[ "$status" -eq 0 ]
	[[ "$(col run/summary.csv median_us fork-exit 1)" =~ ^[0-9]+\.[0-9]{3}$ ]]
	[[ "$(col run/summary.csv rss_mib vfork-exit 1)" = 1 ]]
	grep -qE 'fork-exit rss=1MiB thp=off: window median [0-9]+\.[0-9]{2} us' <<< "$stderr"
	run --separate-stderr comma "$SC" report run
	[ "$status" -eq 0 ]
	# "at 0 MiB (...)" alone, or "from 0 MiB (...) to 1 MiB" when both sizes read alike
	grep -qE '^  fork-exit / vfork-exit: .* (at|from) 0 MiB \([0-9]+\.[0-9]+× \[' <<< "$output"
	run --separate-stderr comma "$SC" export run --format bencher
	[ "$status" -eq 0 ]
	grep -qE '"value": [0-9]+\.[0-9]+' <<< "$output"
	run --separate-stderr comma "$SC" compare run run --format json
	[ "$status" -eq 0 ]
	grep -qE '"base_median_us": [0-9]+\.[0-9]+,' <<< "$output"
	# and none of them could: no program asks for the user's locale
	refute sh -c 'nm -D "$1/spawncost" "$1/spawncost-measure" | grep -qw setlocale' sh "$BUILD"
}

@test "the scripts print under a decimal-comma locale what they print under C" {
	export SPAWNCOST="$SC"
	same_in_both "$ROOT/scripts/integrations/pts/spawncost/result-lines" "$FX/base"
	same_in_both "$ROOT/scripts/integrations/lkp/parse" "$FX/base"
	same_in_both "$ROOT/scripts/ci-regress" --run "$FX/shift20" --baseline "$FX/base"
	mkdir -p fl/a
	cp "$BATS_TEST_DIRNAME/../fixtures/machines/b/"* fl/a/
	printf 'a\n' > fl/hosts.txt
	same_in_both "$ROOT/scripts/fleet/table" fl
	mkdir k
	cp -R "$FX/base" k/a
	cp -R "$FX/shift20" k/b
	printf 'a\nb\n' > k/kernels.txt
	same_in_both "$ROOT/scripts/kernels-compare" k
	# validate-gate writes its folder once: the two runs get one each
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr "$ROOT/scripts/validate-gate" --pairs 1 --out vg
	[ "$status" -eq 0 ]
	c_out=${output//vg/VG}
	SPAWNCOST="$FX/stub-spawncost" run --separate-stderr comma "$ROOT/scripts/validate-gate" --pairs 1 --out vg2
	[ "$status" -eq 0 ]
	[ "${output//vg2/VG}" = "$c_out" ]
	# the PTS line: a point and every digit
	run comma "$ROOT/scripts/integrations/pts/spawncost/result-lines" "$FX/base"
	[ "${lines[2]}" = "median_us: 1907.611 (fork-exit/rss_mib:64/thp:off/pin:none)" ]
}

@test "scripts/crosscheck's figures and ratio under a decimal-comma locale" {
	run --separate-stderr comma "$ROOT/scripts/crosscheck" -r 1 -m vfork-exit -s 0 -c none
	[ "$status" -eq 0 ]
	echo "$output"
	read -r m size sc lp ratio unit <<< "${lines[1]}"
	[ "$m $size $unit" = "vfork-exit 0 us" ]
	[[ "$sc" =~ ^[0-9]+\.[0-9]{2}$ ]]
	[[ "$lp" =~ ^[0-9]+\.[0-9]{2}$ ]]
	[[ "$ratio" =~ ^[0-9]+\.[0-9]{3}$ ]]
	# the ratio is the two figures' (to their rounding), not a whole number:
	# figures to 0.005 move a / b by up to a / b x (0.005 / a + 0.005 / b),
	# which a fixed 0.002 left too little room for below 7 us a figure
	awk -v a="$sc" -v b="$lp" -v r="$ratio" 'BEGIN { d = a / b - r; e = 1.01 * a / b * (0.005 / a + 0.005 / b) + 0.0005; exit !(d < e && d > -e) }'
}

@test "every shell script sets LC_ALL=C, so a new one cannot forget" {
	for f in $(find "$ROOT/scripts" "$ROOT/.ci" "$ROOT/tests" -type f); do
		if [ "$(head -c 9 "$f")" = '#!/bin/sh' ]; then
			grep -q '^export LC_ALL=C' "$f" || { echo "no export LC_ALL=C: $f"; return 1; }
		fi
	done
}
