import type { Range, ThirdPartyUse } from '../../model/facts.js';

/** What a shell scan finds: comment ranges (`#` included) and sqlite-cli uses. */
export interface ShellOut {
  comments: Range[];
  hits: ThirdPartyUse[];
}

/**
 * Words that leave the next word in command position, with the options of theirs that take an
 * argument and how many positional arguments come before the command.
 * `sudo -u app sqlite3 x.db`, `timeout 30 sqlite3 x.db`, `if sqlite3 …; then`.
 */
const PREFIX: Record<string, { optArgs?: string[]; positional?: number; lookup?: string[] }> = {
  sudo: { optArgs: ['-u', '-g', '-C', '-D', '-h', '-p', '-U', '-r', '-t', '-T'] },
  doas: { optArgs: ['-u', '-C'] },
  exec: { optArgs: ['-a'] },
  nohup: {},
  time: { optArgs: ['-f', '-o'] },
  env: { optArgs: ['-u', '-C', '-S'] },
  nice: { optArgs: ['-n'] },
  ionice: { optArgs: ['-c', '-n', '-p'] },
  stdbuf: { optArgs: ['-i', '-o', '-e'] },
  timeout: { optArgs: ['-s', '-k'], positional: 1 },
  flock: { optArgs: ['-w', '-E'], positional: 1 },
  xargs: { optArgs: ['-n', '-I', '-d', '-P', '-L', '-s', '-a', '-E'] },
  // `command -v sqlite3` only looks the program up
  command: { lookup: ['-v', '-V'] },
  builtin: {},
  if: {},
  then: {},
  else: {},
  elif: {},
  while: {},
  until: {},
  do: {},
  '!': {},
  '{': {},
};

const PACKAGE_MANAGERS = new Set(['apt-get', 'apt', 'aptitude', 'yum', 'dnf', 'microdnf', 'apk', 'brew', 'zypper']);
const INSTALL_SUBCOMMANDS = new Set(['install', 'add']);
const SQLITE_PACKAGES = new Set(['sqlite3', 'sqlite', 'sqlite-tools']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'su']);

interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
}

/** Per simple command: where we are in `sudo -u app sqlite3 db` / `apt-get install -y sqlite3`. */
interface CommandState {
  cmdPos: boolean;
  prefix?: (typeof PREFIX)[string];
  skipWords: number;
  redirectNext: boolean;
  install: 'none' | 'subcommand' | 'packages';
  manager: string;
  subcommand: string;
  shell: 'none' | 'seen' | 'script-next';
  python: 'none' | 'seen' | 'module-next';
}

function freshState(): CommandState {
  return { cmdPos: true, skipWords: 0, redirectNext: false, install: 'none', manager: '', subcommand: '', shell: 'none', python: 'none' };
}

/**
 * Scans shell text in [start, end) of `text`: finds comments, the `sqlite3` CLI in command
 * position and `sqlite3` packages being installed. A line scanner with shell quoting, not a shell
 * parser: it knows quotes, `\` escapes and continuations, `$(…)`, backticks, `<(…)`, heredocs,
 * `;` `&` `|` `&&` `||` and the prefix words in PREFIX.
 */
export function scanShell(text: string, start: number, end: number, out: ShellOut): void {
  new ShellScanner(text, end, out).run(start);
}

class ShellScanner {
  private heredocs: Heredoc[] = [];

  constructor(
    private readonly text: string,
    private readonly end: number,
    private readonly out: ShellOut,
  ) {}

  run(start: number): void {
    this.command(start, undefined);
  }

