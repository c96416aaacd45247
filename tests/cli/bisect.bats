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
