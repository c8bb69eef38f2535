import { defineCodemod } from '../src/model/codemod.js';
import { callRange, sqlCalls } from '../src/sql/clauses.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'instr-to-strpos',
  title: 'Rewrite `instr(s, x)` as `strpos(s, x)`',
  resolves: ['SQL313'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const call of sqlCalls(sig, ['INSTR'])) {
        // instr(haystack, needle) and strpos(haystack, needle): same arguments, same 1-based result, 0 when absent
        const rw = new SqlRewrite(sql, ctx.source.text).replaceTokens(call.name, call.name, caseLike(call.name, 'STRPOS'));
        emitRewrite(out, rw, callRange(sig, call), { title: `Rewrite ${call.name.text}() as STRPOS()`, safety: 'safe' });
      }
    }
  },
});
