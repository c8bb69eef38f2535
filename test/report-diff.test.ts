import { describe, expect, it } from 'vitest';
import { changedLines, summariseFixes, unifiedDiff } from '../src/edit/diff.js';
import type { FixSummary } from '../src/edit/diff.js';
import type { FileFix } from '../src/edit/engine.js';
import { fixReport } from '../src/report/diff.js';

const BEFORE = 'import sqlite3\ncur.execute("SELECT a FROM t WHERE b = ?", (1,))\n';
const AFTER = 'import sqlite3\ncur.execute("SELECT a FROM t WHERE b = %s", (1,))\n';

describe('unifiedDiff and changedLines', () => {
  it('gives a git-style diff, and nothing for equal texts', () => {
    expect(unifiedDiff('app/db.py', BEFORE, AFTER)).toBe(
      '===================================================================\n' +
        '--- a/app/db.py\n' +
        '+++ b/app/db.py\n' +
        '@@ -1,2 +1,2 @@\n' +
        ' import sqlite3\n' +
        '-cur.execute("SELECT a FROM t WHERE b = ?", (1,))\n' +
        '+cur.execute("SELECT a FROM t WHERE b = %s", (1,))\n',
    );
    expect(unifiedDiff('x.py', BEFORE, BEFORE)).toBe('');
  });

  it('lists the 0-based lines of the new text that changed', () => {
    expect([...changedLines('a\nb\nc\n', 'a\nB\nc\nd\n')]).toEqual([1, 3]);
  });
});

const source = (path: string, text: string) => ({ path, absPath: `/${path}`, language: 'python' as const, text });

describe('summariseFixes', () => {
  it('counts edits by codemod and safety, keeps pending unsafe changes and manual items, sorted, once each', () => {
    const fixes: FileFix[] = [
      {
        source: source('b.py', 'x\n'),
        text: 'x\n',
        applied: [],
        pendingUnsafe: [{ codemod: 'qmark', title: 'Rewrite 1 placeholder(s) to %s', safety: 'unsafe', edits: [{ range: { start: 0, end: 1 }, text: 'y' }] }],
        refusals: [
          { codemod: 'qmark', range: { start: 0, end: 1 }, reason: 'dynamic-sql', detail: 'by hand' },
          { codemod: 'qmark', range: { start: 0, end: 1 }, reason: 'dynamic-sql', detail: 'by hand' },
        ],
        passes: 0,
      },
      {
        source: source('a.py', BEFORE),
        text: AFTER,
        applied: [
          { codemod: 'qmark', title: 'Rewrite', safety: 'safe', edits: [{ range: { start: 53, end: 54 }, text: '%s' }], line: 2 },
          { codemod: 'other', title: 'Risky', safety: 'unsafe', edits: [{ range: { start: 0, end: 0 }, text: '#' }], line: 1 },
        ],
        pendingUnsafe: [],
        refusals: [],
        passes: 1,
      },
      {
        source: source('c.py', 'z\n'),
        text: 'z\n',
        applied: [],
        pendingUnsafe: [],
        refusals: [],
        failure: { check: 'postgres', detail: 'line 1: does not parse' },
        passes: 0,
      },
    ];
    const s = summariseFixes(fixes);
    expect(s.files.map((f) => [f.path, f.changed, f.failure?.check])).toEqual([
      ['a.py', true, undefined],
      ['c.py', false, 'postgres'],
    ]);
    expect(s.filesChanged).toBe(1);
    expect(s.editsByCodemod).toEqual({ other: 1, qmark: 1 });
    expect(s.changesBySafety).toEqual({ safe: 1, unsafe: 1 });
    expect(s.appliedUnsafe).toEqual([{ path: 'a.py', line: 1, codemod: 'other', title: 'Risky' }]);
    expect(s.pendingUnsafe).toEqual([{ path: 'b.py', line: 1, codemod: 'qmark', title: 'Rewrite 1 placeholder(s) to %s' }]);
    expect(s.manual).toEqual([{ path: 'b.py', line: 1, codemod: 'qmark', reason: 'dynamic-sql', detail: 'by hand' }]);
  });
});

describe('fixReport', () => {
  const summary: FixSummary = {
    files: [
      { path: 'a.py', diff: unifiedDiff('a.py', BEFORE, AFTER), changed: true },
      { path: 'c.py', diff: '', changed: false, failure: { check: 'syntax', detail: 'would add 1 Python syntax error(s)' } },
    ],
    filesChanged: 1,
    editsByCodemod: { 'qmark-to-target-placeholders': 1 },
    changesBySafety: { safe: 1, unsafe: 0 },
    pendingUnsafe: [{ path: 'b.py', line: 4, codemod: 'qmark-to-target-placeholders', title: 'Rewrite 2 placeholder(s) to %s' }],
    appliedUnsafe: [],
    manual: [{ path: 'b.py', line: 9, codemod: 'qmark-to-target-placeholders', reason: 'dynamic-sql', detail: 'Rewrite it by hand.' }],
  };

  it('prints the diffs, then the summary, plain when colour is off', () => {
    expect(fixReport(summary, { color: false, mode: 'dry-run' })).toBe(
      [
        '===================================================================',
        '--- a/a.py',
        '+++ b/a.py',
        '@@ -1,2 +1,2 @@',
        ' import sqlite3',
        '-cur.execute("SELECT a FROM t WHERE b = ?", (1,))',
        '+cur.execute("SELECT a FROM t WHERE b = %s", (1,))',
        '',
        'pgready fix: 1 file would change (dry run: nothing written)',
        '  edits by codemod:',
        '    qmark-to-target-placeholders: 1 edit',
        '  changes: 1 safe, 0 unsafe',
        '',
        'Unsafe changes not applied (1; review them, then run with --unsafe-fixes):',
        '  b.py:4  [unsafe] Rewrite 2 placeholder(s) to %s  (qmark-to-target-placeholders)',
        '',
        'Files left untouched (1): a check failed',
        '  c.py: syntax: would add 1 Python syntax error(s)',
        '',
        'Manual items (1):',
        '  b.py:9  dynamic-sql  Rewrite it by hand.  (qmark-to-target-placeholders)',
        '',
      ].join('\n'),
    );
  });

  it('labels the unsafe changes a --unsafe-fixes run applies', () => {
    const text = fixReport(
      { ...summary, pendingUnsafe: [], appliedUnsafe: [{ path: 'a.py', line: 2, codemod: 'insert-or-ignore-to-on-conflict', title: 'Rewrite INSERT OR IGNORE' }] },
      { color: false, mode: 'dry-run' },
    );
    expect(text).toContain('\nUnsafe changes in the diff above (1; --unsafe-fixes):\n  a.py:2  [unsafe] Rewrite INSERT OR IGNORE  (insert-or-ignore-to-on-conflict)\n');
    expect(text).not.toContain('not applied');
  });

  it('colours additions, removals and hunk headers only when asked', () => {
    const coloured = fixReport(summary, { color: true, mode: 'write' });
    expect(coloured).toContain('\u001b[32m+cur.execute("SELECT a FROM t WHERE b = %s", (1,))\u001b[39m');
    expect(coloured).toContain('\u001b[31m-cur.execute');
    expect(coloured).toContain('\u001b[36m@@ -1,2 +1,2 @@\u001b[39m');
    expect(coloured).toContain('pgready fix: 1 file changed\u001b[22m');
  });
});
