import { emptyFacts, type FileFacts, type Range, type SourceFile, type ThirdPartyUse } from '../../model/facts.js';
import { isCrontabPath } from '../../discover/language.js';
import { LineIndex } from '../../util/lines.js';
import { parseSuppression } from '../suppress.js';
import { scanShell } from './shell.js';
import { scanWords } from './words.js';

/**
 * Facts of a text file (shell, .env, ini, conf, YAML, TOML, JSON, Dockerfile, Prisma), from a
 * line scanner per kind. What it reports:
 * - dbPaths: words naming `*.db`, `*.sqlite`, `*.sqlite3`, `*.db3` files (kind 'file') and
 *   `sqlite:` / `sqlite+driver:` URLs (kind 'url');
 * - thirdParty: the `sqlite3` CLI in command position and sqlite packages being installed
 *   ('sqlite-cli'), `django.db.backends.sqlite3` ('django-backend'), `provider = "sqlite"` and
 *   similar ORM settings ('orm-config');
 * - suppressions from `# pgready: ignore[…]` comments.
 * Comments are never scanned for facts, whether they fill a line or follow code
 * (`DB=postgres://…  # was trades.db`): a mention in a comment is history, not a dependency.
 * What counts as a comment follows each format: `#` for shell, env, YAML, TOML and Dockerfile;
 * `#` and `;` for ini/conf; `//` for Prisma; `//` and `/* … *\/` for JSON (as in JSONC).
 * Block scalars in YAML and heredoc bodies in shell are content, so a `#` line inside them is
 * scanned like any other line.
 */
export function extractTextFacts(file: SourceFile): FileFacts {
  const facts = emptyFacts(file.path, file.language);
  const s = new Scan(file.text);
  try {
    switch (file.textKind) {
      case 'shell':
        if (isCrontabPath(file.path)) crontab(s, file.path);
        else scanShell(s.text, 0, s.text.length, s);
        break;
      case 'dockerfile':
        dockerfile(s);
        break;
      case 'ini':
      case 'conf':
        ini(s, isSystemdPath(file.path));
        break;
      case 'env':
        env(s);
        break;
      case 'yaml':
        yaml(s);
        break;
      case 'toml':
        toml(s);
        break;
      case 'json':
        json(s);
        break;
      case 'prisma':
        prisma(s);
        break;
      default:
        break;
    }
  } catch (e) {
    // a scanner bug must not lose the file: report it and keep what the comments and words give
    facts.diagnostics.push({ range: { start: 0, end: 0 }, message: `text scanner failed: ${String(e)}` });
  }
  const comments = mergeRanges(s.comments);
  try {
    for (const span of codeSpans(s.text, comments)) scanWords(s.text, span.start, span.end, facts);
  } catch (e) {
    facts.diagnostics.push({ range: { start: 0, end: 0 }, message: `text word scan failed: ${String(e)}` });
  }
  facts.thirdParty.push(...s.hits, ...s.orm);
  const lines = new LineIndex(s.text);
  for (const c of comments) {
    const sup = parseSuppression(s.text.slice(c.start, c.end), c, lines.position(c.start).line - 1);
    if (sup) facts.suppressions.push(sup);
  }
  facts.dbPaths = uniqueSorted(facts.dbPaths, (d) => `${d.kind}\0${d.range.start}\0${d.range.end}`);
  facts.thirdParty = uniqueSorted(facts.thirdParty, (t) => `${t.kind}\0${t.range.start}\0${t.range.end}`);
  return facts;
}

class Scan {
  comments: Range[] = [];
  hits: ThirdPartyUse[] = [];
  orm: ThirdPartyUse[] = [];
  readonly lines: Line[];
  constructor(readonly text: string) {
    this.lines = splitLines(text);
  }
}

/** A physical line: [start, end) without its break; `next` is where the following line starts. */
interface Line {
  start: number;
  end: number;
  next: number;
}

