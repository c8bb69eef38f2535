import type { Language } from './facts.js';
import type { Category, Finding, Severity } from './finding.js';
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
}

export interface FileSummary {
  path: string;
  language: Language;
  counts: FileCounts;
  /** Any SQLite usage at all (any finding or count above zero). */
  usesSqlite: boolean;
}

export interface Skipped {
  path: string;
  /** machine-readable: 'binary' | 'too-large' | 'unreadable' | 'symlink-loop' | 'outside-root' | 'decode-error' | 'unsupported' | 'internal-error' */
  reason: string;
  /** what happened and what to do */
  detail: string;
}

export type RuleMeta = Omit<Rule, 'detect'>;

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
  /** sorted by (file, start, ruleId) */
  findings: Finding[];
  skipped: Skipped[];
  /** catalogue metadata of the enabled rules, sorted by id */
  rules: RuleMeta[];
  summary: RunSummary;
  /** wall time; reporters that must be deterministic (json, sarif) leave it out */
  durationMs: number;
  /** files parsed with recovery from syntax errors: their findings may be incomplete */
  recovered?: { path: string; line: number; message: string }[];
}
