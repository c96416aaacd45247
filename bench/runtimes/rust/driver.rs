//! spawncost's Rust driver: spawn the no-op from a heap of MIB MiB.
//!
//! usage: driver NOOP MIB COUNT SECONDS API
//! API: command (std::process::Command::new(noop).status()).
//! The protocol is in bench/runtimes/README.md; stdout carries only it.
//! The Makefile sets SPAWNCOST_RUSTC_VERSION to `rustc --version` at build
//! time: a compiled program cannot ask its compiler.

use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::process::{self, Command};
use std::time::{Duration, Instant};

const MAX_MIB: f64 = 1048576.0; // 1 TiB
const MAX_COUNT: u64 = 1_000_000_000;
const MAX_SECONDS: f64 = 1e6;
const WARMUP: usize = 5;
const MIN_TIMED: usize = 30; // a time limit never stops a window with fewer samples
const PAGE: usize = 4096;

/// `error <why>` on stdout, and exit with status.
fn quit(status: i32, why: std::fmt::Arguments) -> ! {
    let mut out = io::stdout().lock();
    // nothing more can be said if stdout is gone
    let _ = writeln!(out, "error {}", why);
    let _ = out.flush();
    process::exit(status);
}

macro_rules! fail {
    ($status:expr, $($why:tt)*) => {
        quit($status, format_args!($($why)*))
    };
}

struct Args {
    noop: String,
    bytes: usize,
    count: u64,
    limit: Duration,
}

fn decimal(s: &str) -> Option<f64> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !frac.map_or(true, digits) {
        return None;
    }
    s.parse().ok()
}

fn parse(argv: &[String]) -> Args {
    if argv.len() != 5 {
        fail!(
            2,
            "usage: driver NOOP MIB COUNT SECONDS API (got {} arguments)",
            argv.len()
        );
    }
    let noop = &argv[0];
    if !noop.starts_with('/') {
        fail!(2, "NOOP {}: not an absolute path", noop);
    }
    match fs::metadata(noop) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fail!(2, "NOOP {}: no such file", noop)
        }
        Ok(m) if m.is_file() && m.permissions().mode() & 0o111 != 0 => {}
        _ => fail!(2, "NOOP {}: not an executable file", noop),
    }
    let mib = decimal(&argv[1])
        .filter(|&m| m <= MAX_MIB)
        .unwrap_or_else(|| {
            fail!(
                2,
                "MIB {}: not a decimal number of MiB from 0 to {}",
                argv[1],
                MAX_MIB
            )
        });
    let count = match argv[2].parse::<u64>() {
        Ok(n) if (1..=MAX_COUNT).contains(&n) && !argv[2].starts_with('+') => n,
        _ => fail!(
            2,
            "COUNT {}: not a whole number from 1 to {}",
            argv[2],
            MAX_COUNT
        ),
    };
    let seconds = decimal(&argv[3])
        .filter(|&s| s <= MAX_SECONDS)
        .unwrap_or_else(|| {
            fail!(
                2,
                "SECONDS {}: not a decimal number of seconds from 0 to {}",
                argv[3],
                MAX_SECONDS
            )
        });
    if argv[4] != "command" {
        fail!(2, "API {}: not one of command", argv[4]);
    }
    Args {
        noop: noop.clone(),
        bytes: (mib * 1024.0 * 1024.0) as usize,
        count,
        limit: Duration::from_secs_f64(seconds),
    }
}

/// MemTotal from /proc/meminfo in bytes; u64::MAX when unknown.
fn mem_total() -> u64 {
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(u64::MAX, |kib| kib * 1024)
}

/// The ballast: a Vec<u8> on Rust's heap, one byte written in every page.
/// More than the machine's memory is refused first: where the kernel
/// overcommits, the allocation would succeed and the OOM killer come.
fn ballast(bytes: usize) -> Vec<u8> {
    if bytes as u64 > mem_total() {
        fail!(
            1,
            "ENOMEM: cannot allocate a ballast of {} bytes (more than this machine's memory)",
            bytes
        );
    }
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(bytes).is_err() {
        fail!(1, "ENOMEM: cannot allocate a ballast of {} bytes", bytes);
    }
    v.resize(bytes, 0);
    for i in (0..bytes).step_by(PAGE) {
        // volatile, so that stores to a buffer never read are not elided
        unsafe { std::ptr::write_volatile(v.as_mut_ptr().add(i), 1) };
    }
    v
}

/// One round trip: Command::status() spawns (stdio inherited) and waits.
fn once(noop: &str) {
    match Command::new(noop).status() {
        Ok(s) if s.success() => {}
        Ok(s) => match (s.code(), s.signal()) {
            (Some(code), _) => fail!(1, "{}: exit status {}", noop, code),
            (_, Some(sig)) => fail!(1, "{}: killed by signal {}", noop, sig),
            _ => fail!(1, "{}: {}", noop, s),
        },
        Err(e) => fail!(1, "Command::new({}).status(): {}", noop, e),
    }
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let a = parse(&argv);
    let heap = ballast(a.bytes);
    let mut out = io::stdout().lock();
    let version = option_env!("SPAWNCOST_RUSTC_VERSION").unwrap_or("rustc (version not recorded)");
    writeln!(out, "version {}", version.trim()).unwrap_or_else(|_| process::exit(1));

    for _ in 0..WARMUP {
        once(&a.noop);
    }
    writeln!(out, "ready")
        .and_then(|_| out.flush())
        .unwrap_or_else(|_| process::exit(1));
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line).is_err() || line.trim_end_matches('\n') != "go" {
        return;
    }

    let mut samples: Vec<u64> = Vec::with_capacity(a.count.min(1 << 16) as usize);
    let mut first = None;
    for _ in 0..a.count {
        let t0 = Instant::now();
        once(&a.noop);
        let t1 = Instant::now();
        samples.push((t1 - t0).as_nanos() as u64);
        let start = *first.get_or_insert(t0);
        if !a.limit.is_zero() && samples.len() >= MIN_TIMED && t1 - start >= a.limit {
            break;
        }
    }

    let mut w = BufWriter::new(out);
    let written = samples
        .iter()
        .try_for_each(|ns| writeln!(w, "{}", ns))
        .and_then(|_| writeln!(w, "done"))
        .and_then(|_| w.flush());
    drop(heap); // alive until the samples are out
    if written.is_err() {
        process::exit(1);
    }
}
