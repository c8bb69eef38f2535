import { defineCodemod } from '../src/model/codemod.js';
import { callRange, isWord, sqlCalls } from '../src/sql/clauses.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'group-concat-to-string-agg',
  title: "Rewrite `GROUP_CONCAT(x[, sep])` as `STRING_AGG(CAST(x AS TEXT), sep)` (sep defaults to ',')",
  resolves: ['SQL312'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const call of sqlCalls(sig, ['GROUP_CONCAT'])) {
        const at = callRange(sig, call);
        const [value, separator] = call.args;
        if (call.close < 0 || !value || value.first > value.last || call.args.length > 2) {
          out.refuse(toFileRange(sql, at), 'unreadable-call', 'GROUP_CONCAT takes one or two arguments here: rewrite it as STRING_AGG(CAST(x AS TEXT), sep) by hand.');
          continue;
        }
        // group_concat(x ORDER BY y) (SQLite 3.44): string_agg takes the same ORDER BY after its separator
        let valueLast = value.last;
        let depth = 0;
        for (let k = value.first; k <= value.last && call.args.length === 1; k++) {
          const t = sig[k]!;
          if (t.type === 'punctuation' && t.text === '(') depth++;
          else if (t.type === 'punctuation' && t.text === ')') depth--;
          else if (depth === 0 && isWord(t, 'ORDER')) {
            valueLast = k - 1;
            break;
          }
        }
        // GROUP_CONCAT(DISTINCT tag) -> STRING_AGG(DISTINCT CAST(tag AS TEXT), ',')
        const valueFirst = isWord(sig[value.first], 'DISTINCT') ? value.first + 1 : value.first;
        if (valueFirst > valueLast) {
          out.refuse(toFileRange(sql, at), 'unreadable-call', 'The aggregated value could not be read: rewrite it as STRING_AGG(CAST(x AS TEXT), sep) by hand.');
          continue;
        }
        // CAST, not x::text: SQLite's tokenizer (and so every later pgready pass) reads `:text` as a parameter
        const rw = new SqlRewrite(sql, ctx.source.text)
          .replaceTokens(call.name, call.name, caseLike(call.name, 'STRING_AGG'))
          .insertBefore(sig[valueFirst]!, caseLike(call.name, 'CAST('))
          .insertAfter(sig[valueLast]!, caseLike(call.name, ' AS TEXT)') + (separator ? '' : ", ','"));
        emitRewrite(out, rw, at, {
          title: `Rewrite ${call.name.text}() as STRING_AGG()${separator ? '' : " with the ',' separator"}`,
          safety: 'safe',
        });
      }
    }
  },
});
