import { CATEGORIES } from '../model/finding.js';
import type { Category } from '../model/finding.js';
import type { FileCounts } from '../model/run.js';
import { sortFindings } from '../runner.js';
import { defaultPriority } from './priority.js';
import type { Reporter, ReportOptions } from './types.js';
import type { Finding } from '../model/finding.js';
import type { RunResult } from '../model/run.js';

/**
 * The documented, byte-for-byte deterministic JSON report. Objects are built key by key in the
 * documented order (JSON.stringify keeps insertion order); no timing, no absolute paths.
 */
export const json: Reporter = (run, opts) => [...jsonChunks(run, opts)].join('');

/**
 * The JSON report in pieces, exactly `JSON.stringify(doc, null, 2)` plus a newline, one finding at
 * a time: a large project has tens of thousands of findings, and building the whole document and
 * its text at once doubled the audit's peak memory.
 */
export function* jsonChunks(run: RunResult, opts: ReportOptions): Generator<string> {
  const s = run.summary;
  const baseline = opts.baseline;
  const byCategory = {} as Record<Category, number>;
  for (const cat of CATEGORIES) byCategory[cat] = s.byCategory[cat] ?? 0;

  const top: [string, unknown][] = [
    ['tool', { name: run.tool.name, version: run.tool.version }],
    [
      'summary',
      {
        filesScanned: s.filesScanned,
        filesWithSqlite: s.filesWithSqlite,
        findings: s.findings,
        bySeverity: { error: s.bySeverity.error, warning: s.bySeverity.warning, info: s.bySeverity.info },
        byCategory,
        skipped: s.skipped,
      },
    ],
    [
      'files',
      run.files
        .filter((f) => f.usesSqlite)
        .sort((a, b) => byString(a.path, b.path))
        .map((f) => ({
          path: f.path,
          language: f.language,
          priority: f.priority ?? defaultPriority(f.path),
          counts: counts(f.counts),
        })),
    ],
  ];
  const findings = sortFindings(run.findings);
  const finding = (f: Finding) => ({
    ruleId: f.ruleId,
    ruleName: f.ruleName,
    category: f.category,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    snippet: f.snippet,
    fingerprint: f.fingerprint,
    fixable: f.fixedBy !== undefined,
    // with --baseline only: is it in the baseline or new since?
    ...(baseline ? { status: baseline.known.has(f.fingerprint) ? 'baseline' : 'new' } : {}),
  });
  const rest: [string, unknown][] = [
    ...(baseline
      ? ([
          [
            'resolved',
            baseline.resolved.map((e) => ({
              fingerprint: e.fingerprint,
              ruleId: e.ruleId,
              file: e.file,
              line: e.line,
              message: e.message,
            })),
          ],
        ] as [string, unknown][])
      : []),
    [
      'skipped',
      [...run.skipped]
        .sort((a, b) => byString(a.path, b.path) || byString(a.reason, b.reason))
        .map((k) => ({ path: k.path, reason: k.reason, detail: k.detail })),
    ],
  ];

  // what JSON.stringify(value, null, 2) writes for a value nested `depth` levels down
  const nested = (value: unknown, depth: number): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
  const entry = ([key, value]: [string, unknown]): string => `  ${JSON.stringify(key)}: ${nested(value, 1)}`;
  yield `{\n${top.map(entry).join(',\n')},\n`;
  if (findings.length === 0) yield '  "findings": [],\n';
  else {
    yield '  "findings": [\n';
    let batch = '';
    for (let i = 0; i < findings.length; i++) {
      batch += `    ${nested(finding(findings[i]!), 2)}${i + 1 < findings.length ? ',' : ''}\n`;
      // pieces of about 64 KB: few writes, no document-sized string
      if (batch.length >= 65536) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}  ],\n`;
  }
  yield `${rest.map(entry).join(',\n')}\n}\n`;
}

function counts(c: FileCounts): FileCounts {
  return {
    imports: c.imports,
    connections: c.connections,
    connectionFactories: c.connectionFactories,
    cursorOps: c.cursorOps,
    placeholders: c.placeholders,
    sqliteSql: c.sqliteSql,
    dbPaths: c.dbPaths,
    sqliteApi: c.sqliteApi,
    thirdParty: c.thirdParty,
  };
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
