import type { Offset, Range, SqlString } from '../model/facts.js';
import { significant } from '../sql/analyze.js';
import { createTables, identifierName } from '../sql/ddl.js';
import { fileOffsetOf } from '../sql/map.js';
import { tokenize } from '../sql/tokenize.js';
import { LineIndex } from '../util/lines.js';
import { BackendError } from './backend.js';
import type { PgErrorInfo, SqlBackend } from './backend.js';
import { HOLE_IDENTIFIER, postgresText, sqlOffsetOf } from './convert.js';
import type { PgText, TextMode } from './convert.js';
import type { StatementFinding, VerifiedStatement, VerifyError, VerifySummary } from './model.js';
import { codePointToIndex, parsePostgres } from './parse.js';
import type { ParsedStatement, PostgresParser } from './parse.js';

/** One SQL text of the project (or of the --schema file) to verify. */
export interface SqlSource {
  file: string;
  sql: Pick<SqlString, 'text' | 'holes' | 'tokens' | 'hasParams' | 'executed' | 'map' | 'isDynamic'>;
  mode: TextMode;
  /** the file as it is on disk, for lines and columns */
  diskText: string;
  /** an offset of the text `sql.map` refers to -> the same place on disk (identity when unchanged) */
  toDisk: (offset: Offset) => Offset;
  changedByFix: boolean;
  fromSchemaFile?: boolean;
  /** audit findings whose start lies in the file range [start, end) of the analysed text */
  findingsIn?: (range: Range) => StatementFinding[];
}

export interface CheckOptions {
  parser: PostgresParser;
  /** levels 2 and 3; none: parse only */
  backend?: SqlBackend;
  /** level 3: the throw-away schema to create and work in (inside the rolled-back transaction) */
  serverSchema?: string;
  /** DDL to build the schema from without reporting it (the project's DDL after `fix` when checking as-is) */
  setup?: SqlSource[];
}

interface Unit {
  src: SqlSource;
  pg: PgText;
  /** the statement's range in pg.text */
  range: Range;
  parsed?: ParsedStatement;
  out: VerifiedStatement;
  lines: LineIndex;
  /** unverifiable because a table is missing (42P01) */
  missingTable?: boolean;
}

const SQLITE_TABLES = new Set(['sqlite_master', 'sqlite_schema', 'sqlite_temp_master', 'sqlite_temp_schema', 'sqlite_sequence', 'sqlite_stat1']);
/** Schemas PostgreSQL itself provides: statements naming them are planned, never run. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

function position(src: SqlSource, lines: LineIndex, pg: PgText, pgIndex: number): { line: number; column: number } {
  const fileOffset = fileOffsetOf(src.sql.map, sqlOffsetOf(pg, pgIndex));
  return lines.position(src.toDisk(fileOffset));
}

function sqlRangeOf(pg: PgText, range: Range): Range {
  const start = sqlOffsetOf(pg, range.start);
  const end = range.end > range.start ? sqlOffsetOf(pg, range.end - 1) + 1 : start;
  return { start, end: Math.max(start, end) };
}

/** Turns every SQL text into statements and runs level 1; returns the units for level 2. */
function parseLevel(sources: SqlSource[], parser: PostgresParser): Unit[] {
  const units: Unit[] = [];
  for (const src of sources) {
    const lines = new LineIndex(src.diskText);
    const pg = postgresText(src.sql, src.mode);
    const base = (range: Range): VerifiedStatement => {
      const sqlRange = sqlRangeOf(pg, range);
      const at = position(src, lines, pg, range.start);
      const fileStart = fileOffsetOf(src.sql.map, sqlRange.start);
      const fileEnd = sqlRange.end > sqlRange.start ? fileOffsetOf(src.sql.map, sqlRange.end - 1) + 1 : fileStart;
      return {
        file: src.file,
        line: at.line,
        column: at.column,
        sql: src.sql.text.slice(sqlRange.start, sqlRange.end),
        postgres: pg.text.slice(range.start, range.end),
        ...(src.fromSchemaFile ? { fromSchemaFile: true } : {}),
        bestEffort: pg.holes.some((h) => h.pg.start >= range.start && h.pg.end <= range.end),
        changedByFix: src.changedByFix,
        status: 'passed',
        checks: ['parse'],
        findings: src.findingsIn?.({ start: fileStart, end: Math.max(fileEnd, fileStart + 1) }) ?? [],
      };
    };
    // a statement is shown from its first word, not from the line break after `"""`
    let first = 0;
    while (first < pg.text.length && isBlank(pg.text.charCodeAt(first))) first++;
    if (first === pg.text.length) first = 0;
    const whole = { start: first, end: pg.text.length };
    const fail = (error: VerifyError): void => {
      const out = base(whole);
      out.status = 'failed';
      out.checks = error.stage === 'driver' ? [] : ['parse'];
      out.error = { ...error };
      if (error.position !== undefined) {
        Object.assign(out.error, position(src, lines, pg, error.position));
        // positions count from the statement's first word
        out.error.position = Math.max(0, error.position - whole.start);
      }
      units.push({ src, pg, range: whole, out, lines });
    };
    if (pg.onlyHoles) {
      const out = base(whole);
      out.status = 'unverifiable';
      out.checks = [];
      out.bestEffort = true;
      out.reason = 'the whole SQL text is built at run time';
      units.push({ src, pg, range: whole, out, lines });
      continue;
    }
    if (pg.driverError) {
      const at = pg.origin.findIndex((o) => o >= pg.driverError!.sqlOffset);
      fail({ stage: 'driver', message: pg.driverError.message, position: at < 0 ? pg.text.length : at });
      continue;
    }
    const parsed = parsePostgres(parser, pg.text);
    if (!parsed.ok) {
      fail({ stage: 'parse', message: parsed.message, position: parsed.position });
      continue;
    }
    for (const stmt of parsed.statements) {
      const out = base(stmt.range);
      out.node = stmt.node;
      out.kind = stmt.kind;
      units.push({ src, pg, range: stmt.range, parsed: stmt, out, lines });
    }
  }
  return units;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}

