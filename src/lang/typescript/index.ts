import { Project, ts } from 'ts-morph';
import type { FileFacts, SourceFile } from '../../model/facts.js';
import { JsModuleAnalyzer } from './analyzer.js';
import type { JsModuleIndex, JsModuleTable } from './project.js';
import { JsProjectIndex } from './project.js';
import { scriptKindOf } from './syntax.js';

export { JsModuleTable, JsProjectIndex } from './project.js';
export type { JsModuleIndex } from './project.js';

let project: Project | undefined;
let parsed = 0;
/** Removing a file from a ts-morph project costs several times its parse: a batch of files shares one project, then the whole project is dropped. */
const FILES_PER_PROJECT = 64;

/**
 * Parses one file's text into a syntax tree. Nothing is loaded from disk: no tsconfig, no
 * lib files, no node_modules; the in-memory project only ever holds texts given to it here.
 * (Module aliases from tsconfig.json / package.json are JsModuleTable's business: config.ts.)
 */
export function parseJs(file: SourceFile): ts.SourceFile {
  if (!project || parsed % FILES_PER_PROJECT === 0) {
    project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true }, skipLoadingLibFiles: true });
  }
  // a fresh path per parse: the index and facts passes read the same file twice. `..` segments
  // (a file scanned outside the working directory) would climb out of the fresh directory
  const path = `/${parsed++}/${file.path
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.' && seg !== '..')
    .join('/')}`;
  return project.createSourceFile(path, file.text, { scriptKind: scriptKindOf(file.path) }).compilerNode;
}


function languageOf(file: SourceFile): 'javascript' | 'typescript' {
  return file.language === 'typescript' ? 'typescript' : 'javascript';
}

/** The index pass: what this module exports and what its functions return. */
export function indexJs(file: SourceFile, table: JsModuleTable): JsModuleIndex {
  const a = new JsModuleAnalyzer(parseJs(file), file.path, new JsProjectIndex(table, []), 'index', languageOf(file));
  a.run();
  return a.index();
}

/** Every SQLite fact of one JavaScript/TypeScript file: a pure function of (file, project index). */
export function extractJsFacts(file: SourceFile, project: JsProjectIndex): FileFacts {
  const a = new JsModuleAnalyzer(parseJs(file), file.path, project, 'facts', languageOf(file));
  a.run();
  return a.facts;
}
