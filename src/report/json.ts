import { CATEGORIES } from '../model/finding.js';
import type { Category } from '../model/finding.js';
import type { FileCounts } from '../model/run.js';
import { reportOrder } from '../runner.js';
import { defaultPriority } from './priority.js';
import type { Reporter, ReportOptions } from './types.js';
import type { Finding } from '../model/finding.js';
import type { RunResult } from '../model/run.js';
import { ITEMS, itemsHole, prettyJsonPieces, textOfPieces } from '../util/json-pieces.js';

const FILES = itemsHole('files');

/**
 * The documented, byte-for-byte deterministic JSON report. Objects are built key by key in the
 * documented order (JSON.stringify keeps insertion order); no timing, no absolute paths.
 */
export const json: Reporter = (run, opts) => textOfPieces(jsonChunks(run, opts));

/**
 * The JSON report in UTF-8 pieces, exactly `JSON.stringify(doc, null, 2)` plus a newline, one
 * finding at a time: a large project has tens of thousands of findings, and building the whole
 * document and its text at once doubled the audit's peak memory.
 */
export function* jsonChunks(run: RunResult, opts: ReportOptions): Generator<Uint8Array> {
  const s = run.summary;
  const baseline = opts.baseline;
  const byCategory = {} as Record<Category, number>;
  for (const cat of CATEGORIES) byCategory[cat] = s.byCategory[cat] ?? 0;

  const doc = {
    tool: { name: run.tool.name, version: run.tool.version },
    summary: {
      filesScanned: s.filesScanned,
      filesWithSqlite: s.filesWithSqlite,
      findings: s.findings,
      bySeverity: { error: s.bySeverity.error, warning: s.bySeverity.warning, info: s.bySeverity.info },
      byCategory,
      skipped: s.skipped,
    },
    // written one at a time too: 32,000 files make 20 MB of this list
    files: FILES,
    // written one at a time (prettyJsonPieces)
    findings: ITEMS,
    ...(baseline
      ? {
          resolved: baseline.resolved.map((e) => ({
            fingerprint: e.fingerprint,
            ruleId: e.ruleId,
            file: e.file,
            line: e.line,
            message: e.message,
          })),
        }
      : {}),
    skipped: [...run.skipped]
      .sort((a, b) => byString(a.path, b.path) || byString(a.reason, b.reason))
      .map((k) => ({ path: k.path, reason: k.reason, detail: k.detail })),
  };
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
  const files = run.files.filter((f) => f.usesSqlite).sort((a, b) => byString(a.path, b.path));
  yield* prettyJsonPieces(
    doc,
    (function* () {
      for (const f of reportOrder(run)) yield finding(f);
    })(),
    [
      [
        FILES,
        (function* () {
          for (const f of files) yield { path: f.path, language: f.language, priority: f.priority ?? defaultPriority(f.path), counts: counts(f.counts) };
        })(),
      ],
    ],
  );
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
