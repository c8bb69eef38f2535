import { describe, expect, it } from 'vitest';
import connectToFactory, { logicalName } from '../codemods/connect-to-factory.js';
import lastrowidToReturning from '../codemods/lastrowid-to-returning.js';
import { projectSchema } from '../src/edit/schema.js';
import { analyseAlone } from '../src/edit/standalone.js';
import { defaultTarget } from '../src/edit/target.js';
import type { Change, Codemod, Refusal } from '../src/model/codemod.js';
import type { FileFacts, SourceFile } from '../src/model/facts.js';

function facts(text: string): { f: FileFacts; source: SourceFile } {
  const source: SourceFile = { path: 'm.py', absPath: '/p/m.py', language: 'python', text };
  return { f: analyseAlone(source), source };
}

function plan(codemod: Codemod, text: string): { changes: Omit<Change, 'codemod'>[]; refusals: Pick<Refusal, 'reason'>[] } {
  const { f, source } = facts(text);
  const changes: Omit<Change, 'codemod'>[] = [];
  const refusals: Pick<Refusal, 'reason'>[] = [];
  codemod.plan(f, { source, target: defaultTarget(), schema: projectSchema([f]) }, {
    change: (c) => changes.push(c),
    refuse: (_r, reason) => refusals.push({ reason }),
  });
  return { changes, refusals };
}

const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);
const lines = (text: string, starts: number[]) => starts.map((s) => text.slice(s, text.indexOf('\n', s)));

