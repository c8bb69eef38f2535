/*
 * A Python syntax tree held as one flat Uint32Array (see native/pyparse.c for the layout) with
 * node objects made on demand. It offers the part of tree-sitter's SyntaxNode API the analyzer
 * uses, answered from JavaScript memory instead of one native call per property.
 *
 * Two builders fill the array: the project's own addon (parse and flatten in one native call) and,
 * when that addon is not built, a TreeCursor walk over the tree-sitter npm binding. Both write the
 * same words; test/python-tree.test.ts holds them equal over every Python fixture.
 */

export const NODE_WORDS = 6;
export const NO_PARENT = 0xffffffff;
export const FLAG_NAMED = 1;
export const FLAG_MISSING = 2;
export const FLAG_HAS_ERROR = 4;
/** tree-sitter's symbol for ERROR nodes */
export const ERROR_SYMBOL = 0xffff;

/** Symbol and field names of the grammar, by id (field id 0 is "no field"). */
export interface Grammar {
  types: readonly string[];
  fields: readonly string[];
  fieldIds: ReadonlyMap<string, number>;
}

export function grammar(typeNames: readonly string[], fieldNames: readonly string[]): Grammar {
  const types = typeNames.map(internalized);
  const fields = fieldNames.map(internalized);
  const fieldIds = new Map<string, number>();
  fields.forEach((f, i) => {
    if (i > 0 && f !== '' && !fieldIds.has(f)) fieldIds.set(f, i);
  });
  return { types, fields, fieldIds };
}

/**
 * The same string, as V8's one copy of it (a property key is internalized): the addon's names are
 * strings of their own, so every `node.type === 'call'` compared them character by character
 * instead of by reference.
 */
export function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

export interface Point {
  row: number;
  column: number;
}

export class Tree {
  private readonly cache: (SyntaxNode | undefined)[];
  private lineStarts: number[] | undefined;

  constructor(
    readonly text: string,
    readonly words: Uint32Array,
    readonly grammar: Grammar,
  ) {
    this.cache = new Array<SyntaxNode | undefined>(words.length / NODE_WORDS);
  }

  get rootNode(): SyntaxNode {
    return this.node(0)!;
  }

  get nodeCount(): number {
    return this.words.length / NODE_WORDS;
  }

  /** The node at a preorder index (one object per index, so `===` and `.id` agree). */
  node(index: number): SyntaxNode | null {
    if (index < 0 || index >= this.cache.length) return null;
    let n = this.cache[index];
    if (!n) {
      n = new SyntaxNode(this, index);
      this.cache[index] = n;
    }
    return n;
  }

  /**
   * Every named node of these types, in document order (preorder), found by scanning the flat
   * array: no node objects are made for the rest of the tree. (A scan a call: a tree is asked for
   * one to five lists; sorting every named node by type once cost more.)
   */
  nodesOfType(types: readonly string[]): SyntaxNode[] {
    const symbols = this.grammar.types;
    const want = new Uint8Array(symbols.length);
    for (let id = 0; id < symbols.length; id++) if (types.includes(symbols[id]!)) want[id] = 1;
    const error = types.includes('ERROR');
    const words = this.words;
    const out: SyntaxNode[] = [];
    for (let i = 0, n = this.nodeCount; i < n; i++) {
      const w = words[i * NODE_WORDS]!;
      if (((w >>> 16) & FLAG_NAMED) === 0) continue;
      const symbol = w & 0xffff;
      if (symbol === ERROR_SYMBOL ? error : want[symbol] === 1) out.push(this.node(i)!);
    }
    return out;
  }

  /** Whether the node at `index` lies inside a node of one of these types. */
  hasAncestorOfType(index: number, types: readonly string[]): boolean {
    for (let p = this.words[index * NODE_WORDS + 4]!; p !== NO_PARENT; p = this.words[p * NODE_WORDS + 4]!) {
      const symbol = this.words[p * NODE_WORDS]! & 0xffff;
      if (types.includes(symbol === ERROR_SYMBOL ? 'ERROR' : (this.grammar.types[symbol] ?? ''))) return true;
    }
    return false;
  }

  /** tree-sitter's point: rows count `\n`; the column counts UTF-16 code units from the line start. */
  point(offset: number): Point {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - starts[lo]! };
  }
}

export class SyntaxNode {
  private childList: SyntaxNode[] | undefined;
  private namedList: SyntaxNode[] | undefined;
  /** the node's text, once asked (names are looked up in maps: one string keeps its hash) */
  private textOf: string | undefined;
  /**
   * The node's type, read once: the analyzer asks every node it visits, several times, and V8 runs
   * with TurboFan's inlining off (bin/load-bundle.cjs), so a getter is a call on every read.
   */
  readonly type: string;

