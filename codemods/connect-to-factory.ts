import { defineCodemod } from '../src/model/codemod.js';
import type { CodemodOutput, Edit, Target } from '../src/model/codemod.js';
import type { Connection, FileFacts, Range } from '../src/model/facts.js';
import { hasImport, insertLineAfter, lineOf, pyString, within } from '../src/codemods/python.js';
import { planJsConnections } from '../src/codemods/javascript.js';

/** connect() keywords PostgreSQL does not need: busy timeout, thread check, statement cache. */
const DROPPABLE = new Set(['timeout', 'check_same_thread', 'cached_statements']);
const DB_FILE = /\.(db|sqlite|sqlite3|db3)$/i;

const ESCAPE_WORDS: Record<NonNullable<Connection['escapes']>[number]['how'], string> = {
  returned: 'is returned',
  yielded: 'is yielded',
  passed: 'is passed to another call',
  stored: 'is stored in another name or object',
  global: 'is declared global',
  closure: 'is used by a nested function',
  'context-manager': 'is used as `with conn:` (a transaction in sqlite3, a close in psycopg)',
  outside: 'is used after its block',
};

/** The logical database name: the configured map first, else the .db file's stem. */
export function logicalName(conn: Connection, facts: FileFacts, target: Target, text: string): string | undefined {
  const db = conn.database;
  if (!db) return undefined;
  const literals: string[] = [];
  if (db.value !== undefined) literals.push(db.value);
  // os.path.join(DATA_DIR, "trades.db"), f"{DATA_DIR}/trades.db"
  for (const p of facts.dbPaths) if (p.kind === 'file' && within(p.range, db.range)) literals.push(p.value);
  const keys = [...literals, text.slice(db.range.start, db.range.end)];
  for (const [key, name] of Object.entries(target.databases).sort()) {
    if (keys.some((k) => k === key || k.endsWith(`/${key}`) || (!key.includes('/') && baseName(k) === key))) return name;
  }
  for (const lit of literals) {
    const base = baseName(lit);
    if (DB_FILE.test(base)) return base.slice(0, base.lastIndexOf('.'));
  }
  return undefined;
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'), path.lastIndexOf('}'));
  return path.slice(cut + 1);
}

function render(target: Target, db: string): string {
  return target.connection.call.split('{db}').join(pyString(db));
}

interface Rewrite {
  conn: Connection;
  edits: Edit[];
}

