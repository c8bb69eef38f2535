import type { FileFacts, Range } from './facts.js';

/** A range replacement in the original file's text. insert: start === end; delete: text === ''. */
export interface Edit {
  range: Range;
  text: string;
}

/** Edits applied all together or not at all. */
export interface Change {
  codemod: string;
  title: string;
  safety: 'safe' | 'unsafe';
  edits: Edit[];
}

/** Something a codemod would not rewrite, and why: a manual item in the report. */
export interface Refusal {
  codemod: string;
  range: Range;
  reason: string;
  detail: string;
}

export interface CodemodOutput {
  change(c: Omit<Change, 'codemod'>): void;
  refuse(range: Range, reason: string, detail: string): void;
}

export interface Codemod {
  /** a verb phrase, equal to the file name under codemods/ */
  name: string;
  title: string;
  /** the rule ids whose findings it rewrites */
  resolves: string[];
  plan(facts: FileFacts, options: unknown, out: CodemodOutput): void;
}

export function defineCodemod(codemod: Codemod): Codemod {
  return codemod;
}
