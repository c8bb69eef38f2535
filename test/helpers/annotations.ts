import { parsePython } from '../../src/lang/python/parser.js';
import type { SyntaxNode } from '../../src/lang/python/parser.js';
import type { Finding } from '../../src/model/finding.js';
import { ts } from 'ts-morph';

export type Verb = 'expect' | 'ok' | 'todo';

export interface Annotation {
  verb: Verb;
  ids: string[];
  /** 1-based line of the code line the annotation applies to */
  line: number;
  /** 1-based line of the comment itself */
  at: number;
  note?: string;
}

const ANNOTATION = /^\s*(?:#|\/\/)\s*(expect|ok|todo):\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)\s*(?:\((.*)\))?\s*$/;
const COMMENT_LINE = /^\s*(#|\/\/)/;

/** `# expect: SQL201, SQL201 (note)` on its own line applies to the next code line. */
export function parseAnnotations(text: string): Annotation[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Annotation[] = [];
  let pending: Omit<Annotation, 'line'>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = ANNOTATION.exec(line);
    if (m) {
      pending.push({ verb: m[1] as Verb, ids: m[2]!.split(',').map((s) => s.trim()), at: i + 1, note: m[3] });
      continue;
    }
    if (line.trim() === '' || COMMENT_LINE.test(line)) continue;
    for (const p of pending) out.push({ ...p, line: i + 1 });
    pending = [];
  }
  if (pending.length > 0) throw new Error(`annotation at line ${pending[0]!.at} has no code line after it`);
  return out;
}

const CLAUSES = new Set(['except_clause', 'except_group_clause', 'elif_clause', 'else_clause', 'finally_clause', 'case_clause']);

function isStatement(n: SyntaxNode): boolean {
  return (
    n.type.endsWith('_statement') ||
    n.type === 'function_definition' ||
    n.type === 'class_definition' ||
    n.type === 'decorated_definition'
  );
}

/**
 * The lines an annotation may sit above for a finding at `offset`: its own line, the
 * clause it is in (`except …:`), and the innermost statement holding it — so a finding
 * inside a multi-line SQL string is annotated above the statement that runs it.
 */
export function anchorLinesFor(text: string, language: 'python' | 'text' | 'javascript' | 'typescript', path = 'file.ts'): (offset: number, line: number) => number[] {
  if (language === 'javascript' || language === 'typescript') return jsAnchorLines(text, path);
  if (language !== 'python') return (_o, line) => [line];
  const root = parsePython(text).rootNode;
  return (offset, line) => {
    const lines = [line];
    let n: SyntaxNode | null = root.descendantForIndex(offset, offset);
    let clauseSeen = false;
    while (n) {
      if (!clauseSeen && CLAUSES.has(n.type)) {
        lines.push(n.startPosition.row + 1);
        clauseSeen = true;
      }
      if (isStatement(n)) {
        lines.push(n.startPosition.row + 1);
        break;
      }
      n = n.parent;
    }
    return [...new Set(lines)];
  };
}

/** JavaScript/TypeScript: a finding's own line and the innermost statement (or class member) holding it. */
function jsAnchorLines(text: string, path: string): (offset: number, line: number) => number[] {
  const kind = /\.(ts|mts|cts)$/.test(path) ? ts.ScriptKind.TS : /\.tsx$/.test(path) ? ts.ScriptKind.TSX : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const isAnchor = (n: ts.Node) =>
    (ts.isStatement(n) && !ts.isBlock(n)) || ts.isClassElement(n) || ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n);
  return (offset, line) => {
    const lines = [line];
    let n: ts.Node = sf;
    for (;;) {
      const next: ts.Node | undefined = n.getChildren(sf).find((c) => c.getStart(sf) <= offset && offset < c.end);
      if (!next) break;
      n = next;
    }
    for (let p: ts.Node | undefined = n; p && p !== sf; p = p.parent) {
      if (isAnchor(p)) {
        lines.push(lineOf(p.getStart(sf)));
        break;
      }
    }
    return [...new Set(lines)];
  };
}

export interface Mismatch {
  missing: { line: number; id: string }[];
  unexpected: { line: number; id: string; message: string }[];
  /** todo: annotations that now fire (the gap closed: update the fixture) */
  todoFiring: { line: number; id: string }[];
  matched: number;
}

/** Matches findings of the `checked` ids against the annotations. */
export function compare(annotations: Annotation[], findings: Finding[], checked: Set<string>, anchors: (offset: number, line: number) => number[]): Mismatch {
  const expected = new Map<string, number>();
  const key = (line: number, id: string) => `${line}\0${id}`;
  const todo = new Set<string>();
  for (const a of annotations) {
    for (const id of a.ids) {
      if (a.verb === 'expect') expected.set(key(a.line, id), (expected.get(key(a.line, id)) ?? 0) + 1);
      if (a.verb === 'todo') todo.add(key(a.line, id));
    }
  }
  const result: Mismatch = { missing: [], unexpected: [], todoFiring: [], matched: 0 };
  for (const f of findings) {
    if (!checked.has(f.ruleId)) continue;
    const candidates = anchors(f.range.start, f.line);
    const hit = candidates.find((l) => (expected.get(key(l, f.ruleId)) ?? 0) > 0);
    if (hit !== undefined) {
      expected.set(key(hit, f.ruleId), expected.get(key(hit, f.ruleId))! - 1);
      result.matched++;
      continue;
    }
    const anchor = candidates[candidates.length - 1]!;
    const todoLine = candidates.find((l) => todo.has(key(l, f.ruleId)));
    if (todoLine !== undefined) result.todoFiring.push({ line: todoLine, id: f.ruleId });
    else result.unexpected.push({ line: anchor, id: f.ruleId, message: f.message });
  }
  for (const [k, n] of expected) {
    const [line, id] = k.split('\0');
    for (let i = 0; i < n; i++) result.missing.push({ line: Number(line), id: id! });
  }
  result.missing.sort((a, b) => a.line - b.line || a.id.localeCompare(b.id));
  result.unexpected.sort((a, b) => a.line - b.line || a.id.localeCompare(b.id));
  return result;
}

export function describe(file: string, m: Mismatch): string {
  const parts: string[] = [];
  if (m.missing.length) parts.push(`missing (expected, not reported):\n${m.missing.map((x) => `  ${file}:${x.line} ${x.id}`).join('\n')}`);
  if (m.unexpected.length) parts.push(`noisy (reported, not expected):\n${m.unexpected.map((x) => `  ${file}:${x.line} ${x.id} ${x.message}`).join('\n')}`);
  if (m.todoFiring.length) parts.push(`todo now fires (turn it into expect:):\n${m.todoFiring.map((x) => `  ${file}:${x.line} ${x.id}`).join('\n')}`);
  return parts.join('\n');
}
