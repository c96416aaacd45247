#!/usr/bin/env bats
# scripts/bisect under `git bisect run`, on a repository made here: eight
# commits of a small program, the fifth giving it a constructor that
# touches 4 MiB before main (1024 page faults more at every exec, several
# times the cost of the plain program's exec and start, far beyond the
# 10-40% this machine drifts). spawncost runs it as its exec target.
load helpers

BISECT="$BATS_TEST_DIRNAME/../../scripts/bisect"
# a small measurement: one cell, 6 windows, no counters
RUN_ARGS='-m fork-exec -r 0 -n 200 --rounds 6 -e none --target ./prog'

# The repository: commits 1-4 plain, 5 the constructor, 6-8 comments.
make_repo() {
	mkdir repo
	cd repo
	git init -q
	git config user.email bisect@example.invalid
	git config user.name bisect
	printf 'prog: prog.c\n\tcc -O2 -o prog prog.c\n' > Makefile
	printf 'int main(void) { return 0; }\n' > prog.c
	git add Makefile prog.c
	git commit -qm "commit 1"
	for i in 2 3 4; do
		echo "/* $i */" >> prog.c
		git commit -qam "commit $i"
	done
	cat > prog.c <<-'EOF'
	/* From here on the program touches 4 MiB before main. */
	char *heavy_area;
	extern void *malloc(unsigned long);
	__attribute__((constructor)) static void heavy(void)
	{
		heavy_area = malloc(4ul << 20);
		for (unsigned long i = 0; heavy_area && i < (4ul << 20); i += 4096)
			((volatile char *)heavy_area)[i] = 1;
	}
	int main(void) { return 0; }
	EOF
	git commit -qam "commit 5"
	for i in 6 7 8; do
		echo "/* $i */" >> prog.c
		git commit -qam "commit $i"
	done
	cd ..
}

# spawncost, counting its runs in $SCRATCH/runs
counting_sc() {
	printf '#!/bin/sh\n[ "$1" != run ] || echo run >> %s/runs\nexec %s "$@"\n' "$SCRATCH" "$SC" > sc
	chmod +x sc
}

# Measure commit $1 of the repository into folder $2.
measure() {
	git -C repo checkout -q "$1"
	make -s -C repo
	(cd repo && eval "\"$SC\" run $RUN_ARGS -o \"$SCRATCH/$2\"") > /dev/null 2>&1
}

@test "git bisect run scripts/bisect finds the commit that made exec dearer, in at most log2(8)+2 measurements" {
	command -v git || skip "no git"
	command -v cc || skip "no cc"
	make_repo
	first=$(git -C repo rev-list --max-parents=0 HEAD)
	last=$(git -C repo rev-parse HEAD)
	culprit=$(git -C repo log --format=%H --grep='^commit 5$')
	measure "$first" good
	measure "$last" bad
	counting_sc
	git -C repo checkout -q "$last"
	git -C repo bisect start "$last" "$first" > /dev/null
	cd repo
	SPAWNCOST="$SCRATCH/sc" run --separate-stderr git bisect run "$BISECT" --good "$SCRATCH/good" \
		--bad "$SCRATCH/bad" --run "$RUN_ARGS"
	cd ..
	echo "$output"
	echo "$stderr" | grep 'bisect: '
	[ "$status" -eq 0 ]
	grep -q "^$culprit is the first bad commit" <<< "$output"
	echo "measurements: $(wc -l < runs)"
	[ "$(wc -l < runs)" -le 5 ]
	git -C repo bisect reset > /dev/null
}

@test "a commit that does not build is skipped (125)" {
	command -v git || skip "no git"
	make_repo
	cp -r "$BATS_TEST_DIRNAME/../fixtures/history/step/run-01" good
	cp -r "$BATS_TEST_DIRNAME/../fixtures/history/step/run-11" bad
	cd repo
	run --separate-stderr "$BISECT" --good ../good --bad ../bad --build false
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"bisect: "*": the build failed (skipped)" ]]
}

