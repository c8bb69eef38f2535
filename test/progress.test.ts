// Progress on stderr (src/perf/progress.ts): on a terminal only, never in CI, nothing in a run's
// first second; each stage of the run (indexed, analysed, checked) counted under its own name.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { audit } from '../src/pipeline.js';
import { defaultConfig } from '../src/model/config.js';
import type { ProgressSink, StageProgress } from '../src/perf/progress.js';
import { terminalProgress } from '../src/perf/progress.js';
import { repoRoot } from './helpers/paths.js';

/** A terminal's stderr: what is on its line now (each \r\x1b[2K clears it). */
function terminal(isTTY = true) {
  const writes: string[] = [];
  return {
    isTTY,
    writes,
    write: (s: string) => writes.push(s),
    get line(): string {
      const all = writes.join('');
      const clear = '\r\x1b[2K';
      return all.slice(all.lastIndexOf(clear) + clear.length);
    },
  };
}

describe('terminalProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is silent off a terminal and in CI', () => {
    for (const [stream, env] of [
      [terminal(false), {}],
      [terminal(), { CI: 'true' }],
      [terminal(), { CI: '1' }],
    ] as const) {
      const p = terminalProgress(stream, env);
      p.start(10);
      vi.advanceTimersByTime(2000);
      p.advance(5);
      p.stage?.('checked', 10).advance(5);
      p.finish();
      expect(stream.writes).toEqual([]);
    }
  });

  /** After `ms` more, `advance` runs; then the terminal's line is `line`. */
  const after = (stream: ReturnType<typeof terminal>, ms: number, advance: () => void, line: string) => {
    vi.advanceTimersByTime(ms);
    advance();
    expect(stream.line).toBe(line);
  };

  it('draws nothing in the first second, then the count and, after half a second, the rate; at most ten times a second', () => {
    const stream = terminal();
    const p = terminalProgress(stream, { CI: 'false' });
    p.start(100);
    vi.advanceTimersByTime(900);
    p.advance(10);
    expect(stream.writes).toEqual([]);
    after(stream, 100, () => p.advance(10), 'pgready: 20/100 files analysed, 20 files/s');
    after(stream, 50, () => p.advance(10), 'pgready: 20/100 files analysed, 20 files/s');
    after(stream, 50, () => p.advance(1), 'pgready: 31/100 files analysed, 28 files/s');
    p.finish();
    expect(stream.line).toBe('');
  });

  it('counts a stage under its own name, with its own rate, and clears the line when it ends', () => {
    const stream = terminal();
    const p = terminalProgress(stream, {});
    p.start(50);
    after(stream, 1500, () => p.advance(30), 'pgready: 30/50 files analysed, 20 files/s');
    p.finish();
    const checking = p.stage!('checked', 50);
    // the stage's first moments: no rate yet
    after(stream, 200, () => checking.advance(1), 'pgready: 1/50 files checked');
    after(stream, 800, () => checking.advance(49), 'pgready: 50/50 files checked, 50 files/s');
    checking.finish();
    expect(stream.line).toBe('');
    // files that join a stage as it goes raise its total rather than count past it
    const indexing = p.stage!('indexed', 2);
    after(stream, 1000, () => indexing.advance(3), 'pgready: 3/3 files indexed, 3 files/s');
  });
});

describe("an audit's stages", () => {
  it('counts the reading, the index pass and the rules phase to their ends, then finishes them', async () => {
    const stages: { name: string; total: number; done: number; finished: boolean }[] = [];
    const progress: ProgressSink = {
      start() {},
      advance() {},
      finish() {},
      stage(name, total): StageProgress {
        const s = { name, total, done: 0, finished: false };
        stages.push(s);
        return { advance: (n) => (s.done += n), finish: () => (s.finished = true) };
      },
    };
    const root = join(repoRoot, 'fixtures', 'legacy-trading');
    const run = await audit(['.'], defaultConfig(root), { cwd: root, perf: { jobs: 1, cache: false, progress } });
    expect(stages.map((s) => s.name)).toEqual(['read', 'indexed', 'checked']);
    const [read, indexed, checked] = stages;
    // without the cache every file is read
    expect(read).toMatchObject({ total: run.files.length, done: run.files.length, finished: true });
    expect(indexed!.done).toBeGreaterThan(0);
    expect(indexed!.done).toBeGreaterThanOrEqual(indexed!.total);
    expect(checked).toMatchObject({ total: run.files.length, done: run.files.length, finished: true });
    expect(indexed!.finished).toBe(true);
  });
});
