import { describe, expect, it, vi } from 'vitest';
import { ModuleAnalyzer } from '../src/lang/python/analyzer.js';
import { extractPythonFacts, indexPython, ModuleTable, ProjectIndex } from '../src/lang/python/index.js';
import type { SyntaxNode } from '../src/lang/python/parser.js';
import type { FormatMode } from '../src/lang/python/strings.js';
import { concatStr, mergeValues, sameStr, withMode, type Str, type Value } from '../src/lang/python/values.js';
import type { FileFacts, SourceFile } from '../src/model/facts.js';
import { placeholders } from '../src/sql/analyze.js';
import { toFileRange } from '../src/sql/map.js';
import { read } from './helpers/paths.js';
import { random } from './helpers/random.js';

function project(files: Record<string, string>): { facts: (path: string) => FileFacts; sources: Map<string, SourceFile> } {
  const sources = new Map<string, SourceFile>();
  for (const [path, text] of Object.entries(files)) sources.set(path, { path, absPath: `/p/${path}`, language: 'python', text });
  const table = new ModuleTable([...sources.values()].map((s) => ({ path: s.path, root: '.' })));
  const index = new ProjectIndex(table, [...sources.values()].map((s) => indexPython(s, table)));
  return { facts: (path) => extractPythonFacts(sources.get(path)!, index), sources };
}

function one(text: string): FileFacts {
  return project({ 'm.py': text }).facts('m.py');
}

const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('imports', () => {
  it('sees every import form, once per statement', () => {
    const text = [
      'import os, sqlite3',
      'import sqlite3 as db',
      'from sqlite3 import connect, Row',
      'from sqlite3 import connect as c',
      'def f():',
      '    import sqlite3',
      'try:',
      '    import sqlite3',
      'except ImportError:',
      '    sqlite3 = None',
      'lib = importlib.import_module("sqlite3")',
      'import psycopg2',
      '',
    ].join('\n');
    const f = one(`import importlib\n${text}`);
    expect(f.imports.map((i) => [i.form, i.module, i.member ?? null, i.alias])).toEqual([
      ['import', 'sqlite3', null, 'sqlite3'],
      ['import', 'sqlite3', null, 'db'],
      ['from', 'sqlite3', 'connect, Row', 'connect'],
      ['from', 'sqlite3', 'connect', 'c'],
      ['import', 'sqlite3', null, 'sqlite3'],
      ['import', 'sqlite3', null, 'sqlite3'],
      ['importlib', 'sqlite3', null, 'lib'],
    ]);
  });

  it('follows aliases to connect calls', () => {
    const text = 'import sqlite3 as db\nfrom sqlite3 import connect as c\na = db.connect("a.db")\nb = c("b.db")\nd = sqlite3.connect("d.db")\n';
    const f = one(text);
    expect(f.connections.map((x) => [x.callee, x.database?.value, x.boundTo])).toEqual([
      ['db.connect', 'a.db', 'a'],
      ['c', 'b.db', 'b'],
      // `sqlite3.` counts even without an import
      ['sqlite3.connect', 'd.db', 'd'],
    ]);
  });

  it('does not treat psycopg2 code as SQLite', () => {
    const f = one('import psycopg2\nconn = psycopg2.connect("dbname=x")\ncur = conn.cursor()\ncur.execute("SELECT * FROM t WHERE a = %s AND b LIKE \'x\'", (1,))\n');
    expect(f.connections).toEqual([]);
    expect(f.cursorOps).toEqual([]);
    expect(f.sqlStrings).toEqual([]);
  });
});

