import { defaultConfig } from '../../src/model/config.js';
import type { EngineStats } from '../../src/perf/engine.js';
import { audit } from '../../src/pipeline.js';

/** `fn` run with process.env[name] set to `value` (undefined: unset); the variable is put back as it was after. */
export async function withEnv<T>(name: string, value: string | undefined, fn: () => T | Promise<T>): Promise<T> {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/**
 * A cold audit of `cwd` on this thread, without the cache, with process.env[name] set to `value`:
 * what a run's output holds (findings, files, skips, summary), the files parsed, and its stats.
 */
export async function auditWithEnv(cwd: string, name: string, value: string | undefined) {
  return withEnv(name, value, async () => {
    const stats = { files: 0, parsed: 0, skipped: 0, cacheHits: 0, workers: 0 } as EngineStats;
    const r = await audit(['.'], defaultConfig(cwd), { cwd, perf: { jobs: 1, cache: false, stats } });
    return { result: { findings: r.findings, files: r.files, skipped: r.skipped, summary: r.summary, parsed: stats.parsed }, stats };
  });
}
