import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractJsFacts, indexJs, JsModuleTable, JsProjectIndex } from '../src/lang/typescript/index.js';
import { JsAliasResolver } from '../src/lang/typescript/config.js';
import { defaultConfig } from '../src/model/config.js';
import type { FileFacts, SourceFile } from '../src/model/facts.js';
import { audit } from '../src/pipeline.js';

const ROOT = '/repo';

/** Sources under /repo plus config files (tsconfig.json, package.json…) only the alias reader sees. */
function project(files: Record<string, string>, configs: Record<string, string>): (path: string) => FileFacts {
  const sources = new Map<string, SourceFile>();
  for (const [path, text] of Object.entries(files)) {
    sources.set(path, { path, absPath: `${ROOT}/${path}`, language: /\.[cm]?tsx?$/.test(path) ? 'typescript' : 'javascript', text });
  }
  const read = (abs: string) => (abs.startsWith(`${ROOT}/`) ? configs[abs.slice(ROOT.length + 1)] : undefined);
  const table = new JsModuleTable(
    [...sources.values()].map((s) => ({ path: s.path, root: '.', absPath: s.absPath })),
    read,
  );
  const index = new JsProjectIndex(table, [...sources.values()].map((s) => indexJs(s, table)));
  return (path) => extractJsFacts(sources.get(path)!, index);
}

const DB_TS = [
  "import Database from 'better-sqlite3';",
  'export function openDb() {',
  "  return new Database('app.db');",
  '}',
  "export const GET_USER = 'SELECT name FROM users WHERE id = ?';",
  '',
].join('\n');

const USE_TS = (from: string) =>
  [
    `import { openDb, GET_USER } from '${from}';`,
    'export function user(id: number) {',
    '  const db = openDb();',
    '  return db.prepare(GET_USER).get(id);',
    '}',
    '',
  ].join('\n');

/** What the importing file sees: the factory call and the imported SQL constant. */
function seen(f: FileFacts) {
  return {
    factories: f.connections.map((c) => [c.via, c.factory ?? null]),
    external: f.externalSqlUses.map((u) => [u.module, u.name, u.executor]),
  };
}

const RESOLVED = { factories: [['factory', 'src/db.openDb']], external: [['src/db.ts', 'GET_USER', 'prepare']] };
const UNRESOLVED = { factories: [], external: [] };

