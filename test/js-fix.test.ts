import { describe, expect, it } from 'vitest';
import { defineCodemod } from '../src/model/codemod.js';
import { analyseAlone, fixText, languageOfPath } from '../src/edit/standalone.js';
import { defaultTarget, resolveTarget, targetFor } from '../src/edit/target.js';
import type { FileFacts } from '../src/model/facts.js';
import { SqlRewrite } from '../src/sql/rewrite.js';

function facts(path: string, text: string): FileFacts {
  return analyseAlone({ path, absPath: `/${path}`, language: languageOfPath(path), text });
}

describe('target.javascript', () => {
  it('defaults to getPool from #db, and JavaScript always gets $1..$n whatever Python uses', () => {
    expect(resolveTarget(undefined).javascript).toBeUndefined();
    const js = targetFor('typescript', defaultTarget());
    expect(js.paramstyle).toBe('numeric');
    expect(js.javascript).toEqual({ connection: { module: '#db', export: 'getPool', call: 'getPool({db})' } });
    expect(targetFor('python', defaultTarget()).paramstyle).toBe('format');
  });

  it('takes a partial section over the defaults', () => {
    const t = resolveTarget({ javascript: { connection: { module: '@acme/db', call: 'getPool({db}, { max: 5 })' } } });
    expect(t.javascript).toEqual({ connection: { module: '@acme/db', export: 'getPool', call: 'getPool({db}, { max: 5 })' } });
    expect(t.paramstyle).toBe('format');
  });

  it('rejects bad values naming the key path and what to write', () => {
    const bad = (raw: unknown) => {
      try {
        resolveTarget(raw, 'pgready.config.json');
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ javascript: 'pg' })).toBe('pgready.config.json: target.javascript: must be an object, not "pg". Example: "javascript": { "connection": { "module": "#db", "export": "getPool", "call": "getPool({db})" } }.');
    expect(bad({ javascript: { pool: {} } })).toBe('pgready.config.json: target.javascript.pool: unknown key. Allowed keys: connection.');
    expect(bad({ javascript: { connection: { import: 'x' } } })).toBe('pgready.config.json: target.javascript.connection.import: unknown key. Allowed keys: module, export, call.');
    expect(bad({ javascript: { connection: { module: '' } } })).toBe('pgready.config.json: target.javascript.connection.module: must be a non-empty string, not "". Example: "#db" or "@acme/db".');
    expect(bad({ javascript: { connection: { export: 'get-pool' } } })).toBe('pgready.config.json: target.javascript.connection.export: must be a JavaScript identifier, not "get-pool". Example: "getPool".');
  });
});