/** Why this connection cannot be rewritten, or its edits. */
function plan1(conn: Connection, facts: FileFacts, target: Target, text: string, unit: string): Rewrite | { reason: string; detail: string } {
  const db = logicalName(conn, facts, target, text);
  const call = render(target, db ?? '…');
  if (conn.database?.value === ':memory:') {
    return { reason: 'in-memory-database', detail: 'An in-memory SQLite database has no PostgreSQL counterpart: use a temporary schema or a test database.' };
  }
  if (db === undefined) {
    const what = conn.database ? `\`${text.slice(conn.database.range.start, conn.database.range.end)}\`` : 'no database argument';
    return {
      reason: 'unknown-database',
      detail: `Cannot tell which database ${what} names: map the .db file name (or this expression) to a logical name in target.databases of pgready.config.json, e.g. "trades.db": "trades".`,
    };
  }
  if ((conn.otherArgs ?? []).length > 0) {
    return { reason: 'connect-arguments', detail: 'connect() gets positional or unpacked arguments whose meaning would be lost: rewrite this call by hand.' };
  }
  const kept = conn.keywords.filter((k) => k.name !== 'database' && !DROPPABLE.has(k.name));
  if (kept.length > 0) {
    const names = kept.map((k) => `\`${k.name}\``).join(', ');
    return {
      reason: 'connect-option',
      detail: `${names} changes how the connection behaves (autocommit, type detection, URI mode…) and ${call} cannot take it: port it by hand.`,
    };
  }
  const replaceCall: Edit = { range: conn.range, text: render(target, db) };
  const escapes = conn.escapes ?? [];
  // `with sqlite3.connect(p) as conn:` commits but does not close; the target's block may close:
  // the connection must not be used after the block
  const afterWith = escapes.filter((e) => e.how !== 'passed');
  const escapeDetail = (es: typeof escapes) =>
    es.map((e) => `\`${conn.boundTo}\` ${ESCAPE_WORDS[e.how]} (line ${lineOf(text, e.range.start)})`).join('; ');

  // with sqlite3.connect(p) as conn: / with closing(sqlite3.connect(p)) as conn:
  if (conn.binding === 'with' || conn.closingWrapper) {
    if (!conn.statement) return { reason: 'unsupported-shape', detail: 'This `with` statement has a shape pgready does not rewrite: change it by hand.' };
    if (afterWith.length > 0) {
      return { reason: 'connection-escapes', detail: `${escapeDetail(afterWith)}: sqlite3 keeps the connection open after \`with\`, ${call} may not.` };
    }
    return { conn, edits: [conn.closingWrapper ? { range: conn.closingWrapper, text: replaceCall.text } : replaceCall] };
  }
  if (target.connection.returns === 'connection') return { conn, edits: [replaceCall] };

  // context-manager: the result must be entered with `with`, never bound by `conn = get_connection(…)`
  if (conn.binding === 'return' || escapes.some((e) => e.how === 'returned')) {
    return {
      reason: 'returned-from-factory',
      detail: `This function hands the connection to its callers; ${call} is a context manager: make the function a @contextmanager that yields from \`with ${call} as conn:\`, or set target.connection.returns to "connection".`,
    };
  }
  if (conn.binding !== 'assign' || !conn.statement) {
    return { reason: 'unsupported-shape', detail: `Open the connection with \`with ${call} as conn:\` around the code that uses it.` };
  }
  // conn = connect(p) / try: … / finally: conn.close() -> with get_connection(…) as conn: …
  if (!conn.closeCall && conn.tryFinally) {
    if (escapes.length > 0) {
      return { reason: 'connection-escapes', detail: `${escapeDetail(escapes)}: a \`with\` block cannot hold it; restructure by hand.` };
    }
    const edits: Edit[] = [
      { range: conn.tryFinally.header, text: `with ${render(target, db)} as ${conn.boundTo}:` },
      { range: conn.tryFinally.finallyLines, text: '' },
    ];
    return { conn, edits };
  }
  if (!conn.closeCall) {
    return {
      reason: 'no-close-in-block',
      detail: `No \`${conn.boundTo}.close()\` follows in the same block (try/finally, or never closed): wrap the code in \`with ${call} as ${conn.boundTo}:\` by hand.`,
    };
  }
  if (escapes.length > 0) {
    return { reason: 'connection-escapes', detail: `${escapeDetail(escapes)}: a \`with\` block cannot hold it; restructure by hand.` };
  }
  if (!conn.statement.alone || !conn.closeCall.alone) {
    return { reason: 'unsupported-shape', detail: 'The assignment or the close() shares its line with other code: split the line, then run fix again.' };
  }
  const body = (conn.bodyLines ?? []).filter((s) => s >= conn.statement!.range.end);
  if (body.length === 0) {
    return { reason: 'empty-block', detail: 'Nothing happens between opening and closing the connection: remove both lines.' };
  }
  const edits: Edit[] = [
    { range: conn.statement.range, text: `with ${render(target, db)} as ${conn.boundTo}:` },
    ...body.map((s): Edit => ({ range: { start: s, end: s }, text: unit })),
    { range: conn.closeCall.lines, text: '' },
  ];
  return { conn, edits };
}

