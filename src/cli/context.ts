import type { Argv } from 'yargs';
import { randomBytes } from 'node:crypto';
import { realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../model/config.js';
import type { PerfOptions } from '../perf/engine.js';
import type { Rule } from '../model/rule.js';
import type { RunRefusal, RunResult } from '../model/run.js';
import { FileChangedError } from '../perf/manifest.js';
import type { Replay, ReportRecorder } from '../perf/report-cache.js';
import { ConfigError, ScratchError, UsageError } from '../util/errors.js';
import { removeAtExit } from '../util/interrupt.js';

export type AuditFn = (
  paths: string[],
  cfg: Config,
  opts: { cwd: string; perf?: PerfOptions; streamFindings?: boolean; report?: string },
) => Promise<RunResult & { sources: Map<string, string>; replay?: Replay; recordReport?: () => ReportRecorder | undefined }>;

/** What `fix` would leave to a person: a dry run of every codemod, audited again (src/edit/outcome.ts). */
export type ManualFn = (
  paths: string[],
  cfg: Config,
  opts: { cwd: string; findings: RunResult['findings'] },
) => Promise<{ refusals: RunRefusal[]; remains: string[] }>;

/** The Markdown section of `pgready verify` for the same paths. */
export type VerifySectionFn = (paths: string[], cfg: Config, opts: { cwd: string; linkPrefix: string }) => Promise<string>;

export type LoadConfigFn = (
  cwd: string,
  opts: { explicitPath?: string; knownRules: Rule[] },
) => Config | Promise<Config>;

export interface Writable {
  /** false: the stream buffers what it could not pass on (a full pipe); it emits 'drain' when it can take more */
  write(text: string | Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
}

/** Everything a command touches outside its arguments; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
  rules: Rule[];
  audit: AuditFn;
  loadConfig: LoadConfigFn;
  version: string;
  /** absent in tests that do not exercise it: the report then shows no manual items of fix's */
  manual?: ManualFn;
  verifySection?: VerifySectionFn;
  /**
   * The exit code, as soon as a command knows it (before its report goes out): the command line
   * keeps it as the process's, so a reader that closes the pipe early (`pgready audit | head`)
   * still gets the gate's verdict. Tests leave it out.
   */
  verdict?(code: number): void;
}

/**
 * Colour on only for a terminal: `--no-color` and NO_COLOR (any non-empty value) turn it off,
 * `--color` and FORCE_COLOR (other than 0/false) turn it on without a terminal; the flag wins over
 * both variables (as no-color.org asks of a flag). A report written to a file is never coloured.
 */
export function useColor(opts: {
  flag: boolean | undefined;
  env: Record<string, string | undefined>;
  isTTY: boolean;
  toFile: boolean;
}): boolean {
  if (opts.flag === false || opts.toFile) return false;
  if (opts.flag === true) return true;
  if (opts.env.NO_COLOR) return false;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return opts.isTTY;
}

/** Writes `text` to a temporary file next to `path`, then renames it over `path`. */
export async function writeAtomically(path: string, text: string | Iterable<string | Uint8Array>): Promise<void> {
  const failed = (e: unknown): UsageError => new UsageError(`cannot write the report to ${path}: ${e instanceof Error ? e.message : String(e)}`);
  // what is there already: a new file's place is the path itself
  let target = path;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UsageError(`cannot write the report to ${path}: it is a directory; name a file.`);
    if (!st.isFile()) {
      // /dev/null, /dev/stdout, a named pipe: written in place, as `>` does. A file renamed over one
      // would put a regular file where the device was (as root, --output /dev/null replaced it).
      await writeFile(path, text, 'utf8').catch((e: unknown) => Promise.reject(failed(e)));
      return;
    }
    // a symbolic link: the file it names is replaced, the link kept
    target = await realpath(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // missing (or under a missing directory, said by the write below)
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // an interrupted run leaves no half-written report beside the file (exitingOnSignals)
  const forget = removeAtExit(tmp);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw failed(e);
  } finally {
    forget();
  }
}

/**
 * The exit code for an error escaping a command: 2 either way, but only usage and configuration
 * errors are the user's to fix; anything else is a pgready bug and says so.
 */
export function reportError(e: unknown, ctx: Pick<CliContext, 'stderr' | 'env'>): number {
  if (e instanceof UsageError || e instanceof ConfigError || e instanceof FileChangedError || e instanceof ScratchError) {
    ctx.stderr.write(`pgready: ${e.message}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  ctx.stderr.write(
    `pgready: internal error: ${message}\n` +
      'This is a bug in pgready. Please report it with the command you ran ' +
      '(set PGREADY_DEBUG=1 to include a stack trace).\n',
  );
  if (ctx.env.PGREADY_DEBUG === '1' && e instanceof Error && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return 2;
}

/** The rule named by id or name (any case). */
export function findRule(rules: readonly Rule[], query: string): Rule | undefined {
  const q = query.trim().toLowerCase();
  return rules.find((r) => r.id.toLowerCase() === q || r.name.toLowerCase() === q);
}

/** The closest rule id or name to a mistyped one, if any is close enough to be a likely typo. */
export function suggestRule(rules: readonly Rule[], query: string): Rule | undefined {
  const q = query.trim().toLowerCase();
  let best: { rule: Rule; distance: number } | undefined;
  for (const rule of rules) {
    for (const key of [rule.id, rule.name]) {
      const d = editDistance(q, key.toLowerCase());
      if (!best || d < best.distance) best = { rule, distance: d };
    }
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(q.length / 3)) ? best.rule : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** `[paths..]` and `--config`, which every command that reads a project takes. */
export function pathsAndConfig(y: Argv, verb: string): Argv {
  return y
    .positional('paths', {
      type: 'string',
      array: true,
      description: `Files or directories to ${verb}`,
      defaultDescription: 'the current directory',
    })
    .option('config', { type: 'string', requiresArg: true, description: 'Config file (default: pgready.config.json, else the "pgready" key of package.json)' });
}
