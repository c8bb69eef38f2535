/*
 * `npm run bench`: wall time, throughput and peak memory of `pgready audit` on two corpora:
 * - stdlib: the .py files of the machine's python3 standard library (site-packages left out): sparse;
 *           and ten copies of it (a large project with little SQLite);
 * - dense:  fixtures/legacy-trading copied into numbered directories until it holds 2,000+ files,
 *           a copy twice that size (linearity) and copies 4, 8 and 16 times that size (memory as the corpus
 *           grows): every file full of SQLite usage.
 * For each: cold (empty cache), warm (cache filled, nothing changed) and --no-prefilter runs; the
 * median of N runs after one warm-up. On the dense corpus and its 16x copy, also `changed`: the
 * warm cache with one file edited (another edit each run), as a CI run over a branch sees it. Options: --runs N (default 5), --slow-runs N for the
 * --no-prefilter runs and the stdlib 10x, dense 4x, 8x and 16x corpora (cold and warm only; default: --runs; 0 skips them),
 * --jobs N, --only stdlib|dense, --huge (adds a dense corpus of 64,000 files, cold and warm: about 2.5
 * minutes a cold run, so not by default). Where ripgrep (rg) is installed, it runs over each corpus too (a
 * row of the table) and a note gives pgready's cold and warm times as multiples of its time. A note
 * gives Node's own start-up (`node -e 0`); where NODE_EXTRA_CA_CERTS is set (Node then reads those
 * certificates as it starts, before any script runs), that start-up without it too, and the standard
 * library's cold row gets a twin run without it, the two interleaved.
 * Run after a build: `npm run bench` (= npm run build && node dist/bench/run.js).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repo, 'bin/pgready.cjs');
const work = join(tmpdir(), 'pgready-bench');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const RUNS = Number(arg('runs') ?? 5);
const SLOW_RUNS = Number(arg('slow-runs') ?? RUNS);
const JOBS = arg('jobs');
const ONLY = arg('only');
const HUGE = process.argv.includes('--huge');

interface Corpus {
  name: string;
  dir: string;
  files: number;
  bytes: number;
  lines: number;
}

function walk(dir: string, out: string[] = [], rel = ''): string[] {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (name === '.pgready-cache' || name === '__pycache__') continue;
    const st = statSync(join(dir, r));
    if (st.isDirectory()) walk(dir, out, r);
    else out.push(r);
  }
  return out;
}

function measure(name: string, dir: string): Corpus {
  let bytes = 0;
  let lines = 0;
  const files = walk(dir);
  for (const f of files) {
    const b = readFileSync(join(dir, f));
    bytes += b.length;
    for (const c of b) if (c === 10) lines++;
  }
  return { name, dir, files: files.length, bytes, lines };
}

function stdlibCorpus(): Corpus | undefined {
  const r = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
  const stdlib = r.stdout?.trim();
  if (!stdlib || !existsSync(stdlib)) return undefined;
  const dir = join(work, 'stdlib');
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    const copy = (rel: string): void => {
      for (const name of readdirSync(join(stdlib, rel))) {
        const r2 = rel ? `${rel}/${name}` : name;
        if (r2 === 'site-packages' || name === '__pycache__') continue;
        const st = statSync(join(stdlib, r2));
        if (st.isDirectory()) copy(r2);
        else if (name.endsWith('.py')) {
          mkdirSync(dirname(join(dir, r2)), { recursive: true });
          cpSync(join(stdlib, r2), join(dir, r2));
        }
      }
    };
    copy('');
    writeFileSync(join(dir, '.complete'), '');
  }
  rmSync(join(dir, '.complete'));
  const c = measure(`python3 stdlib (${stdlib})`, dir);
  writeFileSync(join(dir, '.complete'), '');
  return c;
}

/** fixtures/legacy-trading, copied `copies` times: copy0001/backend/…, copy0002/backend/… */
function denseCorpus(minFiles: number, label: string): Corpus {
  const src = join(repo, 'fixtures/legacy-trading');
  const per = walk(src).length;
  const copies = Math.ceil(minFiles / per);
  const dir = join(work, `dense-${copies}`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    for (let i = 1; i <= copies; i++) cpSync(src, join(dir, `copy${String(i).padStart(4, '0')}`), { recursive: true });
    writeFileSync(join(dir, '.complete'), '');
  }
  rmSync(join(dir, '.complete'));
  const c = measure(`${label} (${copies} copies of legacy-trading)`, dir);
  writeFileSync(join(dir, '.complete'), '');
  return c;
}

