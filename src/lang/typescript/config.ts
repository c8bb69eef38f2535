import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { ts } from 'ts-morph';

/** The text of a file by absolute path, or undefined when there is none (or it cannot be read). */
export type ReadText = (absPath: string) => string | undefined;

export const readTextFromDisk: ReadText = (absPath) => {
  try {
    return readFileSync(absPath, 'utf8');
  } catch {
    return undefined;
  }
};

/** `"@/*": ["src/*"]`: a `paths` key split at its `*` (no `*`: an exact key, `star` false). */
interface PathPattern {
  prefix: string;
  suffix: string;
  star: boolean;
  targets: string[];
}

/** What a tsconfig.json / jsconfig.json says about module names, with every path absolute. */
interface CompilerAliases {
  paths: PathPattern[];
  /** where `paths` targets are relative to: `baseUrl`, else the directory of the config that declared `paths` */
  pathsBase: string;
  baseUrl?: string;
}

/** The `imports` field of a package.json and the directory its targets are relative to. */
interface PackageImports {
  dir: string;
  imports: Record<string, unknown>;
}

/** Conditions of a package.json `imports` target pgready follows: the source may be loaded either way. */
const CONDITIONS = new Set(['node', 'import', 'require', 'module', 'default']);

/** `target` read from `base`; posix.join rather than resolve, which would prepend the process's directory to `C:/…`. */
function under(base: string, target: string): string {
  return posix.isAbsolute(target) ? posix.normalize(target) : posix.join(base, target);
}

function splitPattern(key: string, targets: string[]): PathPattern | undefined {
  const star = key.indexOf('*');
  if (star < 0) return { prefix: key, suffix: '', star: false, targets };
  // "a/*/b/*" is not a pattern TypeScript accepts either
  if (key.indexOf('*', star + 1) >= 0) return undefined;
  return { prefix: key.slice(0, star), suffix: key.slice(star + 1), star: true, targets };
}

/** TypeScript's choice among `paths` keys: an exact key first, else the matching pattern with the longest prefix. */
function bestPattern(patterns: PathPattern[], spec: string): { p: PathPattern; rest: string } | undefined {
  const exact = patterns.find((p) => !p.star && p.prefix === spec);
  if (exact) return { p: exact, rest: '' };
  let best: PathPattern | undefined;
  for (const p of patterns) {
    if (!p.star || spec.length < p.prefix.length + p.suffix.length) continue;
    if (!spec.startsWith(p.prefix) || !spec.endsWith(p.suffix)) continue;
    if (!best || p.prefix.length > best.prefix.length) best = p;
  }
  return best ? { p: best, rest: spec.slice(best.prefix.length, spec.length - best.suffix.length) } : undefined;
}

/**
 * Module aliases of a project: tsconfig.json / jsconfig.json `compilerOptions.paths` and
 * `baseUrl`, and package.json `imports` (`#db`). Each file is governed by the nearest
 * tsconfig.json (else jsconfig.json) in its directory or above, as the TypeScript language
 * service does; `include` / `exclude` are not consulted. Configs are read with TypeScript's
 * own reader, so comments, trailing commas and `extends` work; a config that cannot be read
 * gives no aliases and never stops the run.
 */
export class JsAliasResolver {
  private readonly compiler = new Map<string, CompilerAliases | null>();
  private readonly packages = new Map<string, PackageImports | null>();

  constructor(private readonly readText: ReadText = readTextFromDisk) {}

  /**
   * Absolute paths `spec` may name when imported from `fromAbs`, most likely first, before
   * extensions are tried. Empty for relative specifiers and for names no alias covers.
   */
  candidates(spec: string, fromAbs: string): string[] {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/')) return [];
    const dir = posix.dirname(fromAbs);
    if (spec.startsWith('#')) {
      const pkg = this.packageOf(dir);
      return pkg ? this.importTargets(pkg, spec) : [];
    }
    const c = this.compilerOf(dir);
    if (!c) return [];
    const out: string[] = [];
    const m = c.paths.length > 0 ? bestPattern(c.paths, spec) : undefined;
    if (m) for (const t of m.p.targets) out.push(under(c.pathsBase, m.p.star ? t.replace('*', m.rest) : t));
    if (c.baseUrl !== undefined) out.push(under(c.baseUrl, spec));
    return out;
  }

