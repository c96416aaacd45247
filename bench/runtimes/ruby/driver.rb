#!/usr/bin/env ruby
# frozen_string_literal: true

# spawncost's Ruby driver: spawn the no-op from a heap of MIB MiB.
#
# usage: ruby driver.rb NOOP MIB COUNT SECONDS API
# API: system (Kernel#system of [noop, noop]: the exec form, never a shell).
# The protocol is in bench/runtimes/README.md; stdout carries only it.

APIS = %w[system].freeze
DECIMAL = /\A[0-9]+(\.[0-9]+)?\z/.freeze
WHOLE = /\A[0-9]+\z/.freeze
MAX_MIB = 1024 * 1024 # 1 TiB
MAX_COUNT = 1_000_000_000
MAX_SECONDS = 1_000_000
WARMUP = 5
MIN_TIMED = 30 # a time limit never stops a window with fewer samples
PAGE = 4096

def fail(status, why)
  $stdout.puts "error #{why}"
  $stdout.flush
  exit status
end

def parse(argv)
  fail 2, "usage: driver.rb NOOP MIB COUNT SECONDS API (got #{argv.size} arguments)" unless argv.size == 5
  noop, mib, count, seconds, api = argv
  fail 2, "NOOP #{noop}: not an absolute path" unless noop.start_with?('/')
  fail 2, "NOOP #{noop}: no such file" unless File.exist?(noop)
  fail 2, "NOOP #{noop}: not an executable file" unless File.file?(noop) && File.executable?(noop)
  unless DECIMAL.match?(mib) && mib.to_f <= MAX_MIB
    fail 2, "MIB #{mib}: not a decimal number of MiB from 0 to #{MAX_MIB}"
  end
  unless WHOLE.match?(count) && (1..MAX_COUNT).cover?(count.to_i)
    fail 2, "COUNT #{count}: not a whole number from 1 to #{MAX_COUNT}"
  end
  unless DECIMAL.match?(seconds) && seconds.to_f <= MAX_SECONDS
    fail 2, "SECONDS #{seconds}: not a decimal number of seconds from 0 to #{MAX_SECONDS}"
  end
  fail 2, "API #{api}: not one of #{APIS.join(', ')}" unless APIS.include?(api)
  [noop, (mib.to_f * 1024 * 1024).to_i, count.to_i, (seconds.to_f * 1e9).to_i]
end

# MemTotal from /proc/meminfo in bytes; infinite when unknown.
def mem_total
  kib = File.foreach('/proc/meminfo').lazy.map { |l| l[/\AMemTotal:\s+(\d+)/, 1] }.find(&:itself)
  kib ? kib.to_i * 1024 : Float::INFINITY
rescue SystemCallError
  Float::INFINITY
end

# The ballast: a binary String on Ruby's heap, one byte written in every page.
# More than the machine's memory is refused first: where the kernel
# overcommits, the allocation would succeed and the OOM killer come.
def ballast(bytes)
  if bytes > mem_total
    fail 1, "ENOMEM: cannot allocate a ballast of #{bytes} bytes (more than this machine's memory)"
  end
  heap = "\0".b * bytes
  (0...bytes).step(PAGE) { |i| heap.setbyte(i, 1) }
  heap
rescue NoMemoryError => e
  fail 1, "ENOMEM: cannot allocate a ballast of #{bytes} bytes (#{e.message})"
end

# One round trip: system with [command, argv0] runs the program itself,
# whatever its name; true on exit 0, false on another status, nil when
# it could not be run.
def once(noop)
  ok = system([noop, noop])
  return if ok

  fail 1, "system(#{noop}) could not run it" if ok.nil?
  st = $?
  fail 1, "#{noop}: #{st.signaled? ? "killed by signal #{st.termsig}" : "exit status #{st.exitstatus}"}"
end

def now
  Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
end

noop, bytes, count, limit_ns = parse(ARGV)
heap = ballast(bytes)
$stdout.puts "version ruby #{RUBY_VERSION}"

WARMUP.times { once(noop) }
$stdout.puts 'ready'
$stdout.flush
exit 0 unless $stdin.gets&.chomp == 'go'

samples = []
first = nil
count.times do
  t0 = now
  once(noop)
  t1 = now
  samples << (t1 - t0)
  first ||= t0
  break if limit_ns.positive? && samples.size >= MIN_TIMED && t1 - first >= limit_ns
end

$stdout.write(samples.join("\n"), "\ndone\n")
$stdout.flush
heap.clear # alive until the samples are out
