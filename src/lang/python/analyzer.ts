import type {
  ApiUseKind,
  Connection,
  FileFacts,
  Range,
  SqlString,
  ThirdPartyKind,
} from '../../model/facts.js';
import { emptyFacts, sortFacts } from '../../model/facts.js';
import { analyzeSql, builtSql, looksLikeSql } from '../../sql/analyze.js';
import { SqlBuilder } from '../../sql/map.js';
import { parseSuppression } from '../suppress.js';
import type { SyntaxNode, Tree } from './parser.js';
import type { FunctionInfo, ProjectIndex, PythonModuleIndex, ReturnRef } from './project.js';
import { aliasUses, connectionShape, enclosingStatement, indentUnit, previousStatement, resultUse, statementPos } from './shape.js';
import { appendString, contentRange, DB_FILE, literalValue, SQLITE_URL, stringPrefix } from './strings.js';
import type { Str, Value } from './values.js';
import { assembledAt, concatStr, MAX_EXPORT_WEIGHT, mergeValues, UNKNOWN, weight, withMode } from './values.js';

const EXECUTE_METHODS = new Set(['execute', 'executemany', 'executescript']);
const FETCH_METHODS = new Set(['fetchone', 'fetchall', 'fetchmany']);
const CREATE_FUNCTION_METHODS = new Set([
  'create_function',
  'create_aggregate',
  'create_collation',
  'create_window_function',
  'set_authorizer',
  'set_progress_handler',
  'set_trace_callback',
  'enable_load_extension',
  'load_extension',
]);
const SQLITE_EXCEPTIONS = new Set([
  'Error',
  'Warning',
  'DatabaseError',
  'IntegrityError',
  'OperationalError',
  'ProgrammingError',
  'InterfaceError',
  'InternalError',
  'NotSupportedError',
  'DataError',
]);
/** connect() keywords with no PostgreSQL analogue (isolation_level and check_same_thread have rules of their own) */
const CONNECT_OPTIONS = new Set(['timeout', 'detect_types', 'cached_statements', 'uri', 'factory', 'autocommit']);
const PEEWEE_CLASSES = new Set(['SqliteDatabase', 'SqliteExtDatabase', 'CSqliteExtDatabase', 'APSWDatabase', 'SqliteQueueDatabase']);
const PANDAS_READERS = new Set(['read_sql', 'read_sql_query', 'read_sql_table']);
/** drivers whose presence means an unknown receiver is not necessarily SQLite */
const FOREIGN_DRIVERS = new Set([
  'psycopg2',
  'psycopg',
  'asyncpg',
  'pg8000',
  'pymysql',
  'MySQLdb',
  'mysql',
  'pyodbc',
  'cx_Oracle',
  'oracledb',
  'sqlalchemy',
  'databases',
  'duckdb',
  'snowflake',
  'django',
]);
const IMPORT_STATEMENTS = ['import_statement', 'import_from_statement'];
const SCOPES_AND_IMPORTS = ['function_definition', 'class_definition', 'import_statement', 'import_from_statement'];
const KNOWN_MODULES = new Set(['sqlite3', 'aiosqlite', 'contextlib', 'functools', 'importlib', 'pandas']);
const BARE_EXTENSION = /^\.(db|sqlite|sqlite3|db3)$/i;

/**
 * A Map that counts its changes: a cached view of it is still current while the count stands. It
 * logs the keys set, so that a view can be brought up to date with them, until a key is removed.
 */
class CountingMap<K, V> extends Map<K, V> {
  changes = 0;
  removals = 0;
  readonly setKeys: K[] = [];
  override set(key: K, value: V): this {
    this.changes++;
    // (Map's constructor sets its entries through here, before the fields exist)
    this.setKeys?.push(key);
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    this.changes++;
    this.removals++;
    return super.delete(key);
  }
  override clear(): void {
    this.changes++;
    this.removals++;
    super.clear();
  }
}

/**
 * The module as a function body sees it: layers of bindings, the newest first, the last a view made
 * in full. A new view puts the names bound since the last one over that one's layers, which it
 * shares and never changes; a layer as large as half the one below it is merged into a copy of
 * it, so there are few layers and each name is copied a few times. Only read, by name.
 */