describe('connection shape facts', () => {
  it('give the assignment, the close() in the same block and the lines between, skipping string bodies and blank lines', () => {
    const text = [
      'import sqlite3',
      'def f():',
      '    conn = sqlite3.connect("a.db")  # open',
      '    cur = conn.cursor()',
      '    cur.execute("""',
      '    SELECT 1',
      '    """)',
      '',
      '    conn.close()',
      '    return 1',
      '',
    ].join('\n');
    const [c] = facts(text).f.connections;
    expect(at(text, c!.statement!.range)).toBe('conn = sqlite3.connect("a.db")');
    expect(c!.statement).toMatchObject({ indent: '    ', alone: true });
    expect(at(text, c!.closeCall!.lines)).toBe('    conn.close()\n');
    expect(lines(text, c!.bodyLines!)).toEqual(['    cur = conn.cursor()', '    cur.execute("""']);
    expect(c!.escapes).toEqual([]);
  });

  it('name each way the connection leaves its span', () => {
    const body = (stmt: string) => `import sqlite3\ndef f(g):\n    conn = sqlite3.connect("a.db")\n    ${stmt}\n    conn.close()\n`;
    const how = (stmt: string) => facts(body(stmt)).f.connections[0]!.escapes!.map((e) => e.how);
    expect(how('g(conn)')).toEqual(['passed']);
    expect(how('g(key=conn)')).toEqual(['passed']);
    expect(how('g.db = conn')).toEqual(['stored']);
    expect(how('other = conn')).toEqual(['stored']);
    expect(how('yield conn')).toEqual(['yielded']);
    expect(how('cb = lambda: conn.commit()')).toEqual(['closure']);
    expect(how('with conn:\n        pass')).toEqual(['context-manager']);
    expect(how('conn.commit(); g.conn = 1')).toEqual([]);
    const after = facts('import sqlite3\ndef f():\n    conn = sqlite3.connect("a.db")\n    conn.close()\n    return conn\n').f.connections[0]!;
    expect(after.escapes!.map((e) => e.how)).toEqual(['returned']);
    const global = facts('import sqlite3\ndef f():\n    global conn\n    conn = sqlite3.connect("a.db")\n    conn.close()\n').f.connections[0]!;
    expect(global.escapes!.map((e) => e.how)).toEqual(['global']);
  });

  it('treat a later rebinding in the same block as another connection, but not in a loop', () => {
    const seq = 'import sqlite3\ndef f():\n    with sqlite3.connect("a.db") as conn:\n        conn.commit()\n    with sqlite3.connect("b.db") as conn:\n        conn.commit()\n    conn.commit()\n';
    const [a, b] = facts(seq).f.connections;
    expect(a!.escapes).toEqual([]);
    expect(b!.escapes!.map((e) => e.how)).toEqual(['outside']);
    const loop = 'import sqlite3\ndef f(xs):\n    for x in xs:\n        conn.commit()\n        conn = sqlite3.connect(x)\n        conn.commit()\n        conn.close()\n';
    expect(facts(loop).f.connections[0]!.escapes!.map((e) => e.how)).toEqual(['outside']);
  });

  it('leave out shapes a codemod cannot restructure', () => {
    const text = 'import sqlite3\nclass S:\n    def __init__(self):\n        self.conn = sqlite3.connect("a.db")\n        a = b = sqlite3.connect("b.db")\n';
    const [self, chained] = facts(text).f.connections;
    expect(self!.statement).toBeUndefined();
    expect(chained!.statement).toBeUndefined();
    const shared = facts('import sqlite3\nx = 1; conn = sqlite3.connect("a.db")\nconn.close()\n').f.connections[0]!;
    expect(shared.statement!.alone).toBe(false);
  });

  it('see try/finally closes and closing() wrappers', () => {
    const text = [
      'import sqlite3',
      'from contextlib import closing',
      'def f():',
      '    conn = sqlite3.connect("a.db")',
      '    try:  # work',
      '        conn.commit()',
      '    finally:',
      '        conn.close()',
      '    with closing(sqlite3.connect("b.db")) as c2:',
      '        c2.commit()',
      '',
    ].join('\n');
    const [a, b] = facts(text).f.connections;
    expect(at(text, a!.tryFinally!.header)).toBe('conn = sqlite3.connect("a.db")\n    try:');
    expect(at(text, a!.tryFinally!.finallyLines)).toBe('    finally:\n        conn.close()\n');
    expect(a!.escapes).toEqual([]);
    expect(at(text, b!.closingWrapper!)).toBe('closing(sqlite3.connect("b.db"))');
    const withExcept = text.replace('    finally:', '    except ValueError:\n        pass\n    finally:');
    expect(facts(withExcept).f.connections[0]!.tryFinally).toBeUndefined();
  });

  it('record extra connect() arguments', () => {
    const [c] = facts('import sqlite3\nconn = sqlite3.connect("a.db", 5.0, **opts)\n').f.connections;
    expect(c!.otherArgs!.length).toBe(2);
  });
});

describe('import, indentation and API facts', () => {
  it('give each sqlite3 import its statement, its name count and the uses of its alias', () => {
    const text = 'import os, sqlite3\nimport sqlite3 as db\nx = db.connect("a.db")\ny = db.Row\nz = sqlite3.Error\n';
    const [a, b] = facts(text).f.imports;
    expect(a).toMatchObject({ names: 2, statement: { indent: '', alone: true } });
    expect(a!.uses!.map((u) => at(text, u))).toEqual(['sqlite3']);
    expect(b!.names).toBe(1);
    expect(b!.uses!.length).toBe(2);
    expect(facts(text).f.importStatements!.map((s) => s.text)).toEqual(['import os, sqlite3', 'import sqlite3 as db']);
  });

  it('find the indentation unit (tabs, two spaces)', () => {
    expect(facts('def f():\n\treturn 1\n').f.indentUnit).toBe('\t');
    expect(facts('if x:\n  def f():\n    return 1\n').f.indentUnit).toBe('  ');
    expect(facts('x = 1\n').f.indentUnit).toBeUndefined();
  });

  it('pair cur.lastrowid with the statement before it, and tell how an execute result is used', () => {
    const text = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.cursor()\ncur.execute("INSERT INTO t (a) VALUES (1)")\nx = cur.lastrowid\nconn.execute("DELETE FROM t")\nrows = conn.execute("SELECT 1").fetchall()\nfor r in conn.execute("SELECT 1"):\n    pass\n';
    const { f } = facts(text);
    const use = f.apiUses.find((u) => u.kind === 'lastrowid')!;
    expect(at(text, use.statement!)).toBe('x = cur.lastrowid');
    expect(at(text, use.previousStatement!)).toBe('cur.execute("INSERT INTO t (a) VALUES (1)")');
    expect(f.cursorOps.filter((o) => o.receiver === 'connection').map((o) => o.resultUse)).toEqual(['discarded', 'method', 'other']);
  });
});

