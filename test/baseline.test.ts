import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareBaseline, formatBaseline, makeBaseline, parseBaseline, progressText } from '../src/baseline.js';
import { main } from '../src/cli/main.js';
import { FINDINGS } from './report-sample.js';

const DB_PY = `import sqlite3


def load(uid):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("SELECT name FROM users WHERE id = ?", (uid,))
    return cur.fetchone()


def stamp(uid):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("UPDATE users SET seen = datetime('now') WHERE id = ?", (uid,))
    conn.commit()
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgready-baseline-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app/db.py'), DB_PY);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function pgready(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    cwd: dir,
    env: {},
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

const edit = (path: string, f: (text: string) => string): void =>
  writeFileSync(join(dir, path), f(readFileSync(join(dir, path), 'utf8')));

describe('baseline round trip', () => {
  it('records findings, gates only on new ones, and reports progress as findings go', async () => {
    const made = await pgready('baseline', '--output', '.pgready-baseline.json');
    expect(made.code).toBe(0);
    const baseline = parseBaseline(readFileSync(join(dir, '.pgready-baseline.json'), 'utf8'), 'b');
    const total = baseline.findings.length;
    // the import; per function a connect, its "app.db" and a `?`; datetime() in stamp()
    expect(baseline.findings.map((e) => e.ruleId).sort()).toEqual([
      'SQL001',
      'SQL002',
      'SQL002',
      'SQL201',
      'SQL201',
      'SQL309',
      'SQL401',
      'SQL401',
    ]);
    expect(made.err).toBe(`pgready: wrote ${total} findings to the baseline .pgready-baseline.json\n`);

    // without a baseline the audit fails; with it, nothing is new
    expect((await pgready('audit')).code).toBe(1);
    const clean = await pgready('audit', '--baseline', '.pgready-baseline.json');
    expect(clean.code).toBe(0);
    expect(clean.err).toBe(`pgready: baseline .pgready-baseline.json: 0 new findings; 0 of ${total} baseline findings are gone\n`);

    // lines shift: still nothing new
    edit('app/db.py', (t) => `"""Database access."""\n\n# kept for the old admin tool\n${t}`);
    expect((await pgready('audit', '--baseline', '.pgready-baseline.json')).code).toBe(0);

    // a new finding fails the gate, and only it is shown
    edit('app/db.py', (t) => t.replace('    return cur.fetchone()', '    cur.execute("SELECT ifnull(name, \'\') FROM users")\n    return cur.fetchone()'));
    const added = await pgready('audit', '--baseline', '.pgready-baseline.json', '--format', 'json');
    expect(added.code).toBe(1);
    expect(added.err).toContain(': 1 new finding; 0 of ');
    const doc = JSON.parse(added.out) as { findings: { ruleId: string; status: string; line: number }[] };
    expect(doc.findings.filter((f) => f.status === 'new').map((f) => [f.ruleId, f.line])).toEqual([['SQL311', 11]]);
    const pretty = await pgready('audit', '--baseline', '.pgready-baseline.json', '--no-color');
    expect(pretty.out.match(/SQL\d{3}/g)).toEqual(['SQL311']);

    const before = await pgready('report', '--baseline', '.pgready-baseline.json');
    expect(before.code).toBe(0);
    expect(before.out).toContain(`**Progress:** 0 of ${total} baseline findings resolved (0%)`);

    // remove stamp(): its connection, `?` and datetime() are resolved
    edit('app/db.py', (t) => t.slice(0, t.indexOf('\n\ndef stamp')) + '\n');
    const after = await pgready('report', '--baseline', '.pgready-baseline.json');
    expect(after.code).toBe(0);
    expect(after.out).toContain(`**Progress:** 4 of ${total} baseline findings resolved (50%)`);
    // resolved items keep the line they had when the baseline was taken
    expect(after.out).toContain('- [x] ~~L12 `SQL002` sqlite-connect: ');
    expect(after.out).toContain('- [x] ~~L12 `SQL401` db-path: ');
    expect(after.out).toContain('- [x] ~~L14 `SQL201` qmark-placeholder: ');
    expect(after.out).toContain('- [x] ~~L14 `SQL309` date-time-function: ');
    expect(after.out).toMatch(/\n5 findings · \d for `fix` · \d manual · 4 of 8 baseline findings resolved \(50%\)\n/);
    const gone = await pgready('audit', '--baseline', '.pgready-baseline.json');
    expect(gone.err).toContain(`: 1 new finding; 4 of ${total} baseline findings are gone\n`);
  }, 60_000);

  it('takes the baseline path from the config, relative to the config file', async () => {
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'pgready.config.json'), '{ "baseline": "ci/pgready-baseline.json" }\n');
    expect((await pgready('baseline')).code).toBe(0);
    expect(readFileSync(join(dir, 'ci/pgready-baseline.json'), 'utf8')).toContain('"tool": "pgready"');
    const audit = await pgready('audit');
    expect(audit.code).toBe(0);
    expect(audit.err).toContain('pgready: baseline ci/pgready-baseline.json: 0 new findings');
  });

  it('writes the baseline to standard output with --output -, and no file', async () => {
    const toFile = await pgready('baseline', '--output', 'b.json');
    // b.json is not read as a config file: its findings name app.db (it was, before session 27)
    const toStdout = await pgready('baseline', '--output', '-');
    expect(existsSync(join(dir, '-'))).toBe(false);
    expect(toStdout.code).toBe(0);
    expect(toStdout.out).toBe(readFileSync(join(dir, 'b.json'), 'utf8'));
    expect(toStdout.err).toBe('pgready: wrote 8 findings to the baseline on standard output\n');
    expect(toFile.out).toBe('');
  });

  it('names a missing or malformed baseline file and exits 2', async () => {
    const missing = await pgready('audit', '--baseline', 'nope.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(
      'pgready: nope.json: the baseline file does not exist. Create it with `pgready baseline --output nope.json`, ' +
        'or check the path given to --baseline or the config\'s "baseline".\n',
    );
    writeFileSync(join(dir, 'bad.json'), '{ "version": 1, "tool": "pgready", "findings": [ { "fingerprint": 3 } ] }');
    const bad = await pgready('report', '--baseline', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      'pgready: bad.json: not a pgready baseline (findings[0].fingerprint is not a string). Recreate it with `pgready baseline --output bad.json`.\n',
    );
    writeFileSync(join(dir, 'broken.json'), '{ "version": 1,\n  "tool": }');
    const broken = await pgready('audit', '--baseline', 'broken.json');
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^pgready: broken\.json: not a pgready baseline \(invalid JSON at line 2, column \d+: /);
  });
});

