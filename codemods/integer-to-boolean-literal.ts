import { booleanOf } from '../rules/boolean-as-integer.js';
import { defineCodemod } from '../src/model/codemod.js';
import type { CodemodOutput } from '../src/model/codemod.js';
import type { Range, SqlString } from '../src/model/facts.js';
import { tokensOf } from '../src/sql/analyze.js';
import { columnValues, isBooleanType, isIntegerLiteral } from '../src/sql/column-values.js';
import type { ColumnValue } from '../src/sql/column-values.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, paramRanges, sqlTargets } from '../src/sql/rewrite.js';

/**
 * A query parameter bound for a BOOLEAN column: psycopg sends a Python int as an integer, which PostgreSQL
 * rejects there (asyncpg refuses it before sending). `{"ack": 0}` in a literal dict at the call becomes
 * `{"ack": False}` (sqlite3 stores False as 0, so nothing changes for SQLite); a value pgready cannot see
 * (a tuple's items, a variable) is a manual item.
 */
function planBoundFlag(sql: SqlString, p: Range, v: ColumnValue, source: string, out: CodemodOutput): void {
  const column = `${v.table.name}.${v.column}`;
  const text = sql.text.slice(p.start, p.end);
  // :name, @name, $name; %(name)s once the placeholder codemod has run (fix plans again after each pass)
  const key = text.startsWith('%(') ? text.slice(2, -2) : ':@$'.includes(text[0] ?? '') && !/^\$\d+$/.test(text) ? text.slice(1) : undefined;
  const entry = key !== undefined ? sql.paramsDict?.entries.find((e) => e.key === key) : undefined;
  const literal = entry ? source.slice(entry.value.start, entry.value.end) : undefined;
  if (literal === 'True' || literal === 'False') return;
  if (entry && (literal === '0' || literal === '1')) {
    const flag = literal === '0' ? 'False' : 'True';
    out.change({ title: `Pass ${flag} instead of ${literal} for BOOLEAN column ${column}`, safety: 'safe', edits: [{ range: entry.value, text: flag }] });
    return;
  }
  out.refuse(
    toFileRange(sql, p),
    'unproven-boolean-parameter',
    `A query parameter goes into BOOLEAN column ${column}; psycopg sends a Python int as an integer, which PostgreSQL rejects there (asyncpg refuses it outright): make sure a bool (True/False) is passed, not 0/1.`,
  );
}

export default defineCodemod({
  name: 'integer-to-boolean-literal',
  title: 'Rewrite 0 and 1 written into or compared with a BOOLEAN column as FALSE and TRUE',
  resolves: ['SQL329'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    if (ctx.schema.size === 0) return;
    for (const { sql, sig } of sqlTargets(facts)) {
      const sample = sig.find((t) => t.type === 'keyword');
      const params = paramRanges(tokensOf(sql));
      for (const v of columnValues(sig, ctx.schema)) {
        const t = sig[v.first]!;
        if (!isBooleanType(v.type)) continue;
        const param = params.find((p) => p.start === t.start && p.end === sig[v.last]!.end);
        // node-postgres sends parameters as text, which PostgreSQL reads as a boolean ('1', 'true'): only Python's drivers care
        if (param && facts.language === 'python') planBoundFlag(sql, param, v, ctx.source.text, out);
        if (v.first !== v.last || !isIntegerLiteral(t)) continue;
        const range = { start: t.start, end: t.end };
        const flag = booleanOf(t.text);
        // WHERE done = 2: SQLite compares with the stored integer; PostgreSQL's boolean has no such value
        if (!flag) {
          out.refuse(
            toFileRange(sql, range),
            'non-boolean-integer',
            `${t.text} is neither 0 nor 1, so it has no BOOLEAN spelling for ${v.table.name}.${v.column}: decide what it means and rewrite it by hand (e.g. \`${v.column} <> FALSE\`).`,
          );
          continue;
        }
        // SQLite (3.23+) reads TRUE and FALSE as 1 and 0, so the statement keeps working there too
        const text = sample ? caseLike(sample, flag) : flag;
        const rw = new SqlRewrite(sql, ctx.source.text).replace(range, text);
        emitRewrite(out, rw, range, { title: `Rewrite ${t.text} as ${text} for BOOLEAN column ${v.table.name}.${v.column}`, safety: 'safe' });
      }
    }
  },
});
