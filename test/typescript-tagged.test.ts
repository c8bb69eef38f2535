import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allCodemods } from '../codemods/index.js';
import { defaultConfig } from '../src/model/config.js';
import { fix } from '../src/pipeline.js';
import { jsProject } from './helpers/js.js';
import type { SqlString } from '../src/model/facts.js';
import { isVerbatim, toFileRange } from '../src/sql/map.js';

const project = jsProject;

const one = (text: string, path = 'm.ts') => project({ [path]: text })(path);

/** The parts of a statement the tests compare. */
function shape(sql: SqlString) {
  return {
    text: sql.text,
    executed: sql.executed,
    executor: sql.executor ?? null,
    isDynamic: sql.isDynamic,
    hasParams: sql.hasParams,
    paramsArity: sql.paramsArity ?? null,
  };
}

const OPEN = ["import { open } from 'sqlite';", "import sqlite3 from 'sqlite3';", "const db = await open({ filename: 'app.db', driver: sqlite3.Database });"];

describe('SQL-tagged template literals', () => {
  it('reads sql-template-strings holes as $1..$n parameters of the statement', () => {
    const text = [
      "import SQL from 'sql-template-strings';",
      ...OPEN,
      'export async function user(id: number, kind: string) {',
      '  return db.get(SQL`SELECT name FROM users WHERE id = ${id} AND kind = ${kind.trim()}`);',
      '}',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map(shape)).toEqual([
      { text: 'SELECT name FROM users WHERE id = $1 AND kind = $2', executed: true, executor: 'get', isDynamic: false, hasParams: true, paramsArity: 2 },
    ]);
    const sql = f.sqlStrings[0]!;
    // the statement's range is the template literal; each $n stands for its whole `${…}`
    expect(text.slice(sql.range.start, sql.range.end)).toBe('`SELECT name FROM users WHERE id = ${id} AND kind = ${kind.trim()}`');
    const p1 = sql.text.indexOf('$1');
    const p2 = sql.text.indexOf('$2');
    const file = (at: number, len: number) => toFileRange(sql, { start: at, end: at + len });
    expect(text.slice(file(p1, 2).start, file(p1, 2).end)).toBe('${id}');
    expect(text.slice(file(p2, 2).start, file(p2, 2).end)).toBe('${kind.trim()}');
    expect(isVerbatim(sql, { start: p1, end: p1 + 2 })).toBe(false);
    const users = sql.text.indexOf('users');
    expect(isVerbatim(sql, { start: users, end: users + 5 })).toBe(true);
    expect(text.slice(file(users, 5).start, file(users, 5).end)).toBe('users');
  });

  it('knows sql-template-tag: named and default imports, require, nested fragments, join() and empty', () => {
    const text = [
      "const Database = require('better-sqlite3');",
      "const { default: sql, join, empty } = require('sql-template-tag');",
      "const db = new Database('app.db');",
      'function find(ids, kind) {',
      '  const byKind = kind ? sql`AND kind = ${kind}` : empty;',
      '  const q = sql`SELECT * FROM t WHERE id IN (${join(ids)}) ${byKind} AND at > ${Date.now()}`;',
      '  return db.prepare(q.sql).all(...q.values);',
      '}',
      'function nested(a, b) {',
      '  const q = sql`SELECT * FROM t WHERE a = ${a} ${sql`AND b = ${b}`} LIMIT ${10}`;',
      '  return db.prepare(q.text).all(...q.values);',
      '}',
      '',
    ].join('\n');
    const f = one(text, 'm.js');
    expect(f.sqlStrings.map(shape)).toEqual([
      // join(ids) and the conditional fragment are SQL text only known at run time
      { text: 'SELECT * FROM t WHERE id IN (__pgready_hole__) __pgready_hole__ AND at > $1', executed: true, executor: 'prepare', isDynamic: true, hasParams: true, paramsArity: 1 },
      // a nested fragment is inlined and numbered in order with the rest
      { text: 'SELECT * FROM t WHERE a = $1 AND b = $2 LIMIT $3', executed: true, executor: 'prepare', isDynamic: false, hasParams: true, paramsArity: 3 },
    ]);
    expect(f.sqlStrings[0]!.dynamicKind).toBe('template');
  });

  it('treats a project helper named sql as a parameter tag, executed or held in a constant', () => {
    const files = {
      'sql.ts': 'export function sql(strings: TemplateStringsArray, ...values: unknown[]) {\n  return { strings, values };\n}\n',
      'q.ts': [
        "import { sql } from './sql.js';",
        'export const byId = (id: number) => sql`SELECT * FROM users WHERE id = ${id}`;',
        "export const ACTIVE = sql`SELECT * FROM users WHERE active = ${true} AND kind = 'x'`;",
        '',
      ].join('\n'),
    };
    const f = project(files)('q.ts');
    expect(f.sqlStrings.map((s) => [s.text, s.isDynamic, s.constant ?? null, s.paramsArity ?? null])).toEqual([
      ['SELECT * FROM users WHERE id = $1', false, null, 1],
      ["SELECT * FROM users WHERE active = $1 AND kind = 'x'", false, 'ACTIVE', 1],
    ]);
  });

  it('leaves other tags alone: drizzle-orm sql, html, a PostgreSQL client', () => {
    const text = [
      "import { sql } from 'drizzle-orm';",
      "import Database from 'better-sqlite3';",
      "const db = new Database('app.db');",
      'declare const users: { id: unknown };',
      'export const a = db.all(sql`SELECT * FROM users WHERE ${users.id} = ${1}`);',
      'const html = (s: TemplateStringsArray, ...v: unknown[]) => s.join(String(v));',
      "export const c = html`SELECT ${'a'} FROM ${'b'} WHERE x = 1`;",
      '',
    ].join('\n');
    // drizzle's holes may be columns: its template stays a string with holes, unexecuted, as before tags were read
    expect(one(text).sqlStrings.map(shape)).toEqual([
      { text: 'SELECT * FROM users WHERE __pgready_hole__ = __pgready_hole__', executed: false, executor: null, isDynamic: true, hasParams: false, paramsArity: null },
      { text: 'SELECT __pgready_hole__ FROM __pgready_hole__ WHERE x = 1', executed: false, executor: null, isDynamic: true, hasParams: false, paramsArity: null },
    ]);
    const pg = [
      "import postgres from 'postgres';",
      'const sql = postgres(process.env.DATABASE_URL!);',
      'export const b = sql`SELECT * FROM users WHERE id = ${1}`;',
      '',
    ].join('\n');
    expect(one(pg).sqlStrings).toEqual([]);
  });
});

describe('fix on SQL-tagged templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgready-tagged-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites the SQL around the holes and leaves every `${…}` as written', async () => {
    const text = [
      "import SQL from 'sql-template-strings';",
      "import { open } from 'sqlite';",
      "import sqlite3 from 'sqlite3';",
      '',
      'export async function touch(id: number, note: string | null) {',
      "  const db = await open({ filename: 'app.db', driver: sqlite3.Database });",
      '  await db.run(SQL`UPDATE notes SET body = IFNULL(${note}, body), at = ${Date.now()} WHERE id == ${id}`);',
      '}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'notes.ts'), text);
    const run = await fix(['.'], defaultConfig(dir), { cwd: dir, codemods: allCodemods, unsafeFixes: true, mode: 'dry-run', allowDirty: true });
    const out = run.fixes.find((f) => f.source.path === 'notes.ts');
    expect(out?.failure).toBeUndefined();
    // connect-to-factory rewrites the open() too; the statement is the line that runs it
    const line = out!.text.split('\n').find((l) => l.includes('db.run('));
    expect(line).toBe('  await db.run(SQL`UPDATE notes SET body = COALESCE(${note}, body), at = ${Date.now()} WHERE id = ${id}`);');
  });
});
