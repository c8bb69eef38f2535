import { describe, expect, it } from 'vitest';
import { compareBaseline } from '../src/baseline.js';
import type { RuleMeta, RunRefusal, RunResult } from '../src/model/run.js';
import { commonDirectory, inline, markdown, refusalFinder } from '../src/report/markdown.js';
import { random } from './helpers/random.js';
import { sampleRun } from './report-sample.js';

const opts = { color: false, cwd: '/repo' };

function rule(id: string, name: string, category: RuleMeta['category'], postgres: string, fixedBy?: string): RuleMeta {
  const r: RuleMeta = {
    id,
    name,
    title: `${name} title`,
    severity: 'error',
    category,
    rationale: `Why ${name} matters.`,
    postgres,
    examples: { bad: 'bad()', good: 'good()' },
  };
  if (fixedBy) r.fixedBy = fixedBy;
  return r;
}

/** The shared sample run, with what only the report reads: priorities, refusals, rule metadata. */
function run(): RunResult {
  const r = sampleRun();
  const db = r.files.find((f) => f.path === 'app/db.py')!;
  db.counts = { ...db.counts, directConnections: 1, placeholderStatements: 1 };
  db.priority = 'critical';
  r.files.find((f) => f.path === '.env')!.priority = 'low';
  r.files.find((f) => f.path === 'app/util.py')!.priority = 'medium';
  r.rules = [
    rule('SQL002', 'sqlite-connect', 'sqlite-connection', '`psycopg.connect(dsn)`', 'connect-to-factory'),
    rule('SQL201', 'qmark-placeholder', 'placeholder', '`%s` | `$1`', 'qmark-to-target-placeholders'),
  ];
  r.refusals = [
    {
      codemod: 'connect-to-factory',
      range: { start: 22, end: 47 },
      reason: 'connection-escapes',
      detail: 'The connection is stored on `self`; route it through the factory by hand.',
      file: 'app/db.py',
      line: 2,
      column: 8,
    },
  ];
  return r;
}

