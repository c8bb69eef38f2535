// A warm audit whose inputs did not change prints the last report again (src/perf/report-cache.ts):
// the same bytes and exit code as an analysis (the terminal report's time row aside), and an
// analysis whenever anything it depends on changed.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliWithEnv } from './helpers/cli.js';
import { forgeReport, storedReport } from './helpers/reports.js';
import { repoRoot } from './helpers/paths.js';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A copy of the demo project (Python, text) with its own cache directory. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgready-reports-'));
  temps.push(dir);
  cpSync(join(repoRoot, 'fixtures', 'legacy-trading'), join(dir, 'app'), { recursive: true });
  return dir;
}

const audit = (cwd: string, ...extra: string[]) => runCli(cwd, 'audit', 'app', '--cache-dir', 'cache', ...extra);
const fresh = (cwd: string, ...extra: string[]) => runCli(cwd, 'audit', 'app', '--no-cache', ...extra);

/** The terminal report's last row: the run's time, written anew by every run. */
const TIME_ROW = /\nTime {16}(\d+ ms|\d+\.\d\d s)\n$/;
const untimed = (out: string) => out.replace(TIME_ROW, '\n');

/** The stored report of the project's cache (cwd/cache). */
const stored = (cwd: string) => storedReport(join(cwd, 'cache'));
/** Replaces it by `text`, consistent with its entry: what a run prints then was replayed. */
const forge = (cwd: string, text: string) => forgeReport(join(cwd, 'cache'), text);

