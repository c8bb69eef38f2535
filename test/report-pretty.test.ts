import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/model/finding.js';
import { pretty } from '../src/report/pretty.js';
import { LineIndex } from '../src/util/lines.js';
import { cleanRun, DB_PY, ENV, FINDINGS, sampleRun } from './report-sample.js';

const sources = new Map([
  ['app/db.py', DB_PY],
  ['.env', ENV],
]);

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('pretty reporter', () => {
  it('uses line/column data that matches the sample text (guards the hand-written sample)', () => {
    for (const f of FINDINGS) {
      const idx = new LineIndex(sources.get(f.file)!);
      expect(idx.position(f.range.start)).toEqual({ line: f.line, column: f.column });
      expect(idx.position(f.range.end)).toEqual({ line: f.endLine, column: f.endColumn });
    }
  });

  it('prints each finding with a code frame, grouped by file, then the summary', () => {
    const expected = [
      '.env:1:14  SQL011 sqlite-url  SQLite URL `sqlite:///app.db`',
      ' 1 | DATABASE_URL=sqlite:///app.db',
      '   |              ^^^^^^^^^^^^^^^^',
      '',
      'app/db.py:1:8  SQL001 sqlite-import  `sqlite3` is imported',
      ' 1 | import sqlite3',
      '   |        ^^^^^^^',
      '',
      'app/db.py:2:8  SQL002 sqlite-connect  `sqlite3.connect(...)` opens a SQLite connection',
      ' 2 | conn = sqlite3.connect("app.db")',
      '   |        ^^^^^^^^^^^^^^^^^^^^^^^^^',
      '',
      'app/db.py:3:41  SQL201 qmark-placeholder  `?` placeholder in SQL passed to `execute`',
      ' 3 | cur.execute("SELECT * FROM t WHERE id = ?", (1,))',
      '   |                                         ^',
      '',
      // a range running onto line 5: the frame shows line 4 and the carets stop at its end
      'app/db.py:4:5  SQL210 dynamic-sql  SQL built at run time',
      ` 4 | q = ("SELECT name FROM users WHERE name LIKE 'a%' "`,
      '   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '',
      'app/db.py:4:41  SQL326 like-case-insensitive  `LIKE` is case-sensitive on PostgreSQL',
      ` 4 | q = ("SELECT name FROM users WHERE name LIKE 'a%' "`,
      '   |                                         ^^^^',
      '',
      'Files scanned       3',
      'Files using SQLite  2',
      'Findings            6 (3 errors, 2 warnings, 1 info)',
      '  sqlite-import     1',
      '  sqlite-connection 1',
      '  placeholder       1',
      '  sqlite-sql        1',
      '  third-party       1',
      '  dynamic-sql       1',
      'Skipped             1',
      '  vendor/big.py  too-large: 3145728 bytes is over maxFileBytes (2097152); exclude it or raise maxFileBytes',
      'Time                1.23 s',
      '',
    ].join('\n');
    expect(pretty(sampleRun(), { color: false, cwd: '/repo', sources })).toBe(expected);
  });

  it('sorts findings given out of order', () => {
    const run = { ...sampleRun(), findings: [...FINDINGS].reverse() };
    expect(pretty(run, { color: false, cwd: '/repo', sources })).toBe(
      pretty(sampleRun(), { color: false, cwd: '/repo', sources }),
    );
  });

  it('says so when there is no SQLite usage', () => {
    expect(pretty(cleanRun(), { color: false, cwd: '/repo' })).toBe(
      [
        'No SQLite usage found.',
        '',
        'Files scanned       2',
        'Files using SQLite  0',
        'Findings            0',
        'Skipped             0',
        'Time                12 ms',
        '',
      ].join('\n'),
    );
  });

  it('lists files parsed with recovery from syntax errors before the skipped ones', () => {
    const run = { ...cleanRun(), recovered: [{ path: 'legacy/old.py', line: 7, message: 'missing `)`' }] };
    expect(pretty(run, { color: false, cwd: '/repo' })).toBe(
      [
        'No SQLite usage found.',
        '',
        'Files scanned       2',
        'Files using SQLite  0',
        'Findings            0',
        'Syntax errors       1 file(s) parsed with recovery; findings there may be incomplete',
        '  legacy/old.py:7  missing `)`',
        'Skipped             0',
        'Time                12 ms',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked, and the colours carry no other change', () => {
    const plain = pretty(sampleRun(), { color: false, cwd: '/repo', sources });
    const coloured = pretty(sampleRun(), { color: true, cwd: '/repo', sources });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[31m\x1b[1mSQL011'); // errors: bold red
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('falls back to the snippet when the source text is not available', () => {
    const [first] = sampleRun().findings;
    const out = pretty({ ...sampleRun(), findings: [first!] }, { color: false, cwd: '/repo' });
    expect(out.split('\n').slice(0, 3)).toEqual([
      '.env:1:14  SQL011 sqlite-url  SQLite URL `sqlite:///app.db`',
      ' 1 | DATABASE_URL=sqlite:///app.db',
      '',
    ]);
  });

  it('places carets by UTF-16 column, repeats tabs, widens the gutter and shows absolute paths relative to cwd', () => {
    // line 10: a tab, then `s = "é😀" + ?` — 😀 is two UTF-16 units, so ? is at offset 13, column 14
    const text = `${'\n'.repeat(9)}\ts = "é😀" + ?\n`;
    const start = text.indexOf('?');
    const f: Finding = {
      ruleId: 'SQL201',
      ruleName: 'qmark-placeholder',
      category: 'placeholder',
      severity: 'error',
      file: '/repo/src/x.py',
      range: { start, end: start + 1 },
      line: 10,
      column: 14,
      endLine: 10,
      endColumn: 15,
      message: 'm',
      snippet: 's = "é😀" + ?',
      fingerprint: 'f',
    };
    expect(new LineIndex(text).position(start)).toEqual({ line: 10, column: 14 });
    const run = {
      ...cleanRun(),
      findings: [f],
      summary: { ...cleanRun().summary, findings: 1, filesWithSqlite: 1, bySeverity: { error: 1, warning: 0, info: 0 } },
    };
    const out = pretty(run, { color: false, cwd: '/repo', sources: new Map([['/repo/src/x.py', text]]) });
    expect(out.split('\n').slice(0, 4)).toEqual([
      'src/x.py:10:14  SQL201 qmark-placeholder  m',
      ' 10 | \ts = "é😀" + ?',
      // the tab, then 12 spaces: `s = "é` is 6 units, 😀 2, `" + ` 4
      '    | \t            ^',
      '',
    ]);
  });

  it('shows a long line in part, around the finding, with … where it goes on', () => {
    // a generated line: 300 units of data, then the finding, then 300 more
    const line = `x = "${'a'.repeat(300)}"; cur.execute(q, ?); y = "${'b'.repeat(300)}"`;
    const at = line.indexOf('?');
    const finding = (start: number, end: number): Finding => ({
      ruleId: 'SQL201',
      ruleName: 'qmark-placeholder',
      category: 'placeholder',
      severity: 'error',
      file: 'g.py',
      range: { start, end },
      line: 1,
      column: start + 1,
      endLine: 1,
      endColumn: end + 1,
      message: 'm',
      snippet: '',
      fingerprint: String(start),
    });
    const frameOf = (f: Finding): string[] => {
      const run = { ...cleanRun(), findings: [f], summary: { ...cleanRun().summary, findings: 1, filesWithSqlite: 1, bySeverity: { error: 1, warning: 0, info: 0 } } };
      return pretty(run, { color: false, cwd: '/repo', sources: new Map([['g.py', line]]) }).split('\n').slice(1, 3);
    };
    // in the middle: 40 units before it, 160 in all, an ellipsis at each end
    const [middle, carets] = frameOf(finding(at, at + 1));
    expect(middle).toBe(` 1 | …${line.slice(at - 40, at + 120)}…`);
    expect(carets).toBe(`   | ${' '.repeat(41)}^`);
    // at the start: no ellipsis before; at the end: the last 160 units, none after
    expect(frameOf(finding(0, 1))).toEqual([` 1 | ${line.slice(0, 160)}…`, '   | ^']);
    expect(frameOf(finding(line.length - 1, line.length))).toEqual([` 1 | …${line.slice(-160)}`, `   | ${' '.repeat(160)}^`]);
    // a range running past the part shown is cut at its end
    expect(frameOf(finding(at, line.length))[1]).toBe(`   | ${' '.repeat(41)}${'^'.repeat(120)}`);
  });
});
