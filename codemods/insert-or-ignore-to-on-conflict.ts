import { defineCodemod } from '../src/model/codemod.js';
import { keywordRuns, tokenRange } from '../src/sql/analyze.js';
import { identifierName } from '../src/sql/ddl.js';
import { INSERT_PROBLEM_DETAIL, insertShape } from '../src/sql/insert.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'insert-or-ignore-to-on-conflict',
  title: 'Rewrite `INSERT OR IGNORE` as `INSERT … ON CONFLICT DO NOTHING`',
  resolves: ['SQL302'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const run of keywordRuns(sig, ['INSERT', 'OR', 'IGNORE'])) {
        const at = tokenRange(sig, run.first, run.last);
        const shape = insertShape(sig, run.first);
        if (typeof shape === 'string') {
          out.refuse(toFileRange(sql, at), shape, INSERT_PROBLEM_DETAIL[shape]);
          continue;
        }
        const insert = sig[run.first]!;
        // INSERT OR IGNORE INTO t …: drop ` OR IGNORE` up to the next word, keeping the layout
        const rw = new SqlRewrite(sql, ctx.source.text)
          .replace({ start: insert.end, end: sig[run.last]!.end }, '')
          .insertAfter(sig[shape.tailAfter]!, caseLike(insert, ' ON CONFLICT DO NOTHING'));
        emitRewrite(out, rw, at, {
          title: `Rewrite INSERT OR IGNORE INTO ${identifierName(sig[shape.table]!)} as INSERT … ON CONFLICT DO NOTHING (unsafe: SQLite also skipped NOT NULL and CHECK violations)`,
          safety: 'unsafe',
        });
      }
    }
  },
});