describe('reports kept in the cache', () => {
  it('a warm run prints the stored report, byte for byte what the analysis gives, with its exit codes', async () => {
    const cwd = project();
    const expected = await fresh(cwd, '--format', 'json');
    expect(expected.code).toBe(1);
    const cold = await audit(cwd, '--format', 'json');
    expect(cold.out).toBe(expected.out);
    expect(readFileSync(stored(cwd).out, 'utf8')).toBe(expected.out);
    const warm = await audit(cwd, '--format', 'json');
    expect(warm).toEqual(cold);
    // the exit code comes from the stored summary, for any threshold
    expect((await audit(cwd, '--format', 'json', '--fail-on', 'never')).code).toBe(0);
    expect((await audit(cwd, '--format', 'json', '--fail-on', 'error')).code).toBe((await fresh(cwd, '--format', 'json', '--fail-on', 'error')).code);
    // and it is the stored report that is printed: a forged one, consistent with its entry, comes out
    forge(cwd, '{"forged": true}\n');
    expect((await audit(cwd, '--format', 'json')).out).toBe('{"forged": true}\n');
    // read and printed a megabyte at a time, whole (two-byte characters across the pieces)
    const long = `${'é'.repeat(700_001)}\n`;
    forge(cwd, long);
    expect((await audit(cwd, '--format', 'json')).out).toBe(long);
    forge(cwd, '{"forged": true}\n');
    // to a file too (a run writing one leaves it out of what it reads: other inputs, another report)
    await audit(cwd, '--format', 'json', '--output', 'report.json');
    expect(readFileSync(join(cwd, 'report.json'), 'utf8')).toBe(expected.out);
    forge(cwd, '{"forged": 2}\n');
    await audit(cwd, '--format', 'json', '--output', 'report.json');
    expect(readFileSync(join(cwd, 'report.json'), 'utf8')).toBe('{"forged": 2}\n');
  });

  it('a stored report whose bytes do not match its entry is not printed', async () => {
    const cwd = project();
    const cold = await audit(cwd, '--format', 'sarif');
    const { out } = stored(cwd);
    // same length, one byte changed: the CRC-32 tells
    const bytes = readFileSync(out);
    bytes[10] = bytes[10] === 0x20 ? 0x21 : 0x20;
    writeFileSync(out, bytes);
    expect(await audit(cwd, '--format', 'sarif')).toEqual(cold);
    appendFileSync(out, '\n');
    expect(await audit(cwd, '--format', 'sarif')).toEqual(cold);
  });

  it('analyses again when a file, the file list, the configuration or the format changes', async () => {
    const cwd = project();
    await audit(cwd, '--format', 'json');
    forge(cwd, 'stale\n');
    const changes: Array<[string, () => void]> = [
      ['an empty file is added', () => appendFileSync(join(cwd, 'app', 'backend', 'extra.py'), '')],
      ['its text changes', () => writeFileSync(join(cwd, 'app', 'backend', 'extra.py'), 'import sqlite3\nconn = sqlite3.connect("x.db")\n')],
      ['its text changes again', () => appendFileSync(join(cwd, 'app', 'backend', 'extra.py'), 'conn.execute("INSERT OR REPLACE INTO t VALUES (?)", (1,))\n')],
      ['the configuration turns a rule off', () => writeFileSync(join(cwd, 'pgready.config.json'), JSON.stringify({ rules: { SQL301: 'off' } }))],
    ];
    for (const [what, change] of changes) {
      change();
      const warm = await audit(cwd, '--format', 'json');
      expect(warm.out, what).not.toBe('stale\n');
      expect(warm, what).toEqual(await fresh(cwd, '--format', 'json'));
      forge(cwd, 'stale\n');
    }
    // another format is another report
    expect(await audit(cwd, '--format', 'sarif')).toEqual(await fresh(cwd, '--format', 'sarif'));
  });

  it('keeps the terminal report but for its time row, one for each colour setting', async () => {
    const cwd = project();
    const expected = await fresh(cwd);
    const cold = await audit(cwd);
    expect(cold.out).toMatch(TIME_ROW);
    expect(untimed(cold.out)).toBe(untimed(expected.out));
    expect(cold.code).toBe(expected.code);
    // kept without the time, which a warm run writes anew
    expect(readFileSync(stored(cwd).out, 'utf8')).toBe(untimed(cold.out));
    const warm = await audit(cwd);
    expect(warm.out).toMatch(TIME_ROW);
    expect(untimed(warm.out)).toBe(untimed(cold.out));
    expect(warm.code).toBe(cold.code);
    forge(cwd, 'forged\n');
    expect((await audit(cwd)).out).toMatch(/^forged\nTime {16}\S+ m?s\n$/);
    // colour makes another report: analysed, not the forged one
    const colour = { FORCE_COLOR: '1' };
    const coloured = await runCliWithEnv(cwd, colour, 'audit', 'app', '--cache-dir', 'cache');
    expect(coloured.out).toContain('\u001b[');
    expect(untimed(coloured.out)).toBe(untimed((await runCliWithEnv(cwd, colour, 'audit', 'app', '--no-cache')).out));
  });

  it('keeps the GitHub annotations', async () => {
    const cwd = project();
    const expected = await fresh(cwd, '--format', 'github');
    expect(await audit(cwd, '--format', 'github')).toEqual(expected);
    expect(await audit(cwd, '--format', 'github')).toEqual(expected);
    forge(cwd, '::notice ::forged\n');
    expect((await audit(cwd, '--format', 'github')).out).toBe('::notice ::forged\n');
  });

  it('keeps no report with a baseline, or for a project with JavaScript', async () => {
    const cwd = project();
    await runCli(cwd, 'baseline', 'app', '--output', 'baseline.json', '--no-cache');
    await audit(cwd, '--format', 'json', '--baseline', 'baseline.json');
    expect(() => readdirSync(join(cwd, 'cache', 'reports'))).toThrow();
    writeFileSync(join(cwd, 'app', 'db.js'), "const Database = require('better-sqlite3');\nnew Database('app.db');\n");
    await audit(cwd, '--format', 'json');
    expect(() => readdirSync(join(cwd, 'cache', 'reports'))).toThrow();
  });
  it('a report a killed run was writing is removed an hour on, when a run next writes one', async () => {
    const cwd = project();
    await audit(cwd, '--format', 'json');
    const reports = join(cwd, 'cache', 'reports');
    const old = join(reports, '0123.out.4242.tmp');
    const recent = join(reports, '4567.out.4243.tmp');
    for (const f of [old, recent]) writeFileSync(f, '{"half": ');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    // another format: a report to write
    await audit(cwd, '--format', 'sarif');
    const left = readdirSync(reports);
    expect(left).not.toContain('0123.out.4242.tmp');
    expect(left).toContain('4567.out.4243.tmp');
  });
});
