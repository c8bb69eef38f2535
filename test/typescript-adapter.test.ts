import { describe, expect, it } from 'vitest';
import { jsProject } from './helpers/js.js';
import type { FileFacts } from '../src/model/facts.js';
import { placeholders } from '../src/sql/analyze.js';
import { isVerbatim, toFileRange } from '../src/sql/map.js';

const project = jsProject;

function one(text: string, path = 'm.ts'): FileFacts {
  return project({ [path]: text })(path);
}

const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('imports and aliases', () => {
  it('sees ESM, CommonJS, destructured and aliased imports of every driver', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "import * as lite from 'sqlite3';",
      "import { DatabaseSync as Sync } from 'node:sqlite';",
      "const { open } = require('sqlite');",
      "const sq = require('sqlite3').verbose();",
      "import { Pool } from 'pg';",
      "const express = require('express');",
      '',
    ].join('\n');
    const f = one(text);
    expect(f.imports.map((i) => [i.form, i.module, i.member ?? null, i.alias])).toEqual([
      ['import', 'better-sqlite3', null, 'Database'],
      ['import', 'sqlite3', null, 'lite'],
      ['import', 'node:sqlite', 'DatabaseSync', 'Sync'],
      ['require', 'sqlite', 'open', 'open'],
      ['require', 'sqlite3', null, 'sq'],
    ]);
  });

  it('follows aliases to the connections they open', () => {
    const text = [
      "import Db from 'better-sqlite3';",
      "import * as lite from 'sqlite3';",
      "import { DatabaseSync as Sync } from 'node:sqlite';",
      "import { open as openAsync } from 'sqlite';",
      "const { Database: Legacy } = require('sqlite3');",
      "const a = new Db('a.db');",
      "const b = new (lite.verbose().Database)('b.db');",
      "const c = new Sync('c.db');",
      "const d = await openAsync({ filename: 'd.db', driver: lite.Database, mode: 1 });",
      "const e = new Legacy('e.db');",
      "const f = Db('f.db', { readonly: true });",
      '',
    ].join('\n');
    const f = one(text, 'm.mts');
    expect(f.connections.map((c) => [c.callee, c.library, c.database?.value, c.boundTo, c.keywords.map((k) => k.name).join(',')])).toEqual([
      ['new Db', 'better-sqlite3', 'a.db', 'a', ''],
      ['new (lite.verbose().Database)', 'sqlite3', 'b.db', 'b', ''],
      ['new Sync', 'node:sqlite', 'c.db', 'c', ''],
      ['openAsync', 'sqlite', 'd.db', 'd', 'mode'],
      ['new Legacy', 'sqlite3', 'e.db', 'e', ''],
      ['Db', 'better-sqlite3', 'f.db', 'f', 'readonly'],
    ]);
  });

  it('follows dynamic imports', () => {
    const text = [
      'export async function open() {',
      "  const { default: Lazy } = await import('better-sqlite3');",
      "  const { DatabaseSync } = await import('node:sqlite');",
      "  return [new Lazy('a.db'), new DatabaseSync('b.db')];",
      '}',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.imports.map((i) => [i.form, i.module])).toEqual([
      ['importlib', 'better-sqlite3'],
      ['importlib', 'node:sqlite'],
    ]);
    expect(f.connections.map((c) => [c.callee, c.library])).toEqual([
      ['new Lazy', 'better-sqlite3'],
      ['new DatabaseSync', 'node:sqlite'],
    ]);
  });

  it('knows a typed parameter and a class field are databases', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      'export class Repo {',
      '  constructor(private db: Database.Database) {}',
      "  one(id: number) { return this.db.prepare('SELECT * FROM t WHERE id = ?').get(id); }",
      '}',
      "export function count(conn: Database.Database) { return conn.prepare('SELECT count(*) FROM t').pluck().get(); }",
      '',
    ].join('\n');
    const f = one(text);
    expect(f.cursorOps.map((o) => [o.method, o.receiver, o.receiverText])).toEqual([
      ['prepare', 'connection', 'this.db'],
      ['get', 'cursor', "this.db.prepare('SELECT * FROM t WHERE id = ?')"],
      ['prepare', 'connection', 'conn'],
      ['pluck', 'cursor', "conn.prepare('SELECT count(*) FROM t')"],
      ['get', 'cursor', "conn.prepare('SELECT count(*) FROM t').pluck()"],
    ]);
    expect(f.sqlStrings.map((s) => [s.text, s.executor, s.hasParams])).toEqual([
      ['SELECT * FROM t WHERE id = ?', 'prepare', true],
      ['SELECT count(*) FROM t', 'prepare', false],
    ]);
  });

  it('leaves code on pg, Express routers and Maps alone', () => {
    const text = [
      "import { Pool } from 'pg';",
      "import { Router } from 'express';",
      'const pool = new Pool();',
      'const router = Router();',
      'const cache = new Map<string, number>();',
      "router.get('/users/:id', (req, res) => res.json(cache.get(req.params?.id ?? '') ? 'yes?' : 'no'));",
      "export const rows = () => pool.query('SELECT * FROM t WHERE id = $1 AND name = ?', [1]);",
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings).toEqual([]);
    expect(f.cursorOps).toEqual([]);
    expect(f.connections).toEqual([]);
    expect(f.imports).toEqual([]);
  });
});

