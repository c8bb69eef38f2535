import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/model/finding.js';
import { parseAnnotations } from './helpers/annotations.js';
import { auditOf, read } from './helpers/run.js';

/**
 * Issue #6, "Find": every driver, SQL and configuration form it lists, with the annotated
 * case that covers it. Each row names a fixture, a snippet of the code line, and the
 * annotation that line carries; the test checks the annotation is there and the audit agrees
 * on that very line (an `expect:` is reported there, an `ok:` is not).
 */
interface Row {
  item: string;
  file: string;
  code: string;
  verb: 'expect' | 'ok';
  id: string;
}

const R = 'fixtures/rules/';
const N = 'fixtures/legacy-node/';

const CHECKLIST: Row[] = [
  // drivers and how they are imported
  { item: 'sqlite3: new sqlite3.Database(file)', file: `${R}sqlite-connect.js`, code: "new sqlite3.Database('legacy.db');", verb: 'expect', id: 'SQL002' },
  { item: 'sqlite3: .verbose()', file: `${R}sqlite-import.cjs.js`, code: "require('sqlite3').verbose();", verb: 'expect', id: 'SQL001' },
  { item: 'sqlite3: a connection from a .verbose() module', file: `${N}src/legacy/audit-log.cjs`, code: 'return new sqlite3.Database(', verb: 'expect', id: 'SQL002' },
  { item: 'sqlite3: cached.Database', file: `${R}sqlite-connect.js`, code: 'new sqlite3.cached.Database(', verb: 'expect', id: 'SQL002' },
  { item: 'better-sqlite3: new Database(file, opts)', file: `${R}sqlite-connect.js`, code: "new BetterSqlite('app.db', { readonly: false", verb: 'expect', id: 'SQL002' },
  { item: 'better-sqlite3: called without new', file: `${R}sqlite-connect.js`, code: "BetterSqlite('other.db')", verb: 'expect', id: 'SQL002' },
  { item: 'sqlite: open({ filename, driver })', file: `${R}sqlite-connect.js`, code: "await open({ filename: 'async.db'", verb: 'expect', id: 'SQL002' },
  { item: 'sqlite: new Database({ filename, driver })', file: `${R}sqlite-connect.js`, code: 'new sqliteWrapper.Database(', verb: 'expect', id: 'SQL002' },
  { item: 'node:sqlite: new DatabaseSync(file)', file: `${R}sqlite-connect.js`, code: "new DatabaseSync('sync.db')", verb: 'expect', id: 'SQL002' },
  { item: 'node:sqlite: through the module object', file: `${R}sqlite-connect.js`, code: 'new nodeSqlite.DatabaseSync(', verb: 'expect', id: 'SQL002' },
  { item: 'ESM default import', file: `${R}sqlite-import.esm.ts`, code: "import Database from 'better-sqlite3';", verb: 'expect', id: 'SQL001' },
  { item: 'ESM named import', file: `${R}sqlite-import.esm.ts`, code: "import { DatabaseSync } from 'node:sqlite';", verb: 'expect', id: 'SQL001' },
  { item: 'ESM namespace import with an alias', file: `${R}sqlite-import.esm.ts`, code: "import * as lite from 'sqlite3';", verb: 'expect', id: 'SQL001' },
  { item: 'dynamic import()', file: `${R}sqlite-import.esm.ts`, code: "await import('better-sqlite3');", verb: 'expect', id: 'SQL001' },
  { item: "TypeScript's import x = require()", file: `${R}sqlite-import.import-equals.ts`, code: "import Database = require('better-sqlite3');", verb: 'expect', id: 'SQL001' },
  { item: 'a connection from an import-equals constructor', file: `${R}sqlite-import.import-equals.ts`, code: "new Database('eq.db')", verb: 'expect', id: 'SQL002' },
  { item: 'CommonJS require', file: `${R}sqlite-import.cjs.js`, code: "const sqlite3 = require('sqlite3')", verb: 'expect', id: 'SQL001' },
  { item: 'destructured, renamed require', file: `${R}sqlite-import.cjs.js`, code: 'const { Database: SqliteDatabase }', verb: 'expect', id: 'SQL001' },
  { item: 'a factory function in the same file', file: `${R}connection-factory-call.ts`, code: 'const db = openDb();', verb: 'expect', id: 'SQL003' },
  { item: 'an arrow-function factory', file: `${R}connection-factory-call.ts`, code: 'const ro = openReadOnly();', verb: 'expect', id: 'SQL003' },
  { item: 'a factory from another CommonJS file', file: `${N}src/legacy/worker.cjs`, code: 'const db = getAuditDb();', verb: 'expect', id: 'SQL003' },
  { item: 'a factory from another ESM file', file: `${N}src/app.ts`, code: 'migrate(openDb());', verb: 'expect', id: 'SQL003' },
  { item: 'a factory through a tsconfig paths alias (@/db.js)', file: `${N}src/jobs/digest.ts`, code: 'const db = openDb();', verb: 'expect', id: 'SQL003' },
  { item: 'a factory through a package.json imports alias (#reports)', file: `${N}src/jobs/digest.ts`, code: 'await openReports();', verb: 'expect', id: 'SQL003' },
  // where SQL is found
  { item: 'SQL in run()', file: `${N}src/legacy/audit-log.cjs`, code: "audit.run('DELETE FROM events WHERE kind = ?'", verb: 'expect', id: 'SQL201' },
  { item: 'SQL in all()', file: `${N}src/legacy/audit-log.cjs`, code: "audit.all('SELECT kind, at FROM events", verb: 'expect', id: 'SQL201' },
  { item: 'SQL in get()', file: `${N}src/legacy/worker.cjs`, code: "db.get('SELECT count(*)", verb: 'expect', id: 'SQL315' },
  { item: 'SQL in each()', file: `${R}qmark-placeholder.sqlite3.js`, code: "events.each('SELECT id", verb: 'expect', id: 'SQL201' },
  { item: 'SQL in exec()', file: `${R}qmark-placeholder.sqlite3.js`, code: 'events.exec(', verb: 'expect', id: 'SQL304' },
  { item: 'SQL in prepare() then iterate()', file: `${R}qmark-placeholder.sqlite3.js`, code: '.iterate(at)', verb: 'expect', id: 'SQL201' },
  { item: 'SQL in prepare() then pluck()', file: `${N}src/repositories/orders.js`, code: "recent: \"SELECT printf(", verb: 'expect', id: 'SQL201' },
  { item: 'a statement prepared earlier', file: `${N}src/repositories/orders.js`, code: 'const insertOrder = db.prepare(', verb: 'expect', id: 'SQL201' },
  { item: 'a template literal with a hole is dynamic SQL', file: `${R}dynamic-sql.js`, code: 'ORDER BY ${column}', verb: 'expect', id: 'SQL210' },
  { item: 'concatenation', file: `${R}dynamic-sql.js`, code: "'SELECT * FROM ' + table", verb: 'expect', id: 'SQL210' },
  { item: 'a constant imported from another module', file: `${N}src/queries.ts`, code: 'export const GET_USER', verb: 'expect', id: 'SQL201' },
  { item: 'a SQL-tagged template: holes are parameters', file: `${R}dynamic-sql.tagged.ts`, code: 'SQL`SELECT name FROM users WHERE id = ${id}`', verb: 'ok', id: 'SQL210' },
  { item: 'a SQL-tagged template is still checked', file: `${N}src/jobs/digest.ts`, code: "strftime('%s', 'now', '-1 year')", verb: 'expect', id: 'SQL309' },
  // configuration that selects SQLite
  { item: "knex client: 'sqlite3'", file: `${N}knexfile.cjs`, code: "client: 'sqlite3'", verb: 'expect', id: 'SQL016' },
  { item: "knex client: 'better-sqlite3'", file: `${R}orm-sqlite-config.js`, code: "client: 'better-sqlite3'", verb: 'expect', id: 'SQL016' },
  { item: "Sequelize dialect: 'sqlite'", file: `${R}orm-sqlite-config.js`, code: "dialect: 'sqlite'", verb: 'expect', id: 'SQL016' },
  { item: "TypeORM type: 'better-sqlite3'", file: `${R}orm-sqlite-config.ts`, code: "type: 'better-sqlite3'", verb: 'expect', id: 'SQL016' },
  { item: "TypeORM type: 'sqljs'", file: `${R}orm-sqlite-config.ts`, code: "type: 'sqljs'", verb: 'expect', id: 'SQL016' },
  { item: 'Prisma provider = "sqlite"', file: `${N}prisma/schema.prisma`, code: 'provider = "sqlite"', verb: 'expect', id: 'SQL016' },
  { item: 'MikroORM driver package', file: `${R}orm-sqlite-config.mikro-orm.ts`, code: "from '@mikro-orm/sqlite'", verb: 'expect', id: 'SQL016' },
  { item: "MikroORM 5 type: 'sqlite'", file: `${R}orm-sqlite-config.mikro-orm.ts`, code: "type: 'sqlite'", verb: 'expect', id: 'SQL016' },
  { item: 'Drizzle driver module', file: `${R}orm-sqlite-config.ts`, code: "from 'drizzle-orm/better-sqlite3'", verb: 'expect', id: 'SQL016' },
  { item: 'Drizzle sqliteTable schema', file: `${R}orm-sqlite-config.ts`, code: "from 'drizzle-orm/sqlite-core'", verb: 'expect', id: 'SQL016' },
  { item: "drizzle-kit dialect: 'sqlite'", file: `${R}orm-sqlite-config.drizzle-kit.ts`, code: "dialect: 'sqlite'", verb: 'expect', id: 'SQL016' },
  { item: 'a .db path', file: `${N}src/app.ts`, code: "'backups/app-nightly.db'", verb: 'expect', id: 'SQL401' },
  { item: 'a sqlite: URL', file: `${R}sqlite-url.ts`, code: "new Sequelize('sqlite::memory:')", verb: 'expect', id: 'SQL011' },
  // driver API with no direct PostgreSQL twin
  { item: 'this.lastID in a sqlite3 callback', file: `${R}lastrowid.js`, code: 'return done(null, this.lastID);', verb: 'expect', id: 'SQL103' },
  { item: 'this.changes in a sqlite3 callback', file: `${R}changes-count.ts`, code: 'closed ${this.changes}', verb: 'expect', id: 'SQL117' },
  { item: '.lastInsertRowid', file: `${R}lastrowid.js`, code: 'return info.lastInsertRowid;', verb: 'expect', id: 'SQL103' },
  { item: 'db.pragma()', file: `${N}src/db.ts`, code: "db.pragma('journal_mode = WAL');", verb: 'expect', id: 'SQL114' },
  { item: 'db.transaction()', file: `${R}transaction-wrapper.ts`, code: 'export const insertMany = db.transaction(', verb: 'expect', id: 'SQL115' },
  { item: 'serialize()', file: `${R}serialize.js`, code: 'db.serialize(() => {', verb: 'expect', id: 'SQL116' },
  // must not flag
  { item: 'a PostgreSQL pool', file: `${R}sqlite-connect.js`, code: 'const pool = new Pool(', verb: 'ok', id: 'SQL002' },
  { item: 'a project class named Database', file: `${R}sqlite-connect.js`, code: "new Database('app');", verb: 'ok', id: 'SQL002' },
  { item: '?. and ?? are not placeholders', file: `${N}src/routes/users.ts`, code: 'Number(req.params?.id ?? 0)', verb: 'ok', id: 'SQL201' },
  { item: '? in a sentence', file: `${N}src/util/format.js`, code: "'Did you mean something else?'", verb: 'ok', id: 'SQL201' },
  { item: 'a bare extension is no path', file: `${N}src/util/format.js`, code: "name?.endsWith('.db')", verb: 'ok', id: 'SQL401' },
  { item: 'an ORM already on PostgreSQL', file: `${R}orm-sqlite-config.drizzle-kit.ts`, code: "dialect: 'postgresql'", verb: 'ok', id: 'SQL016' },
];

