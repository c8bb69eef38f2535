import type { SqlToken } from '../src/model/facts.js';
import { defineCodemod, type TableSchema } from '../src/model/codemod.js';
import { keywordRuns, tokenRange } from '../src/sql/analyze.js';
import { identifierName } from '../src/sql/ddl.js';
import { INSERT_PROBLEM_DETAIL, insertShape } from '../src/sql/insert.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

/** The primary key, else the first UNIQUE constraint, whose columns all appear in the INSERT's list. */
function conflictKey(table: TableSchema, columns: string[]): string[] | undefined {
  const listed = new Set(columns.map((c) => c.toLowerCase()));
  const candidates = [table.primaryKey, ...table.unique].filter((k) => k.length > 0);
  return candidates.find((key) => key.every((c) => listed.has(c.toLowerCase())));
}

export default defineCodemod({
  name: 'insert-or-replace-to-upsert',
  title: 'Rewrite `INSERT OR REPLACE` / `REPLACE INTO` as `INSERT … ON CONFLICT (key) DO UPDATE`',
  resolves: ['SQL301'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      const runs = [
        ...keywordRuns(sig, ['INSERT', 'OR', 'REPLACE']),
        // REPLACE INTO t …, but not the REPLACE of INSERT OR REPLACE INTO
        ...keywordRuns(sig, ['REPLACE', 'INTO']).filter((r) => sig[r.first - 1]?.upper !== 'OR'),
      ];
      for (const run of runs) {
        const at = tokenRange(sig, run.first, run.last);
        const shape = insertShape(sig, run.first);
        if (typeof shape === 'string') {
          out.refuse(toFileRange(sql, at), shape, INSERT_PROBLEM_DETAIL[shape]);
          continue;
        }
        const tableName = identifierName(sig[shape.table]!);
        const schema = ctx.schema.get(tableName.toLowerCase());
        const columnTokens: SqlToken[] = (shape.columns ?? []).map((k) => sig[k]!);
        const key = schema && shape.columns ? conflictKey(schema, columnTokens.map(identifierName)) : undefined;
        if (!schema || !key) {
          const why = !schema
            ? `no CREATE TABLE ${tableName} was found in the project`
            : !shape.columns
              ? 'the INSERT has no column list'
              : `no primary key or UNIQUE constraint of ${tableName} is fully in the column list`;
          out.refuse(
            toFileRange(sql, at),
            'unknown-conflict-key',
            `The conflict key is unknown (${why}): write INSERT … ON CONFLICT (key) DO UPDATE SET … by hand.`,
          );
          continue;
        }
        const first = sig[run.first]!;
        const isKey = (t: SqlToken) => key.some((k) => k.toLowerCase() === identifierName(t).toLowerCase());
        const keyText = key.map((k) => columnTokens.find((t) => identifierName(t).toLowerCase() === k.toLowerCase())!.text);
        const updates = columnTokens.filter((t) => !isKey(t)).map((t) => `${t.text} = ${caseLike(first, 'EXCLUDED')}.${t.text}`);
        const action = updates.length > 0 ? caseLike(first, 'DO UPDATE SET ') + updates.join(', ') : caseLike(first, 'DO NOTHING');
        const rw = new SqlRewrite(sql, ctx.source.text);
        if (first.upper === 'REPLACE') rw.replaceTokens(first, first, caseLike(first, 'INSERT'));
        // INSERT OR REPLACE INTO: drop ` OR REPLACE`
        else rw.replace({ start: first.end, end: sig[run.last]!.end }, '');
        rw.insertAfter(sig[shape.tailAfter]!, ` ${caseLike(first, 'ON CONFLICT')} (${keyText.join(', ')}) ${action}`);
        emitRewrite(out, rw, at, {
          title:
            `Rewrite ${first.upper === 'REPLACE' ? 'REPLACE' : 'INSERT OR REPLACE'} INTO ${tableName} as an upsert on (${key.join(', ')}) ` +
            '(unsafe: REPLACE deleted and reinserted the row and also replaced rows conflicting on other UNIQUE constraints)',
          safety: 'unsafe',
        });
      }
    }
  },
});
