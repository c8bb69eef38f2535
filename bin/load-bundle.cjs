'use strict';
// Loads dist/bundle/pgready.cjs (all of pgready in one script, scripts/bundle.mjs) with V8's code
// cache: the bytecode of every function a training run compiled, made at build time
// (`node bin/load-bundle.cjs --train`). Without it each run parses and compiles the functions it
// calls anew, on every thread: about 0.1 s of a cold standard-library audit and 25 ms of a warm one
// (README, Performance). The cache is only an accelerator: when it is missing, was made from
// another build of the script, or V8 rejects it (another Node version, other V8 flags), the script
// is compiled from its source as usual.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');
const { isMainThread } = require('node:worker_threads');
const zlib = require('node:zlib');

// Node's own modules that every run loads, loaded before the flags below are set: Node compiles its
// modules from a code cache of its own, made under V8's default flags, which V8 rejects once a flag
// has changed; each module loaded after that was compiled from source and its cache made again
// (these seven and what they load: 8 ms before the flags, 20-24 ms after). The bundle loads them
// at its top level anyway. bin/pgready.cjs makes process.stdout and stderr (net, tty) before this.
for (const name of ['crypto', 'fs/promises', 'os', 'tty', 'net', 'assert', 'perf_hooks']) require(`node:${name}`);

// Before any of pgready is compiled, and so also when the cache is made: V8 rejects a cache made
// under other flags. Worker threads share them. README, Performance, has the measurements.
// - TurboFan's inlining spent about 1 s of CPU a thread on the analyzer's large visitor functions,
//   beside the analysis on a 2-core machine; without it audit takes about 12 % less wall time and
//   15 % less CPU.
// - The old generation grows by a quarter between full collections, not by V8's factor of up to 4:
//   while the rules run, every scavenge promotes the file at hand (its facts, their tokens), and
//   on 16,000 files the heap grew from 100 to 270 MB of mostly garbage between two collections
//   (peak 418-422 MB; with this flag 336-339 MB, in the same time).
// - A function is optimized after about 3 times as much of its bytecode ran as V8's default (67,584):
//   on a standard-library audit V8's compiler threads took about 0.4 s of CPU, optimizing ~190
//   functions, beside a main thread of 0.7 s and the reader's pool on the same two cores. The
//   standard library: median 0.80 -> 0.71 s, CPU 1.2 -> 1.0 s; ten copies 5.9-6.5 -> 5.3-5.4 s;
//   32,000 dense files the same (37.9 s against 37.8 s). 500,000 did as well on the standard
//   library but cost those 32,000 files 8 % (40.2-40.9 s) (README, Performance).
setFlagsFromString('--no-turbo-inlining');
setFlagsFromString('--heap-growing-percent=25');
setFlagsFromString('--interrupt-budget=200000');

const BUNDLE_DIR = path.join(__dirname, '..', 'dist', 'bundle');
const SCRIPT = 'pgready.cjs';
const CACHE = 'pgready.v8cache';
/** The cache file: this magic, the script's length and CRC-32 (little-endian), then V8's data. */
const MAGIC = Buffer.from('pgready-v8cache\n');
const HEADER = MAGIC.length + 8;

function stamp(source) {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(Buffer.byteLength(source) >>> 0, MAGIC.length);
  header.writeUInt32LE(zlib.crc32(source) >>> 0, MAGIC.length + 4);
  return header;
}

/** V8's data when the cache file was made from this very source; why not otherwise. */
function readCache(dir, source) {
  let file;
  try {
    file = fs.readFileSync(path.join(dir, CACHE));
  } catch {
    return { status: 'missing' };
  }
  if (file.length <= HEADER || !file.subarray(0, HEADER).equals(stamp(source))) return { status: 'stale' };
  return { status: 'accepted', cachedData: file.subarray(HEADER) };
}

/**
 * Compiles and runs the bundle in `dir`; returns its exports and whether the code cache was used
 * ('accepted'; 'missing', 'stale' or 'rejected' when the script was compiled from source).
 * PGREADY_DEBUG_CODE_CACHE=1 prints that status on stderr (worker threads load their own script,
 * dist/bundle/worker.cjs, without a cache).
 */
function loadBundle(dir = BUNDLE_DIR, options = {}) {
  const filename = path.join(dir, SCRIPT);
  const source = fs.readFileSync(filename, 'utf8');
  const cache = options.cache === false ? { status: 'missing' } : readCache(dir, source);
  const script = new vm.Script(Module.wrap(source), { filename, cachedData: cache.cachedData });
  const status = cache.cachedData && script.cachedDataRejected ? 'rejected' : cache.status;
  if (process.env.PGREADY_DEBUG_CODE_CACHE) process.stderr.write(`pgready code cache: ${status} (${isMainThread ? 'main' : 'worker'} thread)\n`);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(filename), module, filename, dir);
  return { exports: module.exports, status, script, source };
}

/**
 * Makes the code cache: audits the demo project cold, again (the stored report printed again) and
 * in the terminal format (warm per-file caches); every function those runs compile is in it: the
 * prefilter, the analyzer, the rules, the caches, the reporters. Then writes the cache beside the
 * bundle, atomically. Only pgready's own code is in it; dependencies loaded with require()
 * (ts-morph, PGlite) compile as usual.
 */
async function train(dir = BUNDLE_DIR) {
  const { exports, script, source } = loadBundle(dir, { cache: false });
  const project = path.join(__dirname, '..', 'fixtures', 'legacy-trading');
  const cacheDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'pgready-train-'));
  try {
    // the audits' verdict (exit 1: the project has findings) is not the training's
    for (const format of ['json', 'json', 'pretty']) await exports.main(['audit', project, '--cache-dir', cacheDir, '--format', format], { verdict() {} });
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  const target = path.join(dir, CACHE);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([stamp(source), script.createCachedData()]));
  fs.renameSync(tmp, target);
}

module.exports = { loadBundle, train };

if (require.main === module && process.argv[2] === '--train') {
  train(process.argv[3]).catch((e) => {
    process.stderr.write(`pgready: the code cache was not made: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}