describe('JavaScript facts the codemods read', () => {
  it('bound objects by parameter name (prefix dropped), and none for spreads or statements run twice', () => {
    const f = facts(
      'a.js',
      [
        "const sqlite3 = require('sqlite3');",
        "const db = new sqlite3.Database('a.db');",
        "db.run('UPDATE t SET a = $a WHERE id = $id', { $id: id, $a: a.trim() }, done);",
        "db.run('UPDATE t SET a = :a', { ...rest }, done);",
        "const Database = require('better-sqlite3');",
        "const b = new Database('b.db');",
        "const s = b.prepare('DELETE FROM t WHERE id = @id');",
        's.run({ id: 1 });',
        's.run({ id: 2 });',
        '',
      ].join('\n'),
    );
    const [first, spread, twice] = f.sqlStrings;
    expect(first?.paramsDict?.entries.map((e) => e.key)).toEqual(['id', 'a']);
    expect(first?.paramsKind).toBe('mapping');
    expect(spread?.paramsDict).toBeUndefined();
    expect(twice?.paramsKind).toBe('mapping');
    expect(twice?.paramsDict).toBeUndefined();
  });

  it('the run() call behind lastInsertRowid / lastID, with the name it is bound to and how often that is read', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database('a.db');",
      'export function add(n) {',
      "  const info = db.prepare('INSERT INTO t (n) VALUES (?)').run(n);",
      '  return info.changes ? info.lastInsertRowid : 0;',
      '}',
      '',
    ].join('\n');
    const use = facts('a.mjs', text).apiUses.find((u) => u.kind === 'lastrowid');
    expect(use?.runCall).toMatchObject({ via: 'result', boundTo: 'info', reads: 2 });
    expect(text.slice(use!.runCall!.method.start, use!.runCall!.method.end)).toBe('run');
    expect(use?.runCall?.prepared).toHaveLength(1);
  });

  it('where a synchronous call sits: in an async function, awaited, read further', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const db = new Database('a.db');",
      'export async function a(id) {',
      "  return db.prepare('DELETE FROM t WHERE id = ?').run(id).changes;",
      '}',
      'export function b() {',
      "  return db.prepare('SELECT 1').get();",
      '}',
      '',
    ].join('\n');
    const ops = facts('a.mjs', text).cursorOps.filter((o) => o.method === 'run' || o.method === 'get');
    expect(ops.map((o) => [o.method, o.jsAwait])).toEqual([
      ['run', { inAsync: true, awaited: false, chained: true }],
      ['get', { inAsync: false, awaited: false, chained: false }],
    ]);
  });

  it('every use of a driver import outside its statement, types included, and the statement\'s lines', () => {
    const text = [
      "import Database from 'better-sqlite3';",
      "const sqlite3 = require('sqlite3').verbose(), other = 1;",
      "const db: Database.Database = new Database('a.db');",
      'const n = { Database: 1 }.Database;',
      '',
    ].join('\n');
    const [esm, cjs] = facts('a.ts', text).imports;
    expect(esm?.uses?.map((u) => text.slice(u.start, u.end))).toEqual(['Database', 'Database']);
    expect(esm?.uses?.map((u) => u.start)).toEqual([text.indexOf('Database.Database'), text.indexOf('new Database') + 4]);
    expect(esm?.statement).toMatchObject({ alone: true, lines: { start: 0, end: text.indexOf('const sqlite3') } });
    // one of two declarations: not a statement of its own
    expect(cjs?.statement).toBeUndefined();
  });

  it('how a constructed database leaves its file: exported, returned, passed', () => {
    const f = facts(
      'a.ts',
      [
        "import Database from 'better-sqlite3';",
        "export const shared = new Database('a.db');",
        'export function open() {',
        "  const db = new Database('b.db');",
        '  register(db);',
        '  return db;',
        '}',
        'export function local() {',
        "  const db = new Database('c.db');",
        "  return db.prepare('SELECT 1').get();",
        '}',
        '',
      ].join('\n'),
    );
    expect(f.connections.map((c) => (c.escapes ?? []).map((e) => e.how))).toEqual([['stored'], ['passed', 'returned'], []]);
  });
});

describe('the engine on JavaScript and TypeScript', () => {
  const breaker = defineCodemod({
    name: 'breaker',
    title: 'test: writes an unbalanced parenthesis',
    resolves: [],
    languages: ['typescript'],
    plan(_facts, { source }, out) {
      const at = source.text.indexOf('db.prepare');
      if (at >= 0) out.change({ title: 'break it', safety: 'safe', edits: [{ range: { start: at, end: at }, text: '(' }] });
    },
  });

  it('leaves a file untouched when a rewrite adds a TypeScript syntax error', async () => {
    const text = "import Database from 'better-sqlite3';\nconst db = new Database('a.db');\nexport const n = db.prepare('SELECT 1').get();\n";
    const fix = await fixText('a.ts', text, [breaker]);
    expect(fix.text).toBe(text);
    expect(fix.failure).toMatchObject({ check: 'syntax' });
    expect(fix.failure?.detail).toContain('1 TypeScript syntax error(s) (changes by breaker)');
  });

  it('a template literal takes new text with backslashes, backticks and ${ escaped; a single-quoted string its quotes', () => {
    const text = "import Database from 'better-sqlite3';\nconst db = new Database('a.db');\nexport const a = db.prepare(`SELECT x FROM t`).all();\nexport const b = db.prepare('SELECT y FROM t').all();\n";
    const [a, b] = facts('a.ts', text).sqlStrings;
    const rw = new SqlRewrite(a!, text).replace({ start: 7, end: 8 }, "'a`b${c}\\d'");
    expect(rw.failure).toBeUndefined();
    expect(rw.edits.map((e) => e.text)).toEqual(["'a\\`b\\${c}\\\\d'"]);
    const single = new SqlRewrite(b!, text).replace({ start: 7, end: 8 }, "'it''s'");
    expect(single.edits.map((e) => e.text)).toEqual(["\\'it\\'\\'s\\'"]);
    const multiline = new SqlRewrite(b!, text).replace({ start: 7, end: 8 }, 'y\nz');
    expect(multiline.failure).toBe('not-verbatim');
  });
});
