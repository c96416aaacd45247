#!/usr/bin/env node
// spawncost's Node driver: spawn the no-op from a heap of MIB MiB.
//
// usage: node driver.js NOOP MIB COUNT SECONDS API
// API: spawnsync (child_process.spawnSync(noop)) or spawn
//      (child_process.spawn(noop), awaited until its 'exit', one at a time).
// The protocol is in bench/runtimes/README.md; stdout carries only it.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const readline = require('readline');

const APIS = ['spawnsync', 'spawn'];
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const WHOLE = /^[0-9]+$/;
const MAX_MIB = 1024 * 1024; // 1 TiB
const MAX_COUNT = 1e9;
const MAX_SECONDS = 1e6;
const WARMUP = 5;
const MIN_TIMED = 30; // a time limit never stops a window with fewer samples
const PAGE = 4096;

class RoundTripFailed extends Error {}

// Writes to a pipe or a file are synchronous in Node on Linux, so
// nothing is lost to process.exit.
function fail(status, why) {
  process.stdout.write(`error ${why}\n`);
  process.exit(status);
}

function parse(argv) {
  if (argv.length !== 5) {
    fail(2, `usage: driver.js NOOP MIB COUNT SECONDS API (got ${argv.length} arguments)`);
  }
  const [noop, mib, count, seconds, api] = argv;
  if (!noop.startsWith('/')) fail(2, `NOOP ${noop}: not an absolute path`);
  if (!fs.existsSync(noop)) fail(2, `NOOP ${noop}: no such file`);
  try {
    fs.accessSync(noop, fs.constants.X_OK);
    if (!fs.statSync(noop).isFile()) throw new Error('not a file');
  } catch {
    fail(2, `NOOP ${noop}: not an executable file`);
  }
  if (!DECIMAL.test(mib) || Number(mib) > MAX_MIB) {
    fail(2, `MIB ${mib}: not a decimal number of MiB from 0 to ${MAX_MIB}`);
  }
  if (!WHOLE.test(count) || Number(count) < 1 || Number(count) > MAX_COUNT) {
    fail(2, `COUNT ${count}: not a whole number from 1 to ${MAX_COUNT}`);
  }
  if (!DECIMAL.test(seconds) || Number(seconds) > MAX_SECONDS) {
    fail(2, `SECONDS ${seconds}: not a decimal number of seconds from 0 to ${MAX_SECONDS}`);
  }
  if (!APIS.includes(api)) fail(2, `API ${api}: not one of ${APIS.join(', ')}`);
  return {
    noop,
    bytes: Math.floor(Number(mib) * 1024 * 1024),
    count: Number(count),
    limitNs: BigInt(Math.round(Number(seconds) * 1e9)),
    api,
  };
}

// The ballast: a Buffer (memory Node allocates outside V8's object heap
// for binary data), one byte written in every page.
// More than the machine's memory is refused first: where the kernel
// overcommits, the allocation would succeed and the OOM killer come.
function ballast(bytes) {
  if (bytes > os.totalmem()) {
    fail(1, `ENOMEM: cannot allocate a ballast of ${bytes} bytes (more than this machine's memory)`);
  }
  let buf;
  try {
    buf = Buffer.alloc(bytes);
  } catch (e) {
    fail(1, `ENOMEM: cannot allocate a ballast of ${bytes} bytes (${e.message})`);
  }
  for (let i = 0; i < bytes; i += PAGE) buf[i] = 1;
  return buf;
}

function checkExit(noop, code, signal) {
  if (signal !== null) {
    const number = os.constants.signals[signal] ?? signal;
    throw new RoundTripFailed(`${noop}: killed by signal ${number}`);
  }
  if (code !== 0) throw new RoundTripFailed(`${noop}: exit status ${code}`);
}

// One round trip with spawnSync: it spawns and waits (stdio piped, the
// default), and reports a failed spawn in .error.
function spawnSyncOnce(noop) {
  const r = childProcess.spawnSync(noop);
  if (r.error) throw new RoundTripFailed(`${r.error.code}: spawnSync failed`);
  checkExit(noop, r.status, r.signal);
}

// One round trip with spawn: a Promise settled by the child's 'exit'.
function spawnOnce(noop) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(noop);
    child.on('error', (e) => reject(new RoundTripFailed(`${e.code}: spawn failed`)));
    child.on('exit', (code, signal) => {
      try {
        checkExit(noop, code, signal);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
}

// The first line of stdin, or null when it closes first.
function firstLine() {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin });
    let line = null;
    rl.once('line', (l) => {
      line = l;
      rl.close();
    });
    rl.once('close', () => resolve(line));
  });
}

async function main() {
  const a = parse(process.argv.slice(2));
  const heap = ballast(a.bytes);
  process.stdout.write(`version node ${process.version}\n`);
  const once = a.api === 'spawnsync' ? spawnSyncOnce : spawnOnce;

  for (let i = 0; i < WARMUP; i++) await once(a.noop);
  process.stdout.write('ready\n');
  const line = await firstLine();
  process.stdin.destroy(); // or it would keep the process alive
  if (line !== 'go') return;

  const samples = [];
  let first = null;
  for (let i = 0; i < a.count; i++) {
    const t0 = process.hrtime.bigint();
    await once(a.noop);
    const t1 = process.hrtime.bigint();
    samples.push(t1 - t0);
    if (first === null) first = t0;
    if (a.limitNs > 0n && samples.length >= MIN_TIMED && t1 - first >= a.limitNs) break;
  }

  process.stdout.write(`${samples.join('\n')}\ndone\n`);
  heap[0] = heap.length ? 1 : 0; // alive until the samples are out
}

main().catch((e) => {
  if (e instanceof RoundTripFailed) fail(1, e.message);
  throw e;
});