/** `copies` copies of a corpus in numbered directories (c0/, c1/, ...): the stdlib ten times, a large sparse project */
function copiedCorpus(base: Corpus, copies: number, label: string): Corpus {
  const dir = join(work, `${base.dir.split('/').pop()}-${copies}x`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < copies; i++) cpSync(base.dir, join(dir, `c${i}`), { recursive: true, filter: (from) => !from.endsWith('/.complete') });
    writeFileSync(join(dir, '.complete'), '');
  }
  rmSync(join(dir, '.complete'));
  const c = measure(`${label} (${copies} copies of the stdlib)`, dir);
  writeFileSync(join(dir, '.complete'), '');
  return c;
}

interface Run {
  wall: number;
  rssKb?: number;
  stats?: { parsed: number; skipped: number; cacheHits: number; workers: number };
}

const hasTime = existsSync('/usr/bin/time');

/**
 * The environment variable that makes Node 20 read a file of certificates while it starts, in every
 * process, before any script runs (about 50 ms here). Where it is set, the standard library's cold
 * runs are taken with and without it, interleaved, and Node's own start-up both ways (a note).
 */
const EXTRA_CA = 'NODE_EXTRA_CA_CERTS';
const extraCa = process.env[EXTRA_CA] || undefined;

/** The environment of a run: the bench's own, less the variables named in `unset`. */
function envWithout(unset: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGREADY_STATS: '1', CI: '1' };
  for (const name of unset) delete env[name];
  return env;
}

/** One run of a command (pgready, or ripgrep to compare with): wall time, peak RSS where /usr/bin/time can tell. */
function timed(command: string, args: string[], cwd: string, unset: readonly string[] = []): Run & { stderr: string } {
  const cmd = hasTime ? '/usr/bin/time' : command;
  const full = hasTime ? ['-f', 'pgready-rss %M', command, ...args] : args;
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { cwd, encoding: 'utf8', env: envWithout(unset), maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  // both exit 1 for "found something"
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr}`);
  const rss = /pgready-rss (\d+)/.exec(r.stderr ?? '');
  return { wall, rssKb: rss ? Number(rss[1]) : undefined, stderr: r.stderr ?? '' };
}

function runOnce(args: string[], cwd: string, unset: readonly string[] = []): Run {
  const r = timed(process.execPath, [bin, ...args], cwd, unset);
  const stats = /pgready-stats (\{.*\})/.exec(r.stderr);
  return { wall: r.wall, rssKb: r.rssKb, stats: stats ? JSON.parse(stats[1]!) : undefined };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Row {
  corpus: Corpus;
  mode: string;
  runs: number;
  wall: number;
  rssMb: number;
  parsed: number;
  skipped: number;
}

/**
 * Appends a comment, different each time, to the corpus's first Python file (a CI run over a branch
 * that changed one file: the cache holds the rest); the returned function puts the file back.
 */
function changeOneFile(dir: string, run: number): () => void {
  const file = join(dir, walk(dir).find((f) => f.endsWith('.py'))!);
  const text = readFileSync(file);
  writeFileSync(file, Buffer.concat([text, Buffer.from(`\n# changed by pgready's benchmark, run ${run} at ${Date.now()}\n`)]));
  return () => writeFileSync(file, text);
}

type Mode = 'cold' | 'warm' | 'changed' | 'no-prefilter';

/** Runs taken side by side: a label for the mode column and the variables its runs go without. */
interface Variant {
  label: string;
  unset: readonly string[];
}

/**
 * The median of `runs` runs after a warm-up, for each variant: their runs interleaved (the VM's
 * speed drifts within minutes), each cold one with its own empty cache.
 */
