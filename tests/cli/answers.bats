#!/usr/bin/env bats
# Each claim pair in one line, as hyperfine sums up a comparison, and the
# run as one JSON document for scripts (report --json, run --json).
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."
FIX="$ROOT/tests/fixtures/plots"

@test "report ends with each pair in one line: slower, faster or undecided, the ratio and its interval in brackets" {
	cp -R "$FIX/full" run
	run --separate-stderr "$SC" report run
	[ "$status" -eq 0 ]
	answers=$(printf '%s\n' "$output" | sed -n '/^each pair in one line/,$p')
	echo "$answers"
	grep -qxF '  fork-exit ran 4.50× [4.46, 4.55] slower than vfork-exit at 0 MiB, THP off' <<< "$answers"
	grep -qxF '  fork-exec ran 1.43× [1.41, 1.44] faster than posix-spawn at 0 MiB, THP off' <<< "$answers"
	grep -qxF '  fork-exec and vfork-exec: no decided difference at 0 MiB, THP on: 1.00× [0.99, 1.01]' <<< "$answers"
	grep -qxF '  clone-vm ran 1.14× [1.13, 1.15] faster than clone-thread at 64 MiB, THP off' <<< "$answers"
	# the last lines of the output: what `make run` leaves on the screen
	[ "$(printf '%s\n' "$output" | tail -n 1)" = '  fork-exec ran 4.50× [4.46, 4.55] slower than vfork-exec at 64 MiB, THP on' ]
	# report.md has them too
	grep -qxF '### Each pair in one line' run/report.md
	grep -qxF -- '- fork-exit ran 4.50× [4.46, 4.55] slower than vfork-exit at 0 MiB, THP off' run/report.md
}

@test "the one-line answers give the paired window-level ratio, never the ratio of pooled medians" {
	cp -R "$ROOT/results/reference/default" run
	run --separate-stderr "$SC" report run
	[ "$status" -eq 0 ]
	v=$(cell run/verdicts.csv ratio claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	lo=$(cell run/verdicts.csv ratio_lo claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	hi=$(cell run/verdicts.csv ratio_hi claim=1 pair=fork-exit/vfork-exit rss_mib=0)
	want=$(printf '  fork-exit ran %.2f× [%.2f, %.2f] slower than vfork-exit at 0 MiB' "$v" "$lo" "$hi")
	echo "want: $want"
	grep -qxF "$want" <<< "$output"
	# the reference tells the two apart: its pooled medians give another figure
	pooled=$(awk "BEGIN { printf \"%.2f\", $(col run/summary.csv median_us fork-exit 0) / $(col run/summary.csv median_us vfork-exit 0) }")
	[ "$pooled" != "$(printf '%.2f' "$v")" ]
	refute grep -qF "fork-exit ran $pooled× " <<< "$output"
}

@test "report --json: the run's identity, every summary column, the verdicts and the answers; numbers as numbers, empty as null; nothing written" {
	command -v python3 || skip "no python3 to read the JSON"
	cp -R "$ROOT/results/reference/default" run
	cp -R run before
	run --separate-stderr "$SC" report --json run
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > doc.json
	python3 -m json.tool doc.json > /dev/null
	# nothing written to the run's folder
	diff -r before run
	# the verdicts the report writes, to hold the document against
	"$SC" report before > /dev/null 2>&1
	python3 - <<'EOF'
import csv, json
d = json.load(open("doc.json"))
assert d["schema"] == "spawncost-report/1"
env = dict(l.rstrip("\n").split("=", 1) for l in open("run/env.txt") if "=" in l)
assert d["run_id"] == env["run_id"]
assert d["host"] == env["host"]
assert d["kernel"] == env["kernel_release"]
assert d["dir"] == "run"
rows = list(csv.DictReader(open("run/summary.csv")))
assert len(d["summary"]) == len(rows)
for j, r in zip(d["summary"], rows):
    assert list(j) == list(r), "every column, in order"
    for k, v in r.items():
        assert (j[k] is None) == (v == ""), (k, v, j[k])
    for k in ("rss_mib", "iterations", "median_us", "ci_lo_us", "windows"):
        assert type(j[k]) in (int, float) and j[k] == float(r[k]), (k, j[k])
    for k in ("method", "thp", "pin", "cpus", "refined"):
        assert type(j[k]) is str and j[k] == r[k], (k, j[k])
verdicts = list(csv.DictReader(open("before/verdicts.csv")))
assert len(d["verdicts"]) == len(verdicts) > 0
for j, r in zip(d["verdicts"], verdicts):
    assert list(j) == list(r)
    assert j["pair"] == r["pair"] and j["status"] == r["status"]
    assert type(j["claim"]) is int and j["claim"] == int(r["claim"])
    assert abs(j["ratio"] - float(r["ratio"])) < 1e-9
a = d["answers"]
assert len(a) > 0
for x in a:
    assert set(x) == {"pair", "a", "b", "thp", "rss_mib", "ratio", "lo", "hi", "rounds", "decided", "text"}
    assert type(x["decided"]) is bool and type(x["ratio"]) is float
first = a[0]
assert first["pair"] == "fork-exit/vfork-exit" and first["rss_mib"] == 0
assert abs(first["ratio"] - float(verdicts[0]["ratio"])) < 5e-4
assert first["decided"] and first["lo"] > 1
assert first["text"].startswith("fork-exit ran ") and first["text"].endswith(" slower than vfork-exit at 0 MiB")
EOF
}

@test "report --json and --plot-data: one or the other" {
	expect_bad "--json: not with --plot-data" report --json --plot-data out no-such-run
}

@test "run --json: the run, then stdout holds one JSON document and nothing else; the table goes to stderr" {
	command -v python3 || skip "no python3 to read the JSON"
	run --separate-stderr "$SC" run --json -m fork-exit,vfork-exit -r 0 -n 50 --rounds 2 -e none
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > doc.json
	python3 -m json.tool doc.json > /dev/null
	grep -q '^method  *rss_mib  *thp' <<< "$stderr"
	grep -q '^fork-exit  *0  *off ' <<< "$stderr"
	# the run's own folder, under results/, found and read back
	dir=$(python3 -c 'import json; print(json.load(open("doc.json"))["dir"])')
	[[ "$dir" == results/* ]]
	[ -s "$dir/summary.csv" ]
	python3 - <<'EOF'
import json
d = json.load(open("doc.json"))
assert [r["method"] for r in d["summary"]] == ["fork-exit", "vfork-exit"]
assert d["run_id"] == d["summary"][0]["run_id"]
a = d["answers"]
assert [x["pair"] for x in a] == ["fork-exit/vfork-exit"]
assert a[0]["rounds"] == 2 and a[0]["ratio"] > 1
assert [v["pair"] for v in d["verdicts"]] == ["fork-exit/vfork-exit"]
EOF
}

@test "run --json: bad input gives its one line and no document" {
	expect_bad "--rounds" run --json -m fork-exit -r 0 --rounds 0
}

@test "run without --json keeps its table on stdout" {
	run --separate-stderr "$SC" run -m fork-exit -r 0 -n 20 --rounds 2 -e none -o out
	[ "$status" -eq 0 ]
	grep -q '^method  *rss_mib  *thp' <<< "$output"
	refute grep -q '^method' <<< "$stderr"
}
