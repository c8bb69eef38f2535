import type { FileFacts, SourceFile } from '../../model/facts.js';
import { ModuleAnalyzer } from './analyzer.js';
import { parsePython } from './parser.js';
import type { Tree } from './parser.js';
import type { ModuleTable, PythonModuleIndex } from './project.js';
import { ProjectIndex } from './project.js';

export { ModuleTable, ProjectIndex } from './project.js';
export type { PythonModuleIndex } from './project.js';

/** The index pass: what this module exports and what its functions return. */
export function indexPython(file: SourceFile, table: ModuleTable): PythonModuleIndex {
  const tree = parsePython(file.text);
  const project = new ProjectIndex(table, []);
  const a = new ModuleAnalyzer(tree, file.text, file.path, project, 'index');
  a.run();
  return a.index();
}

/** Every SQLite fact of one Python file: a pure function of (file, project index). */
export function extractPythonFacts(file: SourceFile, project: ProjectIndex, parsed?: Tree): FileFacts {
  const tree = parsed ?? parsePython(file.text);
  const a = new ModuleAnalyzer(tree, file.text, file.path, project, 'facts');
  a.run();
  return a.facts;
}