function bench(c: Corpus, mode: Mode, runs: number, variants: Variant[] = [{ label: mode, unset: [] }]): Row[] {
  const base = ['audit', '.', '--format', 'json', '--fail-on', 'never', ...(JOBS ? ['--jobs', JOBS] : [])];
  const results: Run[][] = variants.map(() => []);
  for (let i = 0; i <= runs; i++) {
    variants.forEach((v, at) => {
      const cache = join(work, 'cache', `${c.dir.split('/').pop()!}${at > 0 ? `-${at}` : ''}`);
      const args = mode === 'no-prefilter' ? [...base, '--no-prefilter', '--no-cache'] : [...base, '--cache-dir', cache];
      // cold: an empty cache every time; warm: the cache the warm-up left; changed: that cache, and
      // one file edited (each run another edit: the stored report never fits)
      if (mode === 'cold' || (mode !== 'no-prefilter' && i === 0)) rmSync(cache, { recursive: true, force: true });
      const restore = mode === 'changed' && i > 0 ? changeOneFile(c.dir, i) : undefined;
      let r: Run;
      try {
        r = runOnce(args, c.dir, v.unset);
      } finally {
        restore?.();
      }
      if (i > 0) results[at]!.push(r);
    });
  }
  return variants.map((v, at) => {
    const rs = results[at]!;
    const last = rs[rs.length - 1]!;
    return {
      corpus: c,
      mode: v.label,
      runs,
      wall: median(rs.map((r) => r.wall)),
      rssMb: Math.max(...rs.map((r) => r.rssKb ?? 0)) / 1024,
      parsed: last.stats?.parsed ?? NaN,
      skipped: last.stats?.skipped ?? NaN,
    };
  });
}

/** Node's own start-up (`node -e 0`): the median of RUNS runs after a warm-up. */
function nodeStartup(unset: readonly string[]): number {
  const walls: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const r = timed(process.execPath, ['-e', '0'], repo, unset);
    if (i > 0) walls.push(r.wall);
  }
  return median(walls);
}

const RG_PATTERN = 'sqlite|\\.db\\b|execute|pragma';

/**
 * ripgrep over the same corpus with a combined SQLite regex (case-insensitive, a count per file):
 * the cost of reading the bytes, as a row of the table; a note when rg is not installed.
 */
function ripgrep(c: Corpus): Row | string {
  const which = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) return 'ripgrep: not installed on this machine, no comparison';
  const results: Run[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const r = timed('rg', ['-i', '-c', RG_PATTERN, '.'], c.dir);
    if (i > 0) results.push(r);
  }
  return { corpus: c, mode: 'ripgrep', runs: RUNS, wall: median(results.map((r) => r.wall)), rssMb: Math.max(...results.map((r) => r.rssKb ?? 0)) / 1024, parsed: NaN, skipped: NaN };
}

