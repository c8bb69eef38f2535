import type { TableSchema } from './codemod.js';
import type { FileFacts, Range } from './facts.js';
import type { Category, Severity } from './finding.js';

/** What a rule returns: the runner fills in id, severity, file, line/column and fingerprint. */
export interface RuleHit {
  range: Range;
  message: string;
}

/** What a rule may read besides the file's facts. */
export interface RuleContext {
  /** tables declared by a `CREATE TABLE` anywhere in the scanned project, by lower-cased name */
  schema: ReadonlyMap<string, TableSchema>;
}

export interface Rule {
  /** `SQL` + three digits, permanent. */
  id: string;
  /** kebab-case, equals the file name under rules/ and the fixture name. */
  name: string;
  /** One line. */
  title: string;
  severity: Severity;
  category: Category;
  /** Why it matters on PostgreSQL. */
  rationale: string;
  /** The PostgreSQL equivalent, in one line. */
  postgres: string;
  /** `bad` must fire and `good` must not; `filename` picks the language (default `example.py`). */
  examples: { bad: string; good: string; filename?: string };
  /** The codemod that fixes it. */
  fixedBy?: string;
  status?: 'active' | 'removed';
  /** `ctx` is always passed by the runner; rules that need no project-wide knowledge leave it out. */
  detect(facts: FileFacts, ctx?: RuleContext): RuleHit[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