  constructor(
    readonly tree: Tree,
    /** the preorder index: unique within its tree */
    readonly id: number,
  ) {
    const symbol = tree.words[id * NODE_WORDS]! & 0xffff;
    this.type = symbol === ERROR_SYMBOL ? 'ERROR' : (tree.grammar.types[symbol] ?? '');
  }

  // The getters read the array themselves rather than through a helper: a helper would be one
  // more call on every property read.

  get isNamed(): boolean {
    return ((this.tree.words[this.id * NODE_WORDS]! >>> 16) & FLAG_NAMED) !== 0;
  }

  get isMissing(): boolean {
    return ((this.tree.words[this.id * NODE_WORDS]! >>> 16) & FLAG_MISSING) !== 0;
  }

  get hasError(): boolean {
    return ((this.tree.words[this.id * NODE_WORDS]! >>> 16) & FLAG_HAS_ERROR) !== 0;
  }

  get startIndex(): number {
    return this.tree.words[this.id * NODE_WORDS + 2]!;
  }

  get endIndex(): number {
    return this.tree.words[this.id * NODE_WORDS + 3]!;
  }

  get text(): string {
    if (this.textOf === undefined) {
      const words = this.tree.words;
      const at = this.id * NODE_WORDS;
      this.textOf = this.tree.text.slice(words[at + 2]!, words[at + 3]!);
    }
    return this.textOf;
  }

  get startPosition(): Point {
    return this.tree.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.point(this.endIndex);
  }

  get parent(): SyntaxNode | null {
    const p = this.tree.words[this.id * NODE_WORDS + 4]!;
    return p === NO_PARENT ? null : this.tree.node(p);
  }

  get children(): SyntaxNode[] {
    if (!this.childList) {
      const list: SyntaxNode[] = [];
      const words = this.tree.words;
      const end = this.id + words[this.id * NODE_WORDS + 5]!;
      for (let c = this.id + 1; c < end; c += words[c * NODE_WORDS + 5]!) list.push(this.tree.node(c)!);
      this.childList = list;
    }
    return this.childList;
  }

  // read from the words: no node objects for the anonymous children (keywords, punctuation)
  get namedChildren(): SyntaxNode[] {
    if (!this.namedList) {
      const tree = this.tree;
      const words = tree.words;
      const list: SyntaxNode[] = [];
      const end = this.id + words[this.id * NODE_WORDS + 5]!;
      for (let c = this.id + 1; c < end; c += words[c * NODE_WORDS + 5]!) {
        if (((words[c * NODE_WORDS]! >>> 16) & FLAG_NAMED) !== 0) list.push(tree.node(c)!);
      }
      this.namedList = list;
    }
    return this.namedList;
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.tree.words[this.id * NODE_WORDS + 5]! > 1 ? this.tree.node(this.id + 1) : null;
  }

  get lastChild(): SyntaxNode | null {
    const c = this.children;
    return c[c.length - 1] ?? null;
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }

  get lastNamedChild(): SyntaxNode | null {
    const c = this.namedChildren;
    return c[c.length - 1] ?? null;
  }

  private sibling(step: 1 | -1, named: boolean): SyntaxNode | null {
    const parent = this.parent;
    if (!parent) return null;
    const list = named ? parent.namedChildren : parent.children;
    const at = list.indexOf(this);
    if (at >= 0) return list[at + step] ?? null;
    // an anonymous node asking for a named sibling: the nearest named one on that side
    const all = parent.children;
    for (let i = all.indexOf(this) + step; i >= 0 && i < all.length; i += step) if (all[i]!.isNamed) return all[i]!;
    return null;
  }

  get nextSibling(): SyntaxNode | null {
    return this.sibling(1, false);
  }

  get previousSibling(): SyntaxNode | null {
    return this.sibling(-1, false);
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.sibling(1, true);
  }

  get previousNamedSibling(): SyntaxNode | null {
    return this.sibling(-1, true);
  }

  childForFieldName(name: string): SyntaxNode | null {
    const field = this.tree.grammar.fieldIds.get(name);
    if (field === undefined) return null;
    const words = this.tree.words;
    const end = this.id + words[this.id * NODE_WORDS + 5]!;
    for (let c = this.id + 1; c < end; c += words[c * NODE_WORDS + 5]!) if (words[c * NODE_WORDS + 1] === field) return this.tree.node(c);
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const field = this.tree.grammar.fieldIds.get(name);
    if (field === undefined) return [];
    return this.children.filter((c) => this.tree.words[c.id * NODE_WORDS + 1] === field);
  }

  /** The smallest node holding [start, end], as tree-sitter's descendantForIndex. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (;;) {
      const inner = node.children.find((c) => c.endIndex >= end && c.endIndex > start && c.startIndex <= start);
      if (!inner) return node;
      node = inner;
    }
  }
}
