import { defineCodemod } from '../src/model/codemod.js';
import type { CodemodOutput, Edit } from '../src/model/codemod.js';
import type { ApiUse, SqlString } from '../src/model/facts.js';
import { significant, tokensOf } from '../src/sql/analyze.js';
import { isPunct, isWord, statements } from '../src/sql/clauses.js';
import { identifierName } from '../src/sql/ddl.js';
import { insertShape } from '../src/sql/insert.js';
import { rewriteFailureDetail, SqlRewrite } from '../src/sql/rewrite.js';
import { within } from '../src/codemods/python.js';

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export default defineCodemod({
  name: 'lastrowid-to-returning',
  title: 'Replace `cur.lastrowid` (JavaScript: `info.lastInsertRowid`, `result.lastID`) after an INSERT with `INSERT … RETURNING <key>` read from the row',
  resolves: ['SQL103'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, { source, schema }, out) {
    const uses = facts.apiUses.filter((u) => u.kind === 'lastrowid');
    if (source.language === 'javascript' || source.language === 'typescript') {
      for (const use of uses) planJs(use, uses, facts.sqlStrings, source.language === 'typescript', schema, source.text, out);
      return;
    }
    for (const use of uses) {
      const refuse = (reason: string, detail: string) => out.refuse(use.range, reason, detail);
      const receiver = use.name.endsWith('.lastrowid') ? use.name.slice(0, -'.lastrowid'.length) : '';
      const prev = use.previousStatement;
      // print(cur.lastrowid, cur.lastrowid): the second read would fetch nothing
      if (!receiver || !prev || uses.some((o) => o !== use && o.statement && use.statement && o.statement.start === use.statement.start)) {
        refuse('no-insert-before', `\`${use.name}\` does not directly follow \`${receiver || 'cur'}.execute("INSERT …")\`: add RETURNING and fetchone() by hand.`);
        continue;
      }
      const ops = facts.cursorOps.filter((o) => o.receiverText === receiver && within(o.range, prev) && o.method.startsWith('execute'));
      const op = ops[0];
      if (ops.length !== 1 || !op || op.method !== 'execute') {
        refuse('no-insert-before', `The statement before \`${use.name}\` is not a single \`${receiver}.execute(…)\`: add RETURNING and fetchone() by hand.`);
        continue;
      }
      const sqls = facts.sqlStrings.filter((s) => s.callRange && s.callRange.start === op.range.start && s.callRange.end === op.range.end);
      const sql = sqls[0];
      if (sqls.length !== 1 || !sql) {
        refuse('unknown-sql', `The SQL of \`${receiver}.execute(…)\` is not known here (or has several values): add RETURNING by hand.`);
        continue;
      }
      // try: cur.execute(…) / except …: — a handled failure leaves no row to fetch
      const direct = prev.start === op.range.start && prev.end === op.range.end;
      planOne(use, sql, receiver, direct, schema, source.text, out);
    }
  },
});

function planOne(
  use: ApiUse,
  sql: SqlString,
  receiver: string,
  direct: boolean,
  schema: ReadonlyMap<string, { primaryKey: string[] }>,
  text: string,
  out: CodemodOutput,
): void {
  const refuse = (reason: string, detail: string) => out.refuse(use.range, reason, detail);
  const how = { by: `${receiver}.fetchone()[0]`, read: 'fetchone()' };
  const planned = returning(use, sql, how, schema, text, refuse);
  if (!planned) return;
  const { table, key, edits } = planned;
  // a named constant may run elsewhere too, where a RETURNING result set is not expected
  const why = sql.origin !== 'literal' ? 'the SQL text is shared and changes for every use' : !direct ? 'the INSERT runs inside a compound statement: check that a failed INSERT never reaches fetchone()' : undefined;
  out.change({
    title: `Return ${table}.${key} from the INSERT instead of reading ${use.name}${why ? ` (unsafe: ${why})` : ''}`,
    safety: why ? 'unsafe' : 'safe',
    edits: [...edits, { range: use.range, text: how.by }],
  });
}

/**
 * JavaScript: `const info = db.prepare('INSERT …').run(a, b); … info.lastInsertRowid` becomes
 * `const info = db.prepare('INSERT … RETURNING id').get(a, b); … info.id`: the row comes back
 * from `get` (better-sqlite3, the sqlite package) just as it does from a PostgreSQL query. Only
 * when the result is read for nothing else (`info.changes` has no twin in the returned row).
 */
