import { relative, resolve, sep } from 'node:path';
import { extractPythonFacts, indexPython, ModuleTable } from './lang/python/index.js';
import { LazyProjectIndex } from './lang/python/project.js';
import type { PythonModuleIndex } from './lang/python/index.js';
import { extractTextFacts } from './lang/text/index.js';
import type { Tree } from './lang/python/parser.js';
import type { JsModuleIndex } from './lang/typescript/index.js';
import type { ExternalSqlUse, FileFacts, SourceFile } from './model/facts.js';
import { emptyFacts } from './model/facts.js';

/**
 * A project held in memory: what `fix` and `verify` re-analyse after rewriting files. The
 * audit's own path (src/perf: prefilter, workers, cache) gives the same facts for files on disk.
 */

export interface AnalysedFile {
  source: SourceFile;
  facts: FileFacts;
  /** false for a Python file the prefilter found cannot hold a finding (its facts are empty, whether or not it was parsed) */
  mayHoldFacts?: boolean;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** The scan root each file was found under: the longest path argument that contains it. */
export function rootFinder(paths: string[], cwd: string): (file: string) => string {
  const roots = paths.map((p) => toPosix(relative(cwd, resolve(cwd, p))) || '.').sort((a, b) => b.length - a.length);
  return (file) => roots.find((r) => r === '.' || file === r || file.startsWith(`${r}/`)) ?? '.';
}

/**
 * The adapter of each language over the cross-file index of these sources (Python and
 * JavaScript/TypeScript). The JavaScript adapter (ts-morph, TypeScript: about 0.3 s to load) is
 * loaded only when there is JavaScript or TypeScript to read.
 */
export async function projectExtractor(
  sources: readonly SourceFile[],
  rootOf: (file: string) => string,
  /** the audit's verdict: a file it says cannot hold a fact defines no factory, and is indexed only when asked about */
  mayHoldFacts: (file: string) => boolean = () => true,
): Promise<(s: SourceFile, tree?: Tree) => FileFacts> {
  const python = sources.filter((s) => s.language === 'python');
  const table = new ModuleTable(python.map((s) => ({ path: s.path, root: rootOf(s.path) })));
  const byPath = new Map(python.map((s) => [s.path, s]));
  const index = (s: SourceFile): PythonModuleIndex | undefined => {
    try {
      return indexPython(s, table);
    } catch {
      // the facts pass reports the file
      return undefined;
    }
  };
  const indexes: PythonModuleIndex[] = [];
  for (const s of python) {
    if (!mayHoldFacts(s.path)) continue;
    const m = index(s);
    if (m) indexes.push(m);
  }
  const project = new LazyProjectIndex(table, indexes, (file) => {
    const s = byPath.get(file);
    return s && !mayHoldFacts(file) ? index(s) : undefined;
  });
  const js = sources.filter((s) => s.language === 'javascript' || s.language === 'typescript');
  if (js.length === 0) return (source, tree) => (source.language === 'python' ? extractPythonFacts(source, project, tree) : extractTextFacts(source));
  const { extractJsFacts, indexJs, JsModuleTable, JsProjectIndex } = await import('./lang/typescript/index.js');
  const jsTable = new JsModuleTable(js.map((s) => ({ path: s.path, root: rootOf(s.path), absPath: s.absPath })));
  const jsIndexes: JsModuleIndex[] = [];
  for (const s of js) {
    try {
      jsIndexes.push(indexJs(s, jsTable));
    } catch {
      // as above
    }
  }
  const jsProject = new JsProjectIndex(jsTable, jsIndexes);
  return (source, tree) =>
    source.language === 'python'
      ? extractPythonFacts(source, project, tree)
      : source.language === 'javascript' || source.language === 'typescript'
        ? extractJsFacts(source, jsProject)
        : extractTextFacts(source);
}

/**
 * Facts of in-memory sources, linked across files; a file the adapters cannot read is left out.
 * `mayHoldFacts` false: a Python file the audit's prefilter found cannot hold a fact, with the
 * text it judged; it gets empty facts without being read (see projectExtractor for its index).
 */
export async function analyseSources(
  sources: readonly SourceFile[],
  rootOf: (file: string) => string,
  mayHoldFacts: (file: string) => boolean = () => true,
): Promise<AnalysedFile[]> {
  const extract = await projectExtractor(sources, rootOf, mayHoldFacts);
  const files: AnalysedFile[] = [];
  let n = 0;
  for (const source of sources) {
    if (source.language === 'python' && !mayHoldFacts(source.path)) {
      files.push({ source, facts: emptyFacts(source.path, 'python'), mayHoldFacts: false });
      continue;
    }
    // native tree-sitter trees are freed only when the event loop turns
    if (++n % 8 === 0) await new Promise<void>((r) => setImmediate(r));
    try {
      files.push({ source, facts: extract(source) });
    } catch {
      // the audit already reported files that cannot be analysed
    }
  }
  linkExternalSql(files);
  return files;
}

/**
 * `from queries import GET_TRADE; cur.execute(GET_TRADE, (id,))`: the SQL lives in
 * queries.py, so that is where it becomes executed SQL (and where its findings are).
 */
export function linkExternalSql(files: AnalysedFile[]): void {
  const incoming = sqlUsesByTarget(files.map((f) => ({ path: f.source.path, uses: f.facts.externalSqlUses })));
  for (const { source, facts } of files) for (const use of incoming.get(source.path) ?? []) linkSqlUse(facts, use);
}

/**
 * The uses of each file's SQL constants in the other files (those of files not analysed left out),
 * in the order linkSqlUse applies them: the audit links one file's facts at a time with these.
 */
export function sqlUsesByTarget(files: readonly { path: string; uses: readonly ExternalSqlUse[] }[]): Map<string, ExternalSqlUse[]> {
  const paths = new Set(files.map((f) => f.path));
  const byTarget = new Map<string, ExternalSqlUse[]>();
  for (const { uses } of files) {
    for (const use of uses) {
      if (!paths.has(use.module)) continue;
      const list = byTarget.get(use.module);
      if (list) list.push(use);
      else byTarget.set(use.module, [use]);
    }
  }
  return byTarget;
}

/** Marks the SqlStrings of the constant `use` names as executed the way `use` executes them. */
export function linkSqlUse(facts: FileFacts, use: ExternalSqlUse): void {
  for (const sql of facts.sqlStrings) {
    if (sql.constant !== use.name) continue;
    if (!sql.executed) {
      sql.executed = true;
      sql.executor = use.executor;
      sql.hasParams = use.hasParams;
      sql.paramsArity = use.paramsArity;
      sql.paramsKind = use.paramsKind;
    } else {
      sql.hasParams ||= use.hasParams;
    }
  }
}
