import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/model/config.js';
import type { Config } from '../src/model/config.js';
import { emptyFacts } from '../src/model/facts.js';
import type { FileFacts, Range, SourceFile, Suppression } from '../src/model/facts.js';
import type { Finding } from '../src/model/finding.js';
import { defineRule } from '../src/model/rule.js';
import type { Rule, RuleHit } from '../src/model/rule.js';
import type { FileSummary } from '../src/model/run.js';
import { runRules, sortFindings, summarise } from '../src/runner.js';
import { ZERO } from './report-sample.js';

const FILE = 'app/db.py';

/** A test rule that reports every occurrence of `needle` in `text` (or the hits `hitsOf` returns). */
function needleRule(
  id: string,
  name: string,
  needle: string,
  extra: Partial<Rule> = {},
): (text: string) => Rule {
  return (text) =>
    defineRule({
      id,
      name,
      title: `${name} title`,
      severity: 'error',
      category: 'placeholder',
      rationale: 'r',
      postgres: 'p',
      examples: { bad: 'b', good: 'g' },
      detect(): RuleHit[] {
        const hits: RuleHit[] = [];
        for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
          hits.push({ range: { start: at, end: at + needle.length }, message: `found ${needle}` });
        }
        return hits;
      },
      ...extra,
    });
}

const qmark = needleRule('SQL201', 'qmark-placeholder', '?', { fixedBy: 'qmark-to-target-placeholders' });
const imp = needleRule('SQL001', 'sqlite-import', 'sqlite3', { severity: 'warning', category: 'sqlite-import' });

function source(text: string, path = FILE): SourceFile {
  return { path, absPath: `/repo/${path}`, language: 'python', text };
}

/** `# pgready: ignore[...]` comments, located by hand-written needles. */
function suppress(text: string, comment: string, ruleIds: string[], nth = 0): Suppression {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(comment, start + 1);
  if (start === -1) throw new Error(`no ${comment} in test text`);
  let line = 0;
  for (let i = 0; i < start; i++) if (text[i] === '\n') line++;
  return { range: { start, end: start + comment.length }, line, ruleIds, reason: 'test' };
}

function run(
  text: string,
  ruleMakers: ((text: string) => Rule)[],
  suppressions: Suppression[] = [],
  rules: Config['rules'] = {},
): { findings: Finding[]; errors: { ruleId: string; message: string }[] } {
  const facts: FileFacts = { ...emptyFacts(FILE, 'python'), suppressions };
  const cfg: Config = { ...defaultConfig('/repo'), rules };
  return runRules(
    ruleMakers.map((m) => m(text)),
    facts,
    source(text),
    cfg,
  );
}

const brief = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId}@${f.line}:${f.column}`);

describe('runRules: finding fields', () => {
  it('fills id, name, category, severity, coordinates, snippet and fixedBy from the rule and the text', () => {
    const text = 'import sqlite3\n\ndef q(cur):\n    cur.execute("SELECT * FROM t WHERE id = ?", (1,))\n';
    const { findings, errors } = run(text, [qmark, imp]);
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(2);
    const [a, b] = findings as [Finding, Finding];
    expect(a).toMatchObject({
      ruleId: 'SQL001',
      ruleName: 'sqlite-import',
      category: 'sqlite-import',
      severity: 'warning',
      file: FILE,
      range: { start: 7, end: 14 },
      line: 1,
      column: 8,
      endLine: 1,
      endColumn: 15,
      message: 'found sqlite3',
      snippet: 'import sqlite3',
    });
    expect(a.fixedBy).toBeUndefined();
    expect(b).toMatchObject({
      ruleId: 'SQL201',
      ruleName: 'qmark-placeholder',
      category: 'placeholder',
      severity: 'error',
      line: 4,
      // 4 spaces + `cur.execute("` (13) + `SELECT * FROM t WHERE id = ` (27): 44 characters before the ?
      column: 45,
      endLine: 4,
      endColumn: 46,
      snippet: 'cur.execute("SELECT * FROM t WHERE id = ?", (1,))',
      fixedBy: 'qmark-to-target-placeholders',
    });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('cuts long snippets to 200 characters', () => {
    const text = `x = "${'a'.repeat(300)}?"`;
    const [f] = run(text, [qmark]).findings;
    expect(f!.snippet).toHaveLength(200);
    expect(f!.snippet).toBe(`x = "${'a'.repeat(194)}…`);
  });

  it('clamps a range outside the text instead of throwing', () => {
    const bad: Rule = { ...qmark('')!, detect: () => [{ range: { start: 5, end: 900 }, message: 'm' }] };
    const { findings } = run('ab\ncdefgh', [() => bad]);
    expect(findings[0]!.range).toEqual({ start: 5, end: 9 });
    expect(findings[0]!).toMatchObject({ line: 2, column: 3, endLine: 2, endColumn: 7 });
  });
});