function planJs(
  use: ApiUse,
  uses: readonly ApiUse[],
  sqlStrings: readonly SqlString[],
  typescript: boolean,
  schema: ReadonlyMap<string, { primaryKey: string[] }>,
  text: string,
  out: CodemodOutput,
): void {
  const refuse = (reason: string, detail: string) => out.refuse(use.range, reason, detail);
  const run = use.runCall;
  if (!run) {
    refuse('unknown-sql', `\`${use.name}\` is not read from the result of a known \`run(…)\` call: add \`RETURNING <key>\`, run the INSERT with \`get(…)\` and read the key from the row by hand.`);
    return;
  }
  // db.run('INSERT …', [a], function (err) { … this.lastID … })
  if (run.via === 'callback') {
    refuse('callback-this', `sqlite3 hands the new id to the callback as \`${use.name}\`: add \`RETURNING <key>\`, run the INSERT with \`db.get(…, (err, row) => …)\` and read \`row.<key>\` by hand.`);
    return;
  }
  const receiver = run.boundTo;
  const own = uses.filter((u) => u.runCall?.range.start === run.range.start);
  if (!receiver || text.slice(run.method.start, run.method.end) !== 'run' || run.reads !== own.length || !use.name.startsWith(`${receiver}.`)) {
    refuse('result-used', `The result of \`run(…)\` is not bound to one name read only for the new id (\`.changes\` has no twin in a returned row): add RETURNING and read the key from the row by hand.`);
    return;
  }
  const sqls = run.prepared
    ? sqlStrings.filter((s) => s.executor === 'prepare' && s.callRange && run.prepared!.includes(s.callRange.start))
    : sqlStrings.filter((s) => s.callRange && s.callRange.start === run.range.start && s.callRange.end === run.range.end);
  const sql = sqls[0];
  if (sqls.length !== 1 || !sql || (run.prepared && run.prepared.length !== 1)) {
    refuse('unknown-sql', `The SQL run before \`${use.name}\` is not known here (or has several values): add RETURNING by hand.`);
    return;
  }
  const planned = returning(use, sql, { by: `${receiver}.<key>`, read: 'get(…)' }, schema, text, refuse);
  if (!planned) return;
  const { table, key, edits } = planned;
  // every read of the id, and the call: all in one change
  const reads = own.map((u) => ({ range: u.range, text: typescript ? `(${receiver} as { ${key}: number }).${key}` : `${receiver}.${key}` }));
  // a shared statement (a constant, or one prepared once and run elsewhere too) returns a row everywhere it runs
  const why = sql.origin !== 'literal' ? 'the SQL text is shared and changes for every use' : undefined;
  out.change({
    title: `Return ${table}.${key} from the INSERT with get(…) instead of reading ${use.name}${why ? ` (unsafe: ${why})` : ''}`,
    safety: why ? 'unsafe' : 'safe',
    edits: [...edits, { range: run.method, text: 'get' }, ...reads],
  });
}

/** The ` RETURNING <key>` edit for an INSERT whose table's single-column key is known, or a refusal. */
function returning(
  use: ApiUse,
  sql: SqlString,
  how: { by: string; read: string },
  schema: ReadonlyMap<string, { primaryKey: string[] }>,
  text: string,
  refuse: (reason: string, detail: string) => void,
): { table: string; key: string; edits: Edit[] } | undefined {
  const no = (reason: string, detail: string): undefined => {
    refuse(reason, detail);
    return undefined;
  };
  const sig = significant(tokensOf(sql));
  const stmts = statements(sig);
  const stmt = stmts[0];
  if (stmts.length !== 1 || !stmt || !isWord(sig[stmt.first], 'INSERT')) {
    refuse('not-an-insert', `\`${use.name}\` reads the id after a statement that is not one INSERT: rewrite by hand.`);
    return undefined;
  }
  // INSERT OR IGNORE/REPLACE: ON CONFLICT … DO NOTHING returns no row; the conflict clause comes first
  if (isWord(sig[stmt.first + 1], 'OR')) {
    refuse('conflict-clause', 'The INSERT has an OR clause: rewrite it to ON CONFLICT first, then add RETURNING by hand (DO NOTHING returns no row).');
    return;
  }
  const shape = insertShape(sig, stmt.first);
  if (typeof shape === 'string') {
    refuse(shape === 'existing-on-conflict' ? 'conflict-clause' : shape, 'The INSERT could not be read completely (dynamic tail or ON CONFLICT): add RETURNING by hand.');
    return;
  }
  let depth = 0;
  let values = -1;
  for (let k = shape.table + 1; k <= stmt.last; k++) {
    const t = sig[k]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    else if (depth !== 0) continue;
    else if (isWord(t, 'RETURNING')) return no('has-returning', `The INSERT already returns something: read it with ${how.read} by hand.`);
    else if (isWord(t, 'SELECT')) return no('insert-select', 'INSERT … SELECT may insert many rows; lastrowid was the last one: rewrite by hand.');
    else if (isWord(t, 'VALUES')) values = k;
    // VALUES (…), (…): several rows, lastrowid was the last one's
    else if (values >= 0 && isPunct(t, ',')) return no('multi-row-insert', 'The INSERT adds several rows and lastrowid was the last one: rewrite by hand.');
  }
  const table = identifierName(sig[shape.table]!);
  const key = schema.get(table.toLowerCase())?.primaryKey;
  if (!key || key.length !== 1 || !PLAIN_NAME.test(key[0]!)) {
    refuse(
      'unknown-key',
      `No single-column primary key is known for \`${table}\` (no CREATE TABLE in the project): add \`RETURNING <key>\` and \`${how.by}\` by hand.`,
    );
    return;
  }
  const last = sig[stmt.last]!;
  if (last.type === 'placeholder' || last.type === 'hole') {
    refuse('not-verbatim', rewriteFailureDetail('not-verbatim'));
    return;
  }
  // insert into …: the clause follows the statement's own keyword case
  const keyword = isLower(sig[stmt.first]!.text) ? 'returning' : 'RETURNING';
  const rw = new SqlRewrite(sql, text).insertAfter(last, ` ${keyword} ${key[0]}`);
  if (rw.failure) {
    refuse(rw.failure, rewriteFailureDetail(rw.failure));
    return;
  }
  return { table, key: key[0]!, edits: rw.edits };
}

function isLower(word: string): boolean {
  return word === word.toLowerCase();
}
