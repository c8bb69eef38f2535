/*
 * Whether a Python file may give a name one of the bindings the project index records, read from
 * its text alone: the engine indexes a file another file asks about only when it may
 * (src/perf/engine.ts, needsIndex). A file's index answers four questions about a name
 * (src/lang/python/project.ts; what analyzer.ts puts in the index):
 * - hasFunction: `def name` (any nesting: `Cls.method` asks for `class Cls` and `def method`), or
 *   `name = lambda …` / `name = functools.partial(…)`;
 * - hasClass: `class name`;
 * - hasConstant / instanceClass: the module binds `name` to a string or to an instance of one of
 *   its own classes: an assignment (`name = …`, `a = name = …`, `(name) = …`, `name: str = …`,
 *   `name += …`, the walrus `name := …`), possibly from a function saying `global name`. Names
 *   bound by `for`, tuple targets, `import` and `from … import` are never strings or instances of
 *   this module's classes (an imported constant is the other module's), so they do not count.
 * So every name the index knows stands, as a whole word, right after `def` or `class`, or right
 * before `=` (not `==`), `:` or an operator glued to `=` (skipping spaces, closing brackets and
 * line continuations). `as name` counts too, to be generous. Anything else (the name only used,
 * imported or mentioned in a comment) cannot make the file's index answer yes.
 */

function isIdChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
}

/** Spaces, tabs, form feeds and backslash-newline line continuations. */
function skipBlankBack(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0c) i--;
    else if (c === 0x0a && text.charCodeAt(i - 1) === 0x5c) i -= 2;
    else if (c === 0x0a && text.charCodeAt(i - 1) === 0x0d && text.charCodeAt(i - 2) === 0x5c) i -= 3;
    else return i;
  }
}

function skipBlankForward(text: string, i: number, brackets: boolean): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0c) i++;
    else if (brackets && (c === 0x29 || c === 0x5d)) i++;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a) i += 3;
    else return i;
  }
}

const BEFORE = new Set(['def', 'class', 'as']);
/** characters that, glued to a following `=`, make an augmented assignment (`+=`, `//=`, `**=` …) */
const OPERATOR = new Set([...'+-*/%&|^@<>'].map((c) => c.charCodeAt(0)));

/** The word ending at `end` (exclusive), or '' */
function wordBefore(text: string, end: number): string {
  let s = end;
  while (s > 0 && isIdChar(text.charCodeAt(s - 1))) s--;
  return text.slice(s, end);
}

function bindsAt(text: string, at: number, length: number): boolean {
  const before = skipBlankBack(text, at - 1);
  if (before >= 0 && BEFORE.has(wordBefore(text, before + 1))) return true;
  let i = skipBlankForward(text, at + length, true);
  const c = text.charCodeAt(i);
  if (c === 0x3a) return true; // name: str = …, name := …
  if (c === 0x3d) return text.charCodeAt(i + 1) !== 0x3d; // = but not ==
  // +=, //=, **=, >>= …
  while (OPERATOR.has(text.charCodeAt(i))) i++;
  return i > skipBlankForward(text, at + length, true) && text.charCodeAt(i) === 0x3d;
}

/** Whether the text may bind `word` the way the project index records names (see above). */
export function mayBind(text: string, word: string): boolean {
  if (word === '') return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (at > 0 && isIdChar(text.charCodeAt(at - 1))) continue;
    const after = at + word.length;
    if (after < text.length && isIdChar(text.charCodeAt(after))) continue;
    if (bindsAt(text, at, word.length)) return true;
  }
  return false;
}