describe('runRules: configuration', () => {
  const text = 'import sqlite3\ncur.execute("SELECT ?")\n';

  it('applies a severity override given by id or by name', () => {
    expect(run(text, [qmark], [], { SQL201: 'warning' }).findings.map((f) => f.severity)).toEqual(['warning']);
    expect(run(text, [qmark], [], { 'qmark-placeholder': 'info' }).findings.map((f) => f.severity)).toEqual(['info']);
    expect(run(text, [qmark], [], { SQL201: 'on' }).findings.map((f) => f.severity)).toEqual(['error']);
  });

  it('turns a rule off by id and by name', () => {
    expect(brief(run(text, [qmark, imp], [], { SQL201: 'off' }).findings)).toEqual(['SQL001@1:8']);
    expect(brief(run(text, [qmark, imp], [], { 'sqlite-import': 'off' }).findings)).toEqual(['SQL201@2:21']);
  });

  it('lets the id entry win over the name entry', () => {
    expect(brief(run(text, [qmark], [], { 'qmark-placeholder': 'off', SQL201: 'on' }).findings)).toEqual(['SQL201@2:21']);
  });

  it('never runs a removed rule, even when the config turns it on', () => {
    const removed = needleRule('SQL201', 'qmark-placeholder', '?', { status: 'removed' });
    expect(run(text, [removed], [], { SQL201: 'error' }).findings).toEqual([]);
  });

  it('records a rule that throws and keeps the other rules\' findings', () => {
    const boom: Rule = {
      ...qmark(text),
      id: 'SQL999',
      name: 'boom',
      detect() {
        throw new Error('kaput');
      },
    };
    const { findings, errors } = run(text, [() => boom, imp]);
    expect(brief(findings)).toEqual(['SQL001@1:8']);
    expect(errors).toEqual([{ ruleId: 'SQL999', ruleName: 'boom', file: FILE, message: 'kaput' }]);
  });

  it('drops everything of a rule that throws half way through its hits', () => {
    const half: Rule = {
      ...qmark(text),
      detect: () => [{ range: { start: 0, end: 1 }, message: 'ok' }, null as unknown as RuleHit],
    };
    const { findings, errors } = run(text, [() => half]);
    expect(findings).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

describe('runRules: duplicates', () => {
  it('drops exact duplicates (same rule and range) but keeps other rules on the same range', () => {
    const twice = (text: string): Rule => ({
      ...qmark(text),
      detect: () => [
        { range: { start: 0, end: 1 }, message: 'first' },
        { range: { start: 0, end: 1 }, message: 'second' },
        { range: { start: 0, end: 2 }, message: 'wider' },
      ],
    });
    const other = (text: string): Rule => ({ ...twice(text), id: 'SQL202', name: 'numbered-placeholder' });
    const { findings } = run('??\n', [twice, other]);
    expect(findings.map((f) => `${f.ruleId} ${f.range.start}-${f.range.end} ${f.message}`)).toEqual([
      'SQL201 0-1 first',
      'SQL201 0-2 wider',
      'SQL202 0-1 first',
      'SQL202 0-2 wider',
    ]);
  });
});

describe('runRules: suppressions', () => {
  it('suppresses a finding on the same line', () => {
    const text = 'cur.execute("SELECT ?")  # pgready: ignore[SQL201] legacy\n';
    const s = suppress(text, '# pgready: ignore[SQL201] legacy', ['SQL201']);
    expect(s.line).toBe(0);
    expect(run(text, [qmark], [s]).findings).toEqual([]);
  });

  it('suppresses a finding on the line below, by id or by name', () => {
    const text = '# pgready: ignore[qmark-placeholder] legacy\ncur.execute("SELECT ?")\n';
    const s = suppress(text, '# pgready: ignore[qmark-placeholder] legacy', ['qmark-placeholder']);
    expect(run(text, [qmark], [s]).findings).toEqual([]);
  });

  it('does not reach two lines down, and reports the suppression as unused (SQL900)', () => {
    const text = '# pgready: ignore[SQL201] legacy\n\ncur.execute("SELECT ?")\n';
    const s = suppress(text, '# pgready: ignore[SQL201] legacy', ['SQL201']);
    const { findings } = run(text, [qmark], [s]);
    expect(brief(findings)).toEqual(['SQL900@1:1', 'SQL201@3:21']);
    expect(findings[0]).toMatchObject({
      ruleId: 'SQL900',
      ruleName: 'unused-suppression',
      category: 'suppression',
      severity: 'warning',
      message: '`# pgready: ignore[SQL201]` suppresses nothing here; remove it',
      range: s.range,
      endColumn: 33,
      snippet: '# pgready: ignore[SQL201] legacy',
    });
    expect(findings[0]!.fixedBy).toBeUndefined();
  });

  it('only hides the ids it lists, and reports each unused entry', () => {
    const text = 'import sqlite3  # pgready: ignore[SQL001, SQL201] both\n';
    const s = suppress(text, '# pgready: ignore[SQL001, SQL201] both', ['SQL001', 'SQL201']);
    const { findings } = run(text, [qmark, imp], [s]);
    expect(findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      'SQL900 `# pgready: ignore[SQL201]` suppresses nothing here; remove it',
    ]);
  });

  it('reports unknown ids and removed rules, but not rules turned off in the config', () => {
    const text = '# pgready: ignore[SQL777, SQL201, SQL001]\nx = 1\n';
    const s = suppress(text, '# pgready: ignore[SQL777, SQL201, SQL001]', ['SQL777', 'SQL201', 'SQL001']);
    const removedImp = needleRule('SQL001', 'sqlite-import', 'sqlite3', { status: 'removed' });
    const { findings } = run(text, [qmark, removedImp], [s], { SQL201: 'off' });
    expect(findings.map((f) => f.message)).toEqual([
      '`# pgready: ignore[SQL001]` suppresses nothing here; remove it',
      '`# pgready: ignore[SQL777]` suppresses nothing here; remove it',
    ]);
  });

  it('produces no SQL900 when SQL900 is off (by id or name), and applies its severity override', () => {
    const text = '# pgready: ignore[SQL201]\nx = 1\n';
    const s = suppress(text, '# pgready: ignore[SQL201]', ['SQL201']);
    expect(run(text, [qmark], [s], { SQL900: 'off' }).findings).toEqual([]);
    expect(run(text, [qmark], [s], { 'unused-suppression': 'off' }).findings).toEqual([]);
    expect(run(text, [qmark], [s], { SQL900: 'error' }).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual([
      'SQL900 error',
    ]);
  });

  it('uses // in the SQL900 message for JavaScript files', () => {
    const text = '// pgready: ignore[SQL201]\nconst x = 1;\n';
    const s = suppress(text, '// pgready: ignore[SQL201]', ['SQL201']);
    const facts: FileFacts = { ...emptyFacts('a.js', 'javascript'), suppressions: [s] };
    const { findings } = runRules([qmark(text)], facts, { ...source(text, 'a.js'), language: 'javascript' }, defaultConfig('/repo'));
    expect(findings.map((f) => f.message)).toEqual(['`// pgready: ignore[SQL201]` suppresses nothing here; remove it']);
  });

  it('lets `ignore[SQL900]` silence an unused suppression on the next line', () => {
    const text = '# pgready: ignore[SQL900]\n# pgready: ignore[SQL201] kept on purpose\nx = 1\n';
    const outer = suppress(text, '# pgready: ignore[SQL900]', ['SQL900']);
    const inner = suppress(text, '# pgready: ignore[SQL201] kept on purpose', ['SQL201']);
    expect(run(text, [qmark], [outer, inner]).findings).toEqual([]);
  });
});

describe('fingerprints', () => {
  const sha16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

  it('hashes rule id, file, the start line and range text with whitespace collapsed, and the occurrence index', () => {
    const text = 'a = "x  =\n   ?"\nb = "? ?"\n';
    const wide = (t: string): Rule => ({
      ...qmark(t),
      detect: () => [{ range: { start: 5, end: 14 }, message: 'm' }],
    });
    const [f] = run(text, [wide]).findings;
    expect(text.slice(5, 14)).toBe('x  =\n   ?');
    expect(f!.fingerprint).toBe(sha16('SQL201\0app/db.py\0a = "x =\0x = ?\x000'));

    const [q1, q2, q3] = run(text, [qmark]).findings;
    // the ? on line 2, then two on line 3: same line text, so they are told apart by occurrence
    expect(q1!.fingerprint).toBe(sha16('SQL201\0app/db.py\0?"\0?\x000'));
    expect(q2!.fingerprint).toBe(sha16('SQL201\0app/db.py\0b = "? ?"\0?\x000'));
    expect(q3!.fingerprint).toBe(sha16('SQL201\0app/db.py\0b = "? ?"\0?\x001'));
  });

  it('survives lines inserted above and unrelated edits', () => {
    const before = 'import sqlite3\ncur.execute("SELECT ? FROM t")\ncur.execute("SELECT ?")\n';
    const after =
      '"""Module docstring."""\n\nimport os\nimport sqlite3\n\n# a comment\ncur.execute("SELECT ? FROM t")\n' +
      'total = compute(1, 2)\ncur.execute("SELECT ?")\n';
    const a = run(before, [qmark, imp]).findings;
    const b = run(after, [qmark, imp]).findings;
    expect(brief(a)).toEqual(['SQL001@1:8', 'SQL201@2:21', 'SQL201@3:21']);
    expect(brief(b)).toEqual(['SQL001@4:8', 'SQL201@7:21', 'SQL201@9:21']);
    expect(b.map((f) => f.fingerprint)).toEqual(a.map((f) => f.fingerprint));
    expect(new Set(a.map((f) => f.fingerprint)).size).toBe(3);
  });

  it('does not shift when an earlier identical finding is suppressed', () => {
    const plain = 'cur.execute("SELECT ?")\ncur.execute("SELECT ?")\n';
    const withComment = '# pgready: ignore[SQL201]\ncur.execute("SELECT ?")\ncur.execute("SELECT ?")\n';
    const s = suppress(withComment, '# pgready: ignore[SQL201]', ['SQL201']);
    const second = run(plain, [qmark]).findings[1]!;
    const remaining = run(withComment, [qmark], [s]).findings;
    expect(brief(remaining)).toEqual(['SQL201@3:21']);
    expect(remaining[0]!.fingerprint).toBe(second.fingerprint);
  });

  it('differs between files', () => {
    const text = 'x = "?"\n';
    const facts = emptyFacts('b.py', 'python');
    const inA = run(text, [qmark]).findings[0]!;
    const inB = runRules([qmark(text)], facts, source(text, 'b.py'), defaultConfig('/repo')).findings[0]!;
    expect(inA.fingerprint).not.toBe(inB.fingerprint);
  });
});

function finding(file: string, start: number, ruleId: string, end = start + 1, message = 'm'): Finding {
  return {
    ruleId,
    ruleName: ruleId.toLowerCase(),
    category: 'sqlite-sql',
    severity: 'error',
    file,
    range: { start, end } as Range,
    line: 1,
    column: start + 1,
    endLine: 1,
    endColumn: end + 1,
    message,
    snippet: '',
    fingerprint: '',
  };
}

describe('sortFindings', () => {
  it('orders by file, start, rule id, end, message without mutating its input', () => {
    const input = [
      finding('b.py', 0, 'SQL001'),
      finding('a.py', 5, 'SQL301', 9, 'z'),
      finding('a.py', 5, 'SQL301', 9, 'a'),
      finding('a.py', 5, 'SQL301', 7),
      finding('a.py', 5, 'SQL201'),
      finding('a.py', 10, 'SQL001'),
      finding('A.py', 99, 'SQL001'),
    ];
    const sorted = sortFindings(input);
    expect(sorted.map((f) => `${f.file} ${f.range.start} ${f.ruleId} ${f.range.end} ${f.message}`)).toEqual([
      'A.py 99 SQL001 100 m',
      'a.py 5 SQL201 6 m',
      'a.py 5 SQL301 7 m',
      'a.py 5 SQL301 9 a',
      'a.py 5 SQL301 9 z',
      'a.py 10 SQL001 11 m',
      'b.py 0 SQL001 1 m',
    ]);
    expect(input[0]!.file).toBe('b.py');
  });
});

describe('summarise', () => {
  it('counts files, findings by severity and by every category, and skipped files', () => {
    const counts = { ...ZERO };
    const files: FileSummary[] = [
      { path: 'a.py', language: 'python', counts, usesSqlite: true },
      { path: 'b.py', language: 'python', counts, usesSqlite: false },
      { path: 'c.env', language: 'text', counts, usesSqlite: true },
    ];
    const fs = [
      finding('a.py', 0, 'SQL301'),
      { ...finding('a.py', 3, 'SQL201'), severity: 'warning' as const, category: 'placeholder' as const },
      { ...finding('c.env', 0, 'SQL011'), category: 'third-party' as const },
    ];
    const summary = summarise(files, fs, [{ path: 'big.py', reason: 'too-large', detail: 'd' }]);
    expect(summary).toEqual({
      filesScanned: 3,
      filesWithSqlite: 2,
      findings: 3,
      bySeverity: { error: 2, warning: 1, info: 0 },
      byCategory: {
        'sqlite-import': 0,
        'sqlite-connection': 0,
        'db-path': 0,
        placeholder: 1,
        'sqlite-sql': 1,
        'sqlite-api': 0,
        'third-party': 1,
        'dynamic-sql': 0,
        suppression: 0,
      },
      skipped: 1,
    });
    expect(Object.keys(summary.byCategory)[0]).toBe('sqlite-import');
  });
});