describe('connection factories across files', () => {
  const files = {
    'backend/util/db.py': [
      'import sqlite3',
      'import functools',
      'from contextlib import contextmanager',
      'def get_db_connection(name):',
      '    conn = sqlite3.connect(name + ".db")',
      '    return conn',
      'def get_trades_conn():',
      '    return get_db_connection("trades")',
      '@contextmanager',
      'def session():',
      '    c = get_trades_conn()',
      '    yield c',
      'open_prices = functools.partial(sqlite3.connect, "prices.db")',
      'quick = lambda: get_trades_conn()',
      'class Store:',
      '    def _connect(self):',
      '        return sqlite3.connect("store.db")',
      '    def rows(self):',
      '        return self._connect().execute("SELECT 1").fetchall()',
      'def not_a_factory():',
      '    return 42',
      '',
    ].join('\n'),
    'backend/api.py': [
      'from backend.util.db import get_db_connection, session',
      'from backend.util import db as dbutil',
      'import backend.util.db',
      'a = get_db_connection("x")',
      'b = dbutil.get_trades_conn()',
      'with session() as s:',
      '    s.execute("DELETE FROM t WHERE id = ?", (1,))',
      'c = backend.util.db.open_prices()',
      'd = dbutil.quick()',
      'e = dbutil.not_a_factory()',
      '',
    ].join('\n'),
  };
  const p = project(files);

  it('finds factories defined through def, chains, @contextmanager, partial, lambda and methods', () => {
    const f = p.facts('backend/util/db.py');
    expect(f.factories.map((x) => [x.qualifiedName, x.kind])).toEqual([
      ['backend.util.db.get_db_connection', 'function'],
      ['backend.util.db.get_trades_conn', 'function'],
      ['backend.util.db.session', 'contextmanager'],
      ['backend.util.db.open_prices', 'partial'],
      ['backend.util.db.quick', 'lambda'],
      ['backend.util.db.Store._connect', 'method'],
    ]);
  });

  it('counts every call site of an imported factory as a connection', () => {
    const f = p.facts('backend/api.py');
    expect(f.connections.map((x) => [x.callee, x.via, x.factory])).toEqual([
      ['get_db_connection', 'factory', 'backend.util.db.get_db_connection'],
      ['dbutil.get_trades_conn', 'factory', 'backend.util.db.get_trades_conn'],
      ['session', 'factory', 'backend.util.db.session'],
      ['backend.util.db.open_prices', 'factory', 'backend.util.db.open_prices'],
      ['dbutil.quick', 'factory', 'backend.util.db.quick'],
    ]);
    // the connection a @contextmanager factory yields is a connection inside `with`
    expect(f.cursorOps.map((o) => [o.method, o.receiver, o.receiverText])).toEqual([['execute', 'connection', 's']]);
    expect(f.sqlStrings.map((s) => [s.text, s.executed, s.hasParams])).toEqual([['DELETE FROM t WHERE id = ?', true, true]]);
  });
});

