/**
 * The language-neutral facts a language adapter extracts from one file.
 * Everything here is plain data (JSON-serialisable) so that per-file analysis can run in
 * worker threads and be cached. Rules read facts; they never see syntax trees.
 */

/** Index into the file's decoded text in UTF-16 code units (tree-sitter's startIndex,
 *  ts-morph's getStart()). Never a Buffer byte offset. */
export type Offset = number;

/** A half-open range [start, end). */
export interface Range {
  start: Offset;
  end: Offset;
}

export type Language = 'python' | 'javascript' | 'typescript' | 'text';

/** What kind of text file a `text` source is; decides which line scanner applies. */
export type TextKind =
  | 'shell'
  | 'env'
  | 'ini'
  | 'conf'
  | 'yaml'
  | 'toml'
  | 'json'
  | 'dockerfile'
  | 'prisma'
  | 'other';

export interface SourceFile {
  /** Path relative to the working directory, with `/` separators. */
  path: string;
  absPath: string;
  language: Language;
  textKind?: TextKind;
  /** The decoded text (BOM stripped, coding cookie honoured). */
  text: string;
  /** sha1 of language, text kind and text, once known (src/perf/manifest.ts: known without reading the text) */
  contentHash?: string;
}

/** Where a statement sits, for codemods that restructure code around it. */
export interface StatementPos {
  /** The statement itself. */
  range: Range;
  /** The whitespace before it on its first line. */
  indent: string;
  /** Nothing but whitespace and a trailing comment shares its lines (no `a = 1; b = 2`). */
  alone: boolean;
  /** From the start of its first line to just past the line break ending its last line. */
  lines: Range;
}

/** A use of a connection's name that lets the connection out of its span. */
export interface ConnectionEscape {
  range: Range;
  /** returned, yielded, passed to a call, stored elsewhere, `global`, captured by a nested
   *  function, the object of `with conn:`, or used outside the span (after a close). */
  how: 'returned' | 'yielded' | 'passed' | 'stored' | 'global' | 'closure' | 'context-manager' | 'outside';
}

/** `import sqlite3`, `from sqlite3 import connect as c`, `importlib.import_module("sqlite3")` */
export interface SqliteImport {
  range: Range;
  /** The module imported: `sqlite3`, `aiosqlite`, `sqlite3.dbapi2`, … */
  module: string;
  /** The imported member for `from m import x`; undefined for `import m`. */
  member?: string;
  /** The local name it is bound to. */
  alias: string;
  form: 'import' | 'from' | 'importlib' | 'require';
  /** The import statement (python `import`/`from` forms). */
  statement?: StatementPos;
  /** How many names the statement imports (`import os, sqlite3`: 2). */
  names?: number;
  /** For `import m [as a]`: every other reference to the alias in the file. */
  uses?: Range[];
}

/** A call that opens a SQLite connection. */
export interface Connection {
  /** The whole call expression. */
  range: Range;
  /** The callee as written: `sqlite3.connect`, `db.connect`, `get_db_connection`. */
  callee: string;
  via: 'direct' | 'factory';
  /** For `via: 'factory'`: the factory's qualified name (`backend.util.db.get_db_connection`). */
  factory?: string;
  /** The library that opens it: `sqlite3`, `aiosqlite`. */
  library: string;
  /** The first argument (the database), with its literal value when it is one. */
  database?: { range: Range; value?: string };
  /** Keyword arguments passed (`timeout`, `check_same_thread`, `isolation_level`, …). */
  keywords: { name: string; range: Range }[];
  /** Arguments that are neither the database nor a keyword: `connect(p, 5.0)`, `*args`, `**opts`. */
  otherArgs?: Range[];
  /** The name the connection is bound to (`conn = …`, `with … as conn`), when any. */
  boundTo?: string;
  /** How it is bound: assignment, `with` item, returned, or used inline. */
  binding: 'assign' | 'with' | 'return' | 'inline' | 'other';
  /** `name = <call>` as a whole statement, or the `with <call> as name:` statement. */
  statement?: StatementPos;
  /** For `name = <call>`: the first `name.close()` statement after it in the same block. */
  closeCall?: StatementPos;
  /** For `name = <call>` followed by `try: … finally: name.close()` (no except/else, nothing
   *  else in finally): from the assignment to the `try:` colon, and the finally clause's lines. */
  tryFinally?: { header: Range; finallyLines: Range };
  /** `with closing(<call>) as name:`: the `closing(…)` call. */
  closingWrapper?: Range;
  /** Uses of the name that let the connection out of the statement-to-close (or `with`) span. */
  escapes?: ConnectionEscape[];
  /** Starts of the non-blank lines between the assignment and the close call that are not
   *  inside a string literal (so they can be re-indented). */
  bodyLines?: Offset[];
}

