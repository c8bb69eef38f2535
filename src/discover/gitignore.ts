import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compilePattern, patternMatches, type PathPattern } from './glob.js';

/** The patterns of one .gitignore file; they apply to paths under `base`. */
export interface IgnoreFile {
  base: string;
  patterns: PathPattern[];
}

export function parseGitignore(base: string, text: string): IgnoreFile {
  const patterns: PathPattern[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const p = compilePattern(line, { negation: true });
    if (p) patterns.push(p);
  }
  return { base, patterns };
}

/** Reads `<dir>/.gitignore`; a missing or unreadable one counts as empty. */
export async function loadGitignore(dir: string): Promise<IgnoreFile | undefined> {
  let text: string;
  try {
    // synchronous: a walk asks once per directory, and a thread-pool round trip costs more than the read
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  const file = parseGitignore(dir, text);
  return file.patterns.length > 0 ? file : undefined;
}

export function toSlash(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * git's rule: the last matching pattern decides, and patterns of a deeper .gitignore come after
 * those of its parents. `stack` is ordered from the outermost .gitignore to the innermost.
 * (A path inside an ignored directory is never asked about: the walk does not enter it.)
 */
export function isIgnored(stack: readonly IgnoreFile[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const file of stack) {
    const rel = toSlash(relative(file.base, abs));
    if (rel === '' || rel.startsWith('../') || rel === '..') continue;
    for (const p of file.patterns) {
      if (patternMatches(p, rel, isDir)) ignored = !p.negated;
    }
  }
  return ignored;
}