  /** Scans commands from `i` until `stop` (`)` or a backtick) or the end; returns the index after it. */
  private command(i: number, stop: ')' | '`' | undefined): number {
    const t = this.text;
    let st = freshState();
    let wordStart = -1;
    let depth = 0;
    const endWord = (at: number) => {
      if (wordStart >= 0) this.word(st, wordStart, at);
      wordStart = -1;
    };
    const separator = () => {
      st = freshState();
    };
    while (i < this.end) {
      const c = t[i]!;
      if (stop === '`' && c === '`') {
        endWord(i);
        return i + 1;
      }
      if (stop === ')' && c === ')' && depth === 0) {
        endWord(i);
        return i + 1;
      }
      if (c === '\\') {
        if (t[i + 1] === '\n' || (t[i + 1] === '\r' && t[i + 2] === '\n')) {
          // a continuation joins the lines: the word, if any, goes on
          endWord(i);
          i += t[i + 1] === '\r' ? 3 : 2;
          continue;
        }
        if (wordStart < 0) wordStart = i;
        i += 2;
        continue;
      }
      if (c === '\n' || c === '\r') {
        endWord(i);
        separator();
        i = this.afterNewline(i);
        continue;
      }
      if (c === ' ' || c === '\t') {
        endWord(i);
        i++;
        continue;
      }
      if (c === '#' && wordStart < 0) {
        // `# comment` — only at the start of a word
        let j = i;
        while (j < this.end && t[j] !== '\n' && t[j] !== '\r') j++;
        this.out.comments.push({ start: i, end: j });
        i = j;
        continue;
      }
      if (c === "'") {
        if (wordStart < 0) wordStart = i;
        const close = t.indexOf("'", i + 1);
        i = close < 0 || close >= this.end ? this.end : close + 1;
        continue;
      }
      if (c === '"') {
        if (wordStart < 0) wordStart = i;
        i = this.doubleQuoted(i + 1);
        continue;
      }
      if (c === '`') {
        if (wordStart < 0) wordStart = i;
        i = this.command(i + 1, '`');
        continue;
      }
      if (c === '$' && t[i + 1] === '(') {
        if (wordStart < 0) wordStart = i;
        i = t[i + 2] === '(' ? this.arithmetic(i + 3) : this.command(i + 2, ')');
        continue;
      }
      if ((c === '<' || c === '>') && t[i + 1] === '(') {
        // <(sqlite3 a.db .dump) — process substitution
        endWord(i);
        i = this.command(i + 2, ')');
        continue;
      }
      if (c === '<' || c === '>') {
        // `2>/dev/null`: the digits are a file descriptor, not a word
        if (wordStart >= 0 && /^\d+$/.test(t.slice(wordStart, i))) wordStart = -1;
        endWord(i);
        if (c === '<' && t[i + 1] === '<' && t[i + 2] !== '<') {
          i = this.heredocStart(i + 2);
          continue;
        }
        let j = i + 1;
        while (j < this.end && (t[j] === '<' || t[j] === '>' || t[j] === '&' || t[j] === '|')) j++;
        st.redirectNext = true;
        i = j;
        continue;
      }
      if (c === ';' || c === '&' || c === '|') {
        endWord(i);
        if (c === '&' && t[i + 1] === '>') {
          // &> file
          st.redirectNext = true;
          i += t[i + 2] === '>' ? 3 : 2;
          continue;
        }
        let j = i + 1;
        while (j < this.end && (t[j] === ';' || t[j] === '&' || t[j] === '|')) j++;
        separator();
        i = j;
        continue;
      }
      if (c === '(') {
        endWord(i);
        depth++;
        separator();
        i++;
        continue;
      }
      if (c === ')') {
        // the end of a subshell, or a case arm: `backup) sqlite3 "$DB" .dump ;;`
        endWord(i);
        if (depth > 0) depth--;
        separator();
        i++;
        continue;
      }
      if (wordStart < 0) wordStart = i;
      i++;
    }
    endWord(Math.min(i, this.end));
    return this.end;
  }

  /** Inside "…": `$(…)` and backticks are commands, `\"` is escaped. Returns the index after the quote. */
  private doubleQuoted(i: number): number {
    const t = this.text;
    while (i < this.end) {
      const c = t[i]!;
      if (c === '\\') i += 2;
      else if (c === '"') return i + 1;
      else if (c === '$' && t[i + 1] === '(') i = t[i + 2] === '(' ? this.arithmetic(i + 3) : this.command(i + 2, ')');
      else if (c === '`') i = this.command(i + 1, '`');
      else i++;
    }
    return this.end;
  }

  /** `$(( … ))`: skipped; returns the index after the closing `))`. */
  private arithmetic(i: number): number {
    let depth = 2;
    while (i < this.end && depth > 0) {
      if (this.text[i] === '(') depth++;
      else if (this.text[i] === ')') depth--;
      i++;
    }
    return i;
  }

  /** After `<<`: reads `-`, the delimiter (`EOF`, `'EOF'`, `"EOF"`, `\EOF`) and queues the body. */
  private heredocStart(i: number): number {
    const t = this.text;
    let stripTabs = false;
    if (t[i] === '-') {
      stripTabs = true;
      i++;
    }
    while (i < this.end && (t[i] === ' ' || t[i] === '\t')) i++;
    let delimiter = '';
    while (i < this.end && !' \t\n\r;&|<>()'.includes(t[i]!)) {
      const c = t[i]!;
      if (c === "'" || c === '"') {
        const close = t.indexOf(c, i + 1);
        const stopAt = close < 0 || close >= this.end ? this.end : close;
        delimiter += t.slice(i + 1, stopAt);
        i = stopAt + 1;
      } else if (c === '\\') {
        delimiter += t[i + 1] ?? '';
        i += 2;
      } else {
        delimiter += c;
        i++;
      }
    }
    if (delimiter !== '') this.heredocs.push({ delimiter, stripTabs });
    return i;
  }

