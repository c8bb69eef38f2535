import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { Config } from '../model/config.js';
import { atLeast, SEVERITIES } from '../model/finding.js';
import type { Finding, Severity } from '../model/finding.js';
import { github } from '../report/github.js';
import { json, jsonChunks } from '../report/json.js';
import { pretty, prettyBody, prettyTime } from '../report/pretty.js';
import { withPriorities } from '../report/priority.js';
import { sarif, sarifChunks } from '../report/sarif.js';
import type { Reporter } from '../report/types.js';
import { summarise } from '../runner.js';
import { readBaselineFor, withoutOwnFiles } from './baseline.js';
import type { PerfOptions } from '../perf/engine.js';
import { DEFAULT_CACHE_DIR } from '../perf/engine.js';
import { cacheDirProblem, cacheDirUnwritable } from '../perf/cache.js';
import type { ReportRecorder } from '../perf/report-cache.js';
import { terminalProgress } from '../perf/progress.js';
import { UsageError } from '../util/errors.js';
import type { CliContext, Writable } from './context.js';
import { pathsAndConfig, reportError, useColor, writeAtomically } from './context.js';

export const FORMATS = ['pretty', 'json', 'sarif', 'github'] as const;

const REPORTERS: Record<(typeof FORMATS)[number], Reporter> = { pretty, json, sarif, github };
export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

export interface AuditArgs {
  paths?: string[];
  format: (typeof FORMATS)[number];
  failOn?: (typeof FAIL_ON)[number];
  config?: string;
  output?: string;
  baseline?: string;
  /** `--no-prefilter`, `--jobs`, `--no-cache`, `--cache-dir`: see src/perf/engine.ts */
  prefilter?: boolean;
  jobs?: number;
  cache?: boolean;
  cacheDir?: string;
  /** The global `--color` / `--no-color` option. */
  color?: boolean;
}

export function auditBuilder(y: Argv): Argv<AuditArgs> {
  return pathsAndConfig(y, 'audit')
    .option('format', { choices: FORMATS, requiresArg: true, default: 'pretty' as const, description: 'Report format' })
    .option('fail-on', {
      choices: FAIL_ON,
      requiresArg: true,
      description: 'Exit 1 when a finding is at or above this severity (default: config failOn, else warning)',
    })
    .option('output', { type: 'string', requiresArg: true, description: 'Write the report to this file instead of stdout (- is stdout)' })
    .option('baseline', {
      type: 'string',
      requiresArg: true,
      description: 'Fail only on findings not in this baseline file (default: the config\'s "baseline", if set)',
    })
    .option('prefilter', { type: 'boolean', default: true, description: 'Skip files whose text cannot hold a finding (--no-prefilter parses every file; findings are the same)' })
    .option('jobs', { type: 'number', requiresArg: true, description: 'Worker threads for parsing (default: one per core, up to 4, for large inputs; 1 = no workers)' })
    .option('cache', { type: 'boolean', default: true, description: 'Reuse the facts of unchanged files from the cache (--no-cache: neither read nor write it)' })
    .option('cache-dir', { type: 'string', requiresArg: true, description: 'Cache directory (default: .pgready-cache)' }) as unknown as Argv<AuditArgs>;
}

/** `pgready audit`: config -> pipeline -> reporter -> stdout or file; the exit code from the threshold. */
export async function runAudit(args: AuditArgs, ctx: CliContext): Promise<number> {
  try {
    const loaded = await ctx.loadConfig(ctx.cwd, { explicitPath: args.config, knownRules: ctx.rules });
    const cfg = withoutOwnFiles(loaded, ctx.cwd, { baseline: args.baseline, output: args.output });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    const compare = readBaselineFor(args.baseline, cfg, ctx.cwd);
    const perf = perfOptions(args, ctx);
    const warnings = lateWarnings(perf, ctx);
    const color = useColor({ flag: args.color, env: ctx.env, isTTY: ctx.stdout.isTTY === true, toFile: args.output !== undefined });
    // the JSON and SARIF reports read the findings once, in order: a large run keeps them on disk
    const streamFindings = (args.format === 'json' || args.format === 'sarif') && compare === undefined;
    // without a baseline every report is a function of the audit's inputs, its format and (pretty)
    // the colour, but for the terminal report's last row (the time): a warm run whose inputs did not
    // change prints the last one again (src/perf/report-cache.ts)
    const report = compare === undefined ? `format=${args.format}${args.format === 'pretty' ? `;color=${color ? 1 : 0}` : ''}` : undefined;
    const result = withPriorities(await ctx.audit(paths, cfg, { cwd: ctx.cwd, perf, streamFindings, ...(report ? { report } : {}) }), cfg, ctx.cwd);
    // for `npm run bench`: what the run parsed, skipped and took from the cache
    if (ctx.env.PGREADY_STATS) ctx.stderr.write(`pgready-stats ${JSON.stringify(perf.stats)}\n`);
    try {
      const code = await reportAudit(args, ctx, cfg, compare, result, color);
      warnings.print();
      return code;
    } finally {
      result.findingsFile?.close();
    }
  } catch (e) {
    return reportError(e, ctx);
  }
}