/** Maps PostgreSQL's 1-based character position in `sent` to an index into the statement, which starts at `offset` in `sent`. */
function statementIndex(sent: string, offset: number, info: PgErrorInfo): number | undefined {
  if (info.position === undefined) return undefined;
  const i = codePointToIndex(sent, info.position - 1) - offset;
  return i >= 0 ? i : undefined;
}

class Session {
  private n = 0;
  constructor(private readonly db: SqlBackend) {}

  async run(sql: string): Promise<PgErrorInfo | undefined> {
    try {
      await this.db.query(sql);
      return undefined;
    } catch (err) {
      if (err instanceof BackendError) return err.info;
      throw err;
    }
  }

  /** Runs `sql` in a savepoint; keeps its effect when `keep` and it succeeded. */
  async inSavepoint(sql: string, keep: boolean): Promise<PgErrorInfo | undefined> {
    await this.db.query('SAVEPOINT pgready_statement');
    const error = await this.run(sql);
    if (error || !keep) await this.db.query('ROLLBACK TO SAVEPOINT pgready_statement');
    await this.db.query('RELEASE SAVEPOINT pgready_statement');
    return error;
  }

  /**
   * PREPARE the query (parse analysis: names, types, functions), then EXPLAIN a generic plan of it
   * (the planner: ON CONFLICT targets …). Nothing is executed; the savepoint is rolled back.
   * Returns the error and the text it was reported against.
   */
  async prepare(stmt: string): Promise<{ error: PgErrorInfo; sent: string; offset: number } | undefined> {
    const name = `pgready_s${++this.n}`;
    const types: string[] = [];
    let prepared = false;
    await this.db.query('SAVEPOINT pgready_statement');
    try {
      for (let attempt = 0; ; attempt++) {
        const head = `PREPARE ${name}${types.length > 0 ? ` (${types.join(', ')})` : ''} AS `;
        const sent = head + stmt;
        const error = await this.run(sent);
        // `SELECT $1`: nothing says what the parameter is; the driver would send text
        const k = error?.code === '42P18' ? parameterNumber(error.message) : undefined;
        if (error && k !== undefined && attempt < 20 && types[k - 1] !== 'text') {
          await this.db.query('ROLLBACK TO SAVEPOINT pgready_statement');
          while (types.length < k) types.push('unknown');
          types[k - 1] = 'text';
          continue;
        }
        if (error) return { error, sent, offset: head.length };
        prepared = true;
        break;
      }
      const rows = await this.db.query(`SELECT cardinality(parameter_types) AS n FROM pg_prepared_statements WHERE name = '${name}'`);
      const count = Number(rows[0]?.n ?? 0);
      const args = count > 0 ? `(${Array.from({ length: count }, () => 'NULL').join(', ')})` : '';
      const sent = `EXPLAIN EXECUTE ${name}${args}`;
      const error = await this.run(sent);
      return error ? { error, sent, offset: sent.length } : undefined;
    } finally {
      await this.db.query('ROLLBACK TO SAVEPOINT pgready_statement');
      await this.db.query('RELEASE SAVEPOINT pgready_statement');
      // prepared statements outlive savepoints and transactions
      if (prepared) await this.db.query(`DEALLOCATE ${name}`);
    }
  }
}

