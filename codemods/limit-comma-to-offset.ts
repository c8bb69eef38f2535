import { defineCodemod } from '../src/model/codemod.js';
import { limitComma } from '../rules/limit-comma.js';
import { isWord } from '../src/sql/clauses.js';
import { SqlRewrite, caseLike, coversParam, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'limit-comma-to-offset',
  title: 'Rewrite `LIMIT offset, count` as `LIMIT count OFFSET offset`',
  resolves: ['SQL318'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      sig.forEach((limit, i) => {
        if (!isWord(limit, 'LIMIT')) return;
        const found = limitComma(sig, i);
        if (!found) return;
        const comma = sig[found.comma]!;
        const last = sig[found.last]!;
        const rw = new SqlRewrite(sql, ctx.source.text);
        const span = { start: sig[i + 1]!.start, end: last.end };
        const hasHole = sig.slice(i + 1, found.last + 1).some((t) => t.type === 'hole');
        if (!hasHole && !coversParam(sql, span)) {
          // LIMIT 20, 10 -> LIMIT 10 OFFSET 20
          const offset = sql.text.slice(sig[i + 1]!.start, sig[found.comma - 1]!.end);
          const count = sql.text.slice(sig[found.comma + 1]!.start, last.end);
          rw.replace({ start: sig[i + 1]!.start, end: last.end }, `${count} ${caseLike(limit, 'OFFSET')} ${offset}`);
        } else {
          // LIMIT ?, ? -> OFFSET ? LIMIT ?: parameters (and run-time values) keep their order and place
          rw.replaceTokens(limit, limit, caseLike(limit, 'OFFSET'));
          const spaced = sql.text[comma.end] === ' ' || sql.text[comma.end] === '\n';
          rw.replaceTokens(comma, comma, ` ${limit.text}${spaced ? '' : ' '}`);
        }
        emitRewrite(out, rw, { start: limit.start, end: last.end }, { title: 'Rewrite LIMIT offset, count with OFFSET', safety: 'safe' });
      });
    }
  },
});
