import { defineCodemod } from '../src/model/codemod.js';
import { SqlRewrite, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'double-equals-to-equals',
  title: 'Rewrite the `==` comparison as `=`',
  resolves: ['SQL324'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const t of sig.filter((x) => x.type === 'operator' && x.text === '==')) {
        const rw = new SqlRewrite(sql, ctx.source.text).replaceTokens(t, t, '=');
        emitRewrite(out, rw, t, { title: 'Rewrite == as =', safety: 'safe' });
      }
    }
  },
});
