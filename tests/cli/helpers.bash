# Shared set-up for the CLI tests: the binary, a scratch folder as cwd (so a
# stray default results/ would show), and small readers of the CSV files.
bats_require_minimum_version 1.5.0

# The tests' own awk and printf read figures with a decimal point, whatever
# the locale they are run in (locale.bats sets one for what it tests).
export LC_ALL=C

# SPAWNCOST_BUILD points at another build (make check-sanitize uses build/san).
BUILD="${SPAWNCOST_BUILD:-$BATS_TEST_DIRNAME/../../build}"
SC="$BUILD/spawncost"

# Tests that measure the process itself skip under sanitizers.
skip_if_sanitized() {
	[ -z "${SPAWNCOST_SANITIZED:-}" ] || skip "the sanitizers change what this measures"
}

setup() {
	SCRATCH="$(mktemp -d)"
	cd "$SCRATCH" || return 1
}

teardown() {
	cd / && rm -rf "$SCRATCH"
}

# The value of column $2 in the summary row whose method is $3 and rss_mib $4
# of file $1, looked up by header name so column order is not assumed.
col() {
	awk -F, -v want="$2" -v m="$3" -v r="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
		$idx["method"] == m && $idx["rss_mib"] == r { print $idx[want] }' "$1"
}

# Run folder $1 cut to the rows the awk condition $2 keeps (m: method,
# r: rss_mib), in summary.csv and samples.csv alike, as folder $3.
run_where() {
	mkdir "$3"
	cp "$1/env.txt" "$3/"
	for f in summary samples; do
		awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; print; next }
			{ m = \$c[\"method\"]; r = \$c[\"rss_mib\"] } $2" "$1/$f.csv" > "$3/$f.csv"
	done
}

# A locale whose decimal point is a comma (de_DE, and most of Europe's), for
# what must not depend on it: one this machine has, else de_DE.UTF-8 built
# once per test run from the locales package's definitions (scripts/deps
# installs it), which needs no root. Sets COMMA_LOCALE, and COMMA_LOCPATH
# where it was built; skips, saying why, when there is none to be had.
comma_locale() {
	local l dir="$BATS_RUN_TMPDIR/comma-locale"

	COMMA_LOCPATH=""
	for l in $(locale -a 2>/dev/null); do
		if [ "$(LC_ALL=$l locale decimal_point 2>/dev/null)" = "," ]; then
			COMMA_LOCALE=$l
			return 0
		fi
	done
	if [ ! -d "$dir" ]; then
		rm -rf "$dir.new"
		mkdir -p "$dir.new"
		localedef -i de_DE -f UTF-8 "$dir.new/de_DE.UTF-8" >/dev/null 2>&1 ||
			skip "no decimal-comma locale here, and localedef cannot make de_DE.UTF-8 (scripts/deps installs locales)"
		mv "$dir.new" "$dir"
	fi
	COMMA_LOCALE=de_DE.UTF-8 COMMA_LOCPATH=$dir
}

# "$@" under the decimal-comma locale of comma_locale.
comma() {
	if [ -n "$COMMA_LOCPATH" ]; then
		LOCPATH="$COMMA_LOCPATH" LC_ALL="$COMMA_LOCALE" "$@"
	else
		LC_ALL="$COMMA_LOCALE" "$@"
	fi
}

# A bad invocation: exit 2, exactly one line on stderr containing $1, and
# nothing written in the scratch folder.
expect_bad() {
	local needle="$1"; shift
	run --separate-stderr "$SC" "$@"
	[ "$status" -eq 2 ] || { echo "status $status for: $*"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == *"$needle"* ]] || { echo "stderr lacks '$needle': $stderr"; return 1; }
	[ -z "$(ls -A "$SCRATCH")" ] || { echo "left files: $(ls -A "$SCRATCH")"; return 1; }
}

# Fail when the command succeeds. (A bare `! cmd` never fails a bats test.)
refute() {
	if "$@"; then
		echo "unexpectedly true: $*"
		return 1
	fi
}
