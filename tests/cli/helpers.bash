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
	export COLUMN_ERRORS="$BATS_TEST_TMPDIR/column-errors"
	cd "$SCRATCH" || return 1
}

# A column reader (below) that failed inside $( ) or a pipeline fails the
# test here, with what it could not read.
teardown() {
	cd / && rm -rf "$SCRATCH"
	[ ! -s "$COLUMN_ERRORS" ] || { sed 's/^/column reader: /' "$COLUMN_ERRORS"; return 1; }
}

# Results are read by column name. A name the header lacks, a missing file
# or no matching row fails the test with a line that names it: awk's
# $idx["gone"] is $0, the whole row, and an empty answer is what a -z check
# wants, so a run that lost a column, or failed, would pass. A failure inside
# $( ) or a pipeline does not stop a test, so each is also written to
# $COLUMN_ERRORS, which teardown reads.
#
# BY_NAME is awk code to put before a program's own; it reads each file's
# header and gives field("name"), and set("name", value) for a copy:
#   awk -F, "$BY_NAME"'field("method") == "fork-exit" { print field("ns") }' FILE
BY_NAME='
function column_(name) {
	if (!(name in COLUMN_))
		column_error_(FILENAME ": no column \"" name "\"")
	return COLUMN_[name]
}
function field(name) { return $column_(name) }
function set(name, value) { $column_(name) = value }
function column_error_(why) {
	if (ENVIRON["COLUMN_ERRORS"] != "")
		print why >> ENVIRON["COLUMN_ERRORS"]
	else
		print why > "/dev/stderr"
	COLUMN_FAILED_ = 1
	exit 3
}
FNR == 1 { split("", COLUMN_); for (i_ = 1; i_ <= NF; i_++) COLUMN_[$i_] = i_; next }
'

# Column $2 of every row of file $1 whose KEY=VALUE pairs ($3...) all hold,
# one per line; numbers compare as numbers (rss_mib=0.5 matches 0.50).
cell() {
	local file="$1" want="$2"; shift 2
	if [ ! -f "$file" ]; then
		echo "$file: no such file" >> "${COLUMN_ERRORS:-/dev/stderr}"
		return 1
	fi
	awk -F, -v want="$want" -v keys="$*" "$BY_NAME"'
		BEGIN { nkeys = split(keys, key, " ") }
		{
			for (k = 1; k <= nkeys; k++) {
				eq = index(key[k], "=")
				v = substr(key[k], eq + 1)
				if (v ~ /^-?[0-9.]+$/)
					v += 0
				if (field(substr(key[k], 1, eq - 1)) != v)
					next
			}
			print field(want)
			found = 1
		}
		END { if (!found && !COLUMN_FAILED_) column_error_(FILENAME ": no row with " keys) }' "$file"
}

# The samples of run folder $1 as a plain CSV file, for awk and the column
# readers: its path on stdout. A run keeps them as samples.csv.gz (unpacked
# here into the test's own folder, not the scratch one) or, with --samples
# plain and in runs made before, samples.csv. A folder with neither fails
# the test, as a missing file does the column readers.
samples_csv() {
	local out
	if [ -f "$1/samples.csv.gz" ]; then
		out=$(mktemp "$BATS_TEST_TMPDIR/samples.XXXXXX")
		gzip -dc "$1/samples.csv.gz" > "$out" ||
			{ echo "$1/samples.csv.gz: cannot unpack" >> "${COLUMN_ERRORS:-/dev/stderr}"; return 1; }
		echo "$out"
	elif [ -f "$1/samples.csv" ]; then
		echo "$1/samples.csv"
	else
		echo "$1: no samples.csv.gz or samples.csv" >> "${COLUMN_ERRORS:-/dev/stderr}"
		return 1
	fi
}

# Column $2 of file $1's row of method $3 at rss_mib $4.
col() {
	cell "$1" "$2" method="$3" rss_mib="$4"
}

# File $1 on stdout with column $2 set to $3 in every row (more NAME VALUE
# pairs may follow): a copy made bad on purpose.
with_columns() {
	local file="$1"; shift
	head -n 1 "$file"
	awk -F, -v OFS=, -v pairs="$(printf '%s\n' "$@")" "$BY_NAME"'
		BEGIN { n = split(pairs, p, "\n") }
		{ for (k = 1; k < n; k += 2) set(p[k], p[k + 1]); print }' "$file"
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

# The reference runs (results/reference/), one folder a line: a folder of
# scripts/kernels holds a run per kernel, which its kernels.txt names.
reference_runs() {
	local dir k
	for dir in "$BATS_TEST_DIRNAME"/../../results/reference/*/; do
		if [ -f "$dir/kernels.txt" ]; then
			while IFS= read -r k; do printf '%s\n' "$dir$k"; done < "$dir/kernels.txt"
		else
			printf '%s\n' "$dir"
		fi
	done
}

# A bad invocation: exit 2, exactly one line on stderr containing $1, and
# nothing written in the scratch folder.
expect_bad() {
	expect_bad_of "$SC" "$@"
}

# The same of program $1 (a script of scripts/, say): expect_bad_of PROGRAM NEEDLE ARGS...
expect_bad_of() {
	local prog="$1" needle="$2"; shift 2
	run --separate-stderr "$prog" "$@"
	[ "$status" -eq 2 ] || { echo "status $status for: $*"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == *"$needle"* ]] || { echo "stderr lacks '$needle': $stderr"; return 1; }
	[ -z "$(ls -A "$SCRATCH")" ] || { echo "left files: $(ls -A "$SCRATCH")"; return 1; }
}

# A user without privilege for the run to drop to: STRANGER, the setpriv
# command that becomes a uid no account and no process has (prlimit --nproc
# counts every process of its uid on the machine, so nobody's uid, which
# other processes may hold, would count theirs), and STRANGER_SC, a copy of
# the built programs in the scratch folder, opened to it: the checkout may
# sit below a folder that uid cannot enter (mktemp -d, a CI workspace).
stranger() {
	local uid="" try
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop privilege"
	command -v setpriv prlimit >/dev/null || skip "needs setpriv and prlimit"
	for _ in $(seq 100); do
		try=$((1000000000 + RANDOM * 32768 + RANDOM))
		if ! getent passwd "$try" >/dev/null && [ -z "$(pgrep -U "$try")" ]; then
			uid=$try
			break
		fi
	done
	[ -n "$uid" ] || skip "found no uid that no account or process has"
	STRANGER=(setpriv --reuid="$uid" --regid="$uid" --clear-groups)
	mkdir "$SCRATCH/bin"
	find "$BUILD" -maxdepth 1 -type f -perm -u+x -exec cp {} "$SCRATCH/bin/" \;
	chmod 777 "$SCRATCH"
	STRANGER_SC="$SCRATCH/bin/spawncost"
	"${STRANGER[@]}" test -x "$STRANGER_SC" ||
		skip "uid $uid cannot reach $SCRATCH: give TMPDIR a folder every user may enter"
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

# Wait (up to 60 s) until file $1 has a line matching the regex $2: for
# tests that signal a run once it has reached a point, whatever the load.
wait_for_line() {
	for _ in $(seq 1200); do
		! grep -qE -- "$2" "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "$1: no line matching '$2' within 60 s" >> "${COLUMN_ERRORS:-/dev/stderr}"
	return 1
}
