import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';

const require = createRequire(import.meta.url);

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

let parser: ParserType | undefined;

/** One tree-sitter parser per thread, created on first use. */
export function parsePython(text: string): Tree {
  if (!parser) {
    const Parser = require('tree-sitter') as typeof ParserType;
    const Python = require('tree-sitter-python') as unknown;
    parser = new Parser();
    parser.setLanguage(Python as Parameters<ParserType['setLanguage']>[0]);
  }
  // The default 32 KiB input buffer truncates nothing but slows large files; give the whole text.
  return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 16) });
}
