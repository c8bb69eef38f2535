import type { FileFacts, Range, SourceFile } from './facts.js';

/** A range replacement in the original file's text. insert: start === end; delete: text === ''. */
export interface Edit {
  range: Range;
  text: string;
}

/** Edits applied all together or not at all. */
export interface Change {
  codemod: string;
  title: string;
  safety: 'safe' | 'unsafe';
  edits: Edit[];
}

/** Something a codemod would not rewrite, and why: a manual item in the report. */
export interface Refusal {
  codemod: string;
  range: Range;
  /** machine-readable, kebab-case: 'dynamic-sql', 'unknown-conflict-key', 'connection-escapes' … */
  reason: string;
  /** one sentence for a person: what to do instead */
  detail: string;
}

/** How placeholders are written for the target driver. */
export type ParamStyle = 'format' | 'pyformat' | 'numeric';

/** What `fix` rewrites to (pgready.config.json `target`; defaults in src/edit/target.ts). */
export interface Target {
  /** format: %s (psycopg2/psycopg), pyformat: %(name)s, numeric: $1..$n (asyncpg, node-postgres) */
  paramstyle: ParamStyle;
  connection: {
    /** the import line that replaces `import sqlite3`, e.g. `from backend.core.database import get_connection` */
    import: string;
    /** the call that replaces `sqlite3.connect(path)`; `{db}` is the logical database name */
    call: string;
    /** whether that call returns a connection or a context manager that yields one */
    returns: 'context-manager' | 'connection';
  };
  /** .db file name (or path) -> logical database name */
  databases: Record<string, string>;
  /** where PostgreSQL driver exceptions come from, e.g. `psycopg` (psycopg.errors.UniqueViolation) */
  exceptionsModule: string;
  /** JavaScript/TypeScript files (node-postgres: placeholders are always $1..$n); defaults in src/edit/target.ts */
  javascript?: JsTarget;
}

/** `target.javascript`: what `fix` rewrites a SQLite database construction to in JavaScript/TypeScript. */
export interface JsTarget {
  connection: {
    /** the module specifier to import from, e.g. `#db` (a package.json "imports" entry) or `@acme/db` */
    module: string;
    /** the named export to import, e.g. `getPool` */
    export: string;
    /** the call that replaces `new Database(file)`; `{db}` becomes the logical database name as a string literal */
    call: string;
  };
}

/** A table as a `CREATE TABLE` found in the project (or config) declares it. */
export interface TableSchema {
  name: string;
  columns: string[];
  primaryKey: string[];
  /** UNIQUE constraints, each a column list */
  unique: string[][];
  /** lower-cased column name -> declared type as written in the CREATE TABLE, upper-cased words without a
   *  size (`BOOLEAN`, `DATETIME`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`); '' for a typeless column */
  columnTypes?: Record<string, string>;
}

/** The declared type of `column` in `table`, or undefined when the schema does not say. */
export function columnType(table: TableSchema, column: string): string | undefined {
  const types = table.columnTypes;
  const key = column.toLowerCase();
  return types && Object.prototype.hasOwnProperty.call(types, key) ? types[key] : undefined;
}

/** What a codemod may read besides the file's facts. */
export interface CodemodContext {
  source: SourceFile;
  target: Target;
  /** tables declared anywhere in the scanned project, by lower-cased name */
  schema: ReadonlyMap<string, TableSchema>;
}

export interface CodemodOutput {
  change(c: Omit<Change, 'codemod'>): void;
  refuse(range: Range, reason: string, detail: string): void;
}

export interface Codemod {
  /** a verb phrase, equal to the file name under codemods/ */
  name: string;
  title: string;
  /** the rule ids whose findings it rewrites */
  resolves: string[];
  /** languages it plans for (default: python) */
  languages?: SourceFile['language'][];
  plan(facts: FileFacts, ctx: CodemodContext, out: CodemodOutput): void;
}

export function defineCodemod(codemod: Codemod): Codemod {
  return codemod;
}