/** Lines as LineIndex counts them: `\r\n`, `\n` and a lone `\r` end a line. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      const next = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
      lines.push({ start, end: i, next });
      start = next;
      i = next - 1;
    }
  }
  if (start < text.length || lines.length === 0) lines.push({ start, end: text.length, next: text.length });
  return lines;
}

function firstNonSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f' || text[i] === '\v')) i++;
  return i;
}

function trimEnd(text: string, from: number, to: number): number {
  let j = to;
  while (j > from && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
  return j;
}

/** Everything that is not a comment or a line break, line by line. */
function codeSpans(text: string, comments: Range[]): Range[] {
  const spans: Range[] = [];
  let ci = 0;
  for (const line of splitLines(text)) {
    let from = line.start;
    while (ci < comments.length && comments[ci]!.end <= from) ci++;
    for (let k = ci; k < comments.length && comments[k]!.start < line.end; k++) {
      const c = comments[k]!;
      if (c.start > from) spans.push({ start: from, end: c.start });
      from = Math.max(from, c.end);
    }
    if (from < line.end) spans.push({ start: from, end: line.end });
  }
  return spans;
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

function uniqueSorted<T extends { range: Range }>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return [...items]
    .sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end || (key(a) < key(b) ? -1 : 1))
    .filter((t) => {
      const k = key(t);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/** ORM settings: provider = "sqlite" (Prisma), dialect: sqlite (Sequelize), adapter: sqlite3
 *  (Rails), client: 'better-sqlite3' (Knex), DB_CONNECTION=sqlite (Laravel), type: sqlite (TypeORM). */
const ORM_KEYS = new Set(['provider', 'dialect', 'client', 'adapter', 'driver', 'type', 'engine', 'connection']);
const ORM_VALUES = new Set(['sqlite', 'sqlite3', 'better-sqlite3']);

/** Checks one `key <sep> value` pair; `value` is the range of the value without its quotes. */
function ormPair(s: Scan, keyStart: number, key: string, value: Range, nameEnd: number, keys = ORM_KEYS): void {
  const last = key.toLowerCase().split(/[._-]/).pop() ?? '';
  if (!keys.has(last)) return;
  if (!ORM_VALUES.has(s.text.slice(value.start, value.end).toLowerCase())) return;
  s.orm.push({ range: value, kind: 'orm-config', name: s.text.slice(keyStart, nameEnd) });
}

/** A value in [from, to) with surrounding spaces and one pair of quotes removed. */
function unquotedValue(text: string, from: number, to: number): { value: Range; end: number } {
  const a = firstNonSpace(text, from, to);
  const b = trimEnd(text, a, to);
  const q = text[a];
  if (b - a >= 2 && (q === '"' || q === "'") && text[b - 1] === q) return { value: { start: a + 1, end: b - 1 }, end: b };
  return { value: { start: a, end: b }, end: b };
}

/**
 * `0 3 * * * sqlite3 /srv/app.db .dump > /backup/app.sql`, `@daily root /usr/bin/sqlite3 …`.
 * The command starts after the schedule (five fields or one `@` word); in system crontabs
 * (cron.d, or a user field of `root`) a user name comes first.
 */
function crontab(s: Scan, path: string): void {
  const t = s.text;
  const systemFormat = /(^|\/)cron\.d\//i.test(path);
  for (const line of s.lines) {
    const a = firstNonSpace(t, line.start, line.end);
    if (a >= line.end) continue;
    if (t[a] === '#') {
      s.comments.push({ start: a, end: line.end });
      continue;
    }
    const fields = t[a] === '@' ? 1 : /[0-9*]/.test(t[a]!) ? 5 : 0;
    if (fields === 0) {
      // SHELL=/bin/bash, MAILTO=…
      scanShell(t, a, line.end, s);
      continue;
    }
    let i = skipFields(t, a, line.end, fields);
    const user = wordAt(t, i, line.end);
    if (systemFormat || user === 'root') i = skipFields(t, i, line.end, 1);
    scanShell(t, i, line.end, s);
  }
}

function skipFields(t: string, i: number, end: number, n: number): number {
  for (let k = 0; k < n; k++) {
    while (i < end && t[i] !== ' ' && t[i] !== '\t') i++;
    i = firstNonSpace(t, i, end);
  }
  return i;
}

function wordAt(t: string, i: number, end: number): string {
  let j = i;
  while (j < end && t[j] !== ' ' && t[j] !== '\t') j++;
  return t.slice(i, j);
}

/**
 * Dockerfile: `#` lines are comments; `RUN`, `CMD`, `ENTRYPOINT` (also after `ONBUILD` and
 * `HEALTHCHECK … CMD`) hold shell commands in shell form (`RUN apt-get install -y sqlite3`),
 * exec form (`CMD ["sqlite3", "/data/app.db"]`) or a heredoc (`RUN <<EOF`).
 */
function dockerfile(s: Scan): void {
  const t = s.text;
  const lines = s.lines;
  let escape = '\\';
  let seenInstruction = false;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    const a = firstNonSpace(t, line.start, line.end);
    if (a >= line.end) continue;
    if (t[a] === '#') {
      s.comments.push({ start: a, end: line.end });
      // # escape=`  (a parser directive, before the first instruction)
      const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(t.slice(a, line.end));
      if (!seenInstruction && directive) escape = directive[1]!;
      continue;
    }
    seenInstruction = true;
    // the instruction goes on while a line ends with the escape character; comment and blank
    // lines inside it are dropped by Docker without ending it
    let last = li;
    let continued = endsWithEscape(t, line, escape);
    while (continued && last + 1 < lines.length) {
      last++;
      const l = lines[last]!;
      const b = firstNonSpace(t, l.start, l.end);
      if (b >= l.end) continue;
      if (t[b] === '#') {
        s.comments.push({ start: b, end: l.end });
        continue;
      }
      continued = endsWithEscape(t, l, escape);
    }
    const end = lines[last]!.end;
    const after = instruction(s, a, end, lines, last);
    li = Math.max(last, after);
  }
}

function endsWithEscape(t: string, line: Line, escape: string): boolean {
  const e = trimEnd(t, line.start, line.end);
  return e > line.start && t[e - 1] === escape;
}

/** One instruction at [a, end); returns the index of the last line it used (heredocs go further). */
function instruction(s: Scan, a: number, end: number, lines: Line[], lastLine: number): number {
  const t = s.text;
  let i = a;
  let keyword = wordAt(t, i, end).toUpperCase();
  i = firstNonSpace(t, i + keyword.length, end);
  if (keyword === 'ONBUILD') {
    keyword = wordAt(t, i, end).toUpperCase();
    i = firstNonSpace(t, i + keyword.length, end);
  }
  if (keyword === 'HEALTHCHECK') {
    while (i < end && t.startsWith('--', i)) i = skipFields(t, i, end, 1);
    if (wordAt(t, i, end).toUpperCase() !== 'CMD') return lastLine;
    keyword = 'CMD';
    i = firstNonSpace(t, i + 3, end);
  }
  if (keyword !== 'RUN' && keyword !== 'CMD' && keyword !== 'ENTRYPOINT') return lastLine;
  // RUN --mount=type=cache,target=/root/.cache …
  while (keyword === 'RUN' && i < end && t.startsWith('--', i)) i = skipFields(t, i, end, 1);
  if (t[i] === '[') {
    execForm(s, i, end);
    return lastLine;
  }
  if (keyword === 'RUN' && t.startsWith('<<', i)) return runHeredoc(s, i + 2, end, lines, lastLine);
  scanShell(t, i, end, s);
  return lastLine;
}

/** `RUN <<EOF` … `EOF`: the body is the script. */
function runHeredoc(s: Scan, i: number, end: number, lines: Line[], lastLine: number): number {
  const t = s.text;
  let stripTabs = false;
  if (t[i] === '-') {
    stripTabs = true;
    i++;
  }
  const raw = wordAt(t, i, end);
  const delimiter = raw.replace(/^["']|["']$/g, '');
  if (delimiter === '') return lastLine;
  let li = lastLine + 1;
  const bodyStart = lines[li]?.start ?? end;
  let bodyEnd = bodyStart;
  for (; li < lines.length; li++) {
    const l = lines[li]!;
    let text = t.slice(l.start, l.end);
    if (stripTabs) text = text.replace(/^\t+/, '');
    if (text === delimiter) break;
    bodyEnd = l.end;
  }
  if (bodyEnd > bodyStart) scanShell(t, bodyStart, bodyEnd, s);
  return Math.min(li, lines.length - 1);
}

/** `["sqlite3", "/data/app.db"]`, `["sh", "-c", "sqlite3 /data/app.db .dump"]` */
function execForm(s: Scan, i: number, end: number): void {
  const items = flowStrings(s.text, i, end);
  const first = items[0];
  if (!first) return;
  const word = s.text.slice(first.start, first.end);
  if (word.slice(word.lastIndexOf('/') + 1) === 'sqlite3') {
    s.hits.push({ range: first, kind: 'sqlite-cli', name: word });
    return;
  }
  const second = items[1];
  const third = items[2];
  if (second && third && /^-[a-z]*c[a-z]*$/.test(s.text.slice(second.start, second.end))) {
    scanShell(s.text, third.start, third.end, s);
  }
}

/** The interiors of the quoted strings in a flow list `["a", 'b']` starting at the `[`. */
function flowStrings(t: string, i: number, end: number): Range[] {
  const out: Range[] = [];
  for (let k = i + 1; k < end; k++) {
    const c = t[k]!;
    if (c === ']') break;
    if (c !== '"' && c !== "'") continue;
    let j = k + 1;
    while (j < end && t[j] !== c) j += t[j] === '\\' ? 2 : 1;
    out.push({ start: k + 1, end: Math.min(j, end) });
    k = j;
  }
  return out;
}

function isSystemdPath(path: string): boolean {
  return /\.(service|timer|socket)$/i.test(path) || /\.(service|timer|socket)\.d\//i.test(path);
}

/**
 * ini / conf (alembic.ini, setup.cfg, supervisor, systemd): `#` and `;` lines are comments, and
 * so is text after whitespace + `;` or `#` (configparser's inline comments; not in systemd, where
 * `;` separates commands). `command=` (supervisor) and `ExecStart=` and its siblings (systemd)
 * hold shell-like command lines.
 */
function ini(s: Scan, systemd: boolean): void {
  const t = s.text;
  for (const line of s.lines) {
    const a = firstNonSpace(t, line.start, line.end);
    if (a >= line.end) continue;
    if (t[a] === '#' || t[a] === ';') {
      s.comments.push({ start: a, end: line.end });
      continue;
    }
    let lineEnd = line.end;
    if (!systemd) {
      for (let k = a + 1; k < line.end; k++) {
        if ((t[k] === ';' || t[k] === '#') && (t[k - 1] === ' ' || t[k - 1] === '\t')) {
          s.comments.push({ start: k, end: line.end });
          lineEnd = trimEnd(t, a, k);
          break;
        }
      }
    }
    if (t[a] === '[') continue;
    let sep = a;
    while (sep < lineEnd && t[sep] !== '=' && t[sep] !== ':') sep++;
    if (sep >= lineEnd) continue;
    const key = t.slice(a, trimEnd(t, a, sep));
    if (/^(command|exec[a-z]*)$/i.test(key)) {
      // systemd: ExecStart=-/usr/bin/sqlite3 …  (- @ : + ! prefixes)
      let v = firstNonSpace(t, sep + 1, lineEnd);
      if (systemd) while (v < lineEnd && '-@:+!'.includes(t[v]!)) v++;
      scanShell(t, v, lineEnd, s);
    }
    const { value, end } = unquotedValue(t, sep + 1, lineEnd);
    ormPair(s, a, key, value, end);
  }
}

/**
 * .env: `KEY=value`, `export KEY="value"`. `#` lines are comments; after a value, `#` starts a
 * comment when it follows whitespace (unquoted values) or anywhere after the closing quote.
 */
function env(s: Scan): void {
  const t = s.text;
  for (const line of s.lines) {
    let a = firstNonSpace(t, line.start, line.end);
    if (a >= line.end) continue;
    if (t[a] === '#') {
      s.comments.push({ start: a, end: line.end });
      continue;
    }
    const keyStart = t.startsWith('export ', a) ? firstNonSpace(t, a + 7, line.end) : a;
    a = keyStart;
    const eq = t.indexOf('=', a);
    if (eq < 0 || eq >= line.end) continue;
    const key = t.slice(a, trimEnd(t, a, eq));
    const v = firstNonSpace(t, eq + 1, line.end);
    const q = t[v];
    let commentFrom = -1;
    let value: Range;
    if (q === '"' || q === "'") {
      let j = v + 1;
      while (j < line.end && t[j] !== q) j += q === '"' && t[j] === '\\' ? 2 : 1;
      value = { start: v + 1, end: Math.min(j, line.end) };
      const hash = t.indexOf('#', j);
      if (hash >= 0 && hash < line.end) commentFrom = hash;
    } else {
      let j = v;
      while (j < line.end && !(t[j] === '#' && (j === v || t[j - 1] === ' ' || t[j - 1] === '\t'))) j++;
      if (j < line.end) commentFrom = j;
      value = { start: v, end: trimEnd(t, v, j) };
    }
    if (commentFrom >= 0) s.comments.push({ start: commentFrom, end: line.end });
    ormPair(s, keyStart, key, value, value.end + (q === '"' || q === "'" ? 1 : 0));
  }
}

/** Keys whose values are shell command lines: CI steps, compose/k8s commands. */
const YAML_COMMAND_KEYS = new Set(['run', 'command', 'cmd', 'script', 'entrypoint', 'before_script', 'after_script']);

/**
 * YAML: `#` starts a comment at the start of a line or after whitespace, outside quotes. Block
 * scalars (`key: |`) are content, not comments; under a command key (`run: |`) they are scanned
 * as shell. Command keys take an inline value, a flow list or a block list of items.
 */
function yaml(s: Scan): void {
  const t = s.text;
  const lines = s.lines;
  // a block scalar or block list under a command key, until a line indented at most `indent`
  let block: { indent: number; shell: boolean; from: number; to: number } | undefined;
  let commandList: { indent: number } | undefined;
  const closeBlock = () => {
    if (block?.shell && block.to > block.from) scanShell(t, block.from, block.to, s);
    block = undefined;
  };
  for (const line of lines) {
    const a = firstNonSpace(t, line.start, line.end);
    const indent = a - line.start;
    if (block) {
      if (a >= line.end || indent > block.indent) {
        if (a < line.end) block.to = line.end;
        continue;
      }
      closeBlock();
    }
    if (a >= line.end) continue;
    if (t[a] === '#') {
      s.comments.push({ start: a, end: line.end });
      continue;
    }
    const lineEnd = yamlCodeEnd(s, a, line.end);
    // `- item` / `- key: value`: the node starts after the dashes
    let node = a;
    let dashed = false;
    while (t[node] === '-' && (t[node + 1] === ' ' || node + 1 === lineEnd)) {
      dashed = true;
      node = firstNonSpace(t, node + 1, lineEnd);
    }
    if (commandList && dashed && indent >= commandList.indent) {
      // script:
      //   - sqlite3 app.db .dump
      yamlCommandValue(s, line, node, lineEnd, a, (b) => (block = b));
      continue;
    }
    if (commandList && indent <= commandList.indent) commandList = undefined;
    const pair = yamlKey(t, node, lineEnd);
    if (!pair) continue;
    const key = pair.key;
    const v = firstNonSpace(t, pair.valueStart, lineEnd);
    if (YAML_COMMAND_KEYS.has(key.toLowerCase())) {
      if (v >= lineEnd) commandList = { indent };
      else yamlCommandValue(s, line, v, lineEnd, node, (b) => (block = b));
      continue;
    }
    if (/^[|>][-+0-9]*$/.test(t.slice(v, lineEnd))) {
      block = { indent: node - line.start, shell: false, from: line.next, to: line.next };
      continue;
    }
    const { value, end } = unquotedValue(t, v, lineEnd);
    ormPair(s, node, key, value, end);
  }
  closeBlock();
}

/** A command value: `sqlite3 …`, `"sqlite3 …"`, `["sqlite3", "x.db"]`, or `|` opening a block. */
function yamlCommandValue(
  s: Scan,
  line: Line,
  v: number,
  lineEnd: number,
  parent: number,
  openBlock: (b: { indent: number; shell: boolean; from: number; to: number }) => void,
): void {
  const t = s.text;
  if (/^[|>][-+0-9]*$/.test(t.slice(v, lineEnd))) {
    openBlock({ indent: parent - line.start, shell: true, from: line.next, to: line.next });
    return;
  }
  if (t[v] === '[') {
    for (const item of flowStrings(t, v, lineEnd)) scanShell(t, item.start, item.end, s);
    return;
  }
  const { value } = unquotedValue(t, v, lineEnd);
  scanShell(t, value.start, value.end, s);
}

/** `key: value`, `"key": value`; undefined when the line holds no mapping key. */
function yamlKey(t: string, a: number, end: number): { key: string; valueStart: number } | undefined {
  let i = a;
  let key: string;
  if (t[i] === '"' || t[i] === "'") {
    const close = t.indexOf(t[i]!, i + 1);
    if (close < 0 || close >= end) return undefined;
    key = t.slice(i + 1, close);
    i = close + 1;
  } else {
    while (i < end && !(t[i] === ':' && (i + 1 === end || t[i + 1] === ' ' || t[i + 1] === '\t'))) i++;
    if (i >= end) return undefined;
    key = t.slice(a, trimEnd(t, a, i));
  }
  if (t[i] !== ':' || !(i + 1 === end || t[i + 1] === ' ' || t[i + 1] === '\t')) return undefined;
  return { key, valueStart: i + 1 };
}

/** The end of a YAML line's content: an unquoted `#` after whitespace starts a comment. */
function yamlCodeEnd(s: Scan, a: number, end: number): number {
  const t = s.text;
  let quote: string | undefined;
  for (let i = a; i < end; i++) {
    const c = t[i]!;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && t[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    const prev = i > a ? t[i - 1]! : ' ';
    // a quote opens a scalar only where a scalar can start: `key: "…"`, `- '…'`, `[ "…"`
    if ((c === '"' || c === "'") && (i === a || ' \t:[{,-'.includes(prev))) {
      quote = c;
      continue;
    }
    if (c === '#' && (prev === ' ' || prev === '\t')) {
      s.comments.push({ start: i, end });
      return trimEnd(t, a, i);
    }
  }
  return end;
}

/** TOML: `#` outside strings starts a comment; `"""` and `'''` strings may span lines. */
function toml(s: Scan): void {
  const t = s.text;
  let multi: string | undefined;
  for (const line of s.lines) {
    let i = line.start;
    if (multi) {
      const close = t.indexOf(multi, i);
      if (close < 0 || close >= line.end) continue;
      i = close + 3;
      multi = undefined;
    }
    let quote: string | undefined;
    let eq = -1;
    const lineStart = firstNonSpace(t, i, line.end);
    let codeEnd = line.end;
    for (let k = i; k < line.end; k++) {
      const c = t[k]!;
      if (quote) {
        if (quote === '"' && c === '\\') k++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") {
        const triple = c.repeat(3);
        if (t.startsWith(triple, k)) {
          const close = t.indexOf(triple, k + 3);
          if (close < 0 || close >= line.end) {
            multi = triple;
            break;
          }
          k = close + 2;
          continue;
        }
        quote = c;
        continue;
      }
      if (c === '=' && eq < 0) eq = k;
      if (c === '#') {
        s.comments.push({ start: k, end: line.end });
        codeEnd = trimEnd(t, i, k);
        break;
      }
    }
    if (eq > lineStart && !multi) {
      const key = t.slice(lineStart, trimEnd(t, lineStart, eq)).replace(/["']/g, '');
      const { value, end } = unquotedValue(t, eq + 1, codeEnd);
      ormPair(s, lineStart, key, value, end);
    }
  }
}

/** JSON (and JSONC): strings, `//` and `/* … *\/` comments; `"key": "value"` pairs. */
function json(s: Scan): void {
  const t = s.text;
  let lastString: Range | undefined;
  let key: { start: number; text: string } | undefined;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < t.length && t[j] !== '"' && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
      const str = { start: i + 1, end: Math.min(j, t.length) };
      if (key) ormPair(s, key.start, key.text, str, Math.min(j + 1, t.length));
      key = undefined;
      lastString = str;
      i = j;
      continue;
    }
    if (c === '/' && t[i + 1] === '/') {
      let j = i;
      while (j < t.length && t[j] !== '\n' && t[j] !== '\r') j++;
      s.comments.push({ start: i, end: j });
      i = j - 1;
      continue;
    }
    if (c === '/' && t[i + 1] === '*') {
      const close = t.indexOf('*/', i + 2);
      const j = close < 0 ? t.length : close + 2;
      s.comments.push({ start: i, end: j });
      i = j - 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === ':' && lastString) key = { start: lastString.start - 1, text: t.slice(lastString.start, lastString.end) };
    else key = undefined;
    lastString = undefined;
  }
}

/** Prisma schema: `//` comments; `provider = "sqlite"` in a datasource block. */
function prisma(s: Scan): void {
  const t = s.text;
  for (const line of s.lines) {
    let codeEnd = line.end;
    let inString = false;
    for (let k = line.start; k < line.end; k++) {
      const c = t[k]!;
      if (inString) {
        if (c === '\\') k++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '/' && t[k + 1] === '/') {
        s.comments.push({ start: k, end: line.end });
        codeEnd = trimEnd(t, line.start, k);
        break;
      }
    }
    const a = firstNonSpace(t, line.start, codeEnd);
    const eq = t.indexOf('=', a);
    if (eq < 0 || eq >= codeEnd) continue;
    const key = t.slice(a, trimEnd(t, a, eq));
    const { value, end } = unquotedValue(t, eq + 1, codeEnd);
    ormPair(s, a, key, value, end, new Set(['provider']));
  }
}
