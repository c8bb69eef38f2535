/** Where progress goes: stderr when it is a terminal, not in CI, and only for runs longer than a second. */
export interface ProgressSink {
  start(total: number): void;
  advance(n: number): void;
  finish(): void;
  /**
   * Another stage of the run, counted on the same line under its own name (`indexed`, `checked`):
   * its own count and rate, until it finishes. Optional: a sink without it shows the analysis only.
   */
  stage?(name: string, total: number): StageProgress;
}

export interface StageProgress {
  advance(n: number): void;
  finish(): void;
}

export const SILENT: ProgressSink = { start() {}, advance() {}, finish() {} };

/** A count on the terminal's line: `pgready: 1200/3942 files analysed, 950 files/s`. */
interface Count {
  name: string;
  total: number;
  done: number;
  started: number;
}

export function terminalProgress(stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown }, env: Record<string, string | undefined>): ProgressSink {
  if (!stream.isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return SILENT;
  /** when the run started: nothing is drawn in its first second */
  let runStarted: number | undefined;
  let lastDraw = -Infinity;
  let drawn = false;
  const analysis: Count = { name: 'analysed', total: 0, done: 0, started: 0 };
  /** the stages under way, the last one shown */
  const shown: Count[] = [];
  const draw = (c: Count, now: number) => {
    const secs = (now - c.started) / 1000;
    // a rate over its first moments says nothing (the first file of a stage: 80,000 files/s)
    const rate = secs >= 0.5 ? `, ${Math.round(c.done / secs)} files/s` : '';
    // a stage may take on files as it goes (the index pass: files that join through a factory)
    const total = Math.max(c.total, c.done);
    stream.write(`\r\x1b[2Kpgready: ${c.done}/${total} files ${c.name}${rate}`);
    drawn = true;
    lastDraw = now;
  };
  const advance = (c: Count, n: number) => {
    c.done += n;
    const now = performance.now();
    // nothing for the run's first second; then at most ten redraws a second, of the latest stage
    if (now - runStarted! < 1000 || now - lastDraw < 100 || shown[shown.length - 1] !== c) return;
    draw(c, now);
  };
  const end = (c: Count) => {
    const at = shown.indexOf(c);
    if (at >= 0) shown.splice(at, 1);
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
    // the stage that was under way before it shows again at its next count
    lastDraw = -Infinity;
  };
  return {
    start(n) {
      const now = performance.now();
      runStarted ??= now;
      Object.assign(analysis, { total: n, done: 0, started: now });
      if (!shown.includes(analysis)) shown.push(analysis);
    },
    advance(n) {
      advance(analysis, n);
    },
    finish() {
      end(analysis);
    },
    stage(name, total) {
      const now = performance.now();
      runStarted ??= now;
      const c: Count = { name, total, done: 0, started: now };
      shown.push(c);
      return { advance: (n) => advance(c, n), finish: () => end(c) };
    },
  };
}