describe('baseline file', () => {
  it('is sorted, stable JSON with no timestamps', () => {
    const text = formatBaseline(makeBaseline([...FINDINGS].reverse()));
    expect(text).toBe(formatBaseline(makeBaseline(FINDINGS)));
    const doc = JSON.parse(text) as { version: number; tool: string; findings: { file: string; line: number }[] };
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'findings']);
    expect(doc.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['.env:1', 'app/db.py:1', 'app/db.py:2', 'app/db.py:3', 'app/db.py:4', 'app/db.py:4']);
    expect(text.startsWith('{\n  "version": 1,\n  "tool": "pgready",\n  "findings": [\n    {\n      "fingerprint": "00000000000000a1",\n      "ruleId": "SQL011",\n      "file": ".env",\n      "line": 1,\n')).toBe(true);
  });

  it('compares by fingerprint: known, new and resolved', () => {
    const b = makeBaseline(FINDINGS.slice(0, 4));
    b.findings.push({ fingerprint: 'ffff', ruleId: 'SQL999', file: 'x.py', line: 1, message: 'gone' });
    const c = compareBaseline(FINDINGS.slice(2), b, 'b.json');
    expect(c.total).toBe(5);
    expect([...c.known].sort()).toEqual(['00000000000000b2', '00000000000000b3']);
    expect(c.newCount).toBe(2);
    expect(c.resolved.map((e) => e.fingerprint)).toEqual(['00000000000000a1', '00000000000000b1', 'ffff']);
  });

  it('words progress, rounding down so 100% means done', () => {
    expect(progressText(41, 163)).toBe('41 of 163 baseline findings resolved (25%)');
    expect(progressText(199, 200)).toBe('199 of 200 baseline findings resolved (99%)');
    expect(progressText(0, 1)).toBe('0 of 1 baseline finding resolved (0%)');
    expect(progressText(0, 0)).toBe('0 of 0 baseline findings resolved (100%)');
  });
});
