import { defineCodemod } from '../src/model/codemod.js';
import type { CodemodOutput } from '../src/model/codemod.js';
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
  title: 'Replace `cur.lastrowid` after an INSERT with `INSERT … RETURNING <key>` and `cur.fetchone()[0]`',
  resolves: ['SQL103'],
  plan(facts, { source, schema }, out) {
    const uses = facts.apiUses.filter((u) => u.kind === 'lastrowid');
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
  const sig = significant(tokensOf(sql));
  const stmts = statements(sig);
  const stmt = stmts[0];
  if (stmts.length !== 1 || !stmt || !isWord(sig[stmt.first], 'INSERT')) {
    refuse('not-an-insert', `\`${use.name}\` reads the id after a statement that is not one INSERT: rewrite by hand.`);
    return;
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
    else if (isWord(t, 'RETURNING')) return refuse('has-returning', 'The INSERT already returns something: read it with fetchone() by hand.');
    else if (isWord(t, 'SELECT')) return refuse('insert-select', 'INSERT … SELECT may insert many rows; lastrowid was the last one: rewrite by hand.');
    else if (isWord(t, 'VALUES')) values = k;
    // VALUES (…), (…): several rows, lastrowid was the last one's
    else if (values >= 0 && isPunct(t, ',')) return refuse('multi-row-insert', 'The INSERT adds several rows and lastrowid was the last one: rewrite by hand.');
  }
  const table = identifierName(sig[shape.table]!);
  const key = schema.get(table.toLowerCase())?.primaryKey;
  if (!key || key.length !== 1 || !PLAIN_NAME.test(key[0]!)) {
    refuse(
      'unknown-key',
      `No single-column primary key is known for \`${table}\` (no CREATE TABLE in the project): add \`RETURNING <key>\` and \`${receiver}.fetchone()[0]\` by hand.`,
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
  // a named constant may run elsewhere too, where a RETURNING result set is not expected
  const why = sql.origin !== 'literal' ? 'the SQL text is shared and changes for every use' : !direct ? 'the INSERT runs inside a compound statement: check that a failed INSERT never reaches fetchone()' : undefined;
  out.change({
    title: `Return ${table}.${key[0]} from the INSERT instead of reading ${use.name}${why ? ` (unsafe: ${why})` : ''}`,
    safety: why ? 'unsafe' : 'safe',
    edits: [...rw.edits, { range: use.range, text: `${receiver}.fetchone()[0]` }],
  });
}

function isLower(word: string): boolean {
  return word === word.toLowerCase();
}
