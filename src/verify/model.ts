import type { StatementKind } from './parse.js';

/** Where verification stopped: the driver (psycopg), PostgreSQL's parser, or the planner. */
export type VerifyStage = 'driver' | 'parse' | 'plan';

export interface VerifyError {
  stage: VerifyStage;
  /** PostgreSQL's own message (or the driver's) */
  message: string;
  /** SQLSTATE */
  code?: string;
  detail?: string;
  hint?: string;
  /** UTF-16 index into `postgres` of the character PostgreSQL points at */
  position?: number;
  /** 1-based file line and column of that character, in the file as it is on disk */
  line?: number;
  column?: number;
}

/** An audit finding inside a statement: why it fails, and whether `fix` handles it. */
export interface StatementFinding {
  ruleId: string;
  ruleName: string;
  /** the codemod that rewrites it; undefined: manual work */
  fixedBy?: string;
  line: number;
}

export interface VerifiedStatement {
  /** relative path, `/` separators; the --schema file for its own statements */
  file: string;
  /** 1-based line and column where the statement's SQL starts, in the file as it is on disk */
  line: number;
  column: number;
  /** the statement's SQL as the program holds it (after `fix`, unless --as-is) */
  sql: string;
  /** the text PostgreSQL checked: placeholders as $n, dynamic parts replaced */
  postgres: string;
  /** the parse tree's root node (SelectStmt, CreateStmt …), when it parsed */
  node?: string;
  kind?: StatementKind;
  /** from the --schema file rather than the project */
  fromSchemaFile?: boolean;
  /** SQL assembled at run time: holes replaced by stand-ins, so the check is best-effort */
  bestEffort: boolean;
  /** its text after `fix` differs from the file today */
  changedByFix: boolean;
  status: 'passed' | 'failed' | 'unverifiable';
  /** the checks that ran: parse (level 1), plan (level 2/3: PREPARE and a generic plan, or the DDL run) */
  checks: ('parse' | 'plan')[];
  error?: VerifyError;
  /** why it could not be checked (status unverifiable) */
  reason?: string;
  /** audit findings on the statement's text (after `fix`: what is left to do by hand) */
  findings: StatementFinding[];
}

export interface VerifySummary {
  statements: number;
  passed: number;
  failed: number;
  unverifiable: number;
  bestEffort: number;
  /** passed the parser only: not planned (level 1 run, or statements such as BEGIN that have no plan) */
  parseOnly: number;
}

export interface VerifyResult {
  /** 'fixed': as `fix --unsafe-fixes` would leave the code; 'as-is': as written today */
  mode: 'fixed' | 'as-is';
  /** 1 parse only, 2 embedded PostgreSQL, 3 a PostgreSQL server */
  level: 1 | 2 | 3;
  /** `PGlite 17.x` or the server's version */
  engine?: string;
  /** sorted by (file, line, column) */
  statements: VerifiedStatement[];
  summary: VerifySummary;
  /** files `fix` would have left untouched because a check failed: verified as they are */
  fixFailures: { file: string; detail: string }[];
}
