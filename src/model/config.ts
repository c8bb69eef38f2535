import type { Severity } from './finding.js';

export type Priority = 'critical' | 'high' | 'medium' | 'low';

export interface Config {
  /** Directory the config was found in (or the working directory); paths are relative to it. */
  root: string;
  /** Where the config came from, for error messages; undefined when defaults are used. */
  source?: string;
  /** Globs of files to read (relative to root). Empty means every supported file. */
  include: string[];
  /** Globs never read, added to the built-in excludes and .gitignore. */
  exclude: string[];
  /** Rule id or name -> 'off' | 'on' | a severity override. */
  rules: Record<string, 'off' | 'on' | Severity>;
  /** Checklist priority globs. */
  priorities: Partial<Record<Priority, string[]>>;
  /** Files larger than this many bytes are skipped with a reason. */
  maxFileBytes: number;
  failOn: Severity;
  baseline?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export function defaultConfig(root: string): Config {
  return {
    root,
    include: [],
    exclude: [],
    rules: {},
    priorities: {},
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    failOn: 'warning',
  };
}
