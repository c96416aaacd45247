#!/usr/bin/env bats
# Bad input: one line on stderr naming the problem, exit 2, nothing written.
load helpers

@test "no command"                 { expect_bad "no command given" ; }
@test "unknown command"            { expect_bad "unknown command 'frob'" frob; }
@test "unknown option"             { expect_bad "unknown option" run --frob; }
@test "stray argument"             { expect_bad "unexpected argument" run extra; }
@test "option without its value"   { expect_bad "needs a value" run -n; }
@test "unknown method"             { expect_bad "unknown method 'spoon'" run -m fork-exit,spoon; }
@test "empty method list"          { expect_bad "empty item" run -m ""; }
@test "method named twice"         { expect_bad "named twice" run -m fork-exit,fork-exit; }
@test "non-numeric iterations"     { expect_bad "'ten' is not a whole number" run -n ten; }
@test "negative iterations"        { expect_bad "'-5' is not a whole number" run -n -5; }
@test "zero iterations"            { expect_bad "too small" run -n 0; }
@test "overflowing iterations"     { expect_bad "too large" run -n 99999999999999999999999; }
@test "non-numeric rss"            { expect_bad "not a whole number" run -r 0,lots; }
@test "negative rss"               { expect_bad "not a whole number" run -r -64; }
@test "overflowing rss"            { expect_bad "too large" run -r 18446744073709551616; }
@test "empty rss item"             { expect_bad "empty item" run -r 0,,64; }
@test "rss too large for memory"   { expect_bad "does not fit" run -r 4000000; }
@test "bad thp"                    { expect_bad "--thp" run --thp maybe; }
@test "bad min-time"               { expect_bad "not a number" run --min-time soon; }
@test "zero min-time"              { expect_bad "too small" run --min-time 0; }
@test "both -n and --min-time"     { expect_bad "a fixed count takes no" run -n 30 --min-time 1; }
@test "max-time below min-time"    { expect_bad "shorter than --min-time" run --min-time 2 --max-time 1; }
@test "precision out of range"     { expect_bad "too large" run --precision 101; }
@test "unknown profile"            { expect_bad "unknown profile 'huge'" run --profile huge; }
@test "missing target"             { expect_bad "No such file" run --target /nonexistent/noop; }
@test "non-executable target"      { : > plain; chmod -x plain; mv plain ../plain-$$;
                                     expect_bad "not an executable file" run --target ../plain-$$;
                                     rm -f ../plain-$$; }
@test "target is a folder"         { expect_bad "not an executable file" run --target /tmp; }
@test "output under a file"        { expect_bad "cannot write" run -m vfork-exit -n 30 -r 0 -o /dev/null/out; }
@test "output is a file"           { expect_bad "not a folder" run -m vfork-exit -n 30 -r 0 -o /etc/hostname; }
@test "list takes no arguments"    { expect_bad "takes no arguments" list extra; }
@test "unknown clone flag"         { expect_bad "unknown flag 'BOGUS'" run --clone-flags VM,BOGUS; }
@test "clone flag named twice"     { expect_bad "named twice" run --clone-flags VM,VM; }
@test "--then without flags"       { expect_bad "goes with --clone-flags" run --then exec; }
@test "--then unknown"             { expect_bad "expected exit or exec" run --clone-flags VM --then fly; }
@test "exec from a thread"         { expect_bad "would replace spawncost" run --clone-flags VM,SIGHAND,THREAD --then exec; }
@test "clone-custom without flags" { expect_bad "needs --clone-flags" run -m clone-custom; }
@test "unknown ballast kind"       { expect_bad "unknown kind 'lead'" run --ballast anon,lead; }
@test "zero vmas"                  { expect_bad "too small" run --vmas 0; }
@test "too many vmas"              { expect_bad "too large" run --vmas 99999999; }
@test "binary garbage method"      { expect_bad "unknown method" run -m "$(printf '\001\377\376')"; }
@test "zero rounds"                { expect_bad "too small" run --rounds 0; }
@test "unknown pin policy"         { expect_bad "expected none, same, smt, core or numa" run --pin wherever; }
@test "a CPU this process may not use" { expect_bad "not one this process may use" run --cpus 1000; }
@test "the same CPU twice"         { expect_bad "named twice" run --cpus 0,0; }
