#!/usr/bin/env perl
# spawncost's Perl driver: spawn the no-op from a heap of MIB MiB.
#
# usage: perl driver.pl NOOP MIB COUNT SECONDS API
# API: system (system { $noop } $noop: the list form with an indirect
#      object, which never goes through a shell).
# The protocol is in bench/runtimes/README.md; stdout carries only it.
use strict;
use warnings;
use Errno ();
use IO::Handle;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

my @APIS = qw(system);
my $DECIMAL = qr/\A[0-9]+(?:\.[0-9]+)?\z/a;
my $WHOLE = qr/\A[0-9]+\z/a;
my $MAX_MIB = 1024 * 1024;    # 1 TiB
my $MAX_COUNT = 1_000_000_000;
my $MAX_SECONDS = 1_000_000;
my $WARMUP = 5;
my $MIN_TIMED = 30;    # a time limit never stops a window with fewer samples
my $PAGE = 4096;

sub fail {
    my ($status, $why) = @_;
    print "error $why\n";
    STDOUT->flush;
    exit $status;
}

sub parse {
    my @argv = @_;
    fail(2, "usage: driver.pl NOOP MIB COUNT SECONDS API (got ${\ scalar @argv} arguments)")
        unless @argv == 5;
    my ($noop, $mib, $count, $seconds, $api) = @argv;
    fail(2, "NOOP $noop: not an absolute path") unless $noop =~ m{\A/};
    fail(2, "NOOP $noop: no such file") unless -e $noop;
    fail(2, "NOOP $noop: not an executable file") unless -f _ && -x _;
    fail(2, "MIB $mib: not a decimal number of MiB from 0 to $MAX_MIB")
        unless $mib =~ $DECIMAL && $mib <= $MAX_MIB;
    # at most 10 digits, so that the number is exact before it is compared
    fail(2, "COUNT $count: not a whole number from 1 to $MAX_COUNT")
        unless $count =~ $WHOLE && length $count <= 10 && $count >= 1 && $count <= $MAX_COUNT;
    fail(2, "SECONDS $seconds: not a decimal number of seconds from 0 to $MAX_SECONDS")
        unless $seconds =~ $DECIMAL && $seconds <= $MAX_SECONDS;
    fail(2, "API $api: not one of @APIS") unless grep { $_ eq $api } @APIS;
    return ($noop, int($mib * 1024 * 1024), $count + 0, $seconds * 1e9);
}

# The ballast: a Perl string, one byte written in every page. Perl
# cannot recover from failing to allocate it: /proc/meminfo is asked first.
sub ballast {
    my ($bytes) = @_;
    if (open my $mi, '<', '/proc/meminfo') {
        my ($kib) = map { /\AMemTotal:\s+(\d+)/ ? $1 : () } <$mi>;
        fail(1, "ENOMEM: cannot allocate a ballast of $bytes bytes (more than this machine's memory)")
            if defined $kib && $bytes > $kib * 1024;
    }
    my $heap = "\0" x $bytes;
    for (my $i = 0; $i < $bytes; $i += $PAGE) {
        vec($heap, $i, 8) = 1;
    }
    return \$heap;
}

# The name of errno, e.g. ENOENT.
sub errno_name {
    my ($name) = grep { $!{$_} } keys %!;
    return $name // 'errno ' . ($! + 0);
}

# One round trip. $? is -1 when the program could not be run, else its
# wait status.
sub once {
    my ($noop) = @_;
    system { $noop } $noop;
    return if $? == 0;
    fail(1, errno_name() . ": system failed ($!)") if $? == -1;
    fail(1, "$noop: killed by signal " . ($? & 127)) if $? & 127;
    fail(1, "$noop: exit status " . ($? >> 8));
}

sub now { clock_gettime(CLOCK_MONOTONIC) }

my ($noop, $bytes, $count, $limit_ns) = parse(@ARGV);
my $heap = ballast($bytes);
printf "version perl %vd\n", $^V;

once($noop) for 1 .. $WARMUP;
print "ready\n";
STDOUT->flush;
my $line = <STDIN>;
exit 0 unless defined $line && $line =~ /\Ago\n?\z/;

# Time::HiRes gives seconds as a double: at a few weeks of uptime that is
# still well under a nanosecond's resolution.
my @samples;
my $first;
for (1 .. $count) {
    my $t0 = now();
    once($noop);
    my $t1 = now();
    push @samples, int(($t1 - $t0) * 1e9 + 0.5);
    $first //= $t0;
    last if $limit_ns > 0 && @samples >= $MIN_TIMED && ($t1 - $first) * 1e9 >= $limit_ns;
}

print map({ "$_\n" } @samples), "done\n";
STDOUT->flush;
undef $heap;    # alive until the samples are out