/** The 1-based line holding `code`, which must occur exactly once in the file. */
function lineOf(text: string, code: string, file: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  const hits = lines.flatMap((l, i) => (l.includes(code) ? [i + 1] : []));
  expect(hits.length, `${file}: \`${code}\` should occur once`).toBe(1);
  return hits[0]!;
}

describe('the issue #6 "Find" checklist', () => {
  const runs = new Map<string, Promise<Finding[]>>();
  /** Demo files are audited with their project (factories and constants cross files), rule fixtures alone. */
  const findingsOf = (file: string): Promise<Finding[]> => {
    const scope = file.startsWith(N) ? N.slice(0, -1) : file;
    let run = runs.get(scope);
    if (!run) {
      run = auditOf([scope]).then((r) => r.findings);
      runs.set(scope, run);
    }
    return run.then((fs) => fs.filter((f) => f.file === file));
  };

  for (const row of CHECKLIST) {
    it(`${row.item} (${row.file.replace('fixtures/', '')})`, async () => {
      const text = read(row.file);
      const line = lineOf(text, row.code, row.file);
      const annotated = parseAnnotations(text).some((a) => a.line === line && a.verb === row.verb && a.ids.includes(row.id));
      expect(annotated, `${row.file}:${line} should carry \`${row.verb}: ${row.id}\``).toBe(true);
      const reported = (await findingsOf(row.file)).some((f) => f.line === line && f.ruleId === row.id);
      expect(reported, `${row.file}:${line} ${row.id}`).toBe(row.verb === 'expect');
    });
  }
});