export default defineCodemod({
  name: 'connect-to-factory',
  title: 'Open connections through the configured factory (`with get_connection("trades") as conn:`)',
  resolves: ['SQL001', 'SQL002', 'SQL003'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, { source, target }, out) {
    const text = source.text;
    if (source.language === 'javascript' || source.language === 'typescript') {
      planJsConnections(facts, target, text, isCommonJs(source.path, facts), (c) => logicalName(c, facts, target, text), out);
      return;
    }
    const unit = facts.indentUnit ?? '    ';
    const rewrites: Rewrite[] = [];
    for (const conn of facts.connections) {
      if (conn.via !== 'direct' || conn.library !== 'sqlite3') continue;
      const r = plan1(conn, facts, target, text, unit);
      if ('reason' in r) out.refuse(conn.range, r.reason, r.detail);
      else rewrites.push(r);
    }
    const rewritten: Range[] = rewrites.map((r) => r.conn.range);
    if (rewrites.length > 0) {
      const importEdits = importChange(facts, target, text, rewritten, out);
      if (importEdits) {
        const edits = [...rewrites.flatMap((r) => r.edits), ...importEdits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
        out.change({
          title: `Open ${rewrites.length} connection(s) with ${target.connection.call}`,
          safety: 'safe',
          edits,
        });
      }
    }
    if (rewrites.length === 0) removeUnusedImports(facts, out);
    refuseLeftovers(facts, text, out);
  },
});

/**
 * A module-level `import sqlite3` nothing uses any more (its last uses were rewritten by
 * another codemod, e.g. the exception classes): the import goes too.
 */
function removeUnusedImports(facts: FileFacts, out: CodemodOutput): void {
  for (const i of facts.imports) {
    const st = i.statement;
    if (i.form !== 'import' || i.module !== 'sqlite3' || i.names !== 1 || !st?.alone || st.indent !== '' || (i.uses ?? []).length > 0) continue;
    out.change({ title: `Remove the unused \`import ${i.module}\``, safety: 'safe', edits: [{ range: st.lines, text: '' }] });
  }
}

/**
 * `import sqlite3` becomes the configured import when the rewritten calls were its only uses;
 * otherwise the configured import goes on the line after it and `import sqlite3` stays.
 */
function importChange(facts: FileFacts, target: Target, text: string, rewritten: Range[], out: CodemodOutput): Edit[] | undefined {
  const line = target.connection.import;
  const present = hasImport(facts, line);
  const sqliteImports = facts.imports.filter((i) => i.statement && (i.module === 'sqlite3' || i.module.startsWith('sqlite3.')) && i.form !== 'importlib');
  const plain = sqliteImports.find((i) => i.form === 'import');
  if (plain?.statement && plain.names === 1 && plain.statement.alone) {
    const remaining = (plain.uses ?? []).filter((u) => !rewritten.some((r) => within(u, r)));
    // also a second `import sqlite3` elsewhere keeps its own uses: only this statement goes
    if (remaining.length === 0) {
      return present ? [{ range: plain.statement.lines, text: '' }] : [{ range: plain.statement.range, text: line }];
    }
  }
  if (present) return [];
  const anchor = plain ?? sqliteImports[0];
  if (anchor?.statement) return [insertLineAfter(text, anchor.statement, line)];
  const last = [...(facts.importStatements ?? [])].reverse().find((s) => s.at.indent === '');
  if (last) return [insertLineAfter(text, last.at, line)];
  const first = rewritten[0]!;
  out.refuse(first, 'no-import-anchor', `The file has no import statement to put \`${line}\` after: add it by hand, then run fix again.`);
  return undefined;
}

/** Manual items that stay after the rewrite: row factories and .db file names. */
function refuseLeftovers(facts: FileFacts, text: string, out: CodemodOutput): void {
  const connections = facts.connections.filter((c) => c.via === 'direct' && c.library === 'sqlite3').map((c) => c.range);
  for (const u of facts.apiUses) {
    if (u.kind !== 'row-factory') continue;
    out.refuse(
      u.range,
      'row-factory',
      `\`${u.name}\` has no automatic equivalent: psycopg 3 \`row_factory=dict_row\` (from psycopg.rows) or psycopg2 \`cursor_factory=RealDictCursor\` (psycopg2.extras), then check every \`row[…]\` use.`,
    );
  }
  for (const p of facts.dbPaths) {
    // a path inside a connect() call is covered by that call's own change or manual item
    if (p.kind !== 'file' || connections.some((r) => within(p.range, r))) continue;
    out.refuse(
      p.range,
      'db-path',
      `\`${text.slice(p.range.start, p.range.end)}\` names a SQLite file: left in place; remove it once nothing reads, backs up or mounts that file.`,
    );
  }
}

/** `.cjs`, or a `.js` file that only `require`s its drivers. */
function isCommonJs(path: string, facts: FileFacts): boolean {
  const lower = path.toLowerCase();
  if (lower.endsWith('.cjs') || lower.endsWith('.cts')) return true;
  if (lower.endsWith('.mjs') || lower.endsWith('.mts')) return false;
  return facts.imports.some((i) => i.form === 'require') && !facts.imports.some((i) => i.form === 'import');
}
