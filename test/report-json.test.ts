import { describe, expect, it } from 'vitest';
import { compareBaseline } from '../src/baseline.js';
import { json, jsonChunks } from '../src/report/json.js';
import { cleanRun, FINDINGS, sampleRun } from './report-sample.js';

const opts = { color: true, cwd: '/repo' };

const counts = (c: Record<string, number>): string[] =>
  [
    '      "counts": {',
    `        "imports": ${c.imports ?? 0},`,
    `        "connections": ${c.connections ?? 0},`,
    `        "connectionFactories": ${c.connectionFactories ?? 0},`,
    `        "cursorOps": ${c.cursorOps ?? 0},`,
    `        "placeholders": ${c.placeholders ?? 0},`,
    `        "sqliteSql": ${c.sqliteSql ?? 0},`,
    `        "dbPaths": ${c.dbPaths ?? 0},`,
    `        "sqliteApi": ${c.sqliteApi ?? 0},`,
    `        "thirdParty": ${c.thirdParty ?? 0}`,
    '      }',
  ];

describe('json reporter', () => {
  it('writes the documented shape, keys in order, 2-space indent, trailing newline', () => {
    const expected = [
      '{',
      '  "tool": {',
      '    "name": "pgready",',
      '    "version": "9.8.7"',
      '  },',
      '  "summary": {',
      '    "filesScanned": 3,',
      '    "filesWithSqlite": 2,',
      '    "findings": 6,',
      '    "bySeverity": {',
      '      "error": 3,',
      '      "warning": 2,',
      '      "info": 1',
      '    },',
      '    "byCategory": {',
      '      "sqlite-import": 1,',
      '      "sqlite-connection": 1,',
      '      "db-path": 0,',
      '      "placeholder": 1,',
      '      "sqlite-sql": 1,',
      '      "sqlite-api": 0,',
      '      "third-party": 1,',
      '      "dynamic-sql": 1,',
      '      "suppression": 0',
      '    },',
      '    "skipped": 1',
      '  },',
      '  "files": [',
      '    {',
      '      "path": ".env",',
      '      "language": "text",',
      '      "priority": "medium",',
      ...counts({ dbPaths: 1 }),
      '    },',
      '    {',
      '      "path": "app/db.py",',
      '      "language": "python",',
      '      "priority": "medium",',
      ...counts({ imports: 1, connections: 1, cursorOps: 1, placeholders: 1, sqliteSql: 1 }),
      '    }',
      '  ],',
      '  "findings": [',
      '    {',
      '      "ruleId": "SQL011",',
      '      "ruleName": "sqlite-url",',
      '      "category": "third-party",',
      '      "severity": "error",',
      '      "file": ".env",',
      '      "line": 1,',
      '      "column": 14,',
      '      "endLine": 1,',
      '      "endColumn": 30,',
      '      "message": "SQLite URL `sqlite:///app.db`",',
      '      "snippet": "DATABASE_URL=sqlite:///app.db",',
      '      "fingerprint": "00000000000000a1",',
      '      "fixable": false',
      '    },',
      '    {',
      '      "ruleId": "SQL001",',
      '      "ruleName": "sqlite-import",',
      '      "category": "sqlite-import",',
      '      "severity": "warning",',
      '      "file": "app/db.py",',
      '      "line": 1,',
      '      "column": 8,',
      '      "endLine": 1,',
      '      "endColumn": 15,',
      '      "message": "`sqlite3` is imported",',
      '      "snippet": "import sqlite3",',
      '      "fingerprint": "00000000000000b1",',
      '      "fixable": false',
      '    },',
      '    {',
      '      "ruleId": "SQL002",',
      '      "ruleName": "sqlite-connect",',
      '      "category": "sqlite-connection",',
      '      "severity": "error",',
      '      "file": "app/db.py",',
      '      "line": 2,',
      '      "column": 8,',
      '      "endLine": 2,',
      '      "endColumn": 33,',
      '      "message": "`sqlite3.connect(...)` opens a SQLite connection",',
      '      "snippet": "conn = sqlite3.connect(\\"app.db\\")",',
      '      "fingerprint": "00000000000000b2",',
      '      "fixable": true',
      '    },',
      '    {',
      '      "ruleId": "SQL201",',
      '      "ruleName": "qmark-placeholder",',
      '      "category": "placeholder",',
      '      "severity": "error",',
      '      "file": "app/db.py",',
      '      "line": 3,',
      '      "column": 41,',
      '      "endLine": 3,',
      '      "endColumn": 42,',
      '      "message": "`?` placeholder in SQL passed to `execute`",',
      '      "snippet": "cur.execute(\\"SELECT * FROM t WHERE id = ?\\", (1,))",',
      '      "fingerprint": "00000000000000b3",',
      '      "fixable": true',
      '    },',
      '    {',
      '      "ruleId": "SQL210",',
      '      "ruleName": "dynamic-sql",',
      '      "category": "dynamic-sql",',
      '      "severity": "warning",',
      '      "file": "app/db.py",',
      '      "line": 4,',
      '      "column": 5,',
      '      "endLine": 5,',
      '      "endColumn": 21,',
      '      "message": "SQL built at run time",',
      `      "snippet": "q = (\\"SELECT name FROM users WHERE name LIKE 'a%' \\"",`,
      '      "fingerprint": "00000000000000b4",',
      '      "fixable": false',
      '    },',
      '    {',
      '      "ruleId": "SQL326",',
      '      "ruleName": "like-case-insensitive",',
      '      "category": "sqlite-sql",',
      '      "severity": "info",',
      '      "file": "app/db.py",',
      '      "line": 4,',
      '      "column": 41,',
      '      "endLine": 4,',
      '      "endColumn": 45,',
      '      "message": "`LIKE` is case-sensitive on PostgreSQL",',
      `      "snippet": "q = (\\"SELECT name FROM users WHERE name LIKE 'a%' \\"",`,
      '      "fingerprint": "00000000000000b5",',
      '      "fixable": false',
      '    }',
      '  ],',
      '  "skipped": [',
      '    {',
      '      "path": "vendor/big.py",',
      '      "reason": "too-large",',
      '      "detail": "3145728 bytes is over maxFileBytes (2097152); exclude it or raise maxFileBytes"',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    expect(json(sampleRun(), opts)).toBe(expected);
  });

  it('has no timing and ignores colour: the same bytes for the same findings', () => {
    const a = json(sampleRun(), opts);
    const b = json({ ...sampleRun(), durationMs: 99999, findings: [...FINDINGS].reverse() }, { ...opts, color: false });
    expect(b).toBe(a);
  });

  it('lists every category with 0 and no files when nothing uses SQLite', () => {
    const doc = JSON.parse(json(cleanRun(), opts)) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['tool', 'summary', 'files', 'findings', 'skipped']);
    expect(doc.summary).toEqual({
      filesScanned: 2,
      filesWithSqlite: 0,
      findings: 0,
      bySeverity: { error: 0, warning: 0, info: 0 },
      byCategory: {
        'sqlite-import': 0,
        'sqlite-connection': 0,
        'db-path': 0,
        placeholder: 0,
        'sqlite-sql': 0,
        'sqlite-api': 0,
        'third-party': 0,
        'dynamic-sql': 0,
        suppression: 0,
      },
      skipped: 0,
    });
    expect(doc.files).toEqual([]);
    expect(doc.findings).toEqual([]);
    expect(doc.skipped).toEqual([]);
  });

  it('adds the file priority from the run and, with a baseline, a status per finding and the resolved list', () => {
    const run = sampleRun();
    run.files.find((f) => f.path === '.env')!.priority = 'low';
    const baseline = compareBaseline(
      run.findings,
      {
        version: 1,
        tool: 'pgready',
        findings: [
          { fingerprint: '00000000000000a1', ruleId: 'SQL011', file: '.env', line: 1, message: 'm' },
          { fingerprint: 'dead000000000001', ruleId: 'SQL201', file: 'app/db.py', line: 7, message: 'gone' },
        ],
      },
      'b.json',
    );
    const doc = JSON.parse(json(run, { ...opts, baseline })) as {
      files: { path: string; priority: string }[];
      findings: { fingerprint: string; status: string }[];
      resolved: unknown[];
    };
    expect(Object.keys(doc)).toEqual(['tool', 'summary', 'files', 'findings', 'resolved', 'skipped']);
    expect(doc.files.map((f) => [f.path, f.priority])).toEqual([
      ['.env', 'low'],
      ['app/db.py', 'medium'],
    ]);
    expect(doc.findings.map((f) => f.status)).toEqual(['baseline', 'new', 'new', 'new', 'new', 'new']);
    expect(doc.resolved).toEqual([{ fingerprint: 'dead000000000001', ruleId: 'SQL201', file: 'app/db.py', line: 7, message: 'gone' }]);
  });

  it('streams the same text JSON.stringify gives, in pieces, however many findings there are', () => {
    const run = sampleRun();
    // enough findings to need several pieces
    run.findings = Array.from({ length: 3000 }, (_, i) => ({ ...FINDINGS[i % FINDINGS.length]!, line: i + 1, fingerprint: `f${i}` }));
    const baseline = compareBaseline(run.findings, { version: 1, tool: 'pgready', findings: [{ fingerprint: 'f1', ruleId: 'SQL001', file: 'x', line: 1, message: 'm' }, { fingerprint: 'gone', ruleId: 'SQL001', file: 'x', line: 1, message: 'm' }] }, 'b.json');
    for (const o of [opts, { ...opts, baseline }]) {
      const pieces = [...jsonChunks(run, o)];
      const text = pieces.join('');
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      expect(text).toBe(json(run, o));
      expect(pieces.length).toBeGreaterThan(3);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70_000);
    }
    const clean = [...jsonChunks(cleanRun(), opts)].join('');
    expect(clean).toBe(`${JSON.stringify(JSON.parse(clean), null, 2)}\n`);
  });
});
