import { randomBytes } from 'node:crypto';

/** What PostgreSQL said when it rejected a statement. */
export interface PgErrorInfo {
  message: string;
  /** SQLSTATE, e.g. 42883 undefined_function */
  code?: string;
  /** 1-based character position in the statement sent, when PostgreSQL gives one */
  position?: number;
  detail?: string;
  hint?: string;
}

export class BackendError extends Error {
  constructor(readonly info: PgErrorInfo) {
    super(info.message);
  }
}

/** One PostgreSQL session: embedded (PGlite) or a server (pg). */
export interface SqlBackend {
  kind: 'pglite' | 'server';
  /** `SHOW server_version` */
  version: string;
  /** Runs one statement and returns its rows; throws BackendError when PostgreSQL rejects it. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
  /**
   * Ctrl-C: from now on every query() rejects (nothing more of the run reaches the server), then
   * `cleanup` statements run and the connection closes.
   */
  interrupt?(cleanup: string[]): Promise<void>;
}

export class InterruptedError extends Error {
  constructor() {
    super('verify was interrupted; its transaction was rolled back');
  }
}

function errorInfo(err: unknown): PgErrorInfo {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; position?: unknown; detail?: unknown; hint?: unknown };
  const info: PgErrorInfo = { message: typeof e.message === 'string' ? e.message : String(err) };
  if (typeof e.code === 'string') info.code = e.code;
  const pos = typeof e.position === 'string' ? Number(e.position) : typeof e.position === 'number' ? e.position : NaN;
  if (Number.isInteger(pos) && pos > 0) info.position = pos;
  if (typeof e.detail === 'string' && e.detail !== '') info.detail = e.detail;
  if (typeof e.hint === 'string' && e.hint !== '') info.hint = e.hint;
  return info;
}

/** Errors that come from the connection rather than the statement (no SQLSTATE). */
function isStatementError(info: PgErrorInfo): boolean {
  return info.code !== undefined;
}

/** Embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly): no server, in memory. Takes a few seconds to start. */
export async function openPglite(): Promise<SqlBackend> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    try {
      const r = await db.query<Record<string, unknown>>(sql);
      return r.rows;
    } catch (err) {
      const info = errorInfo(err);
      if (!isStatementError(info)) throw err;
      throw new BackendError(info);
    }
  };
  const version = String((await query('SHOW server_version'))[0]?.server_version ?? '');
  return { kind: 'pglite', version, query, close: () => db.close() };
}

/** A session on a PostgreSQL server (`postgres://user:pass@host:port/db`). */
export async function openServer(url: string): Promise<SqlBackend> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, application_name: 'pgready verify' });
  // an idle client's socket error must not crash the process; the next query reports it
  client.on('error', () => undefined);
  await client.connect();
  let interrupted = false;
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    if (interrupted) throw new InterruptedError();
    try {
      const r = await client.query(sql);
      return r.rows as Record<string, unknown>[];
    } catch (err) {
      const info = errorInfo(err);
      if (!isStatementError(info)) throw err;
      throw new BackendError(info);
    }
  };
  let closed = false;
  const version = String((await query('SHOW server_version'))[0]?.server_version ?? '');
  return {
    kind: 'server',
    version,
    query,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.end();
    },
    interrupt: async (cleanup) => {
      interrupted = true;
      // queued behind the statement in flight, if any
      for (const sql of cleanup) await client.query(sql).catch(() => undefined);
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}

/** A fresh schema name for one verify run on a server. */
export function throwAwaySchemaName(): string {
  return `pgready_verify_${randomBytes(6).toString('hex')}`;
}
