import { describe, expect, it } from 'vitest';
import { factoriesDefinedIn, solveFactories } from '../src/lang/factories.js';
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
  const solved = solveFactories(modules, (f) => f.replace('.py', ''), (r: Ref, known) =>
    r.t === 'conn' ? r.lib : known.get(r.file, r.name)?.lib,
  );

  it('follows a chain across files declared in the worst order, to any depth', () => {
    expect(solved.keys()).toEqual(['a.py\0top', 'b.py\0mid', 'c.py\0base']);
    expect(solved.size).toBe(3);
    expect(solved.get('a.py', 'top')).toEqual({ qualifiedName: 'a.top', lib: 'sqlite3', kind: 'function' });
    expect(solved.get('c.py', 'plain')).toBeUndefined();
  });

  it('lists the factories a file defines, and not the others', () => {
    expect(factoriesDefinedIn(modules.get('c.py'), 'c.py', solved).map((f) => f.name)).toEqual(['base']);
    expect(factoriesDefinedIn(undefined, 'x.py', solved)).toEqual([]);
  });
});
