import { defineCodemod } from '../src/model/codemod.js';
import { keywordRuns } from '../src/sql/analyze.js';
import { isWord, startsStatement } from '../src/sql/clauses.js';
import { SqlRewrite, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

export default defineCodemod({
  name: 'begin-mode-to-begin',
  title: 'Rewrite `BEGIN IMMEDIATE/EXCLUSIVE/DEFERRED` as `BEGIN`',
  resolves: ['SQL319'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      // the statement's own BEGIN, not the BEGIN of a trigger body (as SQL319 reads it)
      for (const run of keywordRuns(sig, ['BEGIN', 'IMMEDIATE|EXCLUSIVE|DEFERRED']).filter((r) => startsStatement(sig, r.first))) {
        const begin = sig[run.first]!;
        const mode = sig[run.last]!;
        const rw = new SqlRewrite(sql, ctx.source.text).replace({ start: begin.end, end: mode.end }, '');
        // DEFERRED is what BEGIN means in both; IMMEDIATE/EXCLUSIVE took a write lock up front that PostgreSQL's BEGIN does not
        const deferred = isWord(mode, 'DEFERRED');
        emitRewrite(out, rw, { start: begin.start, end: mode.end }, {
          title: deferred
            ? `Rewrite BEGIN ${mode.upper} as BEGIN`
            : `Rewrite BEGIN ${mode.upper} as BEGIN (unsafe: the up-front write lock is gone; add SELECT … FOR UPDATE or LOCK TABLE where it mattered)`,
          safety: deferred ? 'safe' : 'unsafe',
        });
      }
    }
  },
});
