import type { ConnectionEscape, Offset, Range, StatementPos } from '../../model/facts.js';
import type { SyntaxNode } from './parser.js';

/**
 * Syntax positions that codemods need to restructure code (wrap statements in a `with` block,
 * remove a `close()`, add an import line) without parsing anything themselves.
 */

const CR = 13;
const LF = 10;

function lineStart(text: string, at: Offset): Offset {
  let i = at;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === LF || c === CR) break;
    i--;
  }
  return i;
}

/** Offset just past the line break ending the line that holds `at` (or the end of the text). */
function nextLineStart(text: string, at: Offset): Offset {
  let i = at;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    i++;
  }
  return text.length;
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

/** A statement's position: its indentation and whether it has its lines to itself. */
export function statementPos(stmt: SyntaxNode, text: string): StatementPos {
  const start = lineStart(text, stmt.startIndex);
  const end = nextLineStart(text, stmt.endIndex);
  const before = text.slice(start, stmt.startIndex);
  // `x = 1; conn = connect()` or `conn = connect(); x = 1`: not alone
  let after = stmt.endIndex;
  while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
  const tail = text.charCodeAt(after);
  const endsLine = after >= text.length || tail === LF || tail === CR || text[after] === '#';
  return {
    range: { start: stmt.startIndex, end: stmt.endIndex },
    indent: isBlank(before) ? before : '',
    alone: isBlank(before) && endsLine,
    lines: { start, end },
  };
}

/** The statement node an expression belongs to (the `expression_statement`, `return_statement` …). */
export function enclosingStatement(node: SyntaxNode): SyntaxNode | undefined {
  let n: SyntaxNode | null = node;
  while (n && !isStatementNode(n)) n = n.parent;
  return n ?? undefined;
}

function isStatementNode(n: SyntaxNode): boolean {
  const p = n.parent;
  return !!p && (p.type === 'block' || p.type === 'module');
}

/** The statement before `stmt` in its block, skipping comments. */
export function previousStatement(stmt: SyntaxNode): SyntaxNode | undefined {
  let p = stmt.previousNamedSibling;
  while (p && p.type === 'comment') p = p.previousNamedSibling;
  return p ?? undefined;
}

/** `conn.close()` as a statement of its own. */
function isCloseOf(stmt: SyntaxNode, name: string): boolean {
  if (stmt.type !== 'expression_statement' || stmt.namedChildCount !== 1) return false;
  const call = stmt.namedChildren[0]!;
  if (call.type !== 'call') return false;
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!fn || fn.type !== 'attribute' || (args && args.namedChildCount > 0)) return false;
  return fn.childForFieldName('object')?.text === name && fn.childForFieldName('attribute')?.text === 'close';
}

export interface ConnectionShape {
  statement: StatementPos;
  closeCall?: StatementPos;
  tryFinally?: { header: Range; finallyLines: Range };
  closingWrapper?: Range;
  escapes: ConnectionEscape[];
  bodyLines: Offset[];
}

/**
 * For `name = <call>` (the whole statement) and `with <call> as name:`: the statement, the
 * first `name.close()` after it in the same block, the uses of `name` that let the connection
 * leave that span, and the lines between that can be re-indented. Undefined for other shapes
 * (`a = b = connect()`, `conn: T = connect()`, `self.conn = connect()`).
 */
