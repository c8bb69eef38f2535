import type { Language } from './facts.js';
import type { Category, Finding, Severity } from './finding.js';
import type { Refusal } from './codemod.js';
import type { Priority } from './config.js';
import type { Rule } from './rule.js';

export interface FileCounts {
  imports: number;
  connections: number;
  connectionFactories: number;
  cursorOps: number;
  placeholders: number;
  sqliteSql: number;
  dbPaths: number;
  sqliteApi: number;
  thirdParty: number;
  /** Connection sites opened directly (`sqlite3.connect`, `aiosqlite.connect`), not through a factory. */
  directConnections?: number;
  /** SQL statements holding at least one SQLite placeholder finding. */
  placeholderStatements?: number;
}

export interface FileSummary {
  path: string;
  language: Language;
  counts: FileCounts;
  /** Any SQLite usage at all (any finding or count above zero). */
  usesSqlite: boolean;
  /** Checklist priority from the config's `priorities` globs, else the defaults (src/report/priority.ts). */
  priority?: Priority;
}

export interface Skipped {
  path: string;
  /** machine-readable: 'binary' | 'too-large' | 'unreadable' | 'symlink-loop' | 'outside-root' | 'decode-error' | 'unsupported' | 'internal-error' | 'pgready-output' (a baseline, report or SARIF log pgready wrote) */
  reason: string;
  /** what happened and what to do */
  detail: string;
}

export type RuleMeta = Omit<Rule, 'detect'>;

/** Findings read back in report order (src/perf/findings-file.ts). */
export interface FindingStream {
  each(): Iterable<Finding>;
  close(): void;
}

export interface RunSummary {
  filesScanned: number;
  filesWithSqlite: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  byCategory: Partial<Record<Category, number>>;
  skipped: number;
}

export interface RunResult {
  tool: { name: string; version: string };
  files: FileSummary[];
  /** sorted by (file, start, ruleId); empty when findingsFile holds them */
  findings: Finding[];
  /**
   * A large audit asked to stream its findings (audit's `streamFindings`: the JSON and SARIF
   * reports) keeps them here, on disk, in report order; close() it once they are written out.
   */
  findingsFile?: FindingStream;
  skipped: Skipped[];
  /** catalogue metadata of the enabled rules, sorted by id */
  rules: RuleMeta[];
  summary: RunSummary;
  /** wall time; reporters that must be deterministic (json, sarif) leave it out */
  durationMs: number;
  /** files parsed with recovery from syntax errors: their findings may be incomplete */
  recovered?: { path: string; line: number; message: string }[];
  /** What `fix` refused to rewrite, and why: manual items in the report. */
  refusals?: RunRefusal[];
  /** with a fix outcome: fingerprints of the findings still reported once fix --unsafe-fixes is applied */
  remainsAfterFix?: string[];
}

/** A codemod's refusal placed in its file, for reporters. */
export interface RunRefusal extends Refusal {
  /** Relative to the working directory, `/` separators. */
  file: string;
  /** 1-based, of `range.start` */
  line: number;
  /** 1-based, UTF-16 code units */
  column: number;
}