@test "bad arguments and ends stop git bisect run: one line, status 128" {
	FX="$BATS_TEST_DIRNAME/../fixtures/history"
	run --separate-stderr "$BISECT" --bad "$FX/step/run-11"
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: --good: missing: give the good end's run folder" ]
	run --separate-stderr "$BISECT" --good "$FX" --bad "$FX/step/run-11"
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: $FX: not a run folder (no summary.csv)" ]
	run --separate-stderr "$BISECT" --good "$FX/step/run-01" --bad "$FX/step/run-11" --run '-o x'
	[ "$status" -eq 128 ]
	[[ "$stderr" == *"--run: leave out -o"* ]]
	run --separate-stderr "$BISECT" --good "$FX/step/run-01" --bad "$FX/step/run-02"
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: GOOD and BAD do not differ by 5% beyond doubt: nothing to bisect" ]
	run --separate-stderr "$BISECT" --good "$FX/step/run-01" --bad "$FX/step/run-11" --cell nope
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: --cell nope: not a cell both ends have" ]
	run --separate-stderr "$BISECT" --good "$FX/step/run-01" --bad "$FX/step/run-11" --frobnicate
	[ "$status" -eq 128 ]
	[[ "$stderr" == "bisect: --frobnicate: unknown option"* ]]
}

# From here on spawncost is $SCRATCH/stub: `run ... -o DIR` copies the run
# folder $STUB_NEW into DIR and exits with $STUB_RC (0), refusing a DIR that
# holds a run as spawncost does; every other command is spawncost's. The
# ends are the history fixture's: run-01 (GOOD), run-11 (BAD: fork-exec and
# fork-exit dearer); run-02 is like GOOD and run-12 like BAD.
STEP="$BATS_TEST_DIRNAME/../fixtures/history/step"

stub_sc() {
	cat > stub <<-EOF2
	#!/bin/sh
	[ "\$1" = run ] || exec "$SC" "\$@"
	while [ \$# -gt 0 ]; do [ "\$1" != -o ] || out=\$2; shift; done
	[ ! -e "\$out/summary.csv" ] || { echo "stub: \$out already holds a run" >&2; exit 2; }
	cp -R "\$STUB_NEW" "\$out"
	exit "\${STUB_RC:-0}"
	EOF2
	chmod +x stub
	export SPAWNCOST="$SCRATCH/stub"
}

# Run folder $1 made from $2 with cell $3 (method) at 0 MiB in error, as a
# run whose cell failed leaves it: no figures, no windows.
error_cell() {
	cp -R "$2" "$1"
	awk -F, -v OFS=, -v m="$3" 'FNR == 1 { print }'"$BY_NAME"'
		field("method") == m && field("rss_mib") == 0 {
			set("iterations", 0)
			set("median_us", "")
			set("ci_lo_us", "")
			set("ci_hi_us", "")
			set("error", "ENOEXEC: exec of the target failed")
		}
		{ print }' "$2/summary.csv" > "$1/summary.csv"
	awk -F, -v OFS=, -v m="$3" 'FNR == 1 { print }'"$BY_NAME"'
		!(field("method") == m && field("rss_mib") == 0)' "$2/windows.csv" > "$1/windows.csv"
}

@test "a commit like GOOD is good (0), one like BAD is bad (1), each cell saying why" {
	stub_sc
	STUB_NEW="$STEP/run-02" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"bisect: fork-exit/rss_mib:16/thp:off/pin:same/ballast:anon/vmas:1: good (NEW/GOOD in ["* ]]
	[[ "$stderr" == *": like GOOD" ]]
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bisect: fork-exit/rss_mib:16/thp:off/pin:same/ballast:anon/vmas:1: bad (NEW/GOOD in ["* ]]
	[[ "$stderr" == *": like BAD" ]]
}

@test "a measurement that failed is skipped (125), never judged; one spawncost refuses stops the bisection (128)" {
	stub_sc
	STUB_NEW="$STEP/run-12" STUB_RC=1 run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *": a cell ended in an error (skipped): see "*"/summary.csv" ]]
	STUB_NEW="$STEP/run-12" STUB_RC=2 run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 128 ]
	[[ "$stderr" == *"bisect: spawncost run refused its arguments (--run --profile quick)" ]]
}