/** Writes the audit's report; resolves to the exit code. */
async function reportAudit(
  args: AuditArgs,
  ctx: CliContext,
  cfg: Config,
  compare: ReturnType<typeof readBaselineFor>,
  result: Awaited<ReturnType<CliContext['audit']>>,
  color: boolean,
): Promise<number> {
  const baseline = compare?.(result.findings);
  // the gate: with a baseline only new findings count
  const gated = baseline ? result.findings.filter((f) => !baseline.known.has(f.fingerprint)) : result.findings;

  // people read pretty and github output: with a baseline they see what is new; json and sarif
  // keep every finding with its status for tools
  const shown =
    baseline && (args.format === 'pretty' || args.format === 'github')
      ? { ...result, findings: gated, summary: summarise(result.files, gated, result.skipped) }
      : result;
  const reportOpts = { color, cwd: ctx.cwd, sources: result.sources, baseline };
  // the gate is settled before the report goes out: a reader that stops early (`| head`) ends the
  // process from its EPIPE handler, which exits with this code (bin/pgready.cjs)
  const code = gate(args, cfg, result, gated);
  ctx.verdict?.(code);
  // JSON and SARIF go out in pieces: a large project's report is tens of megabytes
  let text: string | Iterable<string | Uint8Array>;
  let recorder: ReportRecorder | undefined;
  // the terminal report's time row is this run's: never kept, always written anew
  const time = args.format === 'pretty' ? prettyTime(result.durationMs) : undefined;
  if (result.replay) text = then(result.replay.pieces(), time);
  else {
    recorder = result.recordReport?.();
    const made =
      args.format === 'json'
        ? jsonChunks(shown, reportOpts)
        : args.format === 'sarif'
          ? sarifChunks(shown, reportOpts)
          : args.format === 'pretty' && recorder
            ? prettyBody(shown, reportOpts)
            : REPORTERS[args.format](shown, reportOpts);
    text = recorder ? then(recorded(typeof made === 'string' ? [made] : made, recorder), time) : made;
  }
  try {
    if (args.output !== undefined) await writeAtomically(resolve(ctx.cwd, args.output), text);
    else if (typeof text === 'string') ctx.stdout.write(text);
    else {
      // a pipe takes what its reader has read: wait for it rather than queue the whole report
      for (const piece of text) if (ctx.stdout.write(piece) === false) await drained(ctx.stdout);
    }
    recorder?.commit(result.summary);
  } finally {
    recorder?.abort();
  }
  if (baseline) {
    const gone = baseline.resolved.length;
    ctx.stderr.write(
      `pgready: baseline ${baseline.label}: ${plural(baseline.newCount, 'new finding')}; ` +
        `${gone} of ${plural(baseline.total, 'baseline finding')} ${gone === 1 ? 'is' : 'are'} gone\n`,
    );
  }

  return code;
}

/** The exit code: 1 when a finding the gate counts (with a baseline, a new one) reaches the threshold. */
function gate(args: AuditArgs, cfg: Config, result: Awaited<ReturnType<CliContext['audit']>>, gated: Finding[]): number {
  const threshold = args.failOn ?? cfg.failOn ?? 'warning';
  if (threshold === 'never') return 0;
  // findings kept on disk or a report printed again (no baseline then): gated by their count of each severity
  if (result.findingsFile || result.replay) return SEVERITIES.some((s) => result.summary.bySeverity[s] > 0 && atLeast(s, threshold as Severity)) ? 1 : 0;
  return gated.some((f) => atLeast(f.severity, threshold as Severity)) ? 1 : 0;
}