describe('markdown reporter', () => {
  it('writes the inventory and checklist', () => {
    const expected = `# SQLite to PostgreSQL: inventory and checklist

Written by pgready 9.8.7 from 3 files scanned.

## Summary

| | |
|---|---|
| Files scanned | 3 |
| Files with any SQLite usage | 2 |
| Files with direct SQLite connections | 1 |
| Connection sites | 1 (1 direct, 0 via factories) |
| Connection factories | 0 |
| Cursor operations | 1 |
| SQL statements with SQLite placeholders | 1 (1 placeholder) |
| SQLite-only SQL constructs | 1 |
| \`.db\` file references | 1 |
| Third-party SQLite entry points | 0 |
| Dynamic SQL | 1 |
| Findings | 6 (3 errors, 2 warnings, 1 info) |
| \`pgready fix\` can rewrite automatically | 1 finding |
| Need a person | 5 findings, 1 refused by \`fix\` |
| Files skipped | 1 |

SQLite-only SQL constructs by kind:

- \`SQL326\` like-case-insensitive: 1

Not read (check these by hand):

- [\`vendor/big.py\`](vendor/big.py): too-large: 3145728 bytes is over maxFileBytes (2097152); exclude it or raise maxFileBytes

## Files with direct SQLite connections

Heaviest first. Connections count every connection site, direct or through a factory.

- [ ] [\`app/db.py\`](app/db.py) — 1 connection, 1 cursor operation, 1 placeholder, 1 SQLite-only construct

## By priority

### Critical

#### [\`app/db.py\`](app/db.py)

5 findings · 1 for \`fix\` · 4 manual

- [ ] [L1](app/db.py#L1) \`SQL001\` sqlite-import: \`sqlite3\` is imported — manual
- [ ] [L2](app/db.py#L2) \`SQL002\` sqlite-connect: \`sqlite3.connect(...)\` opens a SQLite connection — manual (\`fix\` refused: connection-escapes)
- [ ] [L3](app/db.py#L3) \`SQL201\` qmark-placeholder: \`?\` placeholder in SQL passed to \`execute\` — \`fix\` (\`qmark-to-target-placeholders\`)
- [ ] [L4](app/db.py#L4) \`SQL210\` dynamic-sql: SQL built at run time — manual
- [ ] [L4](app/db.py#L4) \`SQL326\` like-case-insensitive: \`LIKE\` is case-sensitive on PostgreSQL — manual

### Low

#### [\`.env\`](.env)

1 finding · 0 for \`fix\` · 1 manual

- [ ] [L1](.env#L1) \`SQL011\` sqlite-url: SQLite URL \`sqlite:///app.db\` — manual

## By rule

| Rule | Findings | Files | \`fix\` | PostgreSQL equivalent |
|---|---:|---:|---|---|
| \`SQL001\` sqlite-import | 1 | 1 | no | — |
| \`SQL002\` sqlite-connect | 1 | 1 | yes (\`connect-to-factory\`) | \`psycopg.connect(dsn)\` |
| \`SQL011\` sqlite-url | 1 | 1 | no | — |
| \`SQL201\` qmark-placeholder | 1 | 1 | yes (\`qmark-to-target-placeholders\`) | \`%s\` \\| \`$1\` |
| \`SQL210\` dynamic-sql | 1 | 1 | no | — |
| \`SQL326\` like-case-insensitive | 1 | 1 | no | — |

## Manual work

What \`pgready fix\` will not rewrite, grouped by rule: each needs a person.

### \`SQL001\` sqlite-import — 1 finding in 1 file

Reason: no codemod rewrites this.

- [ ] [\`app/db.py\`](app/db.py): [L1](app/db.py#L1)

### \`SQL002\` sqlite-connect — 1 finding in 1 file

Reason: \`pgready fix\` refused or could not rewrite these; see "Refused by \`pgready fix\`" below.
Why: Why sqlite-connect matters.
PostgreSQL: \`psycopg.connect(dsn)\`

- [ ] [\`app/db.py\`](app/db.py): [L2](app/db.py#L2)

### \`SQL011\` sqlite-url — 1 finding in 1 file

Reason: no codemod rewrites this.

- [ ] [\`.env\`](.env): [L1](.env#L1)

### \`SQL210\` dynamic-sql — 1 finding in 1 file

Reason: no codemod rewrites this.

- [ ] [\`app/db.py\`](app/db.py): [L4](app/db.py#L4)

### \`SQL326\` like-case-insensitive — 1 finding in 1 file

Reason: no codemod rewrites this.

- [ ] [\`app/db.py\`](app/db.py): [L4](app/db.py#L4)

### Refused by \`pgready fix\`

#### connection-escapes (1)

- [ ] [\`app/db.py\`](app/db.py) [L2](app/db.py#L2) — \`connect-to-factory\`: The connection is stored on \`self\`; route it through the factory by hand.

## Configuration and scripts

Files other than code that name SQLite: deployment, configuration and shell scripts.

- [ ] [\`.env\`](.env) — \`SQL011\` sqlite-url ×1

## Findings by category

\`\`\`mermaid
pie showData
    title Findings by category
    "sqlite-import" : 1
    "sqlite-connection" : 1
    "placeholder" : 1
    "sqlite-sql" : 1
    "third-party" : 1
    "dynamic-sql" : 1
\`\`\`
`;
    expect(markdown(run(), opts)).toBe(expected);
  });

  it('is deterministic: unsorted input gives the same bytes', () => {
    const a = run();
    const b = run();
    b.findings = [...b.findings].reverse();
    b.files = [...b.files].reverse();
    expect(markdown(b, opts)).toBe(markdown(a, opts));
  });

  it('shows baseline progress overall and per file, resolved items checked, new ones marked', () => {
    const r = run();
    const baseline = {
      version: 1,
      tool: 'pgready',
      findings: [
        // still there
        { fingerprint: '00000000000000b1', ruleId: 'SQL001', file: 'app/db.py', line: 1, message: '`sqlite3` is imported' },
        { fingerprint: '00000000000000b2', ruleId: 'SQL002', file: 'app/db.py', line: 2, message: 'm' },
        { fingerprint: '00000000000000a1', ruleId: 'SQL011', file: '.env', line: 1, message: 'm' },
        // gone
        { fingerprint: 'dead000000000001', ruleId: 'SQL201', file: 'app/db.py', line: 9, message: '`?` placeholder in SQL passed to `execute`' },
        { fingerprint: 'dead000000000002', ruleId: 'SQL002', file: 'app/gone.py', line: 3, message: 'opened *here*' },
      ],
    };
    const text = markdown(r, { ...opts, baseline: compareBaseline(r.findings, baseline, '.pgready-baseline.json') });
    // 6 findings now, 3 of them known: b3, b4, b5 are new
    expect(text).toContain(
      '**Progress:** 2 of 5 baseline findings resolved (40%), against `.pgready-baseline.json`; 3 new findings since the baseline.\n',
    );
    // app/db.py: 2 known + 1 resolved
    expect(text).toContain('5 findings · 1 for `fix` · 4 manual · 1 of 3 baseline findings resolved (33%)\n');
    expect(text).toContain('- [ ] [L1](app/db.py#L1) `SQL001` sqlite-import: `sqlite3` is imported — manual\n');
    expect(text).toContain(
      '- [ ] [L3](app/db.py#L3) `SQL201` qmark-placeholder: `?` placeholder in SQL passed to `execute` — `fix` (`qmark-to-target-placeholders`) **new**\n',
    );
    expect(text).toContain('- [x] ~~L9 `SQL201` qmark-placeholder: `?` placeholder in SQL passed to `execute`~~ resolved\n');
    // a file with nothing left is still listed, under its default priority, fully resolved
    expect(text).toContain(
      '### Medium\n\n#### [`app/gone.py`](app/gone.py)\n\n0 findings · 0 for `fix` · 0 manual · 1 of 1 baseline finding resolved (100%)\n\n' +
        '- [x] ~~L3 `SQL002` sqlite-connect: opened \\*here\\*~~ resolved\n',
    );
    expect(text).toContain('1 finding · 0 for `fix` · 1 manual · 0 of 1 baseline finding resolved (0%)\n');
  });

  it('lists files parsed despite syntax errors under the summary', () => {
    const r = run();
    r.recovered = [{ path: 'app/util.py', line: 7, message: 'syntax error near `def`' }];
    expect(markdown(r, opts)).toContain(
      '\nParsed despite syntax errors (their findings may be incomplete):\n\n- [`app/util.py`](app/util.py) [L7](app/util.py#L7): syntax error near `def`\n\n## Files with direct',
    );
  });

  it('says a file had nothing in the baseline rather than 0 of 0', () => {
    const r = run();
    const baseline = compareBaseline(
      r.findings,
      { version: 1, tool: 'pgready', findings: [{ fingerprint: '00000000000000b1', ruleId: 'SQL001', file: 'app/db.py', line: 1, message: 'm' }] },
      'b.json',
    );
    const text = markdown(r, { ...opts, baseline });
    expect(text).toContain('#### [`.env`](.env)\n\n1 finding · 0 for `fix` · 1 manual · not in the baseline\n');
    expect(text).toContain('**Progress:** 0 of 1 baseline finding resolved (0%), against `b.json`; 5 new findings since the baseline.\n');
  });

  it('lists files with direct connections heaviest first, skipping those that only use factories', () => {
    const r = run();
    const base = r.files.find((f) => f.path === 'app/db.py')!.counts;
    r.files.push(
      { path: 'app/jobs.py', language: 'python', counts: { ...base, connections: 3, directConnections: 1, cursorOps: 0 }, usesSqlite: true },
      { path: 'app/api.py', language: 'python', counts: { ...base, connections: 5, directConnections: 0 }, usesSqlite: true },
      { path: 'app/cli.py', language: 'python', counts: { ...base, cursorOps: 4 }, usesSqlite: true },
    );
    const text = markdown(r, opts);
    const section = text.slice(text.indexOf('## Files with direct'), text.indexOf('## By priority'));
    expect(section.split('\n').filter((l) => l.startsWith('- [ ]'))).toEqual([
      '- [ ] [`app/jobs.py`](app/jobs.py) — 3 connections, 0 cursor operations, 1 placeholder, 1 SQLite-only construct',
      '- [ ] [`app/cli.py`](app/cli.py) — 1 connection, 4 cursor operations, 1 placeholder, 1 SQLite-only construct',
      '- [ ] [`app/db.py`](app/db.py) — 1 connection, 1 cursor operation, 1 placeholder, 1 SQLite-only construct',
    ]);
  });

  it('links back to the files from where the document is written', () => {
    const text = markdown(run(), { ...opts, linkPrefix: '..' });
    expect(text).toContain('- [ ] [L1](../app/db.py#L1) `SQL001`');
    expect(text).toContain('- [ ] [`app/db.py`](../app/db.py) — 1 connection');
  });

  it('shows paths relative to the directory every file shares, links stay relative to the working directory', () => {
    const r = run();
    for (const f of r.files) f.path = `proj/${f.path}`;
    r.findings = r.findings.map((f) => ({ ...f, file: `proj/${f.file}` }));
    r.refusals = [];
    r.skipped = [];
    const text = markdown(r, opts);
    expect(text).toContain('Written by pgready 9.8.7 from 3 files scanned. Paths are relative to `proj/`.\n');
    expect(text).toContain('#### [`app/db.py`](proj/app/db.py)\n');
    expect(text).toContain('- [ ] [L4](proj/app/db.py#L4) `SQL210`');
  });

  it('groups identical findings on one line into one item', () => {
    const r = run();
    const q = r.findings.find((f) => f.ruleId === 'SQL201')!;
    r.findings.push({ ...q, range: { start: 90, end: 91 }, column: 43, endColumn: 44, fingerprint: '00000000000000b6' });
    const text = markdown(r, opts);
    expect(text).toContain('- [ ] [L3](app/db.py#L3) `SQL201` qmark-placeholder ×2: `?` placeholder');
    expect(text).toContain('- [ ] [`app/db.py`](app/db.py): [L1](app/db.py#L1)\n');
  });

  it('with a fix outcome, counts as automatic exactly what is gone once fix has run', () => {
    const r = run();
    r.refusals = [];
    // every finding survives the fix but SQL326's (no codemod: another change removed it);
    // SQL201 has a codemod and survives
    const gone = r.findings.filter((f) => f.ruleId === 'SQL326');
    expect(gone).toHaveLength(1);
    r.remainsAfterFix = r.findings.filter((f) => f.ruleId !== 'SQL326').map((f) => f.fingerprint);
    const text = markdown(r, opts);
    expect(text).toContain('| `pgready fix --unsafe-fixes` rewrites automatically | 1 finding |');
    expect(text).toContain(`| Need a person | ${r.findings.length - 1} findings |`);
    expect(text).toMatch(/`SQL201` qmark-placeholder( ×\d+)?: [^\n]* — manual\n/);
    expect(text).toMatch(/`SQL326` like-case-insensitive( ×\d+)?: [^\n]* — `fix`\n/);
  });

  it('says so when nothing uses SQLite', () => {
    const r = sampleRun();
    r.files = [{ path: 'a.py', language: 'python', counts: r.files[1]!.counts, usesSqlite: false }];
    r.findings = [];
    r.skipped = [];
    r.summary = { filesScanned: 1, filesWithSqlite: 0, findings: 0, bySeverity: { error: 0, warning: 0, info: 0 }, byCategory: {}, skipped: 0 };
    const text = markdown(r, opts);
    expect(text).toContain('## Files with direct SQLite connections\n\nNone.\n');
    expect(text).toContain('## By priority\n\nNo findings.\n');
    expect(text).toContain('## Manual work\n\nNone: `pgready fix` handles every finding.\n');
    expect(text).toContain('## Configuration and scripts\n\nNo configuration file or script names SQLite.\n');
    expect(text.endsWith('## Findings by category\n\nNo findings.\n')).toBe(true);
  });
});