describe('logical database names', () => {
  const name = (call: string, databases: Record<string, string> = {}) => {
    const text = `import os, sqlite3\nconn = ${call}\n`;
    const { f } = facts(text);
    return logicalName(f.connections[0]!, f, { ...defaultTarget(), databases }, text);
  };
  it('come from the map (file name, path suffix, expression) before the file stem', () => {
    expect(name('sqlite3.connect("/var/lib/trading/trades.db")')).toBe('trades');
    expect(name('sqlite3.connect("/var/lib/trading/trades.db")', { 'trades.db': 'main' })).toBe('main');
    expect(name('sqlite3.connect("/var/lib/trading/trades.db")', { 'trading/trades.db': 'main' })).toBe('main');
    expect(name('sqlite3.connect(TRADES_DB)', { TRADES_DB: 'trades' })).toBe('trades');
    expect(name('sqlite3.connect(os.path.join(DATA, "prices.sqlite3"))')).toBe('prices');
    expect(name('sqlite3.connect(f"{DATA}/alerts.db")')).toBe('alerts');
    expect(name('sqlite3.connect(TRADES_DB)')).toBeUndefined();
    expect(name('sqlite3.connect("notes.txt")')).toBeUndefined();
  });
});

describe('codemod decisions the fixtures cannot show', () => {
  it('lastrowid-to-returning is unsafe when the INSERT text is a shared constant', () => {
    const text = [
      'import sqlite3',
      'SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"',
      'INSERT_T = "INSERT INTO t (a) VALUES (%s)"',
      'def f(cur, a):',
      '    cur.execute("INSERT INTO t (a) VALUES (%s)", (a,))',
      '    x = cur.lastrowid',
      '    cur.execute(INSERT_T, (a,))',
      '    y = cur.lastrowid',
      '    return x, y',
      '',
    ].join('\n');
    const conn = 'conn = sqlite3.connect("a.db")\ncur = conn.cursor()\n';
    const { changes } = plan(lastrowidToReturning, text.replace('def f(cur, a):', `${conn}def f(cur, a):`));
    expect(changes.map((c) => c.safety)).toEqual(['safe', 'unsafe']);
  });

  it('lastrowid-to-returning is unsafe when the INSERT sits in a try statement', () => {
    const text = [
      'import sqlite3',
      'SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"',
      'conn = sqlite3.connect("a.db")',
      'cur = conn.cursor()',
      'try:',
      '    cur.execute("INSERT INTO t (a) VALUES (%s)", ("x",))',
      'except sqlite3.IntegrityError:',
      '    pass',
      'x = cur.lastrowid',
      '',
    ].join('\n');
    const { changes } = plan(lastrowidToReturning, text);
    expect(changes.map((c) => c.safety)).toEqual(['unsafe']);
  });

  it('connect-to-factory never binds a context-manager factory with `conn = …`', () => {
    const shapes = [
      'conn = sqlite3.connect("a.db")\nconn.commit()\n',
      'def f():\n    return sqlite3.connect("a.db")\n',
      'def f():\n    conn = sqlite3.connect("a.db")\n    return conn\n',
      'run(sqlite3.connect("a.db"))\n',
    ];
    for (const s of shapes) {
      const { changes, refusals } = plan(connectToFactory, `import sqlite3\n${s}`);
      expect(changes, s).toEqual([]);
      expect(refusals.length, s).toBeGreaterThan(0);
    }
  });
});
