import type { Range } from './facts.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

/** Is `s` at or above `threshold`? */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(threshold);
}

export type Category =
  | 'sqlite-import'
  | 'sqlite-connection'
  | 'db-path'
  | 'placeholder'
  | 'sqlite-sql'
  | 'sqlite-api'
  | 'third-party'
  | 'dynamic-sql'
  | 'suppression';

export const CATEGORIES: readonly Category[] = [
  'sqlite-import',
  'sqlite-connection',
  'db-path',
  'placeholder',
  'sqlite-sql',
  'sqlite-api',
  'third-party',
  'dynamic-sql',
  'suppression',
];

export interface Finding {
  ruleId: string;
  ruleName: string;
  category: Category;
  severity: Severity;
  /** Relative to the working directory, `/` separators. */
  file: string;
  range: Range;
  /** 1-based */
  line: number;
  /** 1-based, UTF-16 code units */
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** The source line the finding starts on, trimmed. */
  snippet: string;
  /** Stable across unrelated edits and line shifts: rule + file + normalised snippet + occurrence. */
  fingerprint: string;
  /** The codemod that rewrites it, if any. */
  fixedBy?: string;
}