  /** The nearest tsconfig.json / jsconfig.json at or above `dir`, parsed (null: none, or unreadable). */
  private compilerOf(dir: string): CompilerAliases | null {
    const seen: string[] = [];
    let found: CompilerAliases | null = null;
    for (let d = dir; ; d = posix.dirname(d)) {
      const known = this.compiler.get(d);
      if (known !== undefined) {
        found = known;
        break;
      }
      seen.push(d);
      const file = [posix.join(d, 'tsconfig.json'), posix.join(d, 'jsconfig.json')].find((f) => this.readText(f) !== undefined);
      if (file) {
        found = this.parseCompilerConfig(file);
        break;
      }
      if (posix.dirname(d) === d) break;
    }
    for (const d of seen) this.compiler.set(d, found);
    return found;
  }

  private parseCompilerConfig(file: string): CompilerAliases | null {
    try {
      const read = ts.readConfigFile(file, (p) => this.readText(p));
      if (read.error || !read.config || typeof read.config !== 'object') return null;
      const host: ts.ParseConfigHost = {
        useCaseSensitiveFileNames: true,
        // the file list is not needed: only compilerOptions are read
        readDirectory: () => [],
        fileExists: (p) => this.readText(p) !== undefined,
        readFile: (p) => this.readText(p),
      };
      const dir = posix.dirname(file);
      const options = ts.parseJsonConfigFileContent(read.config, host, dir, undefined, file).options;
      const paths: PathPattern[] = [];
      for (const [key, targets] of Object.entries(options.paths ?? {})) {
        if (!Array.isArray(targets)) continue;
        const p = splitPattern(key, targets.filter((t): t is string => typeof t === 'string'));
        if (p) paths.push(p);
      }
      const baseUrl = typeof options.baseUrl === 'string' ? options.baseUrl : undefined;
      // paths without baseUrl are relative to the config that declared them (which `extends` may make another file)
      const declaredIn = (options as { pathsBasePath?: unknown }).pathsBasePath;
      const pathsBase = baseUrl ?? (typeof declaredIn === 'string' ? declaredIn : dir);
      if (paths.length === 0 && baseUrl === undefined) return null;
      return { paths, pathsBase, baseUrl };
    } catch {
      return null;
    }
  }

  /** The package scope of `dir`: the nearest package.json, as Node.js finds it, when it has `imports`. */
  private packageOf(dir: string): PackageImports | null {
    const seen: string[] = [];
    let found: PackageImports | null = null;
    for (let d = dir; ; d = posix.dirname(d)) {
      const known = this.packages.get(d);
      if (known !== undefined) {
        found = known;
        break;
      }
      seen.push(d);
      const text = this.readText(posix.join(d, 'package.json'));
      if (text !== undefined) {
        found = parseImports(text, d);
        break;
      }
      if (posix.dirname(d) === d) break;
    }
    for (const d of seen) this.packages.set(d, found);
    return found;
  }

  /** `"#db": "./src/db.js"`, `"#lib/*": "./src/lib/*.js"`, conditional and array targets. */
  private importTargets(pkg: PackageImports, spec: string): string[] {
    let target: unknown;
    let rest: string | undefined;
    if (Object.hasOwn(pkg.imports, spec) && !spec.includes('*')) target = pkg.imports[spec];
    else {
      let best: string | undefined;
      for (const key of Object.keys(pkg.imports)) {
        const star = key.indexOf('*');
        if (star < 0 || key.indexOf('*', star + 1) >= 0) continue;
        const prefix = key.slice(0, star);
        const suffix = key.slice(star + 1);
        if (spec.length < key.length - 1 || !spec.startsWith(prefix) || !spec.endsWith(suffix)) continue;
        if (best === undefined || prefix.length > best.indexOf('*')) {
          best = key;
          rest = spec.slice(prefix.length, spec.length - suffix.length);
        }
      }
      if (best !== undefined) target = pkg.imports[best];
    }
    const out: string[] = [];
    const visit = (t: unknown, depth: number): void => {
      if (depth > 8) return;
      if (typeof t === 'string') {
        // a target naming a package (`"#db": "some-pkg"`) is not a project file
        if (!t.startsWith('./')) return;
        out.push(under(pkg.dir, rest !== undefined ? t.split('*').join(rest) : t));
      } else if (Array.isArray(t)) {
        for (const x of t) visit(x, depth + 1);
      } else if (t && typeof t === 'object') {
        const chosen = Object.entries(t).find(([k]) => CONDITIONS.has(k));
        if (chosen) visit(chosen[1], depth + 1);
      }
    };
    visit(target, 0);
    return out;
  }
}

function parseImports(text: string, dir: string): PackageImports | null {
  try {
    const json: unknown = JSON.parse(text);
    if (!json || typeof json !== 'object') return null;
    const imports = (json as { imports?: unknown }).imports;
    if (!imports || typeof imports !== 'object' || Array.isArray(imports)) return null;
    return { dir, imports: imports as Record<string, unknown> };
  } catch {
    return null;
  }
}
