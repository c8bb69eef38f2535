import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonBackend, bindingBackend, parsePython } from '../src/lang/python/parser.js';
import type { Backend } from '../src/lang/python/parser.js';
import { NODE_WORDS, Tree } from '../src/lang/python/tree.js';
import { repoRoot } from './helpers/paths.js';

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) pythonFiles(p, out);
    else if (name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Every node as text: type, field, flags, range, parent, subtree size. */
function describeTree(b: Backend, text: string): string[] {
  const words = b.flatten(text);
  const out: string[] = [];
  for (let i = 0; i < words.length / NODE_WORDS; i++) {
    const w = (k: number) => words[i * NODE_WORDS + k]!;
    const symbol = w(0) & 0xffff;
    const type = symbol === 0xffff ? 'ERROR' : b.grammar.types[symbol];
    out.push(`${i} ${type} ${b.grammar.fields[w(1)] ?? '?'} ${w(0) >>> 16} ${w(2)}-${w(3)} ^${w(4) === 0xffffffff ? '-' : w(4)} #${w(5)}`);
  }
  return out;
}

const EDGE_CASES = [
  '',
  'x = 1\r\ny = "caf\u00e9 \u{1f600} \\x41"\r\n',
  'def f(:\n    return "SELECT 1"\n',
  'class A:\n    def m(self):\n        cur.execute(f"SELECT {x!r:>10} FROM t", (1,))\n',
  'x = (\n  "SEL"  # c\n  "ECT"\n)\nif x: pass\nelse\n',
  '\ufeffimport sqlite3\n\u00e9t\u00e9 = sqlite3.connect("\u00e9.db")\n',
];

describe('the flat Python tree', () => {
  const addon = addonBackend();

  it('is built by the addon npm ci compiles (binding.gyp)', () => {
    expect(addon?.kind).toBe('addon');
  });

  it('is the same from the addon and from the tree-sitter binding, node for node', () => {
    const binding = bindingBackend();
    const texts = [...EDGE_CASES, ...pythonFiles(join(repoRoot, 'fixtures')).map((f) => readFileSync(f, 'utf8'))];
    expect(texts.length).toBeGreaterThan(100);
    for (const text of texts) expect(describeTree(addon!, text), text.slice(0, 80)).toEqual(describeTree(binding, text));
  });

  it('answers the SyntaxNode questions the analyzer asks', () => {
    const text = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.execute("SELECT ?", (1,))\n';
    const tree = parsePython(text);
    expect(tree).toBeInstanceOf(Tree);
    const root = tree.rootNode;
    expect(root.type).toBe('module');
    expect(root.namedChildCount).toBe(3);
    const assign = root.namedChild(1)!.firstNamedChild!;
    expect(assign.type).toBe('assignment');
    expect(assign.childForFieldName('left')!.text).toBe('conn');
    const call = assign.childForFieldName('right')!;
    expect(call.type).toBe('call');
    expect(call.childForFieldName('function')!.text).toBe('sqlite3.connect');
    expect(call.childForFieldName('arguments')!.namedChildren.map((c) => c.type)).toEqual(['string']);
    expect(call.startPosition).toEqual({ row: 1, column: 7 });
    expect(call.parent).toBe(assign);
    expect(assign.parent!.nextNamedSibling!.startIndex).toBe(text.indexOf('cur ='));
    expect(root.descendantForIndex(text.indexOf('a.db')).type).toBe('string_content');
    expect(root.hasError).toBe(false);
    expect(parsePython('def f(:\n').rootNode.hasError).toBe(true);
  });
});
