import { renameSync, rmSync, unlinkSync } from 'node:fs';

/** The signals that end a run early, and the exit code each ends it with (128 + its number, as a shell reports it). */
const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const;

/**
 * Runs `fn` with an interrupt (Ctrl-C), SIGTERM or SIGHUP ending the process through
 * process.exit, with the usual exit code: unlike Node's default for these signals, that runs the
 * 'exit' listeners, which remove what the run left on disk (scratch directories: src/perf/spill.ts;
 * temporary files: removeAtExit). Without it, an interrupted audit of 8,000 files left a 109 MB
 * scratch directory in the cache for a day, and a report half written.
 */
export async function exitingOnSignals<T>(fn: () => Promise<T>): Promise<T> {
  const handlers = SIGNALS.map(([signal, code]) => {
    const handler = (): never => process.exit(code);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await fn();
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}

/** What removeAtExit removes, by path: true for a directory. */
const atExit = new Map<string, boolean>();

/** The one 'exit' listener for all of them (one each would pass Node's limit of ten and its warning). */
function removeAll(): void {
  for (const [path, dir] of atExit) {
    try {
      if (!dir) unlinkSync(path);
      else {
        // worker threads still run while the exit listeners do, and may make a file in the
        // directory as it is removed (rmSync then fails, ENOTEMPTY): moved first, the directory
        // takes no new file by its name
        const moved = `${path}-gone`;
        renameSync(path, moved);
        rmSync(moved, { recursive: true, force: true });
      }
    } catch {
      // gone already, or left for the next run's sweep
    }
  }
  atExit.clear();
}

/**
 * Removes `path` (a file, or with `dir` a directory and all in it) when the process exits, unless
 * the function returned is called first (it was renamed into place, or removed). Never throws: an
 * 'exit' listener that throws prints a stack trace.
 */
export function removeAtExit(path: string, dir = false): () => void {
  if (atExit.size === 0) process.once('exit', removeAll);
  atExit.set(path, dir);
  return () => {
    atExit.delete(path);
    if (atExit.size === 0) process.removeListener('exit', removeAll);
  };
}
