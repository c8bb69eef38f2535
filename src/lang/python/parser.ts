import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ParserType from 'tree-sitter';
import type { Grammar } from './tree.js';
import { ERROR_SYMBOL, FLAG_HAS_ERROR, FLAG_MISSING, FLAG_NAMED, grammar, internalized, NO_PARENT, NODE_WORDS, Tree } from './tree.js';

export { SyntaxNode, Tree } from './tree.js';

const require = createRequire(import.meta.url);

interface NativeParser {
  parse(text: string): Uint32Array;
  parseAsync?(text: string): Promise<Uint32Array>;
  names(): [string[], string[]];
}

/** Which builder made the trees of this thread: the project's addon or the tree-sitter binding. */
export type ParserKind = 'addon' | 'binding';

export interface Backend {
  kind: ParserKind;
  grammar: Grammar;
  flatten(text: string): Uint32Array;
  /** flatten() on libuv's thread pool (the addon only) */
  flattenAsync?(text: string): Promise<Uint32Array>;
}

let backend: Backend | undefined;

/** The addon built by `npm ci` (binding.gyp): from src/lang/python or dist/src/lang/python up to the package root. */
export function addonPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'build', 'Release', 'pgready_pyparse.node');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return undefined;
}

/** The addon's parser; undefined when it is not built, or when PGREADY_PARSER=binding asks for the fallback. */
export function addonBackend(): Backend | undefined {
  if (process.env.PGREADY_PARSER === 'binding') return undefined;
  const path = addonPath();
  if (!path) return undefined;
  try {
    const native = require(path) as NativeParser;
    const [types, fields] = native.names();
    const b: Backend = { kind: 'addon', grammar: grammar(types, fields), flatten: (text) => native.parse(text) };
    if (typeof native.parseAsync === 'function') b.flattenAsync = (text) => native.parseAsync!(text);
    return b;
  } catch {
    return undefined;
  }
}

/** The tree-sitter npm binding, flattened by a TreeCursor walk into the addon's layout. */
export function bindingBackend(): Backend {
  const Parser = require('tree-sitter') as typeof ParserType;
  const Python = require('tree-sitter-python') as unknown;
  const parser = new Parser();
  parser.setLanguage(Python as Parameters<ParserType['setLanguage']>[0]);
  // the binding does not export its name tables: learn each name the first time its id shows up
  const types: string[] = [];
  const fields: string[] = [''];
  const fieldIds = new Map<string, number>();
  const g: Grammar = { types, fields, fieldIds };
  const flatten = (text: string): Uint32Array => {
    // The default 32 KiB input buffer truncates nothing but slows large files; give the whole text.
    const tree = parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 16) });
    const out: number[] = [];
    const stack: number[] = [];
    const cursor = tree.walk();
    for (;;) {
      const index = out.length / NODE_WORDS;
      const flags = (cursor.nodeIsNamed ? FLAG_NAMED : 0) | (cursor.nodeIsMissing ? FLAG_MISSING : 0);
      const symbol = cursor.nodeTypeId;
      if (types[symbol] === undefined) types[symbol] = internalized(cursor.nodeType);
      const field = cursor.currentFieldId;
      if (field > 0 && fields[field] === undefined) {
        fields[field] = internalized(cursor.currentFieldName);
        fieldIds.set(fields[field], field);
      }
      out.push(symbol | (flags << 16), field, cursor.startIndex, cursor.endIndex, stack.length > 0 ? stack[stack.length - 1]! : NO_PARENT, 1);
      if (cursor.gotoFirstChild()) {
        stack.push(index);
        continue;
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (stack.length === 0 || !cursor.gotoParent()) {
          done = true;
          break;
        }
        const parent = stack.pop()!;
        out[parent * NODE_WORDS + 5] = out.length / NODE_WORDS - parent;
      }
      if (done) break;
    }
    const words = Uint32Array.from(out);
    // has-error, as ts_node_has_error: an ERROR or MISSING node, or one above it
    for (let i = words.length / NODE_WORDS - 1; i >= 0; i--) {
      const w = words[i * NODE_WORDS]!;
      const error = (w & 0xffff) === ERROR_SYMBOL || ((w >>> 16) & FLAG_MISSING) !== 0 || ((w >>> 16) & FLAG_HAS_ERROR) !== 0;
      if (!error) continue;
      words[i * NODE_WORDS] = w | (FLAG_HAS_ERROR << 16);
      const p = words[i * NODE_WORDS + 4]!;
      if (p !== NO_PARENT) words[p * NODE_WORDS] = words[p * NODE_WORDS]! | (FLAG_HAS_ERROR << 16);
    }
    return words;
  };
  return { kind: 'binding', grammar: g, flatten };
}

function current(): Backend {
  if (!backend) backend = addonBackend() ?? bindingBackend();
  return backend;
}

/** A Python syntax tree (one parser per thread, created on first use). */
export function parsePython(text: string): Tree {
  const b = current();
  return new Tree(text, b.flatten(text), b.grammar);
}

/**
 * parsePython(text).words, parsed on a thread of libuv's pool while this one goes on; undefined
 * when this thread's parser is not the addon (src/perf/parse-ahead.ts).
 */
export function parsePythonAsync(text: string): Promise<Uint32Array> | undefined {
  return current().flattenAsync?.(text);
}

/** A tree parsed before, from its words (parsePython(text).words, on any thread of this process). */
export function treeOf(text: string, words: Uint32Array): Tree {
  return new Tree(text, words, current().grammar);
}