/** A function, method, lambda or functools.partial whose result is a SQLite connection. */
export interface ConnectionFactory {
  /** The definition's name node (or the assignment target for lambdas/partials). */
  range: Range;
  name: string;
  /** Dotted module path plus name, e.g. `backend.util.db.get_db_connection`. */
  qualifiedName: string;
  kind: 'function' | 'method' | 'lambda' | 'partial' | 'contextmanager';
}

/** execute / executemany / executescript / fetch* on a SQLite connection or cursor. */
export interface CursorOp {
  /** The call expression. */
  range: Range;
  /** The attribute name range (`execute` in `cur.execute(...)`). */
  methodRange: Range;
  method: string;
  receiver: 'connection' | 'cursor';
  receiverText: string;
  /** What happens to the call's result: dropped (`cur.execute(…)` as a statement), a method
   *  called on it (`conn.execute(…).fetchall()`), or anything else. */
  resultUse?: 'discarded' | 'method' | 'other';
  /** JavaScript: whether the call sits in an async function, is awaited already, and is read
   *  further (`stmt.run(a).changes`, `db.get(sql)?.name`), for rewriting a synchronous driver to `await`. */
  jsAwait?: { inAsync: boolean; awaited: boolean; chained: boolean };
}

/** A run of SQL text that maps linearly onto the file, or one SQL character produced by an
 *  escape sequence / a run of source that is not verbatim (verbatim: false). */
export interface SqlRun {
  sqlStart: Offset;
  fileStart: Offset;
  length: number;
  /** false when the SQL text of this run is not the file text (escapes, dynamic holes). */
  verbatim: boolean;
  /** for non-verbatim runs: the file range the run came from */
  fileEnd?: Offset;
}

export type PlaceholderKind = 'qmark' | 'qmark-numbered' | 'named-colon' | 'named-at' | 'named-dollar';

export type SqlTokenType =
  | 'keyword'
  | 'identifier'
  | 'quoted-identifier' // "x", [x], `x`
  | 'string' // 'x'
  | 'blob' // x'AB'
  | 'number'
  | 'placeholder'
  | 'operator'
  | 'punctuation' // ( ) , ; .
  | 'comment'
  | 'whitespace'
  | 'hole' // a value only known at run time (f-string field, format argument)
  | 'error';

export interface SqlToken {
  type: SqlTokenType;
  /** SQL offsets */
  start: Offset;
  end: Offset;
  text: string;
  /** Upper-cased text for keywords and identifiers, to compare against. */
  upper?: string;
  /** For `quoted-identifier`: the quote style. */
  quote?: '"' | '[' | '`';
  /** For placeholders. */
  placeholder?: PlaceholderKind;
}

export interface SqlString {
  /** The source expression that produced the SQL (literal, name, concatenation, call). */
  range: Range;
  /** The SQL text as the database receives it; dynamic holes appear as `hole` tokens. */
  text: string;
  /** SQL offset -> file offset. Runs are sorted by sqlStart and cover the whole text. */
  map: SqlRun[];
  /** SQL ranges standing for values only known at run time. */
  holes: Range[];
  isDynamic: boolean;
  dynamicKind?: 'f-string' | 'format' | 'percent' | 'concat' | 'template' | 'join';
  /** Passed to an execute-like call (in this file or, after linking, in another). */
  executed: boolean;
  /** The method or function it is passed to: `execute`, `executemany`, `read_sql`, … */
  executor?: string;
  /** The execute call's range. */
  callRange?: Range;
  /** Whether the call passes parameters (a second argument). */
  hasParams: boolean;
  /** The number of parameters when they are a literal tuple/list. */
  paramsArity?: number;
  paramsKind?: 'sequence' | 'mapping' | 'unknown';
  /** The parameters when they are a literal dict with string keys: `{"id": tid, "sym": s}`. */
  paramsDict?: { range: Range; entries: { key: string; value: Range }[] };
  /** Where the text came from. */
  origin: 'literal' | 'name' | 'constant' | 'attribute' | 'concat' | 'imported';
  /** For SQL bound to a module-level (or class-level `Class.NAME`) name: that name. */
  constant?: string;
  /** The tokens of `text`, filled in by src/sql. */
  tokens: SqlToken[];
}

/** A `.db` / `.sqlite` / `.sqlite3` / `.db3` file name or a `sqlite:` URL. */
export interface DbPathRef {
  range: Range;
  value: string;
  kind: 'file' | 'url';
}