describe('the module table', () => {
  it('resolves every name an import can write, and keeps no suffix past a segment none can', () => {
    const root = '../../srv/my-app';
    const paths = [`${root}/backend/util/db.py`, `${root}/backend/__init__.py`, `${root}/v1.2/api.py`, `${root}/tools/load-data.py`];
    const table = new ModuleTable(paths.map((path) => ({ path, root })));
    const from = `${root}/backend/views.py`;
    expect(['backend.util.db', 'util.db', 'db', 'backend', 'api'].map((name) => table.resolve(name, from))).toEqual([
      paths[0],
      paths[0],
      paths[0],
      paths[1],
      paths[2],
    ]);
    // `my-app`, `v1.2` and `load-data` are no identifiers, and `..` leaves empty segments: no import names them
    for (const name of ['my-app.backend.util.db', 'srv.my-app.backend', '2.api', 'v1.2.api', 'load-data', '.srv.my-app.backend']) {
      expect(table.resolve(name, from), name).toBeUndefined();
    }
    expect(table.moduleName(paths[0]!)).toBe('backend.util.db');
  });

  it('resolves a module found in several places to the one sharing the most leading directories, the first of equals', () => {
    // what resolve() answered before it searched the sorted candidates: the first of those
    // sharing the most leading path segments with the importing file, by comparing each
    const shared = (a: string, b: string): number => {
      const x = `${a}/`.split('/');
      const y = `${b}/`.split('/');
      let n = 0;
      while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
      return n;
    };
    const reference = (candidates: string[], from: string): string =>
      candidates.reduce((best, f) => (shared(f, from) > shared(best, from) ? f : best), candidates[0]!);
    let seed = 7;
    const random = (n: number): number => {
      // xorshift32
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    // names that sort on either side of `/` and of each other (`-`, `.` and `0` next to it); empty segments
    const dirs = ['a', 'b', 'a-b', 'a.b', 'a0', 'ab', ''];
    const dirPath = (): string => Array.from({ length: random(4) }, () => dirs[random(dirs.length)]!).join('/');
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const absolute = random(4) === 0 ? '/' : '';
      const paths = new Set<string>();
      for (let i = 0; i < 2 + random(12); i++) paths.add(`${absolute}${dirPath()}/db.py`.replace(/^\/+/, absolute));
      const table = new ModuleTable([...paths].map((path) => ({ path, root: '.' })));
      const candidates = [...paths].sort();
      for (let i = 0; i < 8; i++) {
        const from = random(2) === 0 ? candidates[random(candidates.length)]! : `${absolute}${dirPath()}/views.py`.replace(/^\/+/, absolute);
        expect(table.resolve('db', from), `${from} among ${candidates.join(' ')}`).toBe(reference(candidates, from));
        if (candidates.length > 1) compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('the module table, against a map of every dotted suffix', () => {
  it('resolves every name as a map of each file\'s nameable dotted suffixes would, nearest first', () => {
    // the table as it was until session 19: every dotted suffix of every file (c, b.c, a.b.c) up to a
    // segment no import can name, each to the files it names in path order
    const identifier = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;
    const suffixMap = (paths: string[]): Map<string, string[]> => {
      const map = new Map<string, string[]>();
      for (const path of [...paths].sort()) {
        const parts = path.replace(/\.pyw?$/, '').split('/').filter((p) => p !== '' && p !== '.');
        if (parts[parts.length - 1] === '__init__') parts.pop();
        const dotted = parts.join('.').split('.');
        for (let k = dotted.length - 1; k >= 0 && identifier.test(dotted[k]!); k--) {
          const key = dotted.slice(k).join('.');
          map.set(key, [...(map.get(key) ?? []), path]);
        }
      }
      return map;
    };
    const next = random(20261122);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const segments = ['a', 'b', 'ab', 'db', 'adb', 'util', 'x-y', 'v1.2', '1x', 'é', '__init__', '', '..', '.'];
    let resolved = 0;
    for (let round = 0; round < 400; round++) {
      const paths = new Set<string>();
      for (let i = 0; i < 1 + Math.floor(next() * 12); i++) {
        const dirs = Array.from({ length: Math.floor(next() * 4) }, () => pick(segments));
        paths.add([...dirs, `${pick(segments.filter((x) => x !== '' && x !== '.' && x !== '..'))}${pick(['.py', '.pyw'])}`].join('/'));
      }
      const list = [...paths];
      const table = new ModuleTable(list.map((path) => ({ path, root: '.' })));
      const map = suffixMap(list);
      const names = [...map.keys(), 'a.b.c', 'x-y.db', 'v1.2.db', '', '.db', 'db.', 'a..b', 'é.db', 'zz'];
      for (let i = 0; i < 12; i++) {
        const name = pick(names);
        const from = `${pick(segments)}/${pick(segments)}/views.py`;
        const want = map.get(name);
        const got = table.resolve(name, from);
        if (!want) expect(got, name).toBeUndefined();
        else {
          expect(want).toContain(got);
          if (want.length === 1) expect(got).toBe(want[0]);
          // asked from one of the files it names, the nearest is that file: every one of them is a candidate
          for (const f of want) expect(table.resolve(name, f), `${name} from ${f}`).toBe(f);
          resolved++;
        }
        // asked again (the answer is kept): the same
        expect(table.resolve(name, from)).toBe(got);
      }
    }
    expect(resolved).toBeGreaterThan(1000);
  });
});

describe('the cost of a method chain', () => {
  it('evaluates each receiver of a call chain once, not once for the call and again for its attribute', () => {
    // `df.m0().m1()…` (pandas, ORM query builders): each call evaluated its receiver twice, so the
    // work doubled with every call (25 calls: 21 s for one file; 30: about 10 minutes)
    const chain = Array.from({ length: 16 }, (_, i) => `.m${i}()`).join('');
    const text = `import sqlite3\nconn = sqlite3.connect("a.db")\nout = conn.cursor()${chain}\nconn.cursor().execute("SELECT 1")\n`;
    const evals = vi.spyOn(ModuleAnalyzer.prototype as unknown as { eval: () => unknown }, 'eval');
    try {
      const f = one(text);
      expect(f.cursorOps.map((o) => [o.method, o.receiver])).toEqual([['execute', 'cursor']]);
      // the index pass and the facts pass, two walks each: a few dozen evaluations; 2^16 before
      expect(evals.mock.calls.length).toBeLessThan(1000);
    } finally {
      evals.mockRestore();
    }
  });
});

describe('the cost of a module of many functions', () => {
  it('brings the module as functions see it up to date with the names bound since, not all of them', () => {
    // each def binds a name, and each function's view of the module was made again from every
    // name: 5,000 functions took 6 s of a 7.8 s audit
    const defs = Array.from({ length: 400 }, (_, i) => `def f${i}(x):\n    return conn.execute("SELECT ${i} WHERE a = ?", (x,))\n`).join('');
    const text = `import sqlite3\nconn = sqlite3.connect("a.db")\n${defs}`;
    const merges = vi.spyOn(ModuleAnalyzer.prototype as unknown as { merge: () => unknown }, 'merge');
    try {
      const f = one(text);
      expect(f.cursorOps.filter((o) => o.method === 'execute')).toHaveLength(400);
      expect(f.sqlStrings.map((q) => q.text)).toContain('SELECT 399 WHERE a = ?');
      // about 160,000 before (every name merged again for each function, in each walk)
      expect(merges.mock.calls.length).toBeLessThan(20_000);
    } finally {
      merges.mockRestore();
    }
  });
});

describe('the cost of long string chains', () => {
  // a leaf whose node is counted each time something reads it
  function countedLeaf(i: number, mode: FormatMode, reads: { n: number }): Str {
    const node = { startIndex: 10 * i, endIndex: 10 * i + 5 } as unknown as SyntaxNode;
    return {
      t: 'node',
      mode,
      get node() {
        reads.n++;
        return node;
      },
    };
  }

  it('merges the branches of `if c: q += "…"` without reading the whole string at each merge', () => {
    // a key spelled out from the whole structure at every merge: 400 such ifs took 1.4 s, 1,400 took 54 s
    const reads = { n: 0 };
    let q: Value = { k: 'str', alts: [countedLeaf(0, 'plain', reads)] };
    for (let i = 1; i <= 400; i++) {
      const grown: Value = { k: 'str', alts: concatStr(q.k === 'str' ? q.alts : [], [countedLeaf(i, 'plain', reads)]) };
      q = mergeValues(grown, q);
    }
    expect(q.k === 'str' && q.alts.length).toBe(8);
    // each leaf read a few times; 3 million reads before
    expect(reads.n).toBeLessThan(5000);
  });

  it('tells equal strings from different ones', () => {
    const reads = { n: 0 };
    const [a, b] = [countedLeaf(1, 'plain', reads), countedLeaf(2, 'plain', reads)];
    const ab: Str = { t: 'cat', parts: [a, b] };
    expect(sameStr(ab, { t: 'cat', parts: [countedLeaf(1, 'plain', reads), countedLeaf(2, 'plain', reads)] })).toBe(true);
    expect(sameStr(ab, { t: 'cat', parts: [b, a] })).toBe(false);
    expect(sameStr(ab, { t: 'cat', parts: [a, countedLeaf(2, 'format', reads)] })).toBe(false);
    expect(sameStr({ t: 'at', inner: ab, start: 0, end: 9 }, { t: 'at', inner: ab, start: 0, end: 8 })).toBe(false);
    expect(sameStr({ t: 'hole', start: 3, end: 4 }, { t: 'hole', start: 3, end: 4 })).toBe(true);
    const merged = mergeValues({ k: 'str', alts: [ab] }, { k: 'str', alts: [{ t: 'cat', parts: [a, b] }, a] });
    expect(merged.k === 'str' && merged.alts).toEqual([ab, a]);
  });

  it('gives each `.format()` of a chain the work of one call, not of the chain below it', () => {
    // `"…".format(a).format(b)…`: every call rebuilt the whole chain below it
    const reads = { n: 0 };
    let s: Str = countedLeaf(0, 'plain', reads);
    for (let i = 1; i <= 1000; i++) {
      const inner = withMode(s, 'format');
      let innerReads = 0;
      const layer: Str = {
        t: 'at',
        start: 0,
        end: i,
        get inner() {
          innerReads++;
          reads.n++;
          return inner;
        },
      };
      s = layer;
      expect(withMode(layer, 'format')).toBe(layer);
      expect(withMode(layer, 'percent')).toBe(layer);
      expect(innerReads).toBeLessThanOrEqual(1);
    }
    // 500,000 reads before
    expect(reads.n).toBeLessThan(3000);
    const plain = countedLeaf(1, 'plain', reads);
    const cat = withMode({ t: 'cat', parts: [plain, s] }, 'percent');
    expect(cat.t === 'cat' && cat.parts[0]!.t === 'node' && cat.parts[0]!.mode).toBe('percent');
    expect(cat.t === 'cat' && cat.parts[1]).toBe(s);
  });
});

describe('cursors and SQL strings', () => {
  it('tracks cursors from conn.cursor(), conn.execute() and with-blocks, and self attributes', () => {
    const text = [
      'import sqlite3',
      'from contextlib import closing',
      'class Repo:',
      '    def __init__(self):',
      '        self.conn = sqlite3.connect("r.db")',
      '    def get(self, i):',
      '        cur = self.conn.cursor()',
      '        cur.execute("SELECT a FROM t WHERE i = ?", (i,))',
      '        return cur.fetchone()',
      'with closing(sqlite3.connect("x.db")) as c:',
      '    for row in c.execute("SELECT b FROM u"):',
      '        pass',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.cursorOps.map((o) => `${o.receiverText}.${o.method}:${o.receiver}`)).toEqual([
      'cur.execute:cursor',
      'cur.fetchone:cursor',
      'c.execute:connection',
    ]);
  });

  it('resolves SQL from names, constants, class attributes, concatenation and branches', () => {
    const text = [
      'import sqlite3',
      'BASE = "SELECT a FROM t"',
      'class Q:',
      '    ONE = ("SELECT b FROM u "',
      '           "WHERE id = ?")',
      'conn = sqlite3.connect("x.db")',
      'def f(flag):',
      '    sql = BASE',
      '    if flag:',
      '        sql = sql + " WHERE a = ?"',
      '    conn.execute(sql, (1,))',
      '    conn.execute(Q.ONE, [2])',
      '    conn.execute(r"""SELECT c',
      '        FROM v""")',
      '',
    ].join('\n');
    const f = one(text);
    const executed = f.sqlStrings.filter((s) => s.executed).map((s) => s.text);
    expect(executed.sort()).toEqual(['SELECT a FROM t', 'SELECT a FROM t WHERE a = ?', 'SELECT b FROM u WHERE id = ?', 'SELECT c\n        FROM v'].sort());
    const concat = f.sqlStrings.find((s) => s.text === 'SELECT a FROM t WHERE a = ?')!;
    // the ? maps back into the second literal
    const q = placeholders(concat)[0]!;
    expect(slice(text, toFileRange(concat, q))).toBe('?');
    expect(concat.isDynamic).toBe(false);
  });

  it('marks f-strings, .format() and % formatting as dynamic, analysing their literal parts', () => {
    const text = [
      'import sqlite3',
      'conn = sqlite3.connect("x.db")',
      'conn.execute(f"SELECT * FROM {table} WHERE a = ?", (1,))',
      'conn.execute("SELECT * FROM {} WHERE b = ?".format(table), (1,))',
      'conn.execute("SELECT * FROM %s WHERE c = 1" % table)',
      'conn.execute("SELECT * FROM t WHERE d = " + value)',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.isDynamic, s.dynamicKind, s.text])).toEqual([
      [true, 'f-string', 'SELECT * FROM __pgready_hole__ WHERE a = ?'],
      [true, 'format', 'SELECT * FROM __pgready_hole__ WHERE b = ?'],
      [true, 'percent', 'SELECT * FROM __pgready_hole__ WHERE c = 1'],
      [true, 'concat', 'SELECT * FROM t WHERE d = __pgready_hole__'],
    ]);
    const first = f.sqlStrings[0]!;
    const hole = first.holes[0]!;
    expect(slice(text, toFileRange(first, hole))).toBe('{table}');
    expect(slice(text, toFileRange(first, placeholders(first)[0]!))).toBe('?');
  });

  it('keeps the SQL -> file map exact through escapes', () => {
    const text = 'import sqlite3\nconn = sqlite3.connect("x.db")\nconn.execute("SELECT \\"x\\" FROM t\\n WHERE a = \\x3f AND b = ?", (1, 2))\n';
    const f = one(text);
    const sql = f.sqlStrings[0]!;
    expect(sql.text).toBe('SELECT "x" FROM t\n WHERE a = ? AND b = ?');
    const qs = placeholders(sql);
    expect(qs).toHaveLength(2);
    // \x3f is a `?` at run time: it maps back onto the four-character escape
    expect(slice(text, toFileRange(sql, qs[0]!))).toBe('\\x3f');
    expect(slice(text, toFileRange(sql, qs[1]!))).toBe('?');
  });

  it('records parameters: presence, literal arity and kind', () => {
    const text = [
      'import sqlite3',
      'conn = sqlite3.connect("x.db")',
      'cur = conn.cursor()',
      'cur.execute("SELECT 1 FROM t WHERE a = ? AND b = ?", (1, 2))',
      'cur.execute("SELECT 2 FROM t WHERE a = :a", {"a": 1})',
      'cur.executemany("INSERT INTO t VALUES (?, ?)", [(1, 2), (3, 4)])',
      'cur.execute("SELECT 3 FROM t WHERE a = ?", args)',
      'cur.execute("SELECT 4 FROM t")',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.hasParams, s.paramsArity ?? null, s.paramsKind ?? null])).toEqual([
      [true, 2, 'sequence'],
      [true, null, 'mapping'],
      [true, 2, 'sequence'],
      [true, null, 'unknown'],
      [false, null, null],
    ]);
  });

  it('finds clearly-SQL strings nobody executes here, and ignores prose, docstrings and comments', () => {
    const text = [
      '"""SELECT * FROM docs — a docstring, not SQL."""',
      '# INSERT OR REPLACE INTO comments',
      'SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)"',
      'PROMPT = "Select an exchange"',
      'QUESTION = "Are you sure?"',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.sqlStrings.map((s) => [s.text, s.executed, s.constant])).toEqual([
      ['CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)', false, 'SCHEMA'],
    ]);
  });

  it('uses cursors of unknown origin in SQLite files, but not in files that use another driver', () => {
    const helper = 'import sqlite3\ndef save(cur, t):\n    cur.execute("INSERT INTO t (a) VALUES (?)", (t,))\n    return cur.lastrowid\n';
    const f = one(helper);
    expect(f.sqlStrings.map((s) => s.executed)).toEqual([true]);
    expect(f.apiUses.map((a) => a.kind)).toEqual(['lastrowid']);
    // %s placeholders are not SQLite's: the SQL is another driver's, whatever the file imports
    const pg = 'import psycopg2\ndef save(cur, t):\n    cur.execute("INSERT INTO t (a) VALUES (%s)", (t,))\n    return cur.lastrowid\n';
    const g = one(pg);
    expect(g.sqlStrings.filter((x) => x.executed)).toEqual([]);
    expect(g.apiUses).toEqual([]);
    // a file that uses psycopg2 and shows no SQLite: its SQL is psycopg2's, not even checked as text
    const used = 'import psycopg2\nconn = psycopg2.connect("dbname=x")\ndef save(cur, t):\n    cur.execute("INSERT INTO t (a) VALUES (?)", (t,))\n';
    expect(one(used).sqlStrings).toEqual([]);
    // what fix leaves behind: psycopg imported for its exceptions only, cursors from the database
    // layer: SQLite-only SQL that is still there must stay visible
    const fixed = [
      'import psycopg',
      'from backend.core.database import get_connection',
      'def save(t):',
      '    with get_connection("trades") as conn:',
      '        cur = conn.cursor()',
      '        try:',
      '            cur.execute("INSERT OR REPLACE INTO t (a) VALUES (%s)", (t,))',
      '        except psycopg.IntegrityError:',
      '            pass',
      '',
    ].join('\n');
    expect(one(fixed).sqlStrings.map((x) => [x.text, x.executed])).toEqual([['INSERT OR REPLACE INTO t (a) VALUES (%s)', false]]);
  });

  it('reads a name as it was bound in the branch that ran the SQL, when the decision comes at the end of the file', () => {
    // whether an unknown cursor is SQLite's is decided once the whole file is read; the SQL it ran
    // in the if is the first string, whatever the name is bound to after the if
    const text = [
      'import psycopg2',
      'conn = psycopg2.connect("dbname=x")',
      'def save(cur, flag):',
      '    q = "INSERT INTO t (a) VALUES (?)"',
      '    if flag:',
      '        cur.execute(q)',
      '    q = "SELECT a FROM t WHERE a = ?"',
      '    return q',
      '',
    ].join('\n');
    expect(one(text).sqlStrings.map((x) => [x.text, x.executed])).toEqual([['SELECT a FROM t WHERE a = ?', false]]);
  });
});

describe('paths, third parties and API uses', () => {
  it('finds .db names and sqlite URLs in literals and path expressions, not in prose', () => {
    const text = [
      'import os',
      'from pathlib import Path',
      'A = os.path.join(DATA, "trades.db")',
      'B = Path(x) / "fills.sqlite3"',
      'C = f"{DATA}/archive.db"',
      'D = "sqlite:///app.db"',
      'E = "Backing up trades.db now"',
      'F = ".db"',
      'G = "mydb"',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.dbPaths.map((d) => [d.kind, slice(text, d.range)])).toEqual([
      ['file', 'trades.db'],
      ['file', 'fills.sqlite3'],
      ['file', '{DATA}/archive.db'],
      ['url', 'sqlite:///app.db'],
    ]);
  });

  it('records API uses on SQLite handles', () => {
    const text = [
      'import sqlite3',
      'from sqlite3 import IntegrityError',
      'conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False, detect_types=1)',
      'conn.row_factory = sqlite3.Row',
      'conn.create_function("f", 1, abs)',
      'sqlite3.register_adapter(bool, int)',
      'n = conn.total_changes',
      'cur = conn.executescript("DELETE FROM a;")',
      'try:',
      '    pass',
      'except (sqlite3.OperationalError, IntegrityError):',
      '    pass',
      'for line in conn.iterdump():',
      '    pass',
      'conn.backup(other)',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.apiUses.map((a) => [a.kind, slice(text, a.range)])).toEqual([
      ['connect-option', '":memory:"'],
      ['isolation-level', 'isolation_level=None'],
      ['check-same-thread', 'check_same_thread=False'],
      ['connect-option', 'detect_types=1'],
      ['row-factory', 'conn.row_factory'],
      ['create-function', 'conn.create_function("f", 1, abs)'],
      ['register-adapter', 'sqlite3.register_adapter(bool, int)'],
      ['total-changes', 'conn.total_changes'],
      ['connection-shortcut', 'conn.executescript("DELETE FROM a;")'],
      ['executescript', 'conn.executescript("DELETE FROM a;")'],
      ['exception', 'sqlite3.OperationalError'],
      ['exception', 'IntegrityError'],
      ['iterdump', 'conn.iterdump()'],
      ['backup', 'conn.backup(other)'],
    ]);
  });

  it('finds aiosqlite, peewee, Django and pandas entry points', () => {
    const text = [
      'import aiosqlite',
      'import sqlite3',
      'import pandas as pd',
      'from peewee import SqliteDatabase',
      'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}',
      'db = SqliteDatabase("p.db")',
      'async def main():',
      '    async with aiosqlite.connect("a.db") as conn:',
      '        await conn.execute("SELECT 1 FROM t WHERE a = ?", (1,))',
      'c = sqlite3.connect("x.db")',
      'df = pd.read_sql("SELECT * FROM prices WHERE s = ?", c, params=("X",))',
      'df.to_sql("prices", c)',
      '',
    ].join('\n');
    const f = one(text);
    expect(f.thirdParty.map((t) => [t.kind, slice(text, t.range)])).toEqual([
      ['django-backend', 'django.db.backends.sqlite3'],
      ['peewee', 'SqliteDatabase("p.db")'],
      ['pandas', 'pd.read_sql("SELECT * FROM prices WHERE s = ?", c, params=("X",))'],
      ['pandas', 'df.to_sql("prices", c)'],
    ]);
    expect(f.connections.map((c) => [c.library, c.binding])).toEqual([
      ['aiosqlite', 'with'],
      ['sqlite3', 'assign'],
    ]);
    expect(f.sqlStrings.map((s) => [s.executor, s.hasParams])).toEqual([
      ['execute', true],
      ['read_sql', true],
    ]);
  });
});

describe('robustness', () => {
  it('maps offsets in UTF-16 code units through non-ASCII text, emoji and CRLF', () => {
    const text = read('fixtures/adapters/python/non_ascii.py');
    const f = one(text);
    const qs = f.sqlStrings.flatMap((s) => placeholders(s).map((p) => toFileRange(s, p)));
    expect(qs.map((r) => slice(text, r))).toEqual(['?', '?']);
    expect(f.dbPaths.map((d) => slice(text, d.range))).toEqual(['données.db']);
    // "\r\n" written as escapes is two characters of SQL, each from a two-character escape
    expect(f.sqlStrings[1]!.text.endsWith('?\r\n')).toBe(true);
  });

  it('analyses a file over 32 KiB completely', () => {
    const block = (i: number) =>
      `def load_${i}(conn):\n    cur = conn.cursor()\n    cur.execute("SELECT price FROM prices_${i} WHERE symbol = ?", ("S${i}",))\n    return cur.fetchall()\n\n`;
    let text = 'import sqlite3\n\n';
    for (let i = 0; text.length < 40 * 1024; i++) text += block(i);
    text += 'conn = sqlite3.connect("last.db")\n';
    expect(text.length).toBeGreaterThan(32 * 1024);
    const f = one(text);
    const blocks = text.split('def load_').length - 1;
    expect(f.sqlStrings.length).toBe(blocks);
    expect(f.cursorOps.length).toBe(blocks * 2);
    expect(f.connections.map((c) => c.database?.value)).toEqual(['last.db']);
  });

  it('recovers from syntax errors and Python 2 code, reporting diagnostics', () => {
    const text = 'import sqlite3\nprint "hello"\nconn = sqlite3.connect("x.db")\ndef broken(:\n    pass\n';
    const f = one(text);
    expect(f.diagnostics.length).toBeGreaterThan(0);
    expect(f.connections.map((c) => c.database?.value)).toEqual(['x.db']);
  });
});
