import { isAbsolute, relative, sep } from 'node:path';
import { linkSqlUse } from '../project.js';
import type { Codemod, Target } from '../model/codemod.js';
import type { ExternalSqlUse, FileFacts, SourceFile } from '../model/facts.js';
import type { Skipped } from '../model/run.js';
import { summariseFixes } from './diff.js';
import type { FixSummary } from './diff.js';
import { fixFile } from './engine.js';
import type { FileFix } from './engine.js';
import type { Tree } from '../lang/python/parser.js';
import { projectSchema } from './schema.js';
import { resolveTarget, targetFor } from './target.js';
import { assertClean, assertNoLinks, assertPresent, assertWritable, encodeLike, writeFileAtomically } from './write.js';
import { isStackOverflow } from '../util/errors.js';

export interface FixInput {
  source: SourceFile;
  facts: FileFacts;
}

export interface FixFilesOptions {
  codemods: readonly Codemod[];
  target: Target;
  unsafeFixes: boolean;
  /** The facts of a file as its adapter reads it, before cross-file linking (`tree`: see FixFileOptions.reanalyse). */
  extract: (source: SourceFile, tree?: Tree) => FileFacts;
}

/**
 * `queries.py` defines GET_TRADE and `api.py` executes it: after a rewrite queries.py is read again
 * on its own, so the other files' uses of its constants are linked in again here.
 */
function relink(facts: FileFacts, uses: readonly ExternalSqlUse[]): FileFacts {
  for (const use of uses) linkSqlUse(facts, use);
  return facts;
}

/** Runs the engine over every file that any selected codemod plans for; files come back sorted by path. */
export async function fixFiles(files: readonly FixInput[], opts: FixFilesOptions): Promise<FileFix[]> {
  const schema = projectSchema(files.map((f) => f.facts));
  const usesOf = new Map<string, ExternalSqlUse[]>();
  for (const f of files) {
    for (const use of f.facts.externalSqlUses) {
      const list = usesOf.get(use.module) ?? [];
      list.push(use);
      usesOf.set(use.module, list);
    }
  }
  const languages = new Set(opts.codemods.flatMap((c) => c.languages ?? ['python']));
  const fixes: FileFix[] = [];
  const sorted = [...files].sort((a, b) => (a.source.path < b.source.path ? -1 : a.source.path > b.source.path ? 1 : 0));
  let n = 0;
  for (const { source, facts } of sorted) {
    if (!languages.has(source.language)) continue;
    const uses = usesOf.get(source.path) ?? [];
    try {
      fixes.push(
        await fixFile(source, facts, {
          codemods: opts.codemods,
          ctx: { target: targetFor(source.language, opts.target), schema },
          reanalyse: (s, tree) => relink(opts.extract(s, tree), uses),
          unsafeFixes: opts.unsafeFixes,
        }),
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // the audit analyses such a file on a worker with a larger stack; fix runs on this thread
      const detail = isStackOverflow(err)
        ? 'the file nests an expression too deeply for the fix (thousands of levels: the stack ran out); it was left untouched. Rewrite that expression by hand (CPython itself stops compiling at about 3,000 levels).'
        : `fixing the file failed (${message}); it was left untouched. Please report this with the file attached.`;
      fixes.push({ source, text: source.text, applied: [], pendingUnsafe: [], refusals: [], passes: 0, failure: { check: 'internal', detail } });
    }
    // native tree-sitter trees are freed only when the event loop turns
    if (++n % 8 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  return fixes;
}

export interface FixRunOptions {
  cwd: string;
  codemods: readonly Codemod[];
  unsafeFixes: boolean;
  /** 'dry-run' writes nothing */
  mode: 'dry-run' | 'write';
  allowDirty: boolean;
}

export interface FixRunResult {
  fixes: FileFix[];
  summary: FixSummary;
  skipped: Skipped[];
  /** paths written (relative, sorted); empty on a dry run */
  written: string[];
  /** what the audit's prefilter said of each file's text on disk (see analyseSources); absent: may hold facts */
  mayHoldFacts?: (file: string) => boolean;
}

/**
 * Everything after analysis: the target from the config, the engine over every file, then
 * (mode 'write') the dirty-tree check and one atomic write per changed file.
 */
export async function runFix(
  files: readonly FixInput[],
  skipped: Skipped[],
  cfg: { target?: unknown; source?: string },
  opts: FixRunOptions & { extract: FixFilesOptions['extract'] },
): Promise<FixRunResult> {
  const target = resolveTarget(cfg.target, cfg.source ? shownPath(opts.cwd, cfg.source) : 'pgready.config.json');
  const fixes = await fixFiles(files, { codemods: opts.codemods, target, unsafeFixes: opts.unsafeFixes, extract: opts.extract });
  const summary = summariseFixes(fixes);
  const written: string[] = [];
  if (opts.mode === 'write') {
    const changed = fixes.filter((f) => f.text !== f.source.text);
    assertPresent(
      changed.map((f) => f.source.absPath),
      (abs) => shownPath(opts.cwd, abs),
    );
    assertClean(
      changed.map((f) => f.source.absPath),
      opts.cwd,
      opts.allowDirty,
      (abs) => shownPath(opts.cwd, abs),
    );
    assertNoLinks(
      changed.map((f) => f.source.absPath),
      (abs) => shownPath(opts.cwd, abs),
    );
    assertWritable(
      changed.map((f) => f.source.absPath),
      (abs) => shownPath(opts.cwd, abs),
    );
    // encode every file first: a file that cannot be written stops the run before anything is written
    const out = changed.map((f) => ({ f, bytes: encodeLike(f.source, f.text) }));
    for (const { f, bytes } of out) {
      writeFileAtomically(f.source.absPath, bytes);
      written.push(f.source.path);
    }
  }
  return { fixes, summary, skipped, written: written.sort() };
}

function shownPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}