const rows: Row[] = [];
const notes: string[] = [];
const MB = 1024 * 1024;
console.log(`pgready bench: node ${process.version}, ${cpus().length} cores, runs ${RUNS} (--no-prefilter: ${SLOW_RUNS}) after a warm-up, jobs ${JOBS ?? 'auto'}`);
{
  const startup = `node start-up (node -e 0): ${nodeStartup([]).toFixed(3)} s`;
  notes.push(
    extraCa
      ? `${startup} with ${EXTRA_CA} set (${extraCa}), ${nodeStartup([EXTRA_CA]).toFixed(3)} s without: Node reads those certificates as it starts, in every process`
      : startup,
  );
}
const corpora: Corpus[] = [];
const stdlib = !ONLY || ONLY === 'stdlib' ? stdlibCorpus() : undefined;
if (!ONLY || ONLY === 'stdlib') {
  if (stdlib) {
    corpora.push(stdlib);
    // a large project with little SQLite: every text was held through the prefilter (630-670 MB)
    if (SLOW_RUNS > 0) corpora.push(copiedCorpus(stdlib, 10, 'stdlib 10x'));
  } else notes.push('python3 not found: no stdlib corpus');
}
if (!ONLY || ONLY === 'dense') {
  corpora.push(denseCorpus(2000, 'dense'));
  corpora.push(denseCorpus(4000, 'dense 2x'));
  if (SLOW_RUNS > 0) {
    corpora.push(denseCorpus(8000, 'dense 4x'));
    // the memory target holds whatever the corpus's size: 16,000 files, about 20 s a cold run
    corpora.push(denseCorpus(16000, 'dense 8x'));
    // 32,000 files, about 40 s a cold run: where session 9's build went past 300 MB
    corpora.push(denseCorpus(32000, 'dense 16x'));
    // 64,000 files: where memory and time stop growing in proportion (README, Performance)
    if (HUGE) corpora.push(denseCorpus(64000, 'dense 32x'));
  }
}
for (const c of corpora) {
  const big = /^(dense (4|8|16|32)x|stdlib 10x)/.test(c.name);
  for (const mode of ['cold', 'warm', 'changed', 'no-prefilter'] as const) {
    if (big && mode === 'no-prefilter') continue;
    // one file changed: on the generated corpora (never the machine's own standard library), the
    // smallest and the largest
    if (mode === 'changed' && !/^dense (\(|16x)/.test(c.name)) continue;
    const runs = mode === 'no-prefilter' || big ? SLOW_RUNS : RUNS;
    if (runs < 1) continue;
    // the standard library cold, where Node's start-up reads extra certificates: without them too
    const variants = mode === 'cold' && c === stdlib && extraCa ? [{ label: mode, unset: [] }, { label: `cold, ${EXTRA_CA} unset`, unset: [EXTRA_CA] }] : undefined;
    for (const row of bench(c, mode, runs, variants)) {
      rows.push(row);
      console.error(`  ${c.name} ${row.mode}: ${row.wall.toFixed(2)} s, parsed ${row.parsed}, skipped ${row.skipped}, peak RSS ${row.rssMb.toFixed(0)} MB`);
    }
  }
  const rg = ripgrep(c);
  if (typeof rg === 'string') notes.push(`${c.name}: ${rg}`);
  else {
    rows.push(rg);
    const ratios = rows.filter((r) => r.corpus === c && (r.mode === 'cold' || r.mode === 'warm')).map((r) => `${r.mode} ${(r.wall / rg.wall).toFixed(1)}x`);
    notes.push(`${c.name}: pgready takes ripgrep's time (rg -i -c '${RG_PATTERN}') times: ${ratios.join(', ')}`);
  }
}

const header = ['corpus', 'files', 'MB', 'lines', 'mode', 'parsed', 'skipped', 'wall (median)', 'MB/s', 'peak RSS'];
const table = rows.map((r) => [
  r.corpus.name,
  String(r.corpus.files),
  (r.corpus.bytes / MB).toFixed(1),
  String(r.corpus.lines),
  `${r.mode} (${r.runs} runs)`,
  Number.isNaN(r.parsed) ? '-' : String(r.parsed),
  Number.isNaN(r.skipped) ? '-' : String(r.skipped),
  `${r.wall.toFixed(2)} s`,
  (r.corpus.bytes / MB / r.wall).toFixed(1),
  `${r.rssMb.toFixed(0)} MB`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
// each doubling of the dense corpus, cold (the first, dense 2x / dense, is the linearity target's)
const denseCold = rows.filter((r) => /^dense (\(|(2|4|8|16|32)x)/.test(r.corpus.name) && r.mode === 'cold');
for (let i = 1; i < denseCold.length; i++) {
  const [a, b] = [denseCold[i - 1]!, denseCold[i]!];
  notes.push(`linearity: ${b.corpus.name.split(' (')[0]} / ${a.corpus.name.split(' (')[0]}, cold: ${(b.wall / a.wall).toFixed(2)}x the time, ${(b.rssMb / a.rssMb).toFixed(2)}x the peak RSS for ${(b.corpus.bytes / a.corpus.bytes).toFixed(2)}x the bytes`);
}
for (const n of notes) console.log(n);
