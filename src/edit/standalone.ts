import type { Codemod, Target } from '../model/codemod.js';
import type { FileFacts, SourceFile } from '../model/facts.js';
import { extractPythonFacts, indexPython, ModuleTable, ProjectIndex } from '../lang/python/index.js';
import { fixFile } from './engine.js';
import type { FileFix } from './engine.js';
import { projectSchema } from './schema.js';
import { defaultTarget } from './target.js';

/** The facts of one Python file read on its own, as if it were the whole project. */
export function analyseAlone(source: SourceFile): FileFacts {
  const table = new ModuleTable([{ path: source.path, root: '.' }]);
  let indexes: ReturnType<typeof indexPython>[] = [];
  try {
    indexes = [indexPython(source, table)];
  } catch {
    // extractPythonFacts below reports what it can
  }
  return extractPythonFacts(source, new ProjectIndex(table, indexes));
}

/**
 * Runs the engine on one Python text in memory (no discovery, no disk): what the codemod
 * fixture harness and unit tests use. The schema comes from the file's own CREATE TABLEs.
 */
export async function fixText(
  path: string,
  text: string,
  codemods: readonly Codemod[],
  opts: { target?: Target; unsafeFixes?: boolean } = {},
): Promise<FileFix> {
  const source: SourceFile = { path, absPath: `/${path}`, language: 'python', text };
  const facts = analyseAlone(source);
  return fixFile(source, facts, {
    codemods,
    ctx: { target: opts.target ?? defaultTarget(), schema: projectSchema([facts]) },
    reanalyse: analyseAlone,
    unsafeFixes: opts.unsafeFixes ?? false,
  });
}
