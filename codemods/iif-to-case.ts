import { defineCodemod } from '../src/model/codemod.js';
import { callRange, sqlCalls } from '../src/sql/clauses.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'iif-to-case',
  title: 'Rewrite `iif(c, a, b)` as `CASE WHEN c THEN a ELSE b END`',
  resolves: ['SQL327'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const call of sqlCalls(sig, ['IIF'])) {
        const at = callRange(sig, call);
        const args = call.args;
        // iif(c, a, b); SQLite 3.48 also takes iif(c, a), whose else is NULL
        if (call.close < 0 || (args.length !== 2 && args.length !== 3) || args.some((a) => a.first > a.last)) {
          out.refuse(toFileRange(sql, at), 'unreadable-call', 'iif() takes two or three arguments here: rewrite it as CASE WHEN … THEN … ELSE … END by hand.');
          continue;
        }
        // the arguments stay where they are; only what lies between them changes:
        // iif(c, a, b) -> CASE WHEN c THEN a ELSE b END
        const kw = (text: string) => caseLike(call.name, text);
        const rw = new SqlRewrite(sql, ctx.source.text);
        rw.replace({ start: call.name.start, end: sig[args[0]!.first]!.start }, kw('CASE WHEN '));
        rw.replace({ start: sig[args[0]!.last]!.end, end: sig[args[1]!.first]!.start }, kw(' THEN '));
        if (args[2]) rw.replace({ start: sig[args[1]!.last]!.end, end: sig[args[2].first]!.start }, kw(' ELSE '));
        rw.replace({ start: sig[args[args.length - 1]!.last]!.end, end: sig[call.close]!.end }, kw(' END'));
        emitRewrite(out, rw, at, { title: `Rewrite ${call.name.text}() as CASE WHEN … END`, safety: 'safe' });
      }
    }
  },
});