/** `could not determine data type of parameter $3` -> 3 */
function parameterNumber(message: string): number | undefined {
  const at = message.lastIndexOf('$');
  if (at < 0) return undefined;
  let digits = '';
  for (let i = at + 1; i < message.length && message[i]! >= '0' && message[i]! <= '9'; i++) digits += message[i];
  const n = Number(digits);
  return digits !== '' && n > 0 ? n : undefined;
}

function isMissingRelation(e: PgErrorInfo): boolean {
  return e.code === '42P01';
}

/** On a server: the schema, other than the throw-away one, that a DDL statement names. */
function foreignSchema(stmt: ParsedStatement, own: string | undefined): string | undefined {
  // the embedded database is private to this run: `CREATE TABLE public.t` (pg_dump's style) runs there
  if (own === undefined) return undefined;
  return stmt.relations.find((r) => r.schema !== undefined && r.schema !== own && !SYSTEM_SCHEMAS.has(r.schema))?.schema;
}

function holeAt(unit: Unit, index: number | undefined): boolean {
  if (index === undefined) return false;
  const at = unit.range.start + index;
  return unit.pg.holes.some((h) => h.pg.start <= at && at < Math.max(h.pg.end, h.pg.start + 1));
}

/** Records PostgreSQL's verdict on a unit: failed, or unverifiable when the error is about what verify could not know. */
function judge(unit: Unit, error: PgErrorInfo, index: number | undefined): void {
  const out = unit.out;
  const sqliteTable = unit.parsed?.relations.some((r) => r.schema === undefined && SQLITE_TABLES.has(r.name.toLowerCase()));
  if (unit.pg.holes.some((h) => h.as === 'values' && h.pg.start >= unit.range.start && h.pg.end <= unit.range.end)) {
    out.status = 'unverifiable';
    out.reason = `psycopg2's execute_values fills in \`VALUES %s\`; with one stand-in row PostgreSQL says: ${error.message}`;
    return;
  }
  if (holeAt(unit, index) || error.message.includes(HOLE_IDENTIFIER)) {
    out.status = 'unverifiable';
    out.reason = `PostgreSQL's complaint is about a part of the SQL assembled at run time (${error.message})`;
    return;
  }
  if (isMissingRelation(error) && !sqliteTable) {
    unit.missingTable = true;
    out.status = 'unverifiable';
    out.reason = `${error.message}: no CREATE TABLE for it in the project or --schema`;
    return;
  }
  out.status = 'failed';
  const verr: VerifyError = { stage: 'plan', message: error.message };
  if (error.code) verr.code = error.code;
  if (error.detail) verr.detail = error.detail;
  if (error.hint) verr.hint = error.hint;
  if (index !== undefined && index <= unit.range.end - unit.range.start) {
    verr.position = index;
    Object.assign(verr, position(unit.src, unit.lines, unit.pg, unit.range.start + index));
  }
  out.error = verr;
}

/**
 * Runs DDL statements in order inside savepoints, keeping what succeeds; statements that name a
 * table created later (a foreign key, an index) are retried after the others. Returns the error
 * of each statement that finally failed.
 */
async function runSchema(session: Session, units: Unit[], own: string | undefined): Promise<Map<Unit, { error: PgErrorInfo; index?: number } | 'foreign'>> {
  const results = new Map<Unit, { error: PgErrorInfo; index?: number } | 'foreign'>();
  let pending = units;
  for (let round = 0; pending.length > 0; round++) {
    const retry: Unit[] = [];
    for (const unit of pending) {
      if (unit.parsed && foreignSchema(unit.parsed, own) !== undefined) {
        results.set(unit, 'foreign');
        continue;
      }
      const text = unit.pg.text.slice(unit.range.start, unit.range.end);
      const error = await session.inSavepoint(text, true);
      if (!error) {
        results.delete(unit);
        continue;
      }
      results.set(unit, { error, index: statementIndex(text, 0, error) });
      if (isMissingRelation(error)) retry.push(unit);
    }
    if (retry.length === pending.length || round > 20) break;
    pending = retry;
  }
  return results;
}

/** Levels 1 and 2/3 over every source; statements come back sorted by (file, line, column). */
export async function checkSources(sources: SqlSource[], opts: CheckOptions): Promise<VerifiedStatement[]> {
  const units = parseLevel(sources, opts.parser);
  if (opts.backend) await planLevel(units, opts);
  const out = units.map((u) => u.out);
  for (const s of out) {
    if (s.status === 'passed' && opts.backend && s.kind !== 'utility' && !s.checks.includes('plan')) s.checks.push('plan');
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column);
}

