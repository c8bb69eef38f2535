import { describe, expect, it } from 'vitest';
import { FactoryTable, factoriesDefinedIn, solveFactories } from '../src/lang/factories.js';
import type { IndexedFunction } from '../src/lang/factories.js';

type Ref = { t: 'conn'; lib: string } | { t: 'call'; file: string; name: string };
const fn = (name: string, returns: Ref[]): IndexedFunction<Ref, 'function'> => ({ name, range: { start: 0, end: name.length }, kind: 'function', returns });

describe('solveFactories', () => {
  // a.py: top() -> b.mid(); b.py: mid() -> c.base(); c.py: base() -> sqlite3 conn; plain() -> nothing
  const modules = new Map([
    ['a.py', { functions: [fn('top', [{ t: 'call', file: 'b.py', name: 'mid' }])] }],
    ['b.py', { functions: [fn('mid', [{ t: 'call', file: 'c.py', name: 'base' }])] }],
    ['c.py', { functions: [fn('base', [{ t: 'conn', lib: 'sqlite3' }]), fn('plain', [{ t: 'call', file: 'a.py', name: 'nope' }])] }],
  ]);
  const solved = solveFactories<Ref, 'function', string>(modules, (f) => f.replace('.py', ''), (r, known) =>
    r.t === 'conn' ? r.lib : known.get(r.file, r.name)?.lib,
  );

  it('follows a chain across files declared in the worst order, to any depth', () => {
    expect(solved.keys()).toEqual(['a.py\0top', 'b.py\0mid', 'c.py\0base']);
    expect(solved.size).toBe(3);
    expect(solved.get('a.py', 'top')).toEqual({ qualifiedName: 'a.top', lib: 'sqlite3', kind: 'function' });
    expect(solved.get('c.py', 'plain')).toBeUndefined();
  });

  it('hands its rows to another thread by the files\' positions in the module table, and is the same table there', () => {
    const files = ['0.py', 'a.py', 'b.py', 'bb.py', 'c.py'];
    const rows = solved.rowsAt(files)!;
    expect(rows.map(([at]) => files[at])).toEqual(['a.py', 'b.py', 'c.py']);
    const there = new FactoryTable<string, 'function'>((f) => f.replace('.py', ''), rows.map(([at, row]) => [files[at]!, row]));
    expect(there.keys()).toEqual(solved.keys());
    for (const key of solved.keys()) {
      const [file, name] = key.split('\0') as [string, string];
      expect(there.get(file, name)).toEqual(solved.get(file, name));
    }
    // a file the table does not hold: no rows
    expect(solved.rowsAt(['a.py', 'c.py'])).toBeUndefined();
  });

  it('lists the factories a file defines, and not the others', () => {
    expect(factoriesDefinedIn(modules.get('c.py'), 'c.py', solved).map((f) => f.name)).toEqual(['base']);
    expect(factoriesDefinedIn(undefined, 'x.py', solved)).toEqual([]);
  });
});
