import { defineCodemod } from '../src/model/codemod.js';
// what PostgreSQL's IS takes after it, as SQL328 reads it: these stay
import { PG_IS_OPERANDS } from '../rules/is-value-comparison.js';
import { isWord, isWordIn } from '../src/sql/clauses.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'is-value-to-distinct-from',
  title: 'Rewrite value comparisons `a IS b` / `a IS NOT b` as `IS [NOT] DISTINCT FROM`',
  resolves: ['SQL328'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      sig.forEach((t, i) => {
        if (!isWord(t, 'IS')) return;
        const negated = isWord(sig[i + 1], 'NOT');
        const next = sig[negated ? i + 2 : i + 1];
        if (!next || (next.type === 'punctuation' && next.text !== '(') || isWordIn(next, PG_IS_OPERANDS)) return;
        const rw = new SqlRewrite(sql, ctx.source.text);
        // a IS NOT b -> a IS DISTINCT FROM b; a IS b -> a IS NOT DISTINCT FROM b (both null-safe, as SQLite's IS is)
        if (negated) rw.replaceTokens(sig[i + 1]!, sig[i + 1]!, caseLike(t, 'DISTINCT FROM'));
        else rw.replaceTokens(t, t, caseLike(t, 'IS NOT DISTINCT FROM'));
        const last = negated ? sig[i + 1]! : t;
        emitRewrite(out, rw, { start: t.start, end: last.end }, {
          title: negated ? 'Rewrite IS NOT as IS DISTINCT FROM' : 'Rewrite IS as IS NOT DISTINCT FROM',
          safety: 'safe',
        });
      });
    }
  },
});
