import { ts } from 'ts-morph';

/** What TypeScript parses a file as, by its extension. */
export function scriptKindOf(path: string): ts.ScriptKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

/** The syntax errors TypeScript's parser recovered from in `text`, read as the file `path` (its extension picks TS, TSX, JS or JSX). */
export function jsSyntaxErrors(path: string, text: string): ts.DiagnosticWithLocation[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindOf(path));
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}