export type ApiUseKind =
  | 'row-factory'
  | 'lastrowid'
  | 'executescript'
  | 'connection-shortcut'
  | 'create-function'
  | 'register-adapter'
  | 'isolation-level'
  | 'check-same-thread'
  | 'total-changes'
  | 'exception'
  | 'iterdump'
  | 'backup'
  | 'connect-option'
  /** better-sqlite3 `db.pragma('journal_mode = WAL')` */
  | 'pragma'
  /** better-sqlite3 `db.transaction(fn)` wrappers */
  | 'transaction'
  /** sqlite3 `db.serialize()` / `db.parallelize()` */
  | 'serialize'
  /** `this.changes` in a sqlite3 callback, `info.changes` of a statement run */
  | 'changes';

/** A sqlite3 driver API that PostgreSQL drivers lack or treat differently. */
export interface ApiUse {
  range: Range;
  kind: ApiUseKind;
  /** What was used, as written: `sqlite3.Row`, `cur.lastrowid`, `timeout`. */
  name: string;
  /** For `lastrowid`: the statement it is read in, and the statement before that in its block. */
  statement?: Range;
  previousStatement?: Range;
  /** JavaScript `info.lastInsertRowid` / `result.lastID` / `this.lastID`: the `run(…)` call that produced the value. */
  runCall?: JsRunCall;
}

/** Where a JavaScript run result comes from: `const info = stmt.run(a)`, `await db.run(sql)`, or `this` in a sqlite3 callback. */
export interface JsRunCall {
  /** the `run(…)` call */
  range: Range;
  /** its method name (`run`) */
  method: Range;
  /** `this.lastID` inside `db.run(sql, params, function () { … })`, or a result bound to a name */
  via: 'callback' | 'result';
  /** for `stmt.run(…)`: the starts of the `prepare(…)` calls the statement may come from */
  prepared?: Offset[];
  /** `const info = …run(…)`: the name the result is bound to, and how often that name is read in its function */
  boundTo?: string;
  reads?: number;
}

export type ThirdPartyKind =
  | 'aiosqlite'
  | 'sqlalchemy-url'
  | 'django-backend'
  | 'peewee'
  | 'pandas'
  | 'sqlite-cli'
  | 'orm-config';

/** A SQLite entry point outside the sqlite3 module. */
export interface ThirdPartyUse {
  range: Range;
  kind: ThirdPartyKind;
  /** What selects SQLite, as written. */
  name: string;
}

/** `# pgready: ignore[SQL201,SQL301] reason` */
export interface Suppression {
  range: Range;
  /** 0-based line of the comment. It covers findings starting on this line or the next. */
  line: number;
  ruleIds: string[];
  reason: string;
}

/** A syntax error the parser recovered from. */
export interface ParseDiagnostic {
  range: Range;
  message: string;
}

/** A reference to a module-level name in another project module, for cross-file linking. */
export interface ExternalSqlUse {
  /** The file that defines the constant (relative path). */
  module: string;
  name: string;
  executor: string;
  hasParams: boolean;
  paramsArity?: number;
  paramsKind?: 'sequence' | 'mapping' | 'unknown';
}

export interface FileFacts {
  file: string;
  language: Language;
  imports: SqliteImport[];
  connections: Connection[];
  factories: ConnectionFactory[];
  cursorOps: CursorOp[];
  sqlStrings: SqlString[];
  dbPaths: DbPathRef[];
  apiUses: ApiUse[];
  thirdParty: ThirdPartyUse[];
  suppressions: Suppression[];
  diagnostics: ParseDiagnostic[];
  /** SQL constants of other modules executed here (resolved by the pipeline's link step). */
  externalSqlUses: ExternalSqlUse[];
  /** Every `import` / `from … import` statement (any module), with its text. */
  importStatements?: { text: string; at: StatementPos }[];
  /** The file's indentation step (`    `, `\t`), when it has an indented block. */
  indentUnit?: string;
}

/** Every fact list in file order: adapters finish with this, so output never depends on walk order. */
export function sortFacts(facts: FileFacts): FileFacts {
  const byStart = (a: { range: Range }, b: { range: Range }) => a.range.start - b.range.start || a.range.end - b.range.end;
  facts.imports.sort(byStart);
  facts.connections.sort(byStart);
  facts.factories.sort(byStart);
  facts.cursorOps.sort(byStart);
  facts.sqlStrings.sort((a, b) => byStart(a, b) || (a.callRange?.start ?? 0) - (b.callRange?.start ?? 0));
  facts.dbPaths.sort(byStart);
  facts.apiUses.sort((a, b) => byStart(a, b) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  facts.thirdParty.sort(byStart);
  facts.suppressions.sort(byStart);
  facts.diagnostics.sort(byStart);
  return facts;
}

export function emptyFacts(file: string, language: Language): FileFacts {
  return {
    file,
    language,
    imports: [],
    connections: [],
    factories: [],
    cursorOps: [],
    sqlStrings: [],
    dbPaths: [],
    apiUses: [],
    thirdParty: [],
    suppressions: [],
    diagnostics: [],
    externalSqlUses: [],
  };
}
