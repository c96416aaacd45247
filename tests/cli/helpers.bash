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
