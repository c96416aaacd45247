# Shared set-up for the CLI tests: the binary, a scratch folder as cwd (so a
# stray default results/ would show), and small readers of the CSV files.
bats_require_minimum_version 1.5.0

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

# Folder $2: the compare fixture $1 (one with windows.csv) as a signal leaves
# a run cut short: env.txt says complete=no, and summary.csv and windows.csv
# keep only the first $3 cells (10 windows each). "${4:-no}": complete= .
cut_short_run() {
	local fx="$BATS_TEST_DIRNAME/../fixtures/compare/$1"
	mkdir "$2"
	sed "s/^complete=yes\$/complete=${4:-no}/" "$fx/env.txt" > "$2/env.txt"
	head -n "$(($3 + 1))" "$fx/summary.csv" > "$2/summary.csv"
	head -n "$(($3 * 10 + 1))" "$fx/windows.csv" > "$2/windows.csv"
}