describe('a file half-way through the migration', () => {
  it('keeps SQLite facts, drops what pg runs, and infers nothing about unknown receivers', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "import { Pool } from 'pg';",
      "const db = new Database('old.db');",
      'const pool = new Pool();',
      "export const a = () => db.prepare('SELECT * FROM t WHERE id = ?').get(1);",
      "export const b = () => pool.query('SELECT * FROM t WHERE id = $1 LIMIT 1, 2', [1]);",
      "export const c = (conn: { prepare(s: string): unknown }) => conn.prepare('SELECT * FROM u WHERE id = ?');",
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.text, s.executed])).toEqual([
      ['SELECT * FROM t WHERE id = ?', true],
      // not known to run on SQLite, still read as SQL text (SQL3xx rules check it)
      ['SELECT * FROM u WHERE id = ?', false],
    ]);
    expect(f.cursorOps.map((o) => o.receiverText)).toEqual(['db', "db.prepare('SELECT * FROM t WHERE id = ?')"]);
  });
});

describe('factories and constants across files', () => {
  const files = {
    'src/db.ts': [
      "import Database from 'better-sqlite3';",
      "export function openDb(file = 'app.db') { return new Database(file); }",
      'export const shared = openDb();',
      '',
    ].join('\n'),
    'src/wrap.js': ["import { openDb } from './db.js';", 'export const openWrapped = () => openDb();', ''].join('\n'),
    'src/queries.ts': ["export const GET = 'SELECT * FROM users WHERE id = ?';", ''].join('\n'),
    'src/legacy.cjs': [
      "const sqlite3 = require('sqlite3');",
      "function getDb() { return new sqlite3.Database('legacy.db'); }",
      'module.exports = { getDb };',
      '',
    ].join('\n'),
    'src/use.ts': [
      "import { openWrapped } from './wrap.js';",
      "import { shared } from './db.js';",
      "import * as q from './queries.js';",
      "const { getDb } = require('./legacy.cjs');",
      'const a = openWrapped();',
      "a.prepare('DELETE FROM t').run();",
      'shared.prepare(q.GET).get(7);',
      "getDb().run('DELETE FROM t WHERE x = ?', [1]);",
      '',
    ].join('\n'),
  };
  const facts = project(files);

  it('resolves factories through other files, ESM and CommonJS', () => {
    expect(facts('src/db.ts').factories.map((f) => f.qualifiedName)).toEqual(['src/db.openDb']);
    expect(facts('src/wrap.js').factories.map((f) => f.qualifiedName)).toEqual(['src/wrap.openWrapped']);
    expect(facts('src/legacy.cjs').factories.map((f) => f.qualifiedName)).toEqual(['src/legacy.getDb']);
    const use = facts('src/use.ts');
    expect(use.connections.map((c) => [c.callee, c.via, c.factory, c.library])).toEqual([
      ['openWrapped', 'factory', 'src/wrap.openWrapped', 'better-sqlite3'],
      ['getDb', 'factory', 'src/legacy.getDb', 'sqlite3'],
    ]);
    expect(use.sqlStrings.map((s) => [s.text, s.executor, s.hasParams, s.paramsArity])).toEqual([
      ['DELETE FROM t', 'prepare', false, undefined],
      ['DELETE FROM t WHERE x = ?', 'run', true, 1],
    ]);
  });

  it('links an imported SQL constant executed with parameters to its module', () => {
    const use = facts('src/use.ts');
    expect(use.externalSqlUses).toEqual([{ module: 'src/queries.ts', name: 'GET', executor: 'prepare', hasParams: true, paramsArity: 1, paramsKind: 'sequence' }]);
    const q = facts('src/queries.ts');
    expect(q.sqlStrings.map((s) => [s.constant, s.executed])).toEqual([['GET', false]]);
  });
});