describe('tsconfig paths and baseUrl', () => {
  it('resolves `@/db` through compilerOptions.paths, in a tsconfig with comments and trailing commas', () => {
    const tsconfig = [
      '{',
      '  // the app imports its own modules through @/',
      '  "compilerOptions": {',
      '    "paths": { "@/*": ["./src/*"], },',
      '  },',
      '}',
    ].join('\n');
    const p = project({ 'src/db.ts': DB_TS, 'src/routes/users.ts': USE_TS('@/db.js') }, { 'tsconfig.json': tsconfig });
    expect(seen(p('src/routes/users.ts'))).toEqual(RESOLVED);
  });

  it('resolves extensionless aliases, directory indexes, exact keys and later fallbacks in order', () => {
    const tsconfig = JSON.stringify({
      compilerOptions: { paths: { '@db': ['./src/missing/db', './src/store'], '@/*': ['./lib/*', './src/*'] } },
    });
    const files = { 'src/store/index.ts': DB_TS, 'src/a.ts': USE_TS('@db'), 'src/b.ts': USE_TS('@/store') };
    const p = project(files, { 'tsconfig.json': tsconfig });
    const expected = { factories: [['factory', 'src/store/index.openDb']], external: [['src/store/index.ts', 'GET_USER', 'prepare']] };
    expect(seen(p('src/a.ts'))).toEqual(expected);
    expect(seen(p('src/b.ts'))).toEqual(expected);
  });

  it('resolves bare names against baseUrl, and paths relative to baseUrl when both are set', () => {
    const tsconfig = JSON.stringify({ compilerOptions: { baseUrl: 'src', paths: { '~/*': ['*'] } } });
    const p = project({ 'src/db.ts': DB_TS, 'src/x.ts': USE_TS('db'), 'src/y.ts': USE_TS('~/db') }, { 'tsconfig.json': tsconfig });
    expect(seen(p('src/x.ts'))).toEqual(RESOLVED);
    expect(seen(p('src/y.ts'))).toEqual(RESOLVED);
  });

  it('follows `extends`: paths are relative to the config that declares them', () => {
    const base = JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } });
    const app = JSON.stringify({ extends: '../tsconfig.base.json', compilerOptions: { strict: true } });
    const p = project({ 'src/db.ts': DB_TS, 'app/main.ts': USE_TS('@/db') }, { 'tsconfig.base.json': base, 'app/tsconfig.json': app });
    expect(seen(p('app/main.ts'))).toEqual(RESOLVED);
  });

  it('keeps its own paths when `extends` names a config that is not there', () => {
    const tsconfig = JSON.stringify({ extends: '@tsconfig/missing/tsconfig.json', compilerOptions: { paths: { '@/*': ['./src/*'] } } });
    const p = project({ 'src/db.ts': DB_TS, 'src/a.ts': USE_TS('@/db') }, { 'tsconfig.json': tsconfig });
    expect(seen(p('src/a.ts'))).toEqual(RESOLVED);
  });

  it('reads jsconfig.json for JavaScript projects, and the nearest config governs a file', () => {
    const jsconfig = JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } });
    const inner = JSON.stringify({ compilerOptions: { paths: { '@/*': ['./nothing/*'] } } });
    const js = USE_TS('@/db').replace('id: number', 'id');
    const p = project({ 'src/db.ts': DB_TS, 'src/app.js': js, 'tools/x.js': js }, { 'jsconfig.json': jsconfig, 'tools/tsconfig.json': inner });
    expect(seen(p('src/app.js'))).toEqual(RESOLVED);
    expect(seen(p('tools/x.js'))).toEqual(UNRESOLVED);
  });

  it('leaves packages alone and never fails on a broken or missing config', () => {
    const p = project(
      { 'src/db.ts': DB_TS, 'src/a.ts': USE_TS('@/db'), 'other/b.ts': USE_TS('@/db') },
      { 'tsconfig.json': '{ "compilerOptions": { "paths": ', 'other/tsconfig.json': '[1, 2]' },
    );
    expect(seen(p('src/a.ts'))).toEqual(UNRESOLVED);
    expect(seen(p('other/b.ts'))).toEqual(UNRESOLVED);
    const r = new JsAliasResolver(() => undefined);
    expect(r.candidates('@/db', '/x/y.ts')).toEqual([]);
    expect(r.candidates('./db', '/x/y.ts')).toEqual([]);
  });

  it('does not let an alias shadow the SQLite drivers', () => {
    const tsconfig = JSON.stringify({ compilerOptions: { baseUrl: '.' } });
    const text = ["import Database from 'better-sqlite3';", "const db = new Database('x.db');", ''].join('\n');
    const p = project({ 'better-sqlite3.ts': 'export default 1;\n', 'src/m.ts': text }, { 'tsconfig.json': tsconfig });
    expect(p('src/m.ts').connections.map((c) => c.library)).toEqual(['better-sqlite3']);
  });
});

describe('package.json imports', () => {
  it('resolves `#db` subpath imports, exact, patterned and conditional', () => {
    const pkg = JSON.stringify({
      name: 'svc',
      imports: {
        '#db': './src/db.js',
        '#lib/*': './src/*.js',
        '#cond': { types: './types/db.d.ts', node: './src/db.ts', default: './dist/db.js' },
        '#dep': 'some-package',
      },
    });
    const files = { 'src/db.ts': DB_TS, 'src/a.ts': USE_TS('#db'), 'src/b.ts': USE_TS('#lib/db'), 'src/c.ts': USE_TS('#cond'), 'src/d.ts': USE_TS('#dep') };
    const p = project(files, { 'package.json': pkg });
    expect(seen(p('src/a.ts'))).toEqual(RESOLVED);
    expect(seen(p('src/b.ts'))).toEqual(RESOLVED);
    expect(seen(p('src/c.ts'))).toEqual(RESOLVED);
    expect(seen(p('src/d.ts'))).toEqual(UNRESOLVED);
  });

  it('uses the nearest package.json only, and CommonJS require sees the same aliases', () => {
    const outer = JSON.stringify({ imports: { '#db': './src/db.js' } });
    const inner = JSON.stringify({ name: 'tool' });
    const cjs = ["const { openDb } = require('#db');", 'const db = openDb();', ''].join('\n');
    const p = project({ 'src/db.ts': DB_TS, 'src/job.cjs': cjs, 'tool/job.cjs': cjs }, { 'package.json': outer, 'tool/package.json': inner });
    expect(seen(p('src/job.cjs')).factories).toEqual([['factory', 'src/db.openDb']]);
    expect(seen(p('tool/job.cjs')).factories).toEqual([]);
  });
});

