import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgready-report-'));
  mkdirSync(join(dir, 'app'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'app/db.py'), 'import sqlite3\nconn = sqlite3.connect(DB)\nconn.cursor().execute("SELECT 1 FROM t WHERE a = ?", (1,))\n');
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

describe('pgready report', () => {
  it('exits 0 with findings and writes links relative to the output file', async () => {
    const r = await pgready('report', '--output', 'docs/sqlite.md');
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const doc = readFileSync(join(dir, 'docs/sqlite.md'), 'utf8');
    expect(doc).toContain('Paths are relative to `app/`.');
    expect(doc).toContain('#### [`db.py`](../app/db.py)\n');
    expect(doc).toContain('- [ ] [L2](../app/db.py#L2) `SQL002` sqlite-connect');
  });

  it('writes every format; audit takes sarif and github too and keeps its exit code', async () => {
    for (const format of ['json', 'sarif', 'github']) {
      const report = await pgready('report', '--format', format);
      expect(report.code).toBe(0);
      const audit = await pgready('audit', '--format', format);
      expect(audit.code).toBe(1);
      expect(audit.out).toBe(report.out);
    }
    expect((await pgready('report', '--format', 'github')).out).toContain(
      // the `%` of `%s` in the message arrives as %25
      "::error file=app/db.py,line=3,col=50,endLine=3,endColumn=51,title=SQL201 qmark-placeholder::`?` placeholder is SQLite's qmark style; PostgreSQL: `%25s`",
    );
  });

  it('does not scan the file it is about to overwrite', async () => {
    writeFileSync(join(dir, 'report.json'), '{ "DATABASE_URL": "sqlite:///old.db" }\n');
    expect((await pgready('audit', '--format', 'json')).out).toContain('"file": "report.json"');
    expect((await pgready('report', '--format', 'json', '--output', 'report.json')).code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { findings: { file: string }[] };
    expect([...new Set(doc.findings.map((f) => f.file))]).toEqual(['app/db.py']);
  });

  it('rejects an unknown format with exit 2', async () => {
    const r = await pgready('report', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Invalid values');
  });
});
