import type { Finding } from '../src/model/finding.js';
import type { FileCounts, RunResult } from '../src/model/run.js';

/** A hand-built run shared by the reporter tests: no analysis involved. */

export const DB_PY = [
  'import sqlite3',
  'conn = sqlite3.connect("app.db")',
  'cur.execute("SELECT * FROM t WHERE id = ?", (1,))',
  `q = ("SELECT name FROM users WHERE name LIKE 'a%' "`,
  '     "ORDER BY name")',
  '',
].join('\n');

export const ENV = 'DATABASE_URL=sqlite:///app.db\n';

export const ZERO: FileCounts = {
  imports: 0,
  connections: 0,
  connectionFactories: 0,
  cursorOps: 0,
  placeholders: 0,
  sqliteSql: 0,
  dbPaths: 0,
  sqliteApi: 0,
  thirdParty: 0,
};

type Loc = Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>;

function finding(
  base: Pick<Finding, 'ruleId' | 'ruleName' | 'category' | 'severity' | 'file' | 'message' | 'snippet' | 'fingerprint'>,
  range: [number, number],
  loc: Loc,
  fixedBy?: string,
): Finding {
  const f: Finding = { ...base, range: { start: range[0], end: range[1] }, ...loc };
  if (fixedBy) f.fixedBy = fixedBy;
  return f;
}

// Offsets into DB_PY: line 1 starts at 0, line 2 at 15, line 3 at 48, line 4 at 98, line 5 at 150.
export const FINDINGS: Finding[] = [
  finding(
    {
      ruleId: 'SQL011',
      ruleName: 'sqlite-url',
      category: 'third-party',
      severity: 'error',
      file: '.env',
      message: 'SQLite URL `sqlite:///app.db`',
      snippet: 'DATABASE_URL=sqlite:///app.db',
      fingerprint: '00000000000000a1',
    },
    [13, 29],
    { line: 1, column: 14, endLine: 1, endColumn: 30 },
  ),
  finding(
    {
      ruleId: 'SQL001',
      ruleName: 'sqlite-import',
      category: 'sqlite-import',
      severity: 'warning',
      file: 'app/db.py',
      message: '`sqlite3` is imported',
      snippet: 'import sqlite3',
      fingerprint: '00000000000000b1',
    },
    [7, 14],
    { line: 1, column: 8, endLine: 1, endColumn: 15 },
  ),
  finding(
    {
      ruleId: 'SQL002',
      ruleName: 'sqlite-connect',
      category: 'sqlite-connection',
      severity: 'error',
      file: 'app/db.py',
      message: '`sqlite3.connect(...)` opens a SQLite connection',
      snippet: 'conn = sqlite3.connect("app.db")',
      fingerprint: '00000000000000b2',
    },
    [22, 47],
    { line: 2, column: 8, endLine: 2, endColumn: 33 },
    'connect-to-factory',
  ),
  finding(
    {
      ruleId: 'SQL201',
      ruleName: 'qmark-placeholder',
      category: 'placeholder',
      severity: 'error',
      file: 'app/db.py',
      message: '`?` placeholder in SQL passed to `execute`',
      snippet: 'cur.execute("SELECT * FROM t WHERE id = ?", (1,))',
      fingerprint: '00000000000000b3',
    },
    [88, 89],
    { line: 3, column: 41, endLine: 3, endColumn: 42 },
    'qmark-to-target-placeholders',
  ),
  finding(
    {
      ruleId: 'SQL210',
      ruleName: 'dynamic-sql',
      category: 'dynamic-sql',
      severity: 'warning',
      file: 'app/db.py',
      message: 'SQL built at run time',
      snippet: `q = ("SELECT name FROM users WHERE name LIKE 'a%' "`,
      fingerprint: '00000000000000b4',
    },
    [102, 170],
    { line: 4, column: 5, endLine: 5, endColumn: 21 },
  ),
  finding(
    {
      ruleId: 'SQL326',
      ruleName: 'like-case-insensitive',
      category: 'sqlite-sql',
      severity: 'info',
      file: 'app/db.py',
      message: '`LIKE` is case-sensitive on PostgreSQL',
      snippet: `q = ("SELECT name FROM users WHERE name LIKE 'a%' "`,
      fingerprint: '00000000000000b5',
    },
    [138, 142],
    { line: 4, column: 41, endLine: 4, endColumn: 45 },
  ),
];

export function sampleRun(): RunResult {
  return {
    tool: { name: 'pgready', version: '9.8.7' },
    // deliberately unsorted: reporters sort files by path
    files: [
      {
        path: 'app/db.py',
        language: 'python',
        counts: { ...ZERO, imports: 1, connections: 1, cursorOps: 1, placeholders: 1, sqliteSql: 1 },
        usesSqlite: true,
      },
      { path: 'app/util.py', language: 'python', counts: ZERO, usesSqlite: false },
      { path: '.env', language: 'text', counts: { ...ZERO, dbPaths: 1 }, usesSqlite: true },
    ],
    findings: FINDINGS,
    skipped: [
      {
        path: 'vendor/big.py',
        reason: 'too-large',
        detail: '3145728 bytes is over maxFileBytes (2097152); exclude it or raise maxFileBytes',
      },
    ],
    rules: [],
    summary: {
      filesScanned: 3,
      filesWithSqlite: 2,
      findings: 6,
      bySeverity: { error: 3, warning: 2, info: 1 },
      byCategory: {
        'sqlite-import': 1,
        'sqlite-connection': 1,
        placeholder: 1,
        'sqlite-sql': 1,
        'third-party': 1,
        'dynamic-sql': 1,
      },
      skipped: 1,
    },
    durationMs: 1234,
  };
}

export function cleanRun(): RunResult {
  return {
    tool: { name: 'pgready', version: '9.8.7' },
    files: [
      { path: 'b.py', language: 'python', counts: ZERO, usesSqlite: false },
      { path: 'a.py', language: 'python', counts: ZERO, usesSqlite: false },
    ],
    findings: [],
    skipped: [],
    rules: [],
    summary: {
      filesScanned: 2,
      filesWithSqlite: 0,
      findings: 0,
      bySeverity: { error: 0, warning: 0, info: 0 },
      byCategory: {},
      skipped: 0,
    },
    durationMs: 12.4,
  };
}