/** The pieces, then `last` when there is one. */
function* then<T, U>(pieces: Iterable<T>, last: U | undefined): Generator<T | U> {
  yield* pieces;
  if (last !== undefined) yield last;
}

/**
 * The report's pieces as they are written, a copy of each kept by the recorder: encoded once, for
 * both (the recorder encoded each piece again: 266 MB of a 32,000-file report). JSON and SARIF
 * come encoded already.
 */
function* recorded(pieces: Iterable<string | Uint8Array>, recorder: ReportRecorder): Generator<Uint8Array> {
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    recorder.add(bytes);
    yield bytes;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The speed options of a run; progress goes to stderr on a terminal outside CI. A cache directory
 * that is not pgready's to write in stops the run (UsageError); one that cannot be made or written
 * is reported, and the run goes without it.
 */
export function perfOptions(args: Pick<AuditArgs, 'prefilter' | 'jobs' | 'cache' | 'cacheDir'>, ctx: Pick<CliContext, 'env' | 'stderr' | 'cwd'>): PerfOptions {
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) {
    throw new UsageError(`--jobs must be a whole number of at least 1, not ${String(args.jobs)}.`);
  }
  let jobs = args.jobs;
  const cores = availableParallelism();
  if (jobs !== undefined && jobs > cores) {
    // the work is all CPU: threads beyond the cores only share them, and each holds a heap of its own
    // (2,000 dense files on 2 cores: --jobs 2 152 MB, 3.5 s; --jobs 16 412 MB, 3.8 s; --jobs 64 1.25 GB, 7.8 s)
    ctx.stderr.write(`pgready: warning: --jobs ${jobs} is more than the ${cores} core${cores === 1 ? '' : 's'} this machine lets pgready use; using ${cores}.\n`);
    jobs = cores;
  }
  let cache = args.cache !== false;
  if (cache) {
    if (args.cacheDir !== undefined && args.cacheDir.trim() === '') throw new UsageError('--cache-dir needs the name of a directory (or use --no-cache).');
    const dir = resolve(ctx.cwd, args.cacheDir ?? DEFAULT_CACHE_DIR);
    const named = args.cacheDir === undefined ? `The cache directory ${DEFAULT_CACHE_DIR}` : `--cache-dir ${args.cacheDir}`;
    const problem = cacheDirProblem(dir);
    if (problem !== undefined) {
      throw new UsageError(`${named} (${dir}) ${problem}. Name a directory for the cache alone (pgready makes it when missing), or use --no-cache.`);
    }
    const unwritable = cacheDirUnwritable(dir);
    if (unwritable !== undefined) {
      ctx.stderr.write(`pgready: warning: ${named} (${dir}) ${unwritable}; this run goes without the cache.\n`);
      cache = false;
    }
  }
  return {
    prefilter: args.prefilter !== false,
    jobs,
    cache,
    cacheDir: args.cacheDir,
    progress: terminalProgress(ctx.stderr, ctx.env),
    capYoungGeneration: true,
    stats: { files: 0, parsed: 0, skipped: 0, cacheHits: 0, workers: 0 },
  };
}

/**
 * What the run has to tell the user besides its report, written after it (a warning in the middle
 * of the run would land on its progress line): the first write to the cache that failed.
 */
function lateWarnings(perf: PerfOptions, ctx: Pick<CliContext, 'stderr'>): { print(): void } {
  let cache: string | undefined;
  perf.onCacheWriteError = (dir, error) => {
    cache ??= `pgready: warning: the cache in ${dir} could not be written (${error}); this run's results were not kept there. Make room or fix the directory's permissions, or use --no-cache.\n`;
  };
  return {
    print: () => {
      if (cache) ctx.stderr.write(cache);
    },
  };
}

/** Resolves when a stream that refused more (write() returned false) emits 'drain'. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.once) stream.once('drain', resolve);
    else resolve();
  });
}