export function connectionShape(call: SyntaxNode, text: string): ConnectionShape | undefined {
  let outer = call;
  // with closing(sqlite3.connect(p)) as conn:
  const args = call.parent;
  const wrapper = args?.type === 'argument_list' && args.namedChildCount === 1 ? args.parent : null;
  const wrapperName = wrapper?.type === 'call' ? wrapper.childForFieldName('function')?.text : undefined;
  if (wrapper && (wrapperName === 'closing' || wrapperName === 'contextlib.closing') && wrapper.parent?.type === 'as_pattern') outer = wrapper;
  const parent = outer.parent;
  if (!parent) return undefined;
  let stmt: SyntaxNode;
  let name: string;
  let target: SyntaxNode;
  if (parent.type === 'assignment') {
    const left = parent.childForFieldName('left');
    const right = parent.childForFieldName('right');
    const st = parent.parent;
    if (!left || left.type !== 'identifier' || right?.id !== call.id || outer.id !== call.id || parent.childForFieldName('type')) return undefined;
    if (!st || st.type !== 'expression_statement' || st.namedChildCount !== 1) return undefined;
    stmt = st;
    name = left.text;
    target = left;
  } else if (parent.type === 'as_pattern') {
    const alias = parent.childForFieldName('alias');
    const t = alias?.namedChildren[0] ?? alias;
    const item = parent.parent;
    const clause = item?.parent;
    const st = clause?.parent;
    if (!t || t.type !== 'identifier' || item?.type !== 'with_item' || clause?.type !== 'with_clause' || st?.type !== 'with_statement') return undefined;
    stmt = st;
    name = t.text;
    target = t;
  } else return undefined;

  let closeStmt: SyntaxNode | undefined;
  if (stmt.type === 'expression_statement') {
    for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
      if (isCloseOf(s, name)) {
        closeStmt = s;
        break;
      }
    }
  }
  const tryFinally = closeStmt || stmt.type !== 'expression_statement' ? undefined : tryFinallyClose(stmt, name, text);
  const span: Range = { start: stmt.startIndex, end: closeStmt ? closeStmt.endIndex : (tryFinally?.end ?? stmt.endIndex) };
  const escapes = escapesOf(name, target, stmt, span);
  const bodyLines: Offset[] = [];
  if (closeStmt) {
    const strings: Range[] = [];
    collectStrings(stmt.parent!, span, strings);
    const closeLine = lineStart(text, closeStmt.startIndex);
    for (let s = nextLineStart(text, stmt.endIndex); s < closeLine; s = nextLineStart(text, s)) {
      const end = nextLineStart(text, s);
      if (isBlank(text.slice(s, end))) continue;
      if (strings.some((r) => r.start < s && s < r.end)) continue;
      bodyLines.push(s);
      if (end === s) break;
    }
  }
  return {
    statement: statementPos(stmt, text),
    closeCall: closeStmt ? statementPos(closeStmt, text) : undefined,
    ...(tryFinally ? { tryFinally: { header: tryFinally.header, finallyLines: tryFinally.finallyLines } } : {}),
    ...(outer.id !== call.id ? { closingWrapper: { start: outer.startIndex, end: outer.endIndex } } : {}),
    escapes,
    bodyLines,
  };
}

/**
 * conn = connect(…) / try: … / finally: conn.close() — the try statement right after the
 * assignment, with no except or else clause and nothing in `finally` but the close.
 */
function tryFinallyClose(stmt: SyntaxNode, name: string, text: string): { header: Range; finallyLines: Range; end: number } | undefined {
  const t = stmt.nextNamedSibling;
  if (t?.type !== 'try_statement') return undefined;
  const clauses = t.namedChildren.filter((c) => c.type !== 'block' && c.type !== 'comment');
  const fin = clauses[0];
  if (clauses.length !== 1 || fin?.type !== 'finally_clause') return undefined;
  const block = fin.namedChildren.find((c) => c.type === 'block');
  const only = block?.namedChildren[0];
  if (!block || block.namedChildCount !== 1 || !only || !isCloseOf(only, name)) return undefined;
  const colon = t.children.find((c) => c.type === ':');
  const finStart = lineStart(text, fin.startIndex);
  if (!colon || !isBlank(text.slice(finStart, fin.startIndex)) || !statementPos(only, text).alone) return undefined;
  return { header: { start: stmt.startIndex, end: colon.endIndex }, finallyLines: { start: finStart, end: nextLineStart(text, only.endIndex) }, end: t.endIndex };
}

/** The function body (or module) whose local `name` the statement binds. */
function scopeOf(node: SyntaxNode): SyntaxNode {
  let n: SyntaxNode | null = node.parent;
  while (n && n.type !== 'function_definition' && n.type !== 'module') n = n.parent;
  if (!n) return node.tree.rootNode;
  return n.type === 'function_definition' ? (n.childForFieldName('body') ?? n) : n;
}

function collectStrings(node: SyntaxNode, span: Range, out: Range[]): void {
  if (node.endIndex <= span.start || node.startIndex >= span.end) return;
  if (node.type === 'string') {
    out.push({ start: node.startIndex, end: node.endIndex });
    return;
  }
  for (const c of node.namedChildren) collectStrings(c, span, out);
}

/**
 * Every use of `name` in the statement's scope that lets the connection out of `span`. Uses
 * before the span belong to an earlier binding (unless a loop brings them round again); uses
 * after it are escapes until the name is bound afresh by a statement of the same block.
 */
