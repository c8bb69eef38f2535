import type { Range } from '../src/model/facts.js';
import { defineCodemod } from '../src/model/codemod.js';
import { hitsIn } from '../rules/sqlite-type-name.js';
import { castTargets, columnDefinitions, isPunct, isWord } from '../src/sql/clauses.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, caseLike, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

/** SQLite type names with one PostgreSQL spelling (SQLITE-TO-POSTGRES.md); anything else SQL325 flags is manual. */
const TYPES: Record<string, string> = {
  REAL: 'DOUBLE PRECISION',
  DOUBLE: 'DOUBLE PRECISION',
  BLOB: 'BYTEA',
  DATETIME: 'TIMESTAMP',
  CLOB: 'TEXT',
};

interface Planned {
  range: Range;
  /** the edit itself, in SQL offsets */
  edit: Range;
  text: string;
  title: string;
}

export default defineCodemod({
  name: 'sqlite-types-to-postgres',
  title: 'Rewrite SQLite column and CAST types (REAL, BLOB, DATETIME, CLOB, `BOOLEAN DEFAULT 0`) as PostgreSQL types',
  resolves: ['SQL325'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      const planned = new Map<string, Planned>();
      const key = (r: Range) => `${r.start}:${r.end}`;
      const typeSpans = [
        ...columnDefinitions(sig).map((d) => ({ first: d.typeFirst, last: d.typeLast, words: d.typeWords })),
        ...castTargets(sig).map((c) => ({ first: c.typeFirst, last: c.typeLast, words: c.typeWords })),
      ];
      for (const span of typeSpans) {
        // px REAL, CAST(x AS BLOB); not REAL(10), whose size PostgreSQL's DOUBLE PRECISION does not take
        const pg = span.words.length === 1 && span.first === span.last ? TYPES[span.words[0]!] : undefined;
        if (!pg) continue;
        const t = sig[span.first]!;
        const range = { start: t.start, end: t.end };
        planned.set(key(range), { range, edit: range, text: caseLike(t, pg), title: `Rewrite type ${t.text} as ${pg}` });
      }
      for (const def of columnDefinitions(sig)) {
        if (def.typeWords.length !== 1 || !['BOOLEAN', 'BOOL'].includes(def.typeWords[0]!)) continue;
        for (let k = def.typeLast + 1; k < def.last; k++) {
          if (!isWord(sig[k], 'DEFAULT')) continue;
          // active BOOLEAN DEFAULT 0 / DEFAULT (1)
          const paren = isPunct(sig[k + 1], '(');
          const value = sig[paren ? k + 2 : k + 1];
          if (!value || value.type !== 'number' || (paren && !isPunct(sig[k + 3], ')'))) break;
          const flag = Number(value.text) === 0 ? 'false' : 'true';
          const range = { start: sig[k]!.start, end: sig[paren ? k + 3 : k + 1]!.end };
          planned.set(key(range), { range, edit: { start: value.start, end: value.end }, text: caseLike(sig[k]!, flag), title: `Rewrite BOOLEAN DEFAULT ${value.text} as DEFAULT ${flag}` });
          break;
        }
      }
      for (const hit of hitsIn(sql, sig)) {
        const p = planned.get(key(hit.range));
        if (!p) {
          out.refuse(toFileRange(sql, hit.range), 'unmapped-type', `${hit.message.split('`').join('')} (pick the PostgreSQL type by hand).`);
          continue;
        }
        const rw = new SqlRewrite(sql, ctx.source.text).replace(p.edit, p.text);
        emitRewrite(out, rw, p.range, { title: p.title, safety: 'safe' });
      }
    }
  },
});
