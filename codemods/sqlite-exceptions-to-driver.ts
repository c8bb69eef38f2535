import { defineCodemod } from '../src/model/codemod.js';
import type { Edit } from '../src/model/codemod.js';
import type { SqliteImport } from '../src/model/facts.js';
import { hasImport, insertLineBefore } from '../src/codemods/python.js';

/** The DB-API exception names: sqlite3, psycopg and psycopg2 all define each of them. */
const DBAPI_EXCEPTIONS = new Set([
  'Error',
  'Warning',
  'InterfaceError',
  'DatabaseError',
  'DataError',
  'OperationalError',
  'IntegrityError',
  'InternalError',
  'ProgrammingError',
  'NotSupportedError',
]);

/**
 * The sqlite3 name a use refers to: `sqlite3.IntegrityError` -> IntegrityError; `Dup` after
 * `from sqlite3 import IntegrityError as Dup` -> IntegrityError; undefined when the import that
 * bound it lists several names (the facts keep only the first alias).
 */
function memberName(used: string, imports: readonly SqliteImport[]): string | undefined {
  if (used.includes('.')) return used.slice(used.lastIndexOf('.') + 1);
  const from = imports.find((i) => i.form === 'from' && i.alias === used && i.member !== undefined && !i.member.includes(','));
  if (from) return from.member;
  return imports.some((i) => i.form === 'from' && i.member?.split(', ').includes(used)) ? used : undefined;
}

export default defineCodemod({
  name: 'sqlite-exceptions-to-driver',
  title: 'Catch the PostgreSQL driver’s exceptions instead of sqlite3’s (`psycopg.IntegrityError`)',
  resolves: ['SQL110'],
  plan(facts, { source, target }, out) {
    const mod = target.exceptionsModule;
    const edits: Edit[] = [];
    for (const u of facts.apiUses) {
      if (u.kind !== 'exception') continue;
      const name = memberName(u.name, facts.imports);
      if (name === undefined) {
        out.refuse(u.range, 'aliased-exception', `\`${u.name}\` is a renamed sqlite3 exception: replace it with ${mod}'s exception of the same name by hand.`);
        continue;
      }
      if (!DBAPI_EXCEPTIONS.has(name)) {
        out.refuse(u.range, 'unknown-exception', `\`${u.name}\` has no same-named exception in ${mod}: pick the PostgreSQL driver's exception by hand.`);
        continue;
      }
      edits.push({ range: u.range, text: `${mod}.${name}` });
    }
    if (edits.length === 0) return;
    const line = `import ${mod}`;
    if (!hasImport(facts, line)) {
      // next to the sqlite3 import it replaces, else after the file's first import
      const anchor = facts.imports.find((i) => i.statement)?.statement ?? facts.importStatements?.[0]?.at;
      if (!anchor) {
        out.refuse(edits[0]!.range, 'no-import-anchor', `The file has no import statement to put \`${line}\` next to: add it by hand, then run fix again.`);
        return;
      }
      edits.push(insertLineBefore(source.text, anchor, line));
    }
    out.change({
      title: `Catch ${mod} exceptions instead of sqlite3's (${edits.length} edit(s); unsafe: a failed statement aborts the PostgreSQL transaction, so handlers that carry on need a savepoint or ON CONFLICT)`,
      // try: INSERT … except IntegrityError: pass — PostgreSQL has aborted the transaction by then
      safety: 'unsafe',
      edits: edits.sort((a, b) => a.range.start - b.range.start),
    });
  },
});
