import type { CodemodOutput, Edit, JsTarget, Target } from '../model/codemod.js';
import type { ApiUse, Connection, CursorOp, FileFacts } from '../model/facts.js';
import { defaultJsTarget } from '../edit/target.js';

/**
 * `new Database('app.db')` (better-sqlite3), `new DatabaseSync(…)` (node:sqlite) and
 * `await open({ filename, driver })` (sqlite) opened through the configured abstraction, for
 * JavaScript and TypeScript: `getPool('app')` plus its import. node-postgres is asynchronous, so
 * a synchronous driver's calls must become `await …`: that is done only where the call already
 * sits in an async function, and the whole file is left alone (a manual item) otherwise.
 */

/** Driver APIs a pool has no twin for: while one is used, the construction stays. */
const NO_TWIN: Partial<Record<ApiUse['kind'], string>> = {
  pragma: 'PostgreSQL has no PRAGMA: delete the call or make the setting server configuration by hand',
  transaction:
    "better-sqlite3's synchronous transaction wrapper has no node-postgres twin: run BEGIN/COMMIT/ROLLBACK on one client from the pool (`const c = await pool.connect()`) by hand",
  serialize: "sqlite3's statement queue has no node-postgres twin: await the queries in order on one client by hand",
  'create-function': 'a JavaScript function registered in SQLite has no PostgreSQL twin: write it as a PostgreSQL function or compute the value in JavaScript',
  backup: 'use pg_dump (or your provider’s backups) instead of the driver’s backup API',
};

/** Connection options a pool does not need: the busy timeout only matters to SQLite's file locking. */
const DROPPABLE = new Set(['timeout']);
/** Calls that run SQL (and return a promise on node-postgres); `prepare` itself only builds a statement. */
const RUNS = new Set(['run', 'get', 'all', 'each', 'exec', 'iterate']);
const SYNC_LIBS = new Set(['better-sqlite3', 'node:sqlite']);