class ModuleView extends Map<string, Value> {
  constructor(readonly layers: readonly Map<string, Value>[]) {
    super();
  }
  override get(key: string): Value | undefined {
    for (const layer of this.layers) {
      const v = layer.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  override has(key: string): boolean {
    return this.layers.some((layer) => layer.has(key));
  }
}

/** Over the view made in full: with more layers than this, the next view is made in full again. */
const VIEW_LAYERS_LIMIT = 24;

class Scope {
  /** the names bound here; a fork's, only those bound since it was forked (the rest: `base`'s) */
  readonly vars: Map<string, Value>;
  readonly globals = new Set<string>();
  /** an analysis left for the end of the module (ModuleAnalyzer.inferred) reads this fork: detach() */
  private kept = false;
  constructor(
    readonly parent: Scope | undefined,
    readonly kind: 'module' | 'function' | 'class',
    vars?: Map<string, Value>,
    /** the scope this one was forked from, unchanged while the fork's branch is visited (visitBranches) */
    private base?: Scope,
  ) {
    this.vars = vars ?? new Map();
  }
  /** The name's binding in this scope itself (a fork's: or in the scope it was forked from). */
  get(name: string): Value | undefined {
    return this.vars.get(name) ?? this.base?.get(name);
  }
  lookup(name: string): Value | undefined {
    // class bodies are not visible from the functions nested in them
    const own = this.get(name);
    if (own) return own;
    let p = this.parent;
    while (p && p.kind === 'class') p = p.parent;
    return p?.lookup(name);
  }
  /**
   * A scope for one branch of an if or try: it reads this one's bindings and keeps its own. A copy
   * of every binding for each branch (hundreds at a module's top level), each merged back after,
   * was about 3 % of the analysis's instructions.
   */
  fork(): Scope {
    const s = new Scope(this.parent, this.kind, undefined, this);
    for (const g of this.globals) s.globals.add(g);
    return s;
  }
  /** This scope will be read after its branch ended: so will every fork it reads through. */
  keep(): void {
    for (let s: Scope | undefined = this; s; s = s.parent) for (let f: Scope | undefined = s; f?.base; f = f.base) f.kept = true;
  }
  /**
   * The branch ended, and the scope it was forked from changes next: a kept fork takes a copy of
   * the bindings it read there, so that it reads them as they were at the branch's end (as a
   * fork holding a copy of them all did).
   */
  detach(): void {
    if (!this.base) return;
    // the nearest binding of each name: this fork's own, else the nearest base's
    if (this.kept) for (let f: Scope | undefined = this.base; f; f = f.base) for (const [k, v] of f.vars) if (!this.vars.has(k)) this.vars.set(k, v);
    this.base = undefined;
  }
}

interface FnCtx {
  name: string;
  kind: FunctionInfo['kind'];
  range: Range;
  returns: Value[];
  cls?: string;
}

type Mode = 'index' | 'facts';

interface Pending {
  apply(): void;
  /**
   * How sure the fact is without other SQLite evidence in the file: `sqlite-only` methods exist
   * only on sqlite3 objects (executescript); `sqlish` facts (SQL that reads as SQL, SQLite-only
   * extension methods) stand unless another driver is imported; the rest needs SQLite usage.
   */
  confidence: 'sqlite-only' | 'sqlish' | 'weak';
}

/**
 * Walks one Python module. In `index` mode it only learns what each function returns and
 * which names the module exports; in `facts` mode it records every SQLite fact, using the
 * project index for factories defined anywhere in the project.
 */
export class ModuleAnalyzer {
  readonly facts: FileFacts;
  private recording = false;
  private readonly classAttrs = new Map<string, Map<string, Value>>();
  private readonly functions = new Map<string, FnCtx>();
  private fn: FnCtx | undefined;
  private cls: string | undefined;
  private readonly moduleScope = new Scope(undefined, 'module', new CountingMap<string, Value>());
  /** top-level names as bound after the whole module ran (seen from function bodies) */
  private finalModule = new CountingMap<string, Value>();
  /**
   * the last moduleView, with the change counts of the two maps it was built from, the removals and
   * the number of keys set in the module's bindings by then, and its layers (ModuleView)
   */
  private view: { vars: number; final: number; removals: number; setKeys: number; layers: readonly Map<string, Value>[]; map: Map<string, Value> } | undefined;
  private readonly recorded = new Set<string>();
  private readonly consumed = new Set<number>();
  private readonly constantOf = new Map<number, string>();
  private readonly docstrings = new Set<number>();
  private readonly pending: Pending[] = [];
  private readonly foreignSql: (() => void)[] = [];
  private usesSqlite = false;
  /** another database driver is imported … */
  private foreignDriver = false;
  /** … and used: something of it is called (an import for its exception classes is not use) */
  private foreignUse = false;
  private inRowFactoryAssign = false;
  /** local names bound by `from sqlite3 import …` */
  private readonly importedMembers = new Set<string>();
  /** `__import__("backend.util.db")`: a module name, not a file */
  private readonly moduleNameArgs = new Set<number>();

  constructor(
    private readonly tree: Tree,
    private readonly text: string,
    private readonly file: string,
    private readonly project: ProjectIndex,
    private readonly mode: Mode,
  ) {
    this.facts = emptyFacts(file, 'python');
  }

  run(): void {
    const root = this.tree.rootNode;
    this.collectDocstrings(root);
    // pass 1: learn bindings (module names, class attributes, function results) without recording
    this.recording = false;
    this.visitBlock(root, this.moduleScope);
    this.finalModule = new CountingMap(this.moduleScope.vars);
    this.view = undefined;
    this.moduleScope.vars.clear();
    // pass 2: the same walk, recording facts; function bodies see the final module bindings
    this.recording = true;
    for (const f of this.functions.values()) f.returns = [];
    this.visitBlock(root, this.moduleScope);
    if (this.mode === 'facts') this.finish(root);
  }

  index(): PythonModuleIndex {
    const functions: FunctionInfo[] = [];
    for (const f of [...this.functions.values()].sort((a, b) => a.range.start - b.range.start)) {
      const returns: ReturnRef[] = [];
      for (const v of f.returns) {
        const r = toReturnRef(v);
        if (r) returns.push(r);
      }
      functions.push({ name: f.name, range: f.range, kind: f.kind, returns });
    }
    const classes = [...this.classAttrs.keys()].sort();
    const constants: string[] = [];
    const instances: [string, string][] = [];
    for (const [name, v] of this.finalModule) {
      if (v.k === 'str') constants.push(name);
      else if (v.k === 'instance' && v.file === this.file) instances.push([name, v.cls]);
    }
    constants.sort();
    instances.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { file: this.file, functions, classes, constants, instances };
  }

  // ---------------------------------------------------------------- statements

  private visitBlock(block: SyntaxNode, scope: Scope): void {
    for (const stmt of block.namedChildren) this.visitStatement(stmt, scope);
  }

  private visitStatement(node: SyntaxNode, scope: Scope): void {
    switch (node.type) {
      case 'import_statement':
        return this.visitImport(node, scope);
      case 'import_from_statement':
        return this.visitFromImport(node, scope);
      case 'future_import_statement':
        return;
      case 'expression_statement':
        for (const child of node.namedChildren) this.visitExpressionStatement(child, scope);
        return;
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        let cm = false;
        for (const d of node.namedChildren) {
          if (d.type !== 'decorator') continue;
          const expr = d.namedChildren[0];
          if (!expr) continue;
          const name = expr.type === 'call' ? expr.childForFieldName('function')?.text : expr.text;
          if (name && /(^|\.)(async)?contextmanager$/.test(name)) cm = true;
          this.scan(expr, scope);
        }
        if (def?.type === 'function_definition') return this.visitFunction(def, scope, cm);
        if (def) return this.visitStatement(def, scope);
        return;
      }
      case 'function_definition':
        return this.visitFunction(node, scope, false);
      case 'class_definition':
        return this.visitClass(node, scope);
      case 'return_statement': {
        const value = node.namedChildren[0];
        if (value) {
          this.scan(value, scope);
          if (this.fn) this.fn.returns.push(this.eval(value, scope));
        }
        return;
      }
      case 'if_statement':
        return this.visitBranches(node, scope);
      case 'try_statement':
        return this.visitBranches(node, scope);
      case 'with_statement':
        return this.visitWith(node, scope);
      case 'for_statement': {
        const right = node.childForFieldName('right');
        if (right) this.scan(right, scope);
        const left = node.childForFieldName('left');
        if (left) this.bindTarget(left, UNKNOWN, scope);
        for (const child of node.namedChildren) {
          if (child.type === 'block') this.visitBlock(child, scope);
          else if (child.type === 'else_clause') this.visitBlock(child.childForFieldName('body') ?? child, scope);
        }
        return;
      }
      case 'while_statement': {
        const cond = node.childForFieldName('condition');
        if (cond) this.scan(cond, scope);
        for (const child of node.namedChildren) {
          if (child.type === 'block') this.visitBlock(child, scope);
          else if (child.type === 'else_clause') this.visitBlock(child.childForFieldName('body') ?? child, scope);
        }
        return;
      }
      case 'global_statement':
      case 'nonlocal_statement':
        for (const id of node.namedChildren) if (id.type === 'identifier') scope.globals.add(id.text);
        return;
      case 'block':
      case 'module':
        return this.visitBlock(node, scope);
      case 'comment':
      case 'pass_statement':
      case 'break_statement':
      case 'continue_statement':
        return;
      default:
        // raise, assert, del, print (py2), match, ERROR …: scan what they contain
        for (const child of node.namedChildren) {
          if (child.type === 'block') this.visitBlock(child, scope);
          else if (isStatement(child)) this.visitStatement(child, scope);
          else this.scan(child, scope);
        }
    }
  }

  private visitExpressionStatement(node: SyntaxNode, scope: Scope): void {
    if (node.type === 'assignment') return this.visitAssignment(node, scope);
    if (node.type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (right) this.scan(right, scope);
      if (left?.type === 'identifier' && right && node.childForFieldName('operator')?.text === '+=') {
        const old = scope.lookup(left.text) ?? UNKNOWN;
        const add = this.eval(right, scope);
        if (old.k === 'str') {
          this.assignName(left.text, { k: 'str', alts: concatStr(old.alts, strParts(add, right)) }, scope);
        }
      }
      return;
    }
    this.scan(node, scope);
  }

  private visitAssignment(node: SyntaxNode, scope: Scope): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!right) {
      if (left) this.scan(left, scope);
      return;
    }
    // a = b = value
    if (right.type === 'assignment') {
      this.visitAssignment(right, scope);
      const inner = right.childForFieldName('left');
      if (left && inner) this.bindTarget(left, this.eval(inner, scope), scope);
      return;
    }
    // conn.row_factory = sqlite3.Row: one finding for the statement
    const isRowFactory = left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'row_factory';
    if (isRowFactory && left) {
      const obj = this.eval(left.childForFieldName('object')!, scope);
      if (isSqliteHandle(obj) || this.refersToSqliteRow(right, scope)) this.api('row-factory', left, left.text);
      else if (this.known(obj).k === 'unknown') this.inferred(() => this.api('row-factory', left, left.text));
      this.inRowFactoryAssign = true;
    }
    // conn.isolation_level = None
    if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'isolation_level') {
      if (this.eval(left.childForFieldName('object')!, scope).k === 'conn') this.api('isolation-level', left, left.text);
    }
    this.scan(right, scope);
    this.inRowFactoryAssign = false;
    if (left && left.type !== 'identifier') this.scan(left, scope, true);

    let value: Value;
    if (right.type === 'lambda' && left?.type === 'identifier') {
      value = this.defineCallable(left, 'lambda', scope, () => {
        const body = right.childForFieldName('body');
        return body ? this.eval(body, scope) : UNKNOWN;
      });
    } else if (left?.type === 'identifier' && right.type === 'call' && this.isPartial(right, scope)) {
      value = this.defineCallable(left, 'partial', scope, () => {
        const target = right.childForFieldName('arguments')?.namedChildren[0];
        return target ? this.callResult(this.eval(target, scope)) : UNKNOWN;
      });
    } else {
      value = this.eval(right, scope);
    }
    if (left) this.bindTarget(left, value, scope);
    if (left?.type === 'identifier' && scope.kind !== 'function') {
      const root = strRoot(right);
      if (root) this.constantOf.set(root.startIndex, scope.kind === 'class' && this.cls ? `${this.cls}.${left.text}` : left.text);
    }
  }

  /** `name = lambda: …` / `name = partial(…)` at module or class level is a project function. */
  private defineCallable(left: SyntaxNode, kind: 'lambda' | 'partial', scope: Scope, result: () => Value): Value {
    if (scope.kind === 'function') {
      const r = result();
      return kind === 'lambda' ? { k: 'lambda', result: r } : { k: 'partial', target: { k: 'lambda', result: r } };
    }
    const name = scope.kind === 'class' && this.cls ? `${this.cls}.${left.text}` : left.text;
    const ctx = this.functionCtx(name, kind, { start: left.startIndex, end: left.endIndex });
    ctx.returns.push(result());
    return { k: 'pfunc', file: this.file, name };
  }

  private functionCtx(name: string, kind: FnCtx['kind'], range: Range): FnCtx {
    let ctx = this.functions.get(name);
    if (!ctx) {
      ctx = { name, kind, range, returns: [] };
      this.functions.set(name, ctx);
    }
    return ctx;
  }

  private bindTarget(target: SyntaxNode, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        return this.assignName(target.text, value, scope);
      case 'attribute': {
        const obj = target.childForFieldName('object');
        const attr = target.childForFieldName('attribute')?.text;
        if (obj && attr) {
          const o = this.eval(obj, scope);
          if (o.k === 'self') this.setClassAttr(o.cls, attr, value);
        }
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
        for (const c of target.namedChildren) this.bindTarget(c, UNKNOWN, scope);
        return;
      default:
        return;
    }
  }

  private assignName(name: string, value: Value, scope: Scope): void {
    if (scope.globals.has(name)) {
      const prev = this.finalModule.get(name);
      this.finalModule.set(name, prev ? this.merge(prev, value) : value);
      return;
    }
    scope.vars.set(name, value);
  }

  private setClassAttr(cls: string, attr: string, value: Value): void {
    let attrs = this.classAttrs.get(cls);
    if (!attrs) {
      attrs = new Map();
      this.classAttrs.set(cls, attrs);
    }
    const prev = attrs.get(attr);
    attrs.set(attr, prev ? this.merge(prev, value) : value);
  }

  private visitFunction(node: SyntaxNode, scope: Scope, contextmanager: boolean): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const simple = nameNode.text;
    const qual =
      scope.kind === 'class' && this.cls ? `${this.cls}.${simple}` : this.fn ? `${this.fn.name}.<locals>.${simple}` : simple;
    const kind: FnCtx['kind'] = contextmanager ? 'contextmanager' : scope.kind === 'class' ? 'method' : 'function';
    const ctx = this.functionCtx(qual, kind, { start: nameNode.startIndex, end: nameNode.endIndex });
    if (scope.kind !== 'class') this.assignName(simple, { k: 'pfunc', file: this.file, name: qual }, scope);
    else if (this.cls) this.setClassAttr(this.cls, simple, { k: 'pfunc', file: this.file, name: qual });

    const params = node.childForFieldName('parameters');
    if (params) for (const p of params.namedChildren) {
      const dflt = p.childForFieldName('value');
      if (dflt) this.scan(dflt, scope);
      // def f(row: sqlite3.Row)
      const annotation = p.childForFieldName('type');
      if (annotation) this.scan(annotation, scope);
    }
    const returns = node.childForFieldName('return_type');
    if (returns) this.scan(returns, scope);
    // functions see the module as it is once loaded, not as it was at the def
    const parent = scope.kind === 'function' ? scope : new Scope(undefined, 'module', this.moduleView(this.moduleScope));
    const fscope = new Scope(parent, 'function');
    const cls = scope.kind === 'class' ? this.cls : undefined;
    if (params) {
      let first = true;
      for (const p of params.namedChildren) {
        const pname = p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.namedChildren[0]?.text;
        if (!pname) continue;
        const annotation = p.childForFieldName('type');
        // def create_all(conn: sqlite3.Connection)
        const typed = annotation ? this.annotated(annotation, scope) : UNKNOWN;
        fscope.vars.set(pname, first && cls && (pname === 'self' || pname === 'cls') ? { k: 'self', file: this.file, cls } : typed);
        first = false;
      }
    }
    const savedFn = this.fn;
    const savedCls = this.cls;
    this.fn = ctx;
    ctx.cls = cls;
    this.cls = undefined;
    const body = node.childForFieldName('body');
    if (body) this.visitBlock(body, fscope);
    this.fn = savedFn;
    this.cls = savedCls;
  }

  /** Module bindings as seen from a function body: what is bound now, else what the module binds by its end. */
  private moduleView(scope: Scope): Map<string, Value> {
    // the methods of a class, and functions defined one after another, see the same module: one
    // view serves them all until a module binding changes (nobody writes to a view)
    const bound = scope.vars as CountingMap<string, Value>;
    const vars = bound.changes;
    const final = this.finalModule.changes;
    const last = this.view;
    if (last && last.vars === vars && last.final === final) return last.map;
    // Names bound since the last view, over that view's layers: a module of 5,000 functions made a
    // view of every name for each function, 6 s of a 7.8 s audit (before session 27). The last
    // view stays as it was: a body analysed at the module's end still reads it.
    if (last && last.final === final && last.removals === bound.removals && last.layers.length < VIEW_LAYERS_LIMIT) {
      const fresh = new Map<string, Value>();
      for (let i = last.setKeys; i < bound.setKeys.length; i++) {
        const k = bound.setKeys[i]!;
        const v = bound.get(k)!;
        const settled = this.finalModule.get(k);
        fresh.set(k, settled ? this.merge(settled, v) : v);
      }
      let layers = [fresh, ...last.layers];
      while (layers.length > 1 && layers[0]!.size * 2 >= layers[1]!.size) {
        const merged = new Map(layers[1]);
        for (const [k, v] of layers[0]!) merged.set(k, v);
        layers = [merged, ...layers.slice(2)];
      }
      const map = layers.length === 1 ? layers[0]! : new ModuleView(layers);
      this.view = { vars, final, removals: bound.removals, setKeys: bound.setKeys.length, layers, map };
      return map;
    }
    const view = new Map(this.finalModule);
    for (const [k, v] of scope.vars) view.set(k, view.has(k) ? this.merge(view.get(k)!, v) : v);
    this.view = { vars, final, removals: bound.removals, setKeys: bound.setKeys.length, layers: [view], map: view };
    return view;
  }

  private visitClass(node: SyntaxNode, scope: Scope): void {
    const name = node.childForFieldName('name')?.text;
    if (!name) return;
    const sup = node.childForFieldName('superclasses');
    if (sup) this.scan(sup, scope);
    this.assignName(name, { k: 'pclass', file: this.file, name }, scope);
    if (!this.classAttrs.has(name)) this.classAttrs.set(name, new Map());
    const body = node.childForFieldName('body');
    if (!body) return;
    const savedCls = this.cls;
    const savedFn = this.fn;
    this.fn = undefined;
    this.cls = name;
    const cscope = new Scope(scope, 'class');
    // methods set self.conn in one method and use it in another: learn attributes first
    if (this.recording) {
      this.recording = false;
      this.visitBlock(body, cscope.fork());
      this.recording = true;
    }
    this.visitBlock(body, cscope);
    for (const [k, v] of cscope.vars) this.setClassAttr(name, k, v);
    this.cls = savedCls;
    this.fn = savedFn;
  }

  /** if / try: each branch starts from the same bindings; afterwards a name may hold either. */
  private visitBranches(node: SyntaxNode, scope: Scope): void {
    const forks: Scope[] = [];
    for (const child of node.namedChildren) {
      if (child.type === 'block') {
        const f = scope.fork();
        this.visitBlock(child, f);
        forks.push(f);
      } else if (['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause'].includes(child.type)) {
        const f = scope.fork();
        for (const c of child.namedChildren) {
          if (c.type === 'block') this.visitBlock(c, f);
          else if (c.type === 'as_pattern') {
            this.scan(c.namedChildren[0] ?? c, f);
            const target = c.childForFieldName('alias');
            if (target) this.bindTarget(target.namedChildren[0] ?? target, UNKNOWN, f);
          } else this.scan(c, f);
        }
        forks.push(f);
      } else {
        // the if condition
        this.scan(child, scope);
      }
    }
    const hasElse = node.namedChildren.some((c) => c.type === 'else_clause');
    // without else, the path that takes no branch keeps the old bindings
    if (node.type === 'if_statement' && !hasElse) forks.push(scope.fork());
    // a name no branch bound keeps its binding (merging a value with itself gives it back); new
    // names are bound in the order the branches first bound them
    const names = new Set<string>();
    for (const f of forks) for (const k of f.vars.keys()) names.add(k);
    const merged: [string, Value][] = [];
    for (const name of names) {
      let v: Value | undefined;
      for (const f of forks) {
        const fv = f.get(name);
        if (!fv) continue;
        v = v ? this.merge(v, fv) : fv;
      }
      if (v) merged.push([name, v]);
    }
    for (const f of forks) f.detach();
    for (const [name, v] of merged) scope.vars.set(name, v);
    for (const f of forks) for (const g of f.globals) scope.globals.add(g);
  }

  private visitWith(node: SyntaxNode, scope: Scope): void {
    for (const child of node.namedChildren) {
      if (child.type === 'with_clause') {
        for (const item of child.namedChildren) {
          const v = item.childForFieldName('value') ?? item.namedChildren[0];
          if (!v) continue;
          if (v.type === 'as_pattern') {
            const expr = v.namedChildren[0]!;
            this.scan(expr, scope);
            const target = v.childForFieldName('alias');
            const t = target?.namedChildren[0] ?? target;
            if (t) this.bindTarget(t, enter(this.eval(expr, scope)), scope);
          } else this.scan(v, scope);
        }
      } else if (child.type === 'block') this.visitBlock(child, scope);
    }
  }

  private visitImport(node: SyntaxNode, scope: Scope): void {
    for (const n of node.namedChildren) {
      const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
      if (!dotted || dotted.type !== 'dotted_name') continue;
      const name = dotted.text;
      const top = name.split('.')[0]!;
      this.noteModule(top);
      if (top === 'sqlite3' || top === 'aiosqlite') {
        this.recordImport(dotted, name, undefined, alias ?? top, 'import');
      }
      this.assignName(alias ?? top, this.moduleValue(name, alias !== undefined), scope);
    }
  }

  private visitFromImport(node: SyntaxNode, scope: Scope): void {
    const modNode = node.childForFieldName('module_name');
    if (!modNode) return;
    let level = 0;
    let dotted = modNode.text;
    if (modNode.type === 'relative_import') {
      const prefix = modNode.namedChildren.find((c) => c.type === 'import_prefix');
      level = prefix ? prefix.text.length : 0;
      dotted = modNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
    }
    const top = dotted.split('.')[0] ?? '';
    if (level === 0) this.noteModule(top);
    const names: { name: string; alias: string; node: SyntaxNode }[] = [];
    for (const n of node.namedChildren) {
      // node objects are not unique per node in the binding: compare positions, not identity
      if (n.startIndex === modNode.startIndex && n.endIndex === modNode.endIndex) continue;
      if (n.type === 'dotted_name') names.push({ name: n.text, alias: n.text, node: n });
      else if (n.type === 'aliased_import') {
        const nm = n.childForFieldName('name')?.text;
        const al = n.childForFieldName('alias')?.text;
        if (nm) names.push({ name: nm, alias: al ?? nm, node: n });
      } else if (n.type === 'wildcard_import') names.push({ name: '*', alias: '*', node: n });
    }
    if (level === 0 && (top === 'sqlite3' || top === 'aiosqlite')) {
      this.recordImport(modNode, dotted, names.map((n) => n.name).join(', '), names[0]?.alias ?? top, 'from');
    }
    for (const { name, alias } of names) {
      if (name === '*') continue;
      if (level === 0 && top === 'sqlite3') this.importedMembers.add(alias);
      this.assignName(alias, this.importedValue(dotted, level, name), scope);
    }
  }

  private noteModule(top: string): void {
    if (top === 'sqlite3' || top === 'aiosqlite') this.usesSqlite = true;
    if (FOREIGN_DRIVERS.has(top)) this.foreignDriver = true;
  }

  /** `import a.b.c as x` binds the module a.b.c; `import a.b.c` binds `a`. */
  private moduleValue(name: string, aliased: boolean): Value {
    const top = name.split('.')[0]!;
    if (KNOWN_MODULES.has(top) || FOREIGN_DRIVERS.has(top)) return { k: 'module', name: top };
    const bound = aliased ? name : top;
    const file = this.project.table.resolve(bound, this.file);
    return file ? { k: 'projmod', file } : { k: 'projpkg', dotted: bound };
  }

  private importedValue(dotted: string, level: number, name: string): Value {
    const top = dotted.split('.')[0] ?? '';
    if (level === 0 && (KNOWN_MODULES.has(top) || FOREIGN_DRIVERS.has(top))) {
      if (top === 'sqlite3' && name === 'dbapi2') return { k: 'module', name: 'sqlite3' };
      return FOREIGN_DRIVERS.has(top) ? { k: 'foreign' } : { k: 'member', module: top, name };
    }
    const file = this.project.table.resolve(dotted, this.file, level);
    const exported = file ? this.exportOf(file, name) : UNKNOWN;
    if (exported.k !== 'unknown' && exported.k !== 'unindexed') return exported;
    // `from backend.util import db`: a submodule
    const sub = this.project.table.resolve(dotted ? `${dotted}.${name}` : name, this.file, level);
    if (!sub) return exported;
    // a name the package binds hides its submodule: the answer decides
    this.known(exported);
    return { k: 'projmod', file: sub };
  }

  /** What `module.name` is, for a project module. */
  private exportOf(file: string, name: string): Value {
    if (file === this.file) return this.finalModule.get(name) ?? this.moduleScope.vars.get(name) ?? UNKNOWN;
    if (this.mode === 'facts' && !this.project.answers(file, name)) return { k: 'unindexed', needs: [`${file}\0${name}`] };
    if (this.project.hasFunction(file, name)) return { k: 'pfunc', file, name };
    if (this.project.hasClass(file, name)) return { k: 'pclass', file, name };
    if (this.project.hasConstant(file, name)) return { k: 'extconst', file, name };
    const cls = this.project.instanceClass(file, name);
    if (cls) return { k: 'instance', file, cls };
    // the index pass does not know other modules yet: any imported name may be a factory
    if (this.mode === 'index') return { k: 'pfunc', file, name };
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- expressions: values

  private eval(node: SyntaxNode, scope: Scope): Value {
    switch (node.type) {
      case 'identifier': {
        const v = scope.lookup(node.text);
        if (v) return v;
        // a `sqlite3.` reference counts even where the import is missing or conditional
        if (node.text === 'sqlite3') return { k: 'module', name: 'sqlite3' };
        return UNKNOWN;
      }
      case 'attribute':
        return this.evalAttribute(node, scope);
      case 'call':
        return this.evalCall(node, scope);
      case 'await':
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.eval(node.namedChildren[0], scope) : UNKNOWN;
      case 'string':
        return stringPrefix(node).bytes ? UNKNOWN : { k: 'str', alts: [{ t: 'node', node, mode: 'plain' }] };
      case 'concatenated_string':
        return node.namedChildren.some((c) => c.type === 'string' && stringPrefix(c).bytes)
          ? UNKNOWN
          : { k: 'str', alts: [{ t: 'node', node, mode: 'plain' }] };
      case 'binary_operator': {
        const op = node.childForFieldName('operator')?.text;
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        if (!l || !r) return UNKNOWN;
        const lv = this.eval(l, scope);
        if (op === '+') {
          const rv = this.eval(r, scope);
          if (lv.k === 'str' || rv.k === 'str') {
            return { k: 'str', alts: assembledAt(concatStr(strParts(lv, l), strParts(rv, r)), node.startIndex, node.endIndex) };
          }
          return UNKNOWN;
        }
        if (op === '%' && lv.k === 'str') {
          return { k: 'str', alts: assembledAt(lv.alts.map((s) => withMode(s, 'percent')), node.startIndex, node.endIndex) };
        }
        if (op === '%' && lv.k === 'extconst') return { ...lv, formattedAt: { start: node.startIndex, end: node.endIndex } };
        // an unindexed string constant would be formatted here
        if (op === '%' && lv.k === 'unindexed') return lv;
        return UNKNOWN;
      }
      case 'boolean_operator': {
        // conn or get_trades_conn()
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        if (!l || !r) return UNKNOWN;
        return this.merge(this.eval(l, scope), this.eval(r, scope));
      }
      case 'conditional_expression': {
        const [a, , b] = node.namedChildren;
        if (!a || !b) return UNKNOWN;
        return this.merge(this.eval(a, scope), this.eval(b, scope));
      }
      case 'lambda': {
        const body = node.childForFieldName('body');
        return { k: 'lambda', result: body ? this.eval(body, scope) : UNKNOWN };
      }
      default:
        return UNKNOWN;
    }
  }

  /** `obj`: the object's value, when the caller has it already (evalCall). */
  private evalAttribute(node: SyntaxNode, scope: Scope, known?: Value): Value {
    const objNode = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text;
    if (!objNode || !attr) return UNKNOWN;
    const obj = known ?? this.eval(objNode, scope);
    switch (obj.k) {
      case 'module':
        if (obj.name === 'sqlite3' && attr === 'dbapi2') return obj;
        if (FOREIGN_DRIVERS.has(obj.name)) return { k: 'foreign' };
        return { k: 'member', module: obj.name, name: attr };
      case 'projmod':
        return this.exportOf(obj.file, attr);
      case 'projpkg': {
        const dotted = `${obj.dotted}.${attr}`;
        const file = this.project.table.resolve(dotted, this.file);
        return file ? { k: 'projmod', file } : { k: 'projpkg', dotted };
      }
      case 'self':
      case 'instance': {
        const cls = obj.cls;
        const file = obj.file;
        if (file === this.file) {
          const v = this.classAttrs.get(cls)?.get(attr);
          if (v) return v;
        }
        if (this.project.hasFunction(file, `${cls}.${attr}`) || this.functions.has(`${cls}.${attr}`))
          return { k: 'pfunc', file, name: `${cls}.${attr}` };
        return UNKNOWN;
      }
      case 'pclass':
        if (obj.file === this.file) {
          const v = this.classAttrs.get(obj.name)?.get(attr);
          if (v) return v;
        }
        return { k: 'pfunc', file: obj.file, name: `${obj.name}.${attr}` };
      case 'foreign':
      case 'unindexed':
        return obj;
      default:
        return UNKNOWN;
    }
  }

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const fn = node.childForFieldName('function');
    if (!fn) return UNKNOWN;
    const args = node.childForFieldName('arguments');
    let recv: Value | undefined;
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const objNode = fn.childForFieldName('object')!;
      recv = this.eval(objNode, scope);
      if (recv.k === 'conn') {
        if (method === 'cursor' || EXECUTE_METHODS.has(method)) return { k: 'cursor', lib: recv.lib };
        return UNKNOWN;
      }
      if (recv.k === 'cursor') {
        if (EXECUTE_METHODS.has(method)) return recv;
        return UNKNOWN;
      }
      if (recv.k === 'str' && method === 'format') {
        return { k: 'str', alts: assembledAt(recv.alts.map((s) => withMode(s, 'format')), node.startIndex, node.endIndex) };
      }
      if (recv.k === 'extconst' && method === 'format') return { ...recv, formattedAt: { start: node.startIndex, end: node.endIndex } };
      if (recv.k === 'str' && ['strip', 'lstrip', 'rstrip'].includes(method)) return recv;
      if (recv.k === 'foreign') return recv;
    }
    // the receiver evaluated once: evaluated again through the attribute, each call of a chain
    // doubled the work (`df.a().b()…`, 25 calls: 21 s; before session 26)
    const callee = recv ? this.evalAttribute(fn, scope, recv) : this.eval(fn, scope);
    if (callee.k === 'member') {
      if (callee.module === 'contextlib' && callee.name === 'closing') {
        const a = args?.namedChildren[0];
        return a ? this.eval(a, scope) : UNKNOWN;
      }
      if ((callee.module === 'importlib' && callee.name === 'import_module') || false) {
        return this.importlibValue(args);
      }
    }
    if (fn.type === 'identifier' && fn.text === '__import__' && this.known(callee).k === 'unknown') return this.importlibValue(args);
    if (callee.k === 'partial' || (callee.k === 'member' && callee.module === 'functools' && callee.name === 'partial')) {
      if (callee.k === 'partial') return this.callResult(callee.target);
      const target = args?.namedChildren[0];
      return { k: 'partial', target: target ? this.eval(target, scope) : UNKNOWN };
    }
    return this.callResult(callee);
  }

  /** The value a parameter annotated with this type holds. */
  private annotated(annotation: SyntaxNode, scope: Scope): Value {
    const t = annotation.namedChildren[0] ?? annotation;
    const v = this.eval(t.type === 'string' ? t : t, scope);
    if (v.k === 'member' && (v.module === 'sqlite3' || v.module === 'aiosqlite')) {
      if (v.name === 'Connection') return { k: 'conn', lib: v.module };
      if (v.name === 'Cursor') return { k: 'cursor', lib: v.module };
    }
    return UNKNOWN;
  }

  private importlibValue(args: SyntaxNode | null): Value {
    const first = args?.namedChildren[0];
    if (first) this.moduleNameArgs.add(first.startIndex);
    const top = importlibTarget(args, this.text)?.split('.')[0];
    if (top === 'sqlite3' || top === 'aiosqlite') return { k: 'module', name: top };
    return UNKNOWN;
  }

  /** What calling a value returns. */
  private callResult(callee: Value): Value {
    switch (callee.k) {
      case 'member':
        if ((callee.module === 'sqlite3' && (callee.name === 'connect' || callee.name === 'Connection')) || (callee.module === 'aiosqlite' && callee.name === 'connect'))
          return { k: 'conn', lib: callee.module };
        return UNKNOWN;
      case 'pfunc': {
        const f = this.factoryOf(callee.file, callee.name);
        if (f) return f.kind === 'contextmanager' ? { k: 'cm', inner: { k: 'conn', lib: f.lib } } : { k: 'conn', lib: f.lib };
        if (this.mode === 'index') return { k: 'callref', file: callee.file, name: callee.name };
        return UNKNOWN;
      }
      case 'pclass':
        return { k: 'instance', file: callee.file, cls: callee.name };
      case 'lambda':
        return callee.result;
      case 'partial':
        return this.callResult(callee.target);
      case 'foreign':
      case 'unindexed':
        return callee;
      case 'module':
        return FOREIGN_DRIVERS.has(callee.name) ? { k: 'foreign' } : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private factoryOf(file: string, name: string) {
    return this.project.factory(file, name);
  }

  /**
   * A value as a decision sees it. An unindexed value is forced: the export questions it depends
   * on must be answered (the engine indexes those modules and analyses this file again), and it
   * reads as unknown meanwhile. Every place whose outcome could differ between the answers an
   * export question can get (pfunc, pclass, instance, extconst, unknown) goes through here.
   */
  private known(v: Value): Value {
    if (v.k !== 'unindexed') return v;
    this.project.depends(v.needs);
    return UNKNOWN;
  }

  /** mergeValues, where an unindexed side is forced unless every answer gives the same merge. */
  private merge(a: Value, b: Value): Value {
    if (a === b || (a.k !== 'unindexed' && b.k !== 'unindexed')) return mergeValues(a, b);
    if (a.k === 'unindexed' && b.k === 'unindexed') return { k: 'unindexed', needs: [...new Set([...a.needs, ...b.needs])] };
    const other = a.k === 'unindexed' ? b : a;
    // unknown loses to any answer; a connection, cursor or context manager wins over any
    if (other.k === 'unknown') return a.k === 'unindexed' ? a : b;
    if (weight(other) > MAX_EXPORT_WEIGHT) return other;
    return mergeValues(this.known(a), this.known(b));
  }

  private isPartial(call: SyntaxNode, scope: Scope): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const v = this.eval(fn, scope);
    return v.k === 'member' && v.module === 'functools' && v.name === 'partial';
  }

  private refersToSqliteRow(node: SyntaxNode, scope: Scope): boolean {
    const v = this.eval(node, scope);
    return v.k === 'member' && v.module === 'sqlite3' && v.name === 'Row';
  }

  // ---------------------------------------------------------------- expressions: recording

  /** Records the facts inside an expression (calls, attributes, names). */
  private scan(node: SyntaxNode, scope: Scope, isTarget = false): void {
    // @contextmanager factories hand out their connection with `yield`
    if (this.fn?.kind === 'contextmanager') this.collectYields(node, scope);
    if (!this.recording || this.mode !== 'facts') return;
    const stack: SyntaxNode[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'call':
          this.recordCall(n, scope);
          break;
        case 'attribute':
          if (!isTarget || n !== node) this.recordAttribute(n, scope);
          break;
        case 'identifier':
          this.recordName(n, scope);
          break;
        case 'lambda':
        case 'generator_expression':
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
          break;
      }
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c && c.type !== 'string' && c.type !== 'concatenated_string') stack.push(c);
      }
    }
  }

  private collectYields(node: SyntaxNode, scope: Scope): void {
    const fn = this.fn;
    if (!fn) return;
    const stack: SyntaxNode[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'yield') {
        const v = n.namedChildren[0];
        if (v) fn.returns.push(this.eval(v, scope));
      }
      if (n.type === 'lambda' || n.type === 'function_definition') continue;
      for (const c of n.namedChildren) stack.push(c);
    }
  }

  private once(node: SyntaxNode, tag: string): boolean {
    const key = `${tag}:${node.startIndex}:${node.endIndex}`;
    if (this.recorded.has(key)) return false;
    this.recorded.add(key);
    return true;
  }

  private range(node: SyntaxNode): Range {
    return { start: node.startIndex, end: node.endIndex };
  }

  private api(kind: ApiUseKind, node: SyntaxNode, name: string): void {
    if (!this.once(node, `api-${kind}`)) return;
    // x = cur.lastrowid right after cur.execute("INSERT …"): codemods pair the two statements
    const stmt = kind === 'lastrowid' ? enclosingStatement(node) : undefined;
    const prev = stmt ? previousStatement(stmt) : undefined;
    this.facts.apiUses.push({
      range: this.range(node),
      kind,
      name,
      ...(stmt ? { statement: this.range(stmt) } : {}),
      ...(prev ? { previousStatement: this.range(prev) } : {}),
    });
  }

  private third(kind: ThirdPartyKind, node: SyntaxNode | Range, name: string): void {
    const r = 'startIndex' in node ? this.range(node) : node;
    const key = `tp-${kind}:${r.start}:${r.end}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.facts.thirdParty.push({ range: r, kind, name });
  }

  /** Facts that hold only if an unknown receiver is a SQLite one: kept when the file is SQLite-only. */
  private inferred(apply: () => void, confidence: Pending['confidence'] = 'weak'): void {
    this.pending.push({ apply, confidence });
  }

  private recordImport(node: SyntaxNode, module: string, member: string | undefined, alias: string, form: 'import' | 'from' | 'importlib'): void {
    if (!this.recording || this.mode !== 'facts' || !this.once(node, 'import')) return;
    const stmt = form === 'importlib' ? undefined : enclosingStatement(node);
    // import os, sqlite3 / from sqlite3 import connect, Row (the module name is a dotted_name too)
    const listed = stmt?.namedChildren.filter((c) => c.type === 'dotted_name' || c.type === 'aliased_import' || c.type === 'wildcard_import').length ?? 0;
    const names = form === 'from' ? listed - 1 : listed;
    this.facts.imports.push({
      range: this.range(node),
      module,
      member,
      alias,
      form,
      ...(stmt ? { statement: statementPos(stmt, this.text), names } : {}),
    });
  }

  private recordName(node: SyntaxNode, scope: Scope): void {
    const parent = node.parent;
    // the `attribute` half of `x.attr`, keyword names and parameters are not references
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === node.startIndex) return;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.startIndex === node.startIndex) return;
    if (parent?.type === 'attribute') return; // handled by recordAttribute on the parent
    // `Row` from `from sqlite3 import Row` is a reference; `ROW = sqlite3.Row; f(ROW)` is not a second one
    if (!this.importedMembers.has(node.text)) return;
    const v = scope.lookup(node.text);
    if (v?.k === 'member') this.recordMember(v.module, v.name, node);
  }

  private recordMember(module: string, name: string, node: SyntaxNode): void {
    if (module !== 'sqlite3') return;
    this.usesSqlite = true;
    if (SQLITE_EXCEPTIONS.has(name)) this.api('exception', node, node.text);
    else if (name === 'Row' && !this.inRowFactoryAssign) this.api('row-factory', node, node.text);
  }

  private recordAttribute(node: SyntaxNode, scope: Scope): void {
    const objNode = node.childForFieldName('object');
    const attrNode = node.childForFieldName('attribute');
    if (!objNode || !attrNode) return;
    const attr = attrNode.text;
    const parent = node.parent;
    const isCallee = parent?.type === 'call' && parent.childForFieldName('function')?.startIndex === node.startIndex && parent.childForFieldName('function')?.endIndex === node.endIndex;
    const seen = this.eval(objNode, scope);
    if (seen.k === 'module' && seen.name === 'sqlite3') {
      this.usesSqlite = true;
      if (!isCallee) this.recordMember('sqlite3', attr, node);
      return;
    }
    if (isCallee) return;
    if (attr === 'isolation_level' && seen.k === 'conn') this.api('isolation-level', node, node.text);
    if (attr !== 'lastrowid' && attr !== 'total_changes') return;
    // an unknown object with these attributes is inferred to be a SQLite handle
    const obj = this.known(seen);
    const kind: ApiUseKind = attr === 'lastrowid' ? 'lastrowid' : 'total-changes';
    // a cursor has lastrowid but no total_changes
    if (obj.k === 'conn' || (obj.k === 'cursor' && kind === 'lastrowid')) this.api(kind, node, node.text);
    else if (obj.k === 'unknown') this.inferred(() => this.api(kind, node, node.text));
  }

  private recordCall(node: SyntaxNode, scope: Scope): void {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    if (!fn) return;
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const objNode = fn.childForFieldName('object')!;
      const seen = this.eval(objNode, scope);
      // an unknown receiver of these methods is inferred to be a SQLite handle
      const inferable = EXECUTE_METHODS.has(method) || FETCH_METHODS.has(method) || CREATE_FUNCTION_METHODS.has(method) || method === 'iterdump';
      const recv = inferable ? this.known(seen) : seen;
      if (recv.k === 'conn' || recv.k === 'cursor' || (recv.k === 'unknown' && (EXECUTE_METHODS.has(method) || FETCH_METHODS.has(method)))) {
        const onConn = recv.k === 'conn';
        const apply = () => this.recordHandleCall(node, fn, objNode, method, onConn, args, scope);
        if (recv.k === 'unknown') {
          const snapshot = this.snapshotStr(args, scope);
          const sqlish = snapshot?.k === 'str' && snapshot.alts.some((a) => this.readsAsSqliteSql(a));
          const confidence = method === 'executescript' ? 'sqlite-only' : sqlish ? 'sqlish' : 'weak';
          scope.keep();
          this.inferred(() => this.recordHandleCall(node, fn, objNode, method, false, args, scope, snapshot), confidence);
          // in a file that uses another driver and shows no SQLite, this SQL is that driver's;
          // anywhere else, SQL nobody is known to run on SQLite is still checked for SQLite-only SQL
          const first = args?.namedChildren[0];
          if (first && EXECUTE_METHODS.has(method)) this.foreignSql.push(() => this.consume(first, scope));
        } else apply();
        if (onConn && CREATE_FUNCTION_METHODS.has(method)) this.api('create-function', node, `${objNode.text}.${method}`);
        if (onConn && method === 'iterdump') this.api('iterdump', node, `${objNode.text}.${method}`);
        if (onConn && method === 'backup') this.api('backup', node, `${objNode.text}.${method}`);
      }
      // methods only a sqlite3 connection has, on a receiver of unknown origin
      if (recv.k === 'unknown' && (CREATE_FUNCTION_METHODS.has(method) || method === 'iterdump')) {
        const kind: ApiUseKind = method === 'iterdump' ? 'iterdump' : 'create-function';
        this.inferred(() => this.api(kind, node, `${objNode.text}.${method}`), 'sqlish');
      }
      if (recv.k === 'foreign') this.foreignUse = true;
      if (recv.k === 'foreign' && EXECUTE_METHODS.has(method)) {
        // SQL handed to another driver (psycopg2 …) is not SQLite's concern
        const first = args?.namedChildren[0];
        if (first) this.consume(first, scope);
      }
    }
    const callee = this.eval(fn, scope);
    if (callee.k === 'foreign') this.foreignUse = true;
    // pd.read_sql(…), read_sql_query(…) imported by name, df.to_sql(…)
    const ioMethod =
      callee.k === 'member' && callee.module === 'pandas' ? callee.name : fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (ioMethod && (PANDAS_READERS.has(ioMethod) || ioMethod === 'to_sql')) this.recordPandas(node, ioMethod, args, scope);
    if (callee.k === 'member' && callee.module === 'sqlite3') {
      this.usesSqlite = true;
      if (callee.name === 'connect' || callee.name === 'Connection') this.recordConnection(node, fn, args, 'direct', 'sqlite3', undefined);
      else if (callee.name === 'register_adapter' || callee.name === 'register_converter') this.api('register-adapter', node, fn.text);
      else if (SQLITE_EXCEPTIONS.has(callee.name)) this.api('exception', fn, fn.text);
    } else if (callee.k === 'member' && callee.module === 'aiosqlite' && callee.name === 'connect') {
      this.usesSqlite = true;
      this.recordConnection(node, fn, args, 'direct', 'aiosqlite', undefined);
    } else if (callee.k === 'member' && callee.module === 'functools' && callee.name === 'partial') {
      // partial(sqlite3.connect, DB, timeout=30): the options are bound here
      const target = args?.namedChildren[0];
      const tv = target ? this.eval(target, scope) : UNKNOWN;
      if (tv.k === 'member' && tv.module === 'sqlite3' && tv.name === 'connect') this.recordConnectOptions(args, 1);
    } else if (callee.k === 'member' && callee.module === 'importlib' && callee.name === 'import_module') {
      this.recordImportlib(node, args);
    } else if (fn.type === 'identifier' && fn.text === '__import__' && this.known(callee).k === 'unknown') {
      this.recordImportlib(node, args);
    } else if (callee.k === 'pfunc') {
      const f = this.factoryOf(callee.file, callee.name);
      if (f) {
        this.usesSqlite = true;
        this.recordConnection(node, fn, args, 'factory', f.lib, f.qualifiedName);
      }
    } else if (callee.k === 'partial' || callee.k === 'lambda') {
      // opener = lambda: sqlite3.connect(p) inside a function; opener()
      const result = enter(this.callResult(callee));
      if (result.k === 'conn') {
        this.usesSqlite = true;
        this.recordConnection(node, fn, args, 'factory', result.lib, fn.text);
      }
    }
    const last = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn.type === 'identifier' ? fn.text : undefined;
    if (last && PEEWEE_CLASSES.has(last)) this.third('peewee', node, last);
  }

  private recordImportlib(node: SyntaxNode, args: SyntaxNode | null): void {
    const name = importlibTarget(args, this.text);
    const top = name?.split('.')[0];
    if (!name || (top !== 'sqlite3' && top !== 'aiosqlite')) return;
    this.usesSqlite = true;
    const parent = node.parent;
    const alias = parent?.type === 'assignment' ? parent.childForFieldName('left')?.text ?? name : name;
    this.recordImport(node, name, undefined, alias, 'importlib');
  }

  private recordConnection(node: SyntaxNode, fn: SyntaxNode, args: SyntaxNode | null, via: 'direct' | 'factory', library: string, factory: string | undefined): void {
    if (!this.once(node, 'conn')) return;
    const keywords: Connection['keywords'] = [];
    let database: Connection['database'];
    const otherArgs: Range[] = [];
    for (const a of args?.namedChildren ?? []) {
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text ?? '';
        keywords.push({ name, range: this.range(a) });
        if (name === 'database') database = { range: this.range(a.childForFieldName('value') ?? a), value: literalValue(a.childForFieldName('value') ?? a, this.text) };
      } else if (!database && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat') {
        database = { range: this.range(a), value: literalValue(a, this.text) };
      } else if (a.type !== 'comment') otherArgs.push(this.range(a));
    }
    if (via === 'direct') this.recordConnectOptions(args, 0);
    const parent = node.parent?.type === 'await' ? node.parent.parent : node.parent;
    let binding: Connection['binding'] = 'inline';
    let boundTo: string | undefined;
    if (parent?.type === 'assignment') {
      binding = 'assign';
      boundTo = parent.childForFieldName('left')?.text;
    } else if (parent?.type === 'as_pattern') {
      binding = 'with';
      const t = parent.childForFieldName('alias');
      boundTo = (t?.namedChildren[0] ?? t)?.text;
    } else if (parent?.type === 'with_item') binding = 'with';
    else if (parent?.type === 'return_statement') binding = 'return';
    else if (parent?.type !== 'expression_statement' && parent?.type !== 'argument_list') binding = 'other';
    const shape = binding === 'assign' || binding === 'with' || binding === 'inline' ? connectionShape(node, this.text) : undefined;
    this.facts.connections.push({
      range: this.range(node),
      callee: fn.text,
      via,
      factory,
      library,
      database,
      keywords,
      boundTo,
      binding,
      otherArgs,
      ...(shape ?? {}),
    });
  }

  /** connect() options with no PostgreSQL analogue; the database is positional argument `dbIndex`. */
  private recordConnectOptions(args: SyntaxNode | null, dbIndex: number): void {
    let positional = 0;
    for (const a of args?.namedChildren ?? []) {
      if (a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text ?? '';
        const value = a.childForFieldName('value');
        if (name === 'isolation_level') this.api('isolation-level', a, name);
        else if (name === 'check_same_thread') this.api('check-same-thread', a, name);
        else if (CONNECT_OPTIONS.has(name)) this.api('connect-option', a, name);
        else if (name === 'database' && value && literalValue(value, this.text) === ':memory:') this.api('connect-option', value, ':memory:');
        continue;
      }
      if (positional++ === dbIndex && literalValue(a, this.text) === ':memory:') this.api('connect-option', a, ':memory:');
    }
  }

  private recordHandleCall(
    node: SyntaxNode,
    fn: SyntaxNode,
    objNode: SyntaxNode,
    method: string,
    onConn: boolean,
    args: SyntaxNode | null,
    scope: Scope,
    snapshot?: Value,
  ): void {
    if (!EXECUTE_METHODS.has(method) && !FETCH_METHODS.has(method)) return;
    if (!this.once(node, 'op')) return;
    const methodNode = fn.childForFieldName('attribute')!;
    this.facts.cursorOps.push({
      range: this.range(node),
      methodRange: this.range(methodNode),
      method,
      receiver: onConn ? 'connection' : 'cursor',
      receiverText: objNode.text,
      resultUse: resultUse(node),
    });
    if (!EXECUTE_METHODS.has(method)) return;
    if (onConn) this.api('connection-shortcut', node, `${objNode.text}.${method}`);
    if (method === 'executescript') this.api('executescript', node, `${objNode.text}.${method}`);
    this.recordExecutedSql(node, method, args, scope, snapshot);
  }

  /** SQL text that reads as SQL and could run on SQLite: `%s` / `%(name)s` placeholders are another driver's. */
  private readsAsSqliteSql(s: Str): boolean {
    const sql = this.buildSql(s, false);
    if (!sql || !looksLikeSql(sql.text)) return false;
    const sig = sql.tokens.filter((t) => t.type !== 'whitespace' && t.type !== 'comment');
    for (let i = 0; i + 1 < sig.length; i++) {
      const next = sig[i + 1]!;
      // `%s` tokenizes as the operator % followed by s; `%(name)s` as % followed by (
      if (sig[i]!.text === '%' && next.start === sig[i]!.end && (next.upper === 'S' || next.text === '(')) return false;
    }
    return true;
  }

  /** Pending facts are applied at the end: evaluate the SQL argument now, with the bindings of this point. */
  private snapshotStr(args: SyntaxNode | null, scope: Scope): Value | undefined {
    const first = args?.namedChildren.find((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
    return first ? this.eval(first, scope) : undefined;
  }

  private recordPandas(node: SyntaxNode, method: string, args: SyntaxNode | null, scope: Scope): void {
    const positional = (args?.namedChildren ?? []).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
    const kw = (name: string) =>
      (args?.namedChildren ?? []).find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const con = kw('con') ?? positional[1];
    if (!con) return;
    const cv = this.eval(con, scope);
    if (cv.k !== 'conn') return;
    this.usesSqlite = true;
    this.third('pandas', node, method);
    if (PANDAS_READERS.has(method)) this.recordExecutedSql(node, method, args, scope, undefined, kw('params') !== undefined);
  }

  private recordExecutedSql(node: SyntaxNode, executor: string, args: SyntaxNode | null, scope: Scope, snapshot?: Value, forceParams?: boolean): void {
    const all = (args?.namedChildren ?? []).filter((a) => a.type !== 'comment');
    const positional = all.filter((a) => a.type !== 'keyword_argument');
    const kw = (name: string) => all.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const sqlNode = positional[0] ?? kw('sql') ?? kw('operation');
    if (!sqlNode) return;
    const paramsNode = executor.startsWith('read_sql') ? kw('params') : positional[1] ?? kw('parameters') ?? kw('params') ?? kw('seq_of_parameters');
    const hasParams = forceParams ?? paramsNode !== undefined;
    let paramsArity: number | undefined;
    let paramsDict: SqlString['paramsDict'];
    let paramsKind: SqlString['paramsKind'];
    if (paramsNode) {
      let p: SyntaxNode = paramsNode;
      if (executor === 'executemany' && (p.type === 'list' || p.type === 'tuple') && p.namedChildren[0]) p = p.namedChildren[0];
      if (p.type === 'tuple' || p.type === 'list') {
        paramsKind = 'sequence';
        paramsArity = p.namedChildren.filter((c) => c.type !== 'comment').length;
      } else if (p.type === 'dictionary') {
        paramsKind = 'mapping';
        if (executor !== 'executemany') paramsDict = literalDict(p, this.text);
      }
      else paramsKind = 'unknown';
    }
    const value = this.known(snapshot ?? this.eval(sqlNode, scope));
    const call = this.range(node);
    if (value.k === 'extconst') {
      if (value.formattedAt) {
        // QUERY.format(table=t): the text lives in another module; the run-time assembly is here
        const b = new SqlBuilder();
        b.hole(value.formattedAt.start, value.formattedAt.end);
        this.facts.sqlStrings.push(
          analyzeSql({
            range: value.formattedAt,
            text: b.text,
            map: b.map,
            holes: b.holes,
            isDynamic: true,
            dynamicKind: 'format',
            executed: true,
            executor,
            callRange: call,
            hasParams,
            paramsArity,
            paramsKind,
            origin: 'imported',
            tokens: [],
          }),
        );
      }
      this.facts.externalSqlUses.push({
        module: value.file,
        name: value.name,
        executor,
        hasParams,
        paramsArity,
        paramsKind,
      });
      return;
    }
    if (value.k !== 'str') return;
    const origin: SqlString['origin'] = sqlNode.type === 'identifier' ? 'name' : sqlNode.type === 'attribute' ? 'attribute' : sqlNode.type === 'binary_operator' ? 'concat' : 'literal';
    for (const alt of value.alts) {
      const sql = this.buildSql(alt);
      if (!sql) continue;
      sql.executed = true;
      sql.executor = executor;
      sql.callRange = call;
      sql.hasParams = hasParams;
      sql.paramsArity = paramsArity;
      sql.paramsKind = paramsKind;
      if (paramsDict) sql.paramsDict = paramsDict;
      sql.origin = origin;
      if (!sql.range) sql.range = this.range(sqlNode);
      this.facts.sqlStrings.push(sql);
    }
  }

  /** Marks the literals an expression's string value is made of as accounted for. */
  private consume(node: SyntaxNode, scope: Scope): void {
    const v = this.eval(node, scope);
    if (v.k !== 'str') return;
    for (const alt of v.alts) forEachNode(alt, (n) => this.consumed.add(n.startIndex));
  }

  /** The SqlString of a string value; `consume` marks its literals as accounted for. */
  private buildSql(s: Str, consume = true): SqlString | undefined {
    const b = new SqlBuilder();
    let dynamicKind: SqlString['dynamicKind'];
    let start = Infinity;
    let end = -Infinity;
    let assembled: Range | undefined;
    const ok = { value: true };
    const walk = (x: Str): void => {
      switch (x.t) {
        case 'at':
          assembled ??= { start: x.start, end: x.end };
          walk(x.inner);
          return;
        case 'hole':
          b.hole(x.start, x.end);
          dynamicKind ??= 'concat';
          start = Math.min(start, x.start);
          end = Math.max(end, x.end);
          return;
        case 'cat':
          for (const p of x.parts) walk(p);
          return;
        case 'node': {
          if (consume) this.consumed.add(x.node.startIndex);
          start = Math.min(start, x.node.startIndex);
          end = Math.max(end, x.node.endIndex);
          const parts = x.node.type === 'concatenated_string' ? x.node.namedChildren.filter((c) => c.type === 'string') : [x.node];
          for (const p of parts) {
            const holesBefore = b.holes.length;
            if (!appendString(b, p, this.text, x.mode)) ok.value = false;
            if (b.holes.length > holesBefore) dynamicKind ??= x.mode === 'plain' ? 'f-string' : x.mode;
          }
          return;
        }
      }
    };
    walk(s);
    if (!ok.value) return undefined;
    // where the SQL was put together: the concatenation / format call, else its literals
    return builtSql(b, assembled ?? { start: start === Infinity ? 0 : start, end: end === -Infinity ? 0 : end }, dynamicKind);
  }

  // ---------------------------------------------------------------- the end of the file

  private finish(root: SyntaxNode): void {
    // cur.execute(...) on a cursor of unknown origin: SQLite's when nothing says otherwise
    const sqliteFile = this.usesSqlite || this.facts.connections.length > 0 || this.facts.imports.length > 0;
    // `import psycopg` for psycopg.IntegrityError (what fix writes) does not make cursors psycopg's
    const foreign = this.foreignDriver && this.foreignUse;
    for (const p of this.pending) {
      if (p.confidence === 'sqlite-only' || (!foreign && (sqliteFile || p.confidence === 'sqlish'))) p.apply();
    }
    const literals = this.sweepStrings(root);
    const sqliteEvidence = sqliteFile || this.facts.dbPaths.length > 0 || this.facts.thirdParty.length > 0;
    if (foreign && !sqliteEvidence) for (const consume of this.foreignSql) consume();
    for (const node of literals) {
      if (this.consumed.has(node.startIndex)) continue;
      const sql = this.buildSqlIfClear(node);
      if (sql) this.facts.sqlStrings.push(sql);
    }
    this.collectComments(root);
    if (root.hasError) this.collectDiagnostics(root);
    this.collectImportStatements(root);
    const unit = indentUnit(root, this.text);
    if (unit !== undefined) this.facts.indentUnit = unit;
    for (const i of this.facts.imports) if (i.form === 'import') i.uses = aliasUses(root, i.alias);
    for (const f of this.project.factoriesOf(this.file)) {
      this.facts.factories.push({ range: f.range, name: f.name, qualifiedName: f.info.qualifiedName, kind: f.info.kind });
    }
    sortFacts(this.facts);
  }

  /**
   * String literals anywhere: .db paths, sqlite: URLs and Django's backend are recorded; the
   * outermost literals that are not documentation are returned, to be checked for clearly-SQL
   * text nobody executes here.
   */
  private sweepStrings(root: SyntaxNode): SyntaxNode[] {
    // every literal, in document order: strings nest only in f-string fields, which are swept too
    const literals: SyntaxNode[] = [];
    for (const n of root.tree.nodesOfType(['string', 'concatenated_string'])) if (this.visitLiteral(n)) literals.push(n);
    return literals.sort((a, b) => a.startIndex - b.startIndex);
  }

  /** Records what a literal names; true when it may hold SQL of its own. */
  private visitLiteral(node: SyntaxNode): boolean {
    const pieces = node.type === 'concatenated_string' ? node.namedChildren.filter((c) => c.type === 'string') : [node];
    if (this.docstrings.has(node.startIndex)) return false;
    for (const p of pieces) this.visitStringPiece(p);
    return node.parent?.type !== 'concatenated_string';
  }

  private buildSqlIfClear(node: SyntaxNode): SqlString | undefined {
    const b = new SqlBuilder();
    const pieces = node.type === 'concatenated_string' ? node.namedChildren.filter((c) => c.type === 'string') : [node];
    for (const p of pieces) if (!appendString(b, p, this.text, 'plain')) return undefined;
    if (!looksLikeSql(b.text)) return undefined;
    const sql = this.buildSql({ t: 'node', node, mode: 'plain' });
    if (!sql) return undefined;
    const constant = this.constantOf.get(node.startIndex);
    if (constant) {
      sql.origin = 'constant';
      sql.constant = constant;
    }
    return sql;
  }

  private visitStringPiece(node: SyntaxNode): void {
    const prefix = stringPrefix(node);
    if (prefix.bytes) return;
    const { start, end } = contentRange(node);
    let text: string;
    if (prefix.fstring) {
      // the literal tail decides: f"{DATA_DIR}/trades.db"
      const interps = node.namedChildren.filter((c) => c.type === 'interpolation');
      const lastInterp = interps[interps.length - 1];
      const tailStart = lastInterp ? lastInterp.endIndex : start;
      text = this.text.slice(tailStart, end);
      const literalParts = this.text.slice(start, end);
      if (/\s/.test(stripInterpolations(literalParts, interps, start))) return;
      // f"sqlite:///{BASE}/app.db" is a URL first
      if (SQLITE_URL.test(this.text.slice(start, end))) this.facts.dbPaths.push({ range: { start, end }, value: this.text.slice(start, end), kind: 'url' });
      else if (DB_FILE.test(text)) this.facts.dbPaths.push({ range: { start, end }, value: this.text.slice(start, end), kind: 'file' });
      return;
    }
    const value = literalValue(node, this.text);
    if (value === undefined) return;
    if (this.moduleNameArgs.has(node.startIndex)) return;
    const trimmed = value.trim();
    if (trimmed === 'django.db.backends.sqlite3') {
      this.third('django-backend', { start, end }, trimmed);
      return;
    }
    if (/\s/.test(trimmed) || trimmed.length === 0) return;
    if (SQLITE_URL.test(trimmed)) this.facts.dbPaths.push({ range: { start, end }, value: trimmed, kind: 'url' });
    // a bare extension names no file unless it completes one: name + ".db"
    else if (DB_FILE.test(trimmed) && (!BARE_EXTENSION.test(trimmed) || isConcatOperand(node)))
      this.facts.dbPaths.push({ range: { start, end }, value: trimmed, kind: 'file' });
  }

  private collectDocstrings(root: SyntaxNode): void {
    for (const n of root.tree.nodesOfType(['module', 'block'])) {
      for (const stmt of n.namedChildren) {
        // any bare string statement is documentation, not SQL that runs
        if (stmt.type === 'expression_statement' && stmt.namedChildCount === 1) {
          const only = stmt.namedChildren[0]!;
          if (only.type === 'string' || only.type === 'concatenated_string') this.docstrings.add(only.startIndex);
        }
      }
    }
  }

  /** Syntax errors tree-sitter recovered from: ERROR nodes and tokens it had to assume. */
  private collectDiagnostics(root: SyntaxNode): void {
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.isMissing) {
        this.facts.diagnostics.push({ range: this.range(n), message: `missing \`${n.type}\`` });
        continue;
      }
      if (n.type === 'ERROR') {
        this.facts.diagnostics.push({ range: this.range(n), message: 'syntax error' });
        continue;
      }
      for (let i = 0; i < n.childCount; i++) {
        const c = n.child(i)!;
        if (c.hasError || c.isMissing) stack.push(c);
      }
    }
  }

  /** Import statements outside functions and classes (and not inside another import statement). */
  private collectImportStatements(root: SyntaxNode): void {
    const out: NonNullable<FileFacts['importStatements']> = [];
    const tree = root.tree;
    for (const n of tree.nodesOfType(IMPORT_STATEMENTS)) {
      if (tree.hasAncestorOfType(n.id, SCOPES_AND_IMPORTS)) continue;
      out.push({ text: n.text, at: statementPos(n, this.text) });
    }
    this.facts.importStatements = out.sort((a, b) => a.at.range.start - b.at.range.start);
  }

  private collectComments(root: SyntaxNode): void {
    for (const n of root.tree.nodesOfType(['comment'])) {
      if (n.text.includes('pgready')) {
        const s = parseSuppression(n.text, this.range(n), n.startPosition.row);
        if (s) this.facts.suppressions.push(s);
      }
    }
  }
}

