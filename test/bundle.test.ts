// The built command line (npm ci builds it): bin/pgready.cjs, dist/bundle and V8's code cache
// (scripts/bundle.mjs, bin/load-bundle.cjs). The rest of the suite runs the TypeScript sources.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { forgeReport } from './helpers/reports.js';
import { repoRoot } from './helpers/paths.js';

const bin = join(repoRoot, 'bin', 'pgready.cjs');
const bundle = join(repoRoot, 'dist', 'bundle');
const { loadBundle } = createRequire(import.meta.url)('../bin/load-bundle.cjs') as {
  loadBundle(dir?: string, options?: { cache?: boolean }): { exports: { main?: unknown }; status: string };
};

function pgready(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, PGREADY_DEBUG_CODE_CACHE: '1' },
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('the built command line', () => {
  it('audits as the sources do, compiled from its code cache, on one thread and on two workers', async () => {
    const args = ['audit', 'fixtures/legacy-trading', '--no-cache', '--format', 'json'];
    const expected = await runCli(repoRoot, ...args);
    expect(expected.out).toContain('"findings"');
    for (const extra of [[], ['--jobs', '2']]) {
      const r = pgready(...args, ...extra);
      expect(r.stdout).toBe(expected.out);
      expect(r.status).toBe(expected.code);
      expect(r.stderr).toBe('pgready code cache: accepted (main thread)\n');
    }
  });

  it('runs a worker thread from its own script', async () => {
    const worker = new Worker(join(bundle, 'worker.cjs'));
    try {
      const reply = new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ t: 'batch', id: 7, tasks: [] });
      expect(await reply).toEqual({ t: 'done', id: 7, results: [] });
    } finally {
      await worker.terminate();
    }
  });

  it('makes its code cache with a training run that exits 0, though the project it audits has findings', () => {
    // under the repository, so the bundle finds tree-sitter and the other packages it leaves out
    const dir = mkdtempSync(join(repoRoot, 'dist', 'train-test-'));
    scratch.push(dir);
    cpSync(bundle, dir, { recursive: true });
    rmSync(join(dir, 'pgready.v8cache'));
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'load-bundle.cjs'), '--train', dir], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    // scripts/bundle.mjs warns that the bundle has no code cache when this exits otherwise
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(loadBundle(dir).status).toBe('accepted');
  }, 60_000);

  it("makes no Intl.Segmenter while it loads: yargs's help layout makes one when it first measures a string", () => {
    // string-width makes one when it is loaded (each of its three copies does), with Unicode property
    // regexes: 20 ms of every run (scripts/bundle.mjs)
    const probe = [
      'let made = 0;',
      'const Made = Intl.Segmenter;',
      'Intl.Segmenter = class extends Made { constructor(...a) { super(...a); made++; } };',
      `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle();`,
      'process.stdout.write(String(made));',
    ].join('\n');
    const loaded = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toBe('0');
    // the help text still lays out its columns
    const help = pgready('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/\n {2}pgready audit \[paths\.\.\] +Report every SQLite dependency/);
  });

  it('compiles from source when the code cache is missing or was made from another script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgready-bundle-'));
    scratch.push(dir);
    cpSync(bundle, dir, { recursive: true });
    // made from this very script (the test's own process runs under the same V8 flags)
    expect(loadBundle(dir).status).toBe('accepted');
    appendFileSync(join(dir, 'pgready.cjs'), '\n// edited after the build\n');
    const stale = loadBundle(dir);
    expect(stale.status).toBe('stale');
    expect(typeof stale.exports.main).toBe('function');
    rmSync(join(dir, 'pgready.v8cache'));
    expect(loadBundle(dir).status).toBe('missing');
  });

  it('keys its cache by the code it was built from, not only the version number', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pgready-build-cache-'));
    scratch.push(cache);
    const args = ['audit', 'fixtures/legacy-trading', '--cache-dir', cache, '--format', 'json'];
    const genuine = pgready(...args).stdout;
    // the report the bundle stored, forged consistently with its entry
    const forged = '{"forged": true}\n';
    forgeReport(cache, forged);
    expect(pgready(...args).stdout).toBe(forged);
    // the sources are other code under the same version number: they analyse
    expect((await runCli(repoRoot, ...args)).out).toBe(genuine);
  });

  it('exits with the gate\'s verdict when its reader stops early (`| head`)', async () => {
    // the demo project's JSON report (470 KB) is several times what a pipe holds: writing it fails with EPIPE
    const headed = (...args: string[]) =>
      new Promise<{ code: number | null; read: number }>((done, fail) => {
        const child = spawn(process.execPath, [bin, ...args], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let read = 0;
        child.stdout.once('data', (chunk: Buffer) => {
          read = chunk.length;
          child.stdout.destroy();
        });
        child.on('error', fail);
        child.on('close', (code) => done({ code, read }));
      });
    const audit = ['audit', 'fixtures/legacy-trading', '--no-cache', '--format', 'json'];
    const gated = await headed(...audit);
    expect(gated.read).toBeGreaterThan(0);
    expect(gated.read).toBeLessThan(470_000);
    expect(gated.code).toBe(1);
    expect((await headed(...audit, '--fail-on', 'never')).code).toBe(0);
    // fix --check: its diff (108 KB) goes out after the verdict too
    expect((await headed('fix', '--check', 'fixtures/legacy-trading')).code).toBe(1);
  }, 60_000);

  it.runIf(existsSync('/dev/full'))('says that its output is cut short when standard output cannot take it (a full disk), and exits with 2', () => {
    // /dev/full refuses every write with ENOSPC, as a redirect to a file on a full disk does
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [
        ['audit', 'fixtures/legacy-trading', '--no-cache', '--format', 'json'],
        ['audit', 'fixtures/legacy-trading', '--no-cache', '--fail-on', 'never'],
        ['rules'],
      ]) {
        const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH }, stdio: ['ignore', full, 'pipe'] });
        // not the gate's 0 or 1: the report is incomplete
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr).toBe('pgready: cannot write to standard output (ENOSPC: no space left on device, write); what was written is incomplete.\n');
      }
    } finally {
      closeSync(full);
    }
  });

  it('says so, and exits 2, when the current directory was removed', () => {
    const gone = mkdtempSync(join(tmpdir(), 'pgready-gone-'));
    // the shell enters it, then removes it: the process starts in a directory that no longer exists
    const r = spawnSync('sh', ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${bin}" audit .`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('pgready: the current directory cannot be read (ENOENT): it was removed or renamed. cd into the project again and rerun.\n');
  });

  it('an interrupted audit exits with 130 (143 for SIGTERM, 129 for SIGHUP) and leaves no scratch directory or temporary pack behind', async () => {
    // 1.7 MB of Python: enough for worker threads and a scratch directory in the cache (engine.ts)
    const dir = mkdtempSync(join(tmpdir(), 'pgready-interrupt-'));
    scratch.push(dir);
    for (let i = 0; i < 15; i++) cpSync(join(repoRoot, 'fixtures', 'legacy-trading'), join(dir, `copy${i}`), { recursive: true });
    const cache = join(dir, 'cache');
    const leftovers = () => readdirSync(cache).filter((n) => n.startsWith('pgready-trees-') || n.endsWith('.tmp'));

    // the scratch directory is there from the index pass on; the findings pack's temporary file from the rules phase on
    // (and the workers write their trees in it: they still run while the exit listeners do)
    const scratchOf = (n: string) => n.startsWith('pgready-trees-');
    const during = {
      index: scratchOf,
      writing: (n: string) => scratchOf(n) && readdirSync(join(cache, n)).length > 0,
      rules: (n: string) => n.startsWith('findings') && n.endsWith('.tmp'),
    };
    const cases = [['SIGINT', 130, 'index'], ['SIGTERM', 143, 'index'], ['SIGHUP', 129, 'writing'], ['SIGINT', 130, 'writing'], ['SIGINT', 130, 'rules']] as const;
    for (const [signal, expected, phase] of cases) {
      rmSync(cache, { recursive: true, force: true });
      const child = spawn(process.execPath, [bin, 'audit', '.', '--cache-dir', cache, '--format', 'json'], {
        cwd: dir,
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      let sent = false;
      for (let waited = 0; waited < 30_000 && !sent; waited += 5) {
        if (existsSync(cache) && leftovers().some(during[phase])) {
          child.kill(signal);
          sent = true;
        } else await new Promise((r) => setTimeout(r, 5));
      }
      expect(sent).toBe(true);
      // the rules phase turns the event loop every few files: the signal is heard there too
      expect(await closed).toBe(expected);
      expect(stderr).toBe('');
      expect(leftovers()).toEqual([]);
    }
  }, 60_000);

  it('holds its young generation at 4 MB semi-spaces from 8,000 files on (src/perf/young-generation.ts)', () => {
    const top = mkdtempSync(join(tmpdir(), 'pgready-young-'));
    scratch.push(top);
    const dir = join(top, 'project');
    // 8,000 files of 3.4 KB: their texts, kept through the run, are what make V8 grow it
    const body = Array.from({ length: 100 }, (_, i) => `value_${i} = compute(${i}, "label ${i}")\n`).join('');
    for (let n = 0; n < 8000; n++) {
      if (n % 500 === 0) mkdirSync(join(dir, `pkg${n / 500}`), { recursive: true });
      writeFileSync(join(dir, `pkg${Math.floor(n / 500)}`, `m${n}.py`), body);
    }
    // the young generation's size (both semi-spaces) when the run ends; outside the project (a file to audit)
    const preload = join(top, 'young.cjs');
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write('young ' + require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576 + ' MB'));",
    );
    const young = () => {
      const r = spawnSync(process.execPath, ['-r', preload, bin, 'audit', '.', '--no-cache'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(r.status).toBe(0);
      return r.stderr;
    };
    expect(young()).toBe('young 8 MB');
    // one file fewer: V8's default, 16 MB semi-spaces
    rmSync(join(dir, 'pkg0', 'm0.py'));
    expect(young()).toBe('young 32 MB');
  }, 60_000);
});
