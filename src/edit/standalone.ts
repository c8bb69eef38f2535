import type { Codemod, Target } from '../model/codemod.js';
import type { FileFacts, SourceFile } from '../model/facts.js';
import { extractPythonFacts, indexPython, ModuleTable, ProjectIndex } from '../lang/python/index.js';
import { extractJsFacts, indexJs, JsModuleTable, JsProjectIndex } from '../lang/typescript/index.js';
import { fixFile } from './engine.js';
import type { FileFix } from './engine.js';
import { projectSchema } from './schema.js';
import { defaultTarget, targetFor } from './target.js';

/** The facts of one Python, JavaScript or TypeScript file read on its own, as if it were the whole project. */
export function analyseAlone(source: SourceFile): FileFacts {
  if (source.language === 'javascript' || source.language === 'typescript') {
    const table = new JsModuleTable([{ path: source.path, root: '.' }]);
    let indexes: ReturnType<typeof indexJs>[] = [];
    try {
      indexes = [indexJs(source, table)];
    } catch {
      // extractJsFacts below reports what it can
    }
    return extractJsFacts(source, new JsProjectIndex(table, indexes));
  }
  const table = new ModuleTable([{ path: source.path, root: '.' }]);
  let indexes: ReturnType<typeof indexPython>[] = [];
  try {
    indexes = [indexPython(source, table)];
  } catch {
    // extractPythonFacts below reports what it can
  }
  return extractPythonFacts(source, new ProjectIndex(table, indexes));
}

/** The language of a file named `path`, for in-memory fixtures: `.py`, or one of the JavaScript/TypeScript extensions. */
export function languageOfPath(path: string): SourceFile['language'] {
  const dot = path.lastIndexOf('.');
  const ext = dot < 0 ? '' : path.slice(dot).toLowerCase();
  if (['.ts', '.tsx', '.mts', '.cts'].includes(ext)) return 'typescript';
  if (['.js', '.jsx', '.mjs', '.cjs'].includes(ext)) return 'javascript';
  return 'python';
}

/**
 * Runs the engine on one Python, JavaScript or TypeScript text in memory (no discovery, no disk):
 * what the codemod fixture harness and unit tests use. The language follows the extension of
 * `path`; the schema comes from the file's own CREATE TABLEs.
 */
export async function fixText(
  path: string,
  text: string,
  codemods: readonly Codemod[],
  opts: { target?: Target; unsafeFixes?: boolean } = {},
): Promise<FileFix> {
  const source: SourceFile = { path, absPath: `/${path}`, language: languageOfPath(path), text };
  const facts = analyseAlone(source);
  return fixFile(source, facts, {
    codemods,
    ctx: { target: targetFor(source.language, opts.target ?? defaultTarget()), schema: projectSchema([facts]) },
    reanalyse: analyseAlone,
    unsafeFixes: opts.unsafeFixes ?? false,
  });
}