  /** Moves past the line break at `i` and past any heredoc bodies queued on the line it ends. */
  private afterNewline(i: number): number {
    const t = this.text;
    i += t[i] === '\r' && t[i + 1] === '\n' ? 2 : 1;
    const pending = this.heredocs;
    this.heredocs = [];
    for (const doc of pending) {
      while (i < this.end) {
        let lineEnd = i;
        while (lineEnd < this.end && t[lineEnd] !== '\n' && t[lineEnd] !== '\r') lineEnd++;
        let line = t.slice(i, lineEnd);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        const next = lineEnd < this.end ? lineEnd + (t[lineEnd] === '\r' && t[lineEnd + 1] === '\n' ? 2 : 1) : lineEnd;
        i = next;
        if (line === doc.delimiter) break;
      }
    }
    return i;
  }

  /** A complete word at [start, end): command, prefix, option or argument. */
  private word(st: CommandState, start: number, end: number): void {
    const raw = this.text.slice(start, end);
    const word = unquote(raw);
    if (st.redirectNext) {
      st.redirectNext = false;
      return;
    }
    if (st.cmdPos) {
      if (st.skipWords > 0) {
        st.skipWords--;
        return;
      }
      if (st.prefix && word.startsWith('-') && word.length > 1) {
        if (st.prefix.lookup?.includes(word)) st.cmdPos = false;
        else if (st.prefix.optArgs?.includes(word)) st.skipWords = 1;
        return;
      }
      // FOO=bar sqlite3 …
      if (/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(raw)) return;
      const prefix = Object.prototype.hasOwnProperty.call(PREFIX, raw) ? PREFIX[raw] : undefined;
      if (prefix) {
        st.prefix = prefix;
        st.skipWords = prefix.positional ?? 0;
        return;
      }
      st.cmdPos = false;
      st.prefix = undefined;
      const base = word.slice(word.lastIndexOf('/') + 1);
      if (base === 'sqlite3') this.out.hits.push({ range: { start, end }, kind: 'sqlite-cli', name: raw });
      if (PACKAGE_MANAGERS.has(base)) {
        st.install = 'subcommand';
        st.manager = raw;
      }
      if (SHELLS.has(base)) st.shell = 'seen';
      if (/^python[0-9.]*$/.test(base)) st.python = 'seen';
      return;
    }
    if (st.python !== 'none') {
      // python3 -m sqlite3 app.db: the CLI that ships with Python 3.12+
      if (st.python === 'module-next' && word === 'sqlite3') {
        this.out.hits.push({ range: { start, end }, kind: 'sqlite-cli', name: raw });
      }
      st.python = word === '-m' ? 'module-next' : word.startsWith('-') ? st.python : 'none';
      return;
    }
    if (st.install === 'subcommand') {
      if (word.startsWith('-')) return;
      st.install = INSTALL_SUBCOMMANDS.has(word) ? 'packages' : 'none';
      st.subcommand = word;
      return;
    }
    if (st.install === 'packages') {
      if (word.startsWith('-')) return;
      // sqlite3=3.40.1-2, sqlite=3.44.2-r0
      const name = word.split('=')[0]!;
      if (SQLITE_PACKAGES.has(name.toLowerCase())) {
        const range = raw === word ? { start, end: start + name.length } : { start, end };
        this.out.hits.push({ range, kind: 'sqlite-cli', name: `${st.manager} ${st.subcommand} ${name}` });
      }
      return;
    }
    if (st.shell === 'seen' && /^-[a-z]*c[a-z]*$/.test(word)) {
      st.shell = 'script-next';
      return;
    }
    if (st.shell === 'script-next') {
      st.shell = 'none';
      // sh -c 'sqlite3 app.db .dump'
      const q = raw[0];
      if ((q === '"' || q === "'") && raw.length >= 2 && raw[raw.length - 1] === q) {
        new ShellScanner(this.text, end - 1, { comments: [], hits: this.out.hits }).run(start + 1);
      }
    }
  }
}

/** The word with its quotes and backslashes removed (close enough to compare against names). */
function unquote(raw: string): string {
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "'" || c === '"') continue;
    if (c === '\\') {
      s += raw[i + 1] ?? '';
      i++;
      continue;
    }
    s += c;
  }
  return s;
}