describe('inline Markdown from messages', () => {
  it('keeps code spans and escapes what Markdown would read as markup outside them', () => {
    expect(inline('`a_b*c` and <b> *x* [y]')).toBe('`a_b*c` and \\<b\\> \\*x\\* \\[y\\]');
    expect(inline('row_factory stays, _emphasis_ does not')).toBe('row_factory stays, \\_emphasis\\_ does not');
    expect(inline('an unclosed ` tick')).toBe('an unclosed \\` tick');
    expect(inline('``code with ` inside`` then | pipe')).toBe('``code with ` inside`` then \\| pipe');
    expect(inline('two\nlines')).toBe('two lines');
  });

  it('finds the directory every path shares', () => {
    expect(commonDirectory(['a/b/c.py', 'a/b/d/e.py'])).toBe('a/b');
    expect(commonDirectory(['a/b/c.py', 'a/x.py'])).toBe('a');
    expect(commonDirectory(['.env', 'a/x.py'])).toBe('');
    expect(commonDirectory([])).toBe('');
  });
});

describe('refusalFinder', () => {
  it('finds what the first refusal of the codemod holding the offset is, as reading the list would', () => {
    const rnd = random(42);
    for (let k = 0; k < 300; k++) {
      const refusals: RunRefusal[] = Array.from({ length: Math.floor(rnd() * 12) }, () => {
        const start = Math.floor(rnd() * 40);
        const end = start + Math.floor(rnd() * 12) - 2;
        return { file: rnd() < 0.8 ? 'a.py' : 'b.py', codemod: rnd() < 0.7 ? 'one' : 'two', reason: `r${Math.floor(rnd() * 3)}`, detail: 'd', range: { start, end: Math.max(start, end) }, line: 1 } as RunRefusal;
      }).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start));
      const byFile = new Map<string, RunRefusal[]>();
      for (const r of refusals) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
      const find = refusalFinder(byFile);
      for (let at = 0; at < 55; at++) {
        for (const codemod of ['one', 'two']) {
          const want = (byFile.get('a.py') ?? []).find((r) => r.codemod === codemod && r.range.start <= at && at < Math.max(r.range.end, r.range.start + 1));
          expect(find('a.py', codemod, at), `${JSON.stringify(refusals)} ${codemod} ${at}`).toBe(want);
        }
      }
    }
  });
});