describe('SQL kept in objects', () => {
  it('reads members of a query object here and in other files, ESM and CommonJS', () => {
    const facts = project({
      'queries.ts': [
        'export const Q = {',
        "  byId: 'SELECT * FROM users WHERE id = ?',",
        "  all: 'SELECT * FROM users',",
        '};',
        '',
      ].join('\n'),
      'legacy.cjs': ["module.exports = { COUNT: 'SELECT count(*) FROM users WHERE active = ?' };", ''].join('\n'),
      'use.ts': [
        "import Database from 'better-sqlite3';",
        "import { Q } from './queries.js';",
        "const { COUNT } = require('./legacy.cjs');",
        "const LOCAL = { one: 'SELECT 1 FROM t WHERE x = ?' };",
        "const db = new Database('x.db');",
        'db.prepare(Q.byId).get(1);',
        'db.prepare(COUNT).get(1);',
        'db.prepare(LOCAL.one).all(2);',
        '',
      ].join('\n'),
    });
    const use = facts('use.ts');
    expect(use.externalSqlUses.map((u) => [u.module, u.name, u.hasParams])).toEqual([
      ['queries.ts', 'Q.byId', true],
      ['legacy.cjs', 'COUNT', true],
    ]);
    expect(use.sqlStrings.map((s) => [s.text, s.executed, s.hasParams, s.constant ?? null])).toEqual([['SELECT 1 FROM t WHERE x = ?', true, true, null]]);
    expect(facts('queries.ts').sqlStrings.map((s) => s.constant)).toEqual(['Q.byId', 'Q.all']);
    expect(facts('legacy.cjs').sqlStrings.map((s) => s.constant)).toEqual(['COUNT']);
  });
});

describe('modules that are a database', () => {
  it('follows module.exports = db, export default and re-exports', () => {
    const facts = project({
      'lib/conn.cjs': ["const Database = require('better-sqlite3');", "module.exports = new Database('cjs.db');", ''].join('\n'),
      'lib/esm.mjs': ["import Database from 'better-sqlite3';", "const db = new Database('esm.db');", 'export default db;', ''].join('\n'),
      'lib/index.ts': ["export { default as esm } from './esm.mjs';", "export { openDb } from './open.js';", ''].join('\n'),
      'lib/anon.ts': ["import Database from 'better-sqlite3';", "export default () => new Database('anon.db');", ''].join('\n'),
      'lib/open.ts': ["import Database from 'better-sqlite3';", "export const openDb = () => new Database('open.db');", ''].join('\n'),
      'app.js': [
        "const conn = require('./lib/conn.cjs');",
        "import { esm, openDb } from './lib/index.js';",
        "conn.prepare('SELECT 1 FROM a WHERE x = ?').get(1);",
        "esm.exec('DELETE FROM b');",
        "openDb().prepare('SELECT 2 FROM c').all();",
        "import openAnon from './lib/anon.js';",
        'openAnon();',
        '',
      ].join('\n'),
    });
    const app = facts('app.js');
    expect(app.sqlStrings.map((s) => [s.text, s.executor, s.hasParams])).toEqual([
      ['SELECT 1 FROM a WHERE x = ?', 'prepare', true],
      ['DELETE FROM b', 'exec', false],
      ['SELECT 2 FROM c', 'prepare', false],
    ]);
    expect(app.connections.map((c) => [c.callee, c.factory])).toEqual([
      ['openDb', 'lib/open.openDb'],
      ['openAnon', 'lib/anon.default'],
    ]);
  });
});

