/** Where progress goes: stderr when it is a terminal, not in CI, and only for runs longer than a second. */
export interface ProgressSink {
  start(total: number): void;
  advance(n: number): void;
  finish(): void;
}

export const SILENT: ProgressSink = { start() {}, advance() {}, finish() {} };

export function terminalProgress(stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown }, env: Record<string, string | undefined>): ProgressSink {
  if (!stream.isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return SILENT;
  let total = 0;
  let done = 0;
  let started = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (now: number) => {
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    stream.write(`\r\x1b[2Kpgready: ${done}/${total} files analysed, ${rate} files/s`);
    drawn = true;
    lastDraw = now;
  };
  return {
    start(n) {
      total = n;
      done = 0;
      started = performance.now();
    },
    advance(n) {
      done += n;
      const now = performance.now();
      // nothing for the first second; then at most ten redraws a second
      if (now - started < 1000 || now - lastDraw < 100) return;
      draw(now);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
