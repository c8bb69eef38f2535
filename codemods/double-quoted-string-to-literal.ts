import { defineCodemod } from '../src/model/codemod.js';
import { hitsIn } from '../rules/double-quoted-string.js';
import { enclosingOpen, isWordIn, quotedContent } from '../src/sql/clauses.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

/** Date functions whose arguments date-time-to-postgres rewrites as a whole (`datetime("now")`). */
const DATE_FUNCTIONS: ReadonlySet<string> = new Set(['DATE', 'TIME', 'DATETIME', 'JULIANDAY', 'UNIXEPOCH', 'STRFTIME', 'TIMEDIFF']);

export default defineCodemod({
  name: 'double-quoted-string-to-literal',
  title: "Rewrite double-quoted string values (`status = \"open\"`) as single-quoted literals (`'open'`)",
  resolves: ['SQL323'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    const columns = new Set<string>();
    for (const table of ctx.schema.values()) for (const c of table.columns) columns.add(c.toLowerCase());
    for (const { sql, sig } of sqlTargets(facts)) {
      for (const hit of hitsIn(sql, sig)) {
        const i = sig.findIndex((t) => t.start === hit.range.start && t.end === hit.range.end);
        const t = sig[i];
        if (!t) continue;
        const open = enclosingOpen(sig, i);
        if (open > 0 && isWordIn(sig[open - 1], DATE_FUNCTIONS)) continue;
        const content = quotedContent(t);
        // SQLite reads "x" as the column x when one exists: then it was never a string
        if (columns.has(content.toLowerCase())) {
          out.refuse(
            toFileRange(sql, t),
            'may-be-column',
            `A column named ${content} exists in the project schema, so SQLite may read "${content}" as that column: decide by hand.`,
          );
          continue;
        }
        if (t.text.length < 2 || !t.text.endsWith('"')) continue;
        // "it's" -> 'it''s', "say ""hi""" -> 'say "hi"': only the quotes and what they escape change
        const rw = new SqlRewrite(sql, ctx.source.text);
        rw.replace({ start: t.start, end: t.start + 1 }, "'");
        for (let k = t.start + 1; k < t.end - 1; k++) {
          const c = sql.text[k];
          if (c === "'") rw.replace({ start: k, end: k + 1 }, "''");
          else if (c === '"') {
            rw.replace({ start: k, end: k + 2 }, '"');
            k++;
          }
        }
        rw.replace({ start: t.end - 1, end: t.end }, "'");
        emitRewrite(out, rw, t, {
          title: `Rewrite ${t.text.length > 30 ? 'a double-quoted value' : t.text} as a string literal`,
          // without a schema nothing shows that no column has this name
          safety: ctx.schema.size > 0 ? 'safe' : 'unsafe',
        });
      }
    }
  },
});