describe('classes', () => {
  it('sees static factory methods of a class in another file, and instances of the class', () => {
    const facts = project({
      'store.ts': [
        "import Database from 'better-sqlite3';",
        'export class Store {',
        "  static open(): Database.Database { return new Database('store.db'); }",
        '  private db = Store.open();',
        "  count() { return this.db.prepare('SELECT count(*) FROM s').pluck().get(); }",
        '}',
        '',
      ].join('\n'),
      'main.ts': ["import { Store } from './store.js';", "Store.open().exec('DELETE FROM s');", 'new Store().count();', ''].join('\n'),
    });
    const store = facts('store.ts');
    expect(store.factories.map((f) => [f.qualifiedName, f.kind])).toEqual([['store.Store.open', 'method']]);
    expect(store.connections.map((c) => [c.callee, c.via, c.boundTo ?? null])).toEqual([
      ['new Database', 'direct', null],
      ['Store.open', 'factory', 'this.db'],
    ]);
    expect(store.sqlStrings.map((s) => s.executor)).toEqual(['prepare']);
    const main = facts('main.ts');
    expect(main.connections.map((c) => [c.callee, c.factory])).toEqual([['Store.open', 'store.Store.open']]);
    expect(main.sqlStrings.map((s) => [s.text, s.executor])).toEqual([['DELETE FROM s', 'exec']]);
  });
});

describe('SQL text and its offsets', () => {
  it('maps template literal text exactly and turns ${} into holes', () => {
    const text = "import Database from 'better-sqlite3';\nconst db = new Database('x.db');\nconst t = 'users';\ndb.prepare(`SELECT * FROM ${t}\n  WHERE id = ?`).get(1);\n";
    const f = one(text);
    const sql = f.sqlStrings[0]!;
    expect(sql.isDynamic).toBe(true);
    expect(sql.dynamicKind).toBe('template');
    expect(sql.text).toBe('SELECT * FROM __pgready_hole__\n  WHERE id = ?');
    expect(slice(text, toFileRange(sql, sql.holes[0]!))).toBe('${t}');
    const [q] = placeholders(sql, 'qmark');
    expect(slice(text, toFileRange(sql, q!))).toBe('?');
    expect(isVerbatim(sql, { start: 0, end: 13 })).toBe(true);
  });

  it('translates string escapes exactly and keeps the map right after them', () => {
    const text = "import Database from 'better-sqlite3';\nconst db = new Database('x.db');\ndb.prepare('SELECT \\'a\\\\b\\' AS x, \\u00e9, \\x41\\\n FROM t WHERE y = ?').get(1);\n";
    const f = one(text);
    const sql = f.sqlStrings[0]!;
    expect(sql.text).toBe("SELECT 'a\\b' AS x, é, A FROM t WHERE y = ?");
    const [q] = placeholders(sql, 'qmark');
    expect(slice(text, toFileRange(sql, q!))).toBe('?');
    // the escaped quote is not verbatim: a rewrite must not touch it in place
    const quote = sql.text.indexOf("'");
    expect(isVerbatim(sql, { start: quote, end: quote + 1 })).toBe(false);
    expect(slice(text, toFileRange(sql, { start: quote, end: quote + 1 }))).toBe("\\'");
  });

  it('keeps offsets in UTF-16 units after non-ASCII text', () => {
    const text = "// Größe 📦\nimport Database from 'better-sqlite3';\nconst db = new Database('größe.db');\ndb.prepare('SELECT \"naïve\" FROM t WHERE n = ? -- 📦').all(2);\n";
    const f = one(text);
    const sql = f.sqlStrings[0]!;
    const [q] = placeholders(sql, 'qmark');
    expect(slice(text, toFileRange(sql, q!))).toBe('?');
    expect(f.dbPaths.map((p) => [p.value, slice(text, p.range)])).toEqual([['größe.db', 'größe.db']]);
    expect(slice(text, f.connections[0]!.range)).toBe("new Database('größe.db')");
  });

  it('joins concatenations into one SQL string and reports + pieces as holes', () => {
    const text = "import Database from 'better-sqlite3';\nconst db = new Database('x.db');\nexport const byTable = (table: string) => db.prepare('SELECT * FROM ' + table + ' WHERE id = ?').get(1);\n";
    const sql = one(text).sqlStrings[0]!;
    expect(sql.text).toBe('SELECT * FROM __pgready_hole__ WHERE id = ?');
    expect(sql.dynamicKind).toBe('concat');
    expect(slice(text, sql.range)).toBe("'SELECT * FROM ' + table + ' WHERE id = ?'");
  });

  it('follows a string grown with += and keeps the shorter text when the addition is conditional', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database('x.db');",
      'export function list(name?: string) {',
      "  let sql = 'SELECT * FROM users';",
      '  const args: string[] = [];',
      '  if (name) {',
      "    sql += ' WHERE name = ?';",
      '    args.push(name);',
      '  }',
      "  sql += ' ORDER BY id';",
      '  return db.prepare(sql).all(...args);',
      '}',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.text, s.hasParams, s.origin])).toEqual([
      ['SELECT * FROM users ORDER BY id', true, 'name'],
      ['SELECT * FROM users WHERE name = ? ORDER BY id', true, 'name'],
    ]);
    const withWhere = f.sqlStrings[1]!;
    expect(slice(text, toFileRange(withWhere, placeholders(withWhere, 'qmark')[0]!))).toBe('?');
  });

  it('takes bind parameters from the later run of a prepared statement', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database('x.db');",
      "const ins = db.prepare('INSERT INTO t (a, b) VALUES (@a, @b)');",
      "const del = db.prepare('DELETE FROM t');",
      'export function add(a: number, b: number) { ins.run({ a, b }); del.run(); }',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.text.slice(0, 6), s.hasParams, s.paramsKind ?? null])).toEqual([
      ['INSERT', true, 'mapping'],
      ['DELETE', false, null],
    ]);
  });
});