function escapesOf(name: string, target: SyntaxNode, stmt: SyntaxNode, span: Range): ConnectionEscape[] {
  const scope = scopeOf(stmt);
  const looped = inLoop(stmt, scope);
  const ids: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [scope];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n.text === name && n.id !== target.id) ids.push(n);
    for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
  }
  ids.sort((a, b) => a.startIndex - b.startIndex);
  const out: ConnectionEscape[] = [];
  for (const id of ids) {
    if (id.endIndex <= span.start && !looped && !isGlobalDecl(id)) continue;
    // conn = other_connection() later in the same block: what follows is another connection
    if (id.startIndex >= span.end && isRebinding(id, stmt.parent)) break;
    const how = useKind(id, span);
    if (how) out.push({ range: { start: id.startIndex, end: id.endIndex }, how });
  }
  return out;
}

function inLoop(stmt: SyntaxNode, scope: SyntaxNode): boolean {
  for (let a = stmt.parent; a && a.id !== scope.id; a = a.parent) {
    if (a.type === 'for_statement' || a.type === 'while_statement') return true;
  }
  return false;
}

function isGlobalDecl(id: SyntaxNode): boolean {
  return id.parent?.type === 'global_statement' || id.parent?.type === 'nonlocal_statement';
}

/** `name = …` / `with … as name:` as a statement of `block`. */
function isRebinding(id: SyntaxNode, block: SyntaxNode | null): boolean {
  const p = id.parent;
  if (p?.type === 'assignment' && p.childForFieldName('left')?.id === id.id) return p.parent?.parent?.id === block?.id;
  if (p?.type === 'as_pattern_target' || p?.type === 'as_pattern') {
    let st: SyntaxNode | null = p;
    while (st && st.type !== 'with_statement') st = st.parent;
    return !!st && st.parent?.id === block?.id;
  }
  return false;
}

/** How one occurrence of the name uses the connection; undefined when it stays in the span. */
function useKind(id: SyntaxNode, span: Range): ConnectionEscape['how'] | undefined {
  const parent = id.parent;
  // x.conn, f(conn=1): not a reference to the local name
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) return undefined;
  if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) return undefined;
  if (parent?.type === 'global_statement' || parent?.type === 'nonlocal_statement') return 'global';
  const outside = id.startIndex < span.start || id.endIndex > span.end;
  if (!outside) {
    for (let a: SyntaxNode | null = parent; a && a.startIndex >= span.start; a = a.parent) {
      if (a.type === 'lambda' || a.type === 'function_definition') return 'closure';
    }
  }
  // conn.cursor(), conn.commit(), conn.row_factory = …
  if (parent?.type === 'attribute' && parent.childForFieldName('object')?.id === id.id) return outside ? 'outside' : undefined;
  switch (parent?.type) {
    case 'return_statement':
      return 'returned';
    case 'yield':
      return 'yielded';
    case 'argument_list':
    case 'keyword_argument':
      return 'passed';
    case 'with_item':
      return 'context-manager';
    default:
      return outside ? 'outside' : 'stored';
  }
}

/** The file's indentation step: the first indented block's indent beyond its header's. */
export function indentUnit(root: SyntaxNode, text: string): string | undefined {
  for (const n of root.tree.nodesOfType(['block'])) {
    if (!n.parent) continue;
    const first = n.namedChildren.find((c) => c.type !== 'comment');
    if (first && first.startPosition.row > n.parent.startPosition.row) {
      const outer = statementPos(n.parent, text).indent;
      const inner = statementPos(first, text).indent;
      if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
    }
  }
  return undefined;
}

/** References to a module alias (`sqlite3` in `sqlite3.connect`), outside import statements. */
export function aliasUses(root: SyntaxNode, alias: string): Range[] {
  const out: Range[] = [];
  const tree = root.tree;
  for (const n of tree.nodesOfType(['identifier'])) {
    if (n.endIndex - n.startIndex !== alias.length || n.text !== alias) continue;
    if (tree.hasAncestorOfType(n.id, ['import_statement', 'import_from_statement'])) continue;
    const p = n.parent;
    const isAttrName = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id;
    const isKwName = p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id;
    if (!isAttrName && !isKwName) out.push({ start: n.startIndex, end: n.endIndex });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** How a call's result is used: thrown away (`conn.execute(…)` as a statement), or anything else. */
export function resultUse(call: SyntaxNode): 'discarded' | 'method' | 'other' {
  const p = call.parent;
  if (p?.type === 'expression_statement') return 'discarded';
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === call.id) return 'method';
  return 'other';
}
