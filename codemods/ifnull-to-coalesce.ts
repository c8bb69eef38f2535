import { defineCodemod } from '../src/model/codemod.js';
import { callRange, sqlCalls } from '../src/sql/clauses.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'ifnull-to-coalesce',
  title: 'Rewrite `IFNULL(a, b)` as `COALESCE(a, b)`',
  resolves: ['SQL311'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const call of sqlCalls(sig, ['IFNULL'])) {
        // IFNULL(a, b) takes exactly two arguments; COALESCE takes the same two in the same order
        const rw = new SqlRewrite(sql, ctx.source.text).replaceTokens(call.name, call.name, caseLike(call.name, 'COALESCE'));
        emitRewrite(out, rw, callRange(sig, call), { title: `Rewrite ${call.name.text}() as COALESCE()`, safety: 'safe' });
      }
    }
  },
});
