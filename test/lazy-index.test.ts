import { describe, expect, it } from 'vitest';
import { indexPython, ModuleTable } from '../src/lang/python/index.js';
import { LazyProjectIndex, ProjectIndex } from '../src/lang/python/project.js';
import type { PythonModuleIndex } from '../src/lang/python/project.js';
import type { SourceFile } from '../src/model/facts.js';

const src = (path: string, text: string): SourceFile => ({ path, absPath: `/p/${path}`, language: 'python', text });

describe('LazyProjectIndex', () => {
  const files = [
    src('db.py', 'import sqlite3\n\ndef get_conn():\n    return sqlite3.connect("app.db")\n'),
    src('util.py', 'class Client:\n    pass\n\nclient = Client()\nNAME = "users"\n\ndef helper():\n    return 1\n'),
    src('other.py', 'x = 1\n'),
  ];
  const table = new ModuleTable(files.map((f) => ({ path: f.path, root: '.' })));
  const full = new ProjectIndex(table, files.map((f) => indexPython(f, table)));

  it('answers as a full index does, indexing a module only when first asked about it', () => {
    const asked: string[] = [];
    const lazy = new LazyProjectIndex(table, [indexPython(files[0]!, table)], (file) => {
      asked.push(file);
      const f = files.find((s) => s.path === file);
      return f ? (indexPython(f, table) as PythonModuleIndex) : undefined;
    });
    expect(asked).toEqual([]);
    for (const name of ['Client', 'client', 'NAME', 'helper', 'missing']) {
      expect([lazy.hasFunction('util.py', name), lazy.hasClass('util.py', name), lazy.hasConstant('util.py', name), lazy.instanceClass('util.py', name)]).toEqual([
        full.hasFunction('util.py', name),
        full.hasClass('util.py', name),
        full.hasConstant('util.py', name),
        full.instanceClass('util.py', name),
      ]);
    }
    expect(asked).toEqual(['util.py']);
    expect(lazy.factory('db.py', 'get_conn')).toEqual(full.factory('db.py', 'get_conn'));
    expect(lazy.hasFunction('db.py', 'get_conn')).toBe(true);
    // a module outside the project is never indexed
    expect(lazy.hasFunction('elsewhere.py', 'x')).toBe(false);
    expect(asked).toEqual(['util.py']);
  });
});
