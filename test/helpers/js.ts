import { extractJsFacts, indexJs, JsModuleTable, JsProjectIndex } from '../../src/lang/typescript/index.js';
import type { FileFacts, SourceFile } from '../../src/model/facts.js';

/** An in-memory JavaScript/TypeScript project: path -> that file's facts over the project index. */
export function jsProject(files: Record<string, string>): (path: string) => FileFacts {
  const sources = new Map<string, SourceFile>();
  for (const [path, text] of Object.entries(files)) {
    sources.set(path, { path, absPath: `/p/${path}`, language: /\.[cm]?tsx?$/.test(path) ? 'typescript' : 'javascript', text });
  }
  const table = new JsModuleTable([...sources.values()].map((s) => ({ path: s.path, root: '.' })));
  const index = new JsProjectIndex(table, [...sources.values()].map((s) => indexJs(s, table)));
  return (path) => extractJsFacts(sources.get(path)!, index);
}
