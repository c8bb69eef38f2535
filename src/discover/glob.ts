/**
 * Path patterns with .gitignore semantics, used for .gitignore files and for the config's
 * include / exclude / priorities globs. Paths are relative and '/'-separated.
 *
 * - `*` and `?` never cross a `/`; `[a-z]`, `[!a-z]` are character classes; `\x` is a literal x.
 * - `**` as a whole segment crosses directories: `**\/x`, `a/**`, `a/**\/b`.
 * - A pattern with no `/` except a trailing one matches a name at any depth (`*.db`, `archive`).
 *   Any other pattern is anchored at the base directory (`/build`, `src/*.py`).
 * - A trailing `/` restricts the pattern to directories.
 * - With `braces`, `{a,b}` expands to alternatives (config globs only; git has no braces).
 */
export interface PathPattern {
  /** The pattern as written, for messages. */
  source: string;
  negated: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

export interface CompileOptions {
  /** Allow a leading `!` to negate (gitignore). */
  negation?: boolean;
  /** Expand `{a,b}` alternatives (config globs). */
  braces?: boolean;
}

/** Compiles one pattern; returns undefined for a blank or comment line. */
export function compilePattern(raw: string, opts: CompileOptions = {}): PathPattern | undefined {
  let p = trimTrailingSpaces(raw);
  if (p === '' || p.startsWith('#')) return undefined;
  let negated = false;
  if (opts.negation && p.startsWith('!')) {
    negated = true;
    p = p.slice(1);
  }
  if (p.startsWith('\\#') || p.startsWith('\\!')) p = p.slice(1);
  if (p.startsWith('./')) p = p.slice(2);
  let dirOnly = false;
  if (p.endsWith('/') && !p.endsWith('\\/')) {
    dirOnly = true;
    p = p.replace(/\/+$/, '');
  }
  if (p === '') return undefined;
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const alternatives = opts.braces ? expandBraces(p) : [p];
  const bodies = alternatives.map(globBody);
  const body = bodies.length === 1 ? bodies[0]! : `(?:${bodies.join('|')})`;
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { source: raw.trim(), negated, dirOnly, regex };
}

/** Does `pattern` match the relative path `rel` (a directory when `isDir`)? */
export function patternMatches(pattern: PathPattern, rel: string, isDir: boolean): boolean {
  if (pattern.dirOnly && !isDir) return false;
  return pattern.regex.test(rel);
}

/**
 * Config glob test: matches when a pattern matches the path itself or one of its ancestor
 * directories, so `archive`, `archive/` and `archive/**` all cover `archive/old/x.py`.
 */
export function matchesAny(patterns: PathPattern[], rel: string, isDir: boolean): boolean {
  if (patterns.length === 0 || rel === '' || rel.startsWith('../') || rel === '..') return false;
  const parts = rel.split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    const prefixIsDir = n < parts.length || isDir;
    if (patterns.some((p) => !p.negated && patternMatches(p, prefix, prefixIsDir))) return true;
  }
  return false;
}

/** Compiles config globs (`include`, `exclude`, `priorities`): braces on, negation off. */
export function compileGlobs(globs: readonly string[]): PathPattern[] {
  return globs.map((g) => compilePattern(g, { braces: true })).filter((p): p is PathPattern => p !== undefined);
}

/** git drops trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t' || s[end - 1] === '\r')) end--;
  if (end < s.length && end > 0 && s[end - 1] === '\\') end++;
  return s.slice(0, end);
}

const REGEX_SPECIAL = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/']);

function escapeChar(c: string): string {
  return REGEX_SPECIAL.has(c) ? `\\${c}` : c;
}

/** The regex source for one brace-free pattern (leading `/` already removed). */
function globBody(p: string): string {
  const segments = p.split('/');
  let out = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      // a/**  -> everything inside a;  **/b and a/**/b -> zero or more directories
      if (last) out += i === 0 ? '.*' : '.+';
      else out += '(?:[^/]*/)*';
      return;
    }
    out += segmentBody(seg);
    if (!last) out += '/';
  });
  return out;
}

function segmentBody(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) {
      out += escapeChar(seg[++i]!);
    } else if (c === '*') {
      while (seg[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const cls = charClass(seg, i);
      if (cls) {
        out += cls.source;
        i = cls.end;
      } else {
        out += '\\[';
      }
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

/** `[abc]`, `[!a-z]`, `[^0-9]` starting at `start`; undefined when unterminated. */
function charClass(seg: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (seg[i] === '!' || seg[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  // a `]` right after the opening bracket is a literal
  if (seg[i] === ']') {
    body += '\\]';
    i++;
  }
  for (; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === ']') return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    if (c === '\\' && i + 1 < seg.length) body += `\\${seg[++i]!}`;
    else if (c === '-') body += '-';
    else body += escapeChar(c);
  }
  return undefined;
}

/** `src/{a,b}/*.{py,sh}` -> four patterns. An unbalanced brace is a literal. */
export function expandBraces(p: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const options = splitTopLevelCommas(p.slice(open + 1, i));
        if (options.length < 2) continue;
        const head = p.slice(0, open);
        const tails = expandBraces(p.slice(i + 1));
        const out: string[] = [];
        for (const opt of options) for (const o of expandBraces(opt)) for (const t of tails) out.push(head + o + t);
        return out;
      }
    }
  }
  return [p];
}

function splitTopLevelCommas(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(s.slice(from));
  return parts;
}