@test "a commit whose measured cell failed is skipped (125), even where its run said 0" {
	stub_sc
	error_cell new "$STEP/run-12" fork-exit
	STUB_NEW=new run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true \
		--cell fork-exit/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"fork-exit/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1: unknown (NEW/GOOD in [null, null]"* ]]
}

@test "an end with a cell in error: that cell is not judged" {
	stub_sc
	error_cell bad "$STEP/run-11" vfork-exit
	# it would have called every commit good, or none
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad bad --build true
	[ "$status" -eq 1 ]
	refute grep -q 'vfork-exit/rss_mib:0/.*: good' <<< "$stderr"
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad bad --build true \
		--cell vfork-exit/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: --cell vfork-exit/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1: BAD/GOOD has no interval (an error, or too few windows, at an end)" ]
}

@test "--run with a quote left open stops the bisection (128) with one line, before any build" {
	stub_sc
	run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build 'touch built' \
		--run "-m 'fork-exec"
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: --run -m 'fork-exec: not shell words (a quote left open?)" ]
	[ ! -e built ]
	run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --run '-m fork-exec -ox'
	[ "$status" -eq 128 ]
	[ "$stderr" = "bisect: --run: leave out -o (the script says where each run goes)" ]
}

@test "ends compare refuses: one line naming them and compare's reason, status 128" {
	cp -R "$STEP/run-01" good
	echo emulated=yes >> good/env.txt
	run --separate-stderr "$BISECT" --good good --bad "$STEP/run-11"
	[ "$status" -eq 128 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == "bisect: spawncost compare good $STEP/run-11: "*"emulated under QEMU TCG"* ]]
}

@test "--out: a commit measured before keeps that run, and the new one goes beside it" {
	command -v git || skip "no git"
	stub_sc
	make_repo
	local head
	head=$(git -C repo rev-parse --short HEAD)
	mkdir -p "out dir/$head"
	cp "$STEP/run-02/summary.csv" "out dir/$head/"
	cd repo
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" \
		--build true --out "../out dir"
	cd ..
	[ "$status" -eq 1 ]
	cmp "$STEP/run-02/summary.csv" "out dir/$head/summary.csv"
	cmp "$STEP/run-12/summary.csv" "out dir/$head-2/summary.csv"
}

# Run folder $1: $2's, but for method $4, whose rows are $3's.
mixed() {
	mkdir "$1"
	cp "$2/env.txt" "$2/meta.json" "$1/"
	for f in summary.csv windows.csv; do
		awk -F, -v OFS=, -v m="$4" 'NR == 1 { print }'"$BY_NAME"'
			FILENAME == ARGV[1] && id == "" { id = field("run_id") }
			FILENAME == ARGV[1] && field("method") != m { print }
			FILENAME == ARGV[2] && field("method") == m { set("run_id", id); print }' \
			"$2/$f" "$3/$f" > "$1/$f"
	done
}

@test "judged cells that disagree cannot tell (125)" {
	stub_sc
	mixed new "$STEP/run-02" "$STEP/run-12" fork-exec
	STUB_NEW=new run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"bisect: fork-exec/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1: bad ("* ]]
	[[ "$stderr" == *"bisect: fork-exit/rss_mib:0/thp:off/pin:same/ballast:anon/vmas:1: good ("* ]]
	[[ "$stderr" == *": cannot tell (skipped)" ]]
}

@test "a step that made BAD cheaper: a commit like GOOD is good, one like BAD is bad" {
	stub_sc
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-11" --bad "$STEP/run-01" --build true
	[ "$status" -eq 0 ]
	STUB_NEW="$STEP/run-02" run --separate-stderr "$BISECT" --good "$STEP/run-11" --bad "$STEP/run-01" --build true
	[ "$status" -eq 1 ]
}

@test "under a decimal-comma locale, the same verdicts from the same figures" {
	stub_sc
	comma_locale
	local c_err
	STUB_NEW="$STEP/run-12" run --separate-stderr "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 1 ]
	c_err=$(grep -v 'measuring' <<< "$stderr")
	STUB_NEW="$STEP/run-12" run --separate-stderr comma "$BISECT" --good "$STEP/run-01" --bad "$STEP/run-11" --build true
	[ "$status" -eq 1 ]
	[ "$(grep -v 'measuring' <<< "$stderr")" = "$c_err" ]
}