/** `{"id": tid, "sym": s}`: every key a plain string literal, no `**spread`; else undefined. */
function literalDict(node: SyntaxNode, text: string): SqlString['paramsDict'] {
  const entries: { key: string; value: Range }[] = [];
  for (const c of node.namedChildren) {
    if (c.type === 'comment') continue;
    if (c.type !== 'pair') return undefined;
    const k = c.childForFieldName('key');
    const v = c.childForFieldName('value');
    const key = k ? literalValue(k, text) : undefined;
    if (key === undefined || !v) return undefined;
    entries.push({ key, value: { start: v.startIndex, end: v.endIndex } });
  }
  return { range: { start: node.startIndex, end: node.endIndex }, entries };
}

/** The module named by `import_module("sqlite3.dbapi2")` / `__import__("sqlite3")`. */
function importlibTarget(args: SyntaxNode | null, text: string): string | undefined {
  const a = args?.namedChildren[0];
  return a ? literalValue(a, text) : undefined;
}

function isConcatOperand(node: SyntaxNode): boolean {
  let n: SyntaxNode = node;
  while (n.parent?.type === 'concatenated_string' || n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n.parent?.type === 'binary_operator' && n.parent.childForFieldName('operator')?.text === '+';
}

function stripInterpolations(text: string, interps: SyntaxNode[], base: number): string {
  let out = '';
  let pos = base;
  for (const i of interps) {
    out += text.slice(pos - base, i.startIndex - base);
    pos = i.endIndex;
  }
  return out + text.slice(pos - base);
}

function isStatement(n: SyntaxNode): boolean {
  return n.type.endsWith('_statement') || n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'decorated_definition';
}

function isSqliteHandle(v: Value): boolean {
  return v.k === 'conn' || v.k === 'cursor';
}

/** `with x as y`: what `y` is. */
function enter(v: Value): Value {
  if (v.k === 'cm') return v.inner;
  if (v.k === 'conn' || v.k === 'cursor') return v;
  return v.k === 'foreign' ? v : UNKNOWN;
}

function toReturnRef(v: Value): ReturnRef | undefined {
  if (v.k === 'conn') return { t: 'conn', lib: v.lib };
  if (v.k === 'cm' && v.inner.k === 'conn') return { t: 'conn', lib: v.inner.lib };
  if (v.k === 'callref') return { t: 'call', file: v.file, name: v.name };
  return undefined;
}

/** The string pieces of a value, or a hole over the expression when it is not a string. */
function strParts(v: Value, node: SyntaxNode): Str[] {
  if (v.k === 'str') return v.alts;
  return [{ t: 'hole', start: node.startIndex, end: node.endIndex }];
}

/** The literal directly bound by `NAME = <literal>` (possibly parenthesised). */
function strRoot(n: SyntaxNode): SyntaxNode | undefined {
  if (n.type === 'string' || n.type === 'concatenated_string') return n;
  if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) return strRoot(n.namedChildren[0]!);
  return undefined;
}

function forEachNode(s: Str, f: (n: SyntaxNode) => void): void {
  if (s.t === 'node') f(s.node);
  else if (s.t === 'cat') for (const p of s.parts) forEachNode(p, f);
  else if (s.t === 'at') forEachNode(s.inner, f);
}
