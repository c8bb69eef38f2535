import { defineCodemod } from '../src/model/codemod.js';

/** Shortcuts with a cursor method of the same name; executescript has none in psycopg. */
const SHORTCUTS = new Set(['execute', 'executemany']);

export default defineCodemod({
  name: 'connection-execute-to-cursor',
  title: 'Run `conn.execute(…)` through a cursor: `conn.cursor().execute(…)`',
  resolves: ['SQL101'],
  plan(facts, { target }, out) {
    const psycopg2 = target.exceptionsModule === 'psycopg2' || target.exceptionsModule.startsWith('psycopg2.');
    for (const op of facts.cursorOps) {
      if (op.receiver !== 'connection') continue;
      if (op.method === 'executescript') {
        out.refuse(
          op.range,
          'executescript',
          'psycopg has no executescript: run the statements one by one with cursor().execute(…) (psycopg2 also takes "a; b" in one execute without parameters).',
        );
        continue;
      }
      if (!SHORTCUTS.has(op.method)) continue;
      // rows = conn.execute(sql).fetchall(): psycopg2's cursor.execute returns None, psycopg 3's the cursor
      if (psycopg2 && op.resultUse !== 'discarded') {
        out.refuse(
          op.range,
          'result-used',
          `The result of \`${op.receiverText}.${op.method}(…)\` is used, and psycopg2's cursor.${op.method} returns None: write \`cur = ${op.receiverText}.cursor()\`, \`cur.${op.method}(…)\`, then use \`cur\`.`,
        );
        continue;
      }
      out.change({
        title: `Call ${op.method} on a cursor of \`${op.receiverText}\``,
        safety: 'safe',
        edits: [{ range: { start: op.methodRange.start, end: op.methodRange.start }, text: 'cursor().' }],
      });
    }
  },
});