describe('driver API, ORM configs, suppressions, diagnostics', () => {
  it('records lastID/changes in sqlite3 callbacks and lastInsertRowid', () => {
    const text = [
      "const sqlite3 = require('sqlite3');",
      "const db = new sqlite3.Database('x.db');",
      "db.run('INSERT INTO t VALUES (?)', [1], function () { console.log(this.lastID, this.changes); });",
      "db.run('INSERT INTO t VALUES (?)', [1], () => console.log(this?.lastID));",
      'db.serialize();',
      '',
    ].join('\n');
    const f = one(text, 'm.cjs');
    expect(f.apiUses.map((u) => [u.kind, u.name])).toEqual([
      ['lastrowid', 'this.lastID'],
      ['changes', 'this.changes'],
      ['serialize', 'db.serialize'],
    ]);
  });

  it('finds ORM settings that select SQLite', () => {
    const text = [
      "import { drizzle } from 'drizzle-orm/better-sqlite3';",
      "export default { client: 'better-sqlite3', other: { dialect: 'sqlite' }, type: 'postgres' };",
      'export const d = drizzle;',
      '',
    ].join('\n');
    expect(one(text).thirdParty.map((t) => [t.kind, t.name])).toEqual([
      ['orm-config', 'drizzle-orm/better-sqlite3'],
      ['orm-config', "client: 'better-sqlite3'"],
      ['orm-config', "dialect: 'sqlite'"],
    ]);
  });

  it('reads suppressions from // and /* */ comments', () => {
    const text = "// pgready: ignore[SQL201] legacy\nconst x = 1; /* pgready: ignore[sqlite-import] */\n";
    expect(one(text, 'm.js').suppressions.map((s) => [s.line, s.ruleIds, s.reason])).toEqual([
      [0, ['SQL201'], 'legacy'],
      [1, ['sqlite-import'], ''],
    ]);
  });

  it('reports syntax errors as diagnostics and still reads the rest', () => {
    const f = one("import Database from 'better-sqlite3';\nconst db = new Database('x.db';\nfunction (\n");
    expect(f.diagnostics.length).toBeGreaterThan(0);
    expect(f.imports.length).toBe(1);
  });

  it('reads a file over 32 KiB', () => {
    const filler = Array.from({ length: 1200 }, (_, i) => `export const v${i} = ${i}; // padding line ${i}`).join('\n');
    const text = `import Database from 'better-sqlite3';\n${filler}\nconst db = new Database('big.db');\ndb.prepare('SELECT * FROM t WHERE id = ?').get(1);\n`;
    expect(text.length).toBeGreaterThan(32 * 1024);
    const f = one(text);
    const sql = f.sqlStrings[0]!;
    expect(slice(text, toFileRange(sql, placeholders(sql, 'qmark')[0]!))).toBe('?');
  });
});
