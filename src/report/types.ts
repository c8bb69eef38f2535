import type { RunResult } from '../model/run.js';

export interface ReportOptions {
  color: boolean;
  /** The directory paths are shown relative to. */
  cwd: string;
  /** File text by finding path, for code frames. */
  sources?: Map<string, string>;
}

/** Formats one run. Pure: no fs, no analysis, no printing. */
export type Reporter = (run: RunResult, opts: ReportOptions) => string;
