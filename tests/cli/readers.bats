#!/usr/bin/env bats
# The helpers that read results (helpers.bash): a column, file or row that is
# not there fails the test that asked for it, however the answer is used.
load helpers

# Run a bats file of one test whose body is $1, with a summary.csv of two
# rows at $CSV.
inner() {
	export CSV="$SCRATCH/summary.csv"
	printf 'method,rss_mib,median_us,error\nfork-exit,0,12.5,\nfork-exit,0.50,20,\n' > "$CSV"
	printf 'load %s\n@test "inner" {\n%s\n}\n' "$BATS_TEST_DIRNAME/helpers" "$1" > inner.bats
	run bats inner.bats
}

@test "a column the header lacks fails the test and is named, however its value is used" {
	for body in '[ -n "$(col "$CSV" gone fork-exit 0)" ]' \
		'[ -z "$(col "$CSV" gone fork-exit 0)" ]' \
		'v=$(col "$CSV" gone fork-exit 0)' \
		'[ "$(col "$CSV" gone fork-exit 0 | wc -l)" -eq 1 ]' \
		'awk -F, "$BY_NAME"'"'"'field("gone") != "" { bad++ } END { exit bad > 0 }'"'"' "$CSV"' \
		'with_columns "$CSV" gone 1 > copy.csv'; do
		inner "$body"
		echo "$body: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"summary.csv: no column \"gone\""* ]]
	done
}

@test "a row or a file that is not there fails the test and is named" {
	inner '[ -z "$(col "$CSV" error vfork-exit 0)" ]'
	[ "$status" -eq 1 ]
	[[ "$output" == *"summary.csv: no row with method=vfork-exit rss_mib=0"* ]]
	inner '[ -z "$(col nowhere.csv error fork-exit 0)" ]'
	[ "$status" -eq 1 ]
	[[ "$output" == *"nowhere.csv: no such file"* ]]
}

@test "a column that is there reads its value, and sizes match as numbers" {
	inner '[ "$(col "$CSV" median_us fork-exit 0.5)" = 20 ]
[ -z "$(col "$CSV" error fork-exit 0)" ]
[ "$(cell "$CSV" rss_mib method=fork-exit | wc -l)" -eq 2 ]
with_columns "$CSV" median_us 7 error x > copy.csv
[ "$(col copy.csv error fork-exit 0.5)" = x ]'
	echo "$output"
	[ "$status" -eq 0 ]
}