describe("TypeScript's CommonJS forms", () => {
  it('follows `import x = require()` and `export =` across files', () => {
    const files = {
      'src/eq.ts': ["import Database = require('better-sqlite3');", "const db = new Database('eq.db');", 'export = db;', ''].join('\n'),
      'src/use.ts': ["import db = require('./eq');", 'export const one = db.prepare(`SELECT 1 WHERE 2 = ?`).get(2);', ''].join('\n'),
    };
    const p = project(files, {});
    const eq = p('src/eq.ts');
    expect(eq.imports.map((i) => [i.form, i.module, i.alias])).toEqual([['require', 'better-sqlite3', 'Database']]);
    expect(eq.connections.map((c) => [c.library, c.database?.value])).toEqual([['better-sqlite3', 'eq.db']]);
    // the imported connection's statement, prepared and run with one parameter
    const use = p('src/use.ts');
    expect(use.sqlStrings.map((s) => [s.text, s.executor, s.paramsArity])).toEqual([['SELECT 1 WHERE 2 = ?', 'prepare', 1]]);
    expect(use.cursorOps.map((o) => o.method)).toEqual(['prepare', 'get']);
  });
});

describe('aliases on disk, through the audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgready-aliases-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };

  it('reports the factory call and the imported SQL across an alias', async () => {
    write('tsconfig.json', '{\n  /* paths for the app */\n  "compilerOptions": { "paths": { "@/*": ["./src/*"] } },\n}\n');
    write('package.json', JSON.stringify({ name: 'svc', type: 'module', imports: { '#db': './src/db.js' } }));
    write('src/db.ts', DB_TS);
    write('src/routes/a.ts', USE_TS('@/db.js'));
    write('src/jobs/b.ts', USE_TS('#db'));
    const run = await audit(['.'], defaultConfig(dir), { cwd: dir });
    expect(run.skipped).toEqual([]);
    const got = run.findings
      .filter((f) => f.ruleId === 'SQL003' || f.ruleId === 'SQL201')
      .map((f) => `${f.file}:${f.line}:${f.ruleId}`)
      .sort();
    // the constant's `?` is reported once, where its text is, because both files execute it with a parameter
    expect(got).toEqual(['src/db.ts:5:SQL201', 'src/jobs/b.ts:3:SQL003', 'src/routes/a.ts:3:SQL003']);
  });

  it('reads files scanned outside the working directory (`../other`), aliases included', async () => {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }));
    mkdirSync(join(dir, 'tools'), { recursive: true });
    const run = await audit(['../src'], defaultConfig(dir), { cwd: join(dir, 'tools') });
    expect(run.skipped).toEqual([]);
    const got = run.findings.filter((f) => f.ruleId === 'SQL003').map((f) => f.file);
    expect(got.sort()).toEqual(['../src/jobs/b.ts', '../src/routes/a.ts']);
  });

  it('a broken tsconfig.json on disk leaves the audit running', async () => {
    write('tsconfig.json', '{ "compilerOptions": { "paths": { "@/*": [');
    const run = await audit(['.'], defaultConfig(dir), { cwd: dir });
    expect(run.skipped).toEqual([]);
    const factoryCalls = run.findings.filter((f) => f.ruleId === 'SQL003').map((f) => f.file);
    // `#db` still resolves through package.json; `@/db.js` no longer does
    expect(factoryCalls).toEqual(['src/jobs/b.ts']);
  });
});