/** A JavaScript string literal: `'app'`. */
export function jsString(value: string): string {
  let out = "'";
  for (const ch of value) {
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `${out}'`;
}

function renderCall(js: JsTarget, db: string): string {
  return js.connection.call.split('{db}').join(jsString(db));
}

/** `import { getPool } from '#db';` or, in a CommonJS file, `const { getPool } = require('#db');` */
function importLine(js: JsTarget, commonJs: boolean): string {
  const { module, export: name } = js.connection;
  return commonJs ? `const { ${name} } = require(${jsString(module)});` : `import { ${name} } from ${jsString(module)};`;
}

/** The end of the line holding `offset` (before its line break). */
function lineEnd(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  const end = lf < 0 ? text.length : lf;
  return end > 0 && text[end - 1] === '\r' ? end - 1 : end;
}

function lineBreak(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The `await` edits for a synchronous driver's calls, or the first call that cannot take one. */
function awaitEdits(ops: readonly CursorOp[]): { edits: Edit[] } | { op: CursorOp } {
  const edits: Edit[] = [];
  const seen = new Set<number>();
  for (const op of ops) {
    if (!RUNS.has(op.method) || !op.jsAwait || op.jsAwait.awaited || seen.has(op.range.start)) continue;
    if (!op.jsAwait.inAsync) return { op };
    seen.add(op.range.start);
    // stmt.run(a).changes -> (await stmt.run(a)).changes
    if (op.jsAwait.chained) {
      edits.push({ range: { start: op.range.start, end: op.range.start }, text: '(await ' }, { range: { start: op.range.end, end: op.range.end }, text: ')' });
    } else {
      edits.push({ range: { start: op.range.start, end: op.range.start }, text: 'await ' });
    }
  }
  return { edits };
}

/**
 * Plans the JavaScript/TypeScript side of connect-to-factory for one file. `logicalName` is the
 * Python codemod's (the configured map first, else the .db file's stem).
 */
export function planJsConnections(
  facts: FileFacts,
  target: Target,
  text: string,
  commonJs: boolean,
  logicalName: (conn: Connection) => string | undefined,
  out: CodemodOutput,
): void {
  const js = target.javascript ?? defaultJsTarget();
  for (const u of facts.apiUses) {
    const why = NO_TWIN[u.kind];
    if (why) out.refuse(u.range, `no-pool-twin-${u.kind}`, `\`${u.name}\`: ${why}.`);
  }
  const direct = facts.connections.filter((c) => c.via === 'direct');
  for (const conn of direct) {
    const refuse = (reason: string, detail: string) => out.refuse(conn.range, reason, detail);
    const db = logicalName(conn);
    const call = renderCall(js, db ?? '…');
    if (conn.library === 'sqlite3') {
      refuse('callback-api', `The sqlite3 package's API takes callbacks; ${call} returns a promise-based pool: move the calls on this database to \`await pool.query(…)\` and replace this construction by hand.`);
      continue;
    }
    if (conn.database?.value === ':memory:') {
      refuse('in-memory-database', 'An in-memory SQLite database has no PostgreSQL counterpart: use a temporary schema or a test database.');
      continue;
    }
    if (db === undefined) {
      const what = conn.database ? `\`${text.slice(conn.database.range.start, conn.database.range.end)}\`` : 'no database argument';
      refuse(
        'unknown-database',
        `Cannot tell which database ${what} names: map the .db file name (or this expression) to a logical name in target.databases of pgready.config.json, e.g. "app.db": "app".`,
      );
      continue;
    }
    const kept = conn.keywords.filter((k) => !DROPPABLE.has(k.name));
    if (kept.length > 0) {
      refuse('connect-option', `${kept.map((k) => `\`${k.name}\``).join(', ')} changes how the database behaves and ${call} cannot take it: port it by hand.`);
      continue;
    }
    const sync = SYNC_LIBS.has(conn.library);
    // only a synchronous driver's calls change (they gain `await`): they must all belong to this database
    if (sync && (direct.length > 1 || facts.connections.length > 1)) {
      refuse('several-connections', `This file opens more than one database: which calls belong to which cannot be told apart here; replace the constructions with ${call} by hand.`);
      continue;
    }
    const blocking = facts.apiUses.find((u) => NO_TWIN[u.kind]);
    if (blocking) {
      refuse('no-pool-twin', `\`${blocking.name}\` (line ${lineOf(text, blocking.range.start)}) has no node-postgres twin and must go first; then run fix again.`);
      continue;
    }
    const escapes = conn.escapes ?? [];
    // `this.db = new Database(…)`, `return new Database(…)`: only a variable's uses are known (escapes is set for those)
    if (sync && (conn.binding !== 'assign' || conn.escapes === undefined || escapes.length > 0)) {
      const first = escapes[0];
      const where = first ? ` (\`${conn.boundTo ?? ''}\` is ${first.how} on line ${lineOf(text, first.range.start)})` : '';
      refuse(
        'sync-driver-escapes',
        `${conn.library} runs queries synchronously and node-postgres cannot: the database leaves this file or function${where}, so its callers' calls cannot be made \`await\` here; rewrite the construction with its call sites by hand.`,
      );
      continue;
    }
    const awaits = sync ? awaitEdits(facts.cursorOps) : { edits: [] };
    if ('op' in awaits) {
      refuse(
        'sync-call-site',
        `${conn.library} runs \`${awaits.op.receiverText}.${awaits.op.method}(…)\` (line ${lineOf(text, awaits.op.range.start)}) synchronously; node-postgres needs \`await\`, and the enclosing function is not async: make it async (and its callers await it), then run fix again.`,
      );
      continue;
    }
    const edits: Edit[] = [{ range: conn.range, text: renderCall(js, db) }, ...awaits.edits, ...importEdits(facts, conn, importLine(js, commonJs), text)];
    // awaiting hands the event loop to other requests between queries that used to run back to back
    const awaited = awaitCount(awaits.edits);
    out.change({
      title: `Open the database with ${renderCall(js, db)}${awaited > 0 ? ` and await its ${awaited} call(s) (unsafe: other requests now run between these queries)` : ''}`,
      safety: awaited > 0 ? 'unsafe' : 'safe',
      edits,
    });
  }
}

/**
 * The target's import, and the driver imports this construction was the only user of removed:
 * `import Database from 'better-sqlite3'` used only in `new Database('app.db')` becomes
 * `import { getPool } from '#db'`. An import used anywhere else (a type, another call) stays.
 */
function importEdits(facts: FileFacts, conn: Connection, line: string, text: string): Edit[] {
  const inside = (r: { start: number; end: number }) => r.start >= conn.range.start && r.end <= conn.range.end;
  const spent = facts.imports.filter((i) => i.statement?.alone && (i.uses ?? []).length > 0 && (i.uses ?? []).every(inside));
  const present = text.includes(line);
  const edits: Edit[] = spent.map((i, k) =>
    k === 0 && !present ? { range: i.statement!.range, text: line } : { range: i.statement!.lines, text: '' },
  );
  if (present || spent.length > 0) return edits;
  const anchor = [...facts.imports].sort((a, b) => a.range.end - b.range.end).pop();
  const at = anchor ? lineEnd(text, anchor.range.end) : 0;
  return [{ range: { start: at, end: at }, text: anchor ? `${lineBreak(text)}${line}` : `${line}${lineBreak(text)}` }];
}

function awaitCount(edits: readonly Edit[]): number {
  return edits.filter((e) => e.text.startsWith('await ') || e.text === '(await ').length;
}