async function planLevel(units: Unit[], opts: CheckOptions): Promise<void> {
  const db = opts.backend!;
  const session = new Session(db);
  const parsed = units.filter((u) => u.parsed && u.out.status === 'passed');
  const schemaFile = parsed.filter((u) => u.parsed!.kind === 'schema' && u.src.fromSchemaFile);
  const ddl = parsed.filter((u) => u.parsed!.kind === 'schema' && !u.src.fromSchemaFile);
  const queries = parsed.filter((u) => u.parsed!.kind === 'query');
  const setup = parseLevel(opts.setup ?? [], opts.parser).filter((u) => u.parsed?.kind === 'schema');
  const own = opts.serverSchema;

  await db.query('DEALLOCATE ALL');
  await db.query('BEGIN');
  try {
    await db.query('SET LOCAL plan_cache_mode = force_generic_plan');
    if (own) {
      await db.query(`CREATE SCHEMA ${own}`);
      await db.query(`SET LOCAL search_path TO ${own}`);
      // every CREATE below lands in the throw-away schema, or nothing runs
      const rows = await db.query('SELECT current_schema() AS s');
      if (rows[0]?.s !== own) throw new Error(`the search path did not switch to ${own}; nothing was run`);
    }
    // the project's DDL, checked on its own: every CREATE TABLE must run on an empty database
    await db.query('SAVEPOINT pgready_ddl');
    const ddlResults = await runSchema(session, ddl, own);
    const keepDdl = schemaFile.length === 0 && setup.length === 0;
    if (!keepDdl) await db.query('ROLLBACK TO SAVEPOINT pgready_ddl');
    await db.query('RELEASE SAVEPOINT pgready_ddl');
    for (const unit of ddl) {
      const r = ddlResults.get(unit);
      if (r === 'foreign') {
        unit.out.status = 'unverifiable';
        unit.out.reason = `it names schema "${foreignSchema(unit.parsed!, own)}"; verify creates nothing outside its own schema`;
      } else if (r) judge(unit, r.error, r.index);
    }
    if (!keepDdl) {
      // --schema first, then the project's DDL for whatever it does not declare
      const fileResults = await runSchema(session, schemaFile, own);
      for (const unit of schemaFile) {
        const r = fileResults.get(unit);
        if (r === 'foreign') {
          unit.out.status = 'unverifiable';
          unit.out.reason = `it names schema "${foreignSchema(unit.parsed!, own)}"; verify creates nothing outside its own schema`;
        } else if (r) judge(unit, r.error, r.index);
      }
      await runSchema(session, setup.length > 0 ? setup : ddl, own);
    }
    for (const unit of queries) {
      const text = unit.pg.text.slice(unit.range.start, unit.range.end);
      const r = await session.prepare(text);
      if (!r) continue;
      judge(unit, r.error, statementIndex(r.sent, r.offset, r.error));
    }
    blameFailedCreates(units);
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
    await db.query('DEALLOCATE ALL').catch(() => undefined);
  }
}

/**
 * `relation "trades" does not exist` because the project's own CREATE TABLE trades failed: say so,
 * so that the reader fixes that statement first.
 */
function blameFailedCreates(units: Unit[]): void {
  const failed = new Map<string, VerifiedStatement>();
  for (const u of units) {
    if (u.out.status !== 'failed') continue;
    const sig = significant(tokenize(u.out.sql));
    for (const t of createTables(sig)) {
      const name = identifierName(sig[t.nameIndex]!).toLowerCase();
      if (!failed.has(name)) failed.set(name, u.out);
    }
  }
  for (const u of units) {
    if (!u.missingTable) continue;
    const culprit = u.parsed?.relations.map((r) => failed.get(r.name.toLowerCase())).find((x) => x !== undefined);
    if (culprit && culprit !== u.out) u.out.reason = `${u.out.reason?.split(':')[0] ?? ''}: its CREATE TABLE (${culprit.file}:${culprit.line}) failed`;
  }
}

/** Counts for the summary line and the report. */
export function summarise(statements: readonly VerifiedStatement[]): VerifySummary {
  const count = (p: (s: VerifiedStatement) => boolean) => statements.filter(p).length;
  return {
    statements: statements.length,
    passed: count((s) => s.status === 'passed'),
    failed: count((s) => s.status === 'failed'),
    unverifiable: count((s) => s.status === 'unverifiable'),
    bestEffort: count((s) => s.bestEffort),
    parseOnly: count((s) => s.status === 'passed' && !s.checks.includes('plan')),
  };
}
