import type { BaselineComparison } from '../baseline.js';
import type { RunResult } from '../model/run.js';

export interface ReportOptions {
  color: boolean;
  /** The directory paths are shown relative to. */
  cwd: string;
  /** File text by finding path, for code frames. */
  sources?: Map<string, string>;
  /** The run measured against a baseline (`--baseline`): statuses, progress, resolved items. */
  baseline?: BaselineComparison;
  /** Markdown: the path from the document's directory back to `cwd` (`..` for docs/report.md), prefixed to every link; default none. */
  linkPrefix?: string;
}

/** Formats one run. Pure: no fs, no analysis, no printing. */
export type Reporter = (run: RunResult, opts: ReportOptions) => string;
