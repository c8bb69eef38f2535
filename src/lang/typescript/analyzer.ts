import { ts } from 'ts-morph';
import type { ApiUseKind, Connection, CursorOp, FileFacts, JsRunCall, Range, SqlString, StatementPos, ThirdPartyKind } from '../../model/facts.js';
import { emptyFacts, sortFacts } from '../../model/facts.js';
import { builtSql, looksLikeSql } from '../../sql/analyze.js';
import { SqlBuilder } from '../../sql/map.js';
import { parseSuppression } from '../suppress.js';
import type { JsExport, JsFunctionInfo, JsLib, JsModuleIndex, JsProjectIndex, JsReturnRef } from './project.js';
import type { JsStringNode } from './strings.js';
import { appendJsString, appendTemplate, isJsString, literalValue } from './strings.js';

/** Driver modules, by import specifier. */
const SQLITE_MODULES: Record<string, JsLib> = {
  sqlite3: 'sqlite3',
  'better-sqlite3': 'better-sqlite3',
  sqlite: 'sqlite',
  'node:sqlite': 'node:sqlite',
};
/** Modules whose presence means an unknown receiver is not necessarily SQLite. */
const FOREIGN_MODULES = new Set([
  'pg',
  'pg-pool',
  'pg-promise',
  'postgres',
  '@neondatabase/serverless',
  '@vercel/postgres',
  'mysql',
  'mysql2',
  'mysql2/promise',
  'mssql',
  'tedious',
  'oracledb',
  'mongodb',
  'mongoose',
  'redis',
  'ioredis',
  '@libsql/client',
  'duckdb',
]);
/** ORM modules that select SQLite by being imported: Drizzle's SQLite drivers and schema builder, MikroORM's SQLite drivers. */
const ORM_MODULES = new Set([
  'drizzle-orm/better-sqlite3',
  'drizzle-orm/sqlite-core',
  'drizzle-orm/node-sqlite',
  'drizzle-orm/bun-sqlite',
  'drizzle-orm/sql-js',
  'drizzle-orm/libsql',
  'drizzle-orm/expo-sqlite',
  'drizzle-orm/op-sqlite',
  'drizzle-orm/d1',
  '@mikro-orm/sqlite',
  '@mikro-orm/better-sqlite',
  '@mikro-orm/libsql',
]);
/**
 * `client: 'sqlite3'` (knex), `dialect: 'sqlite'` (Sequelize, drizzle-kit), `type: 'better-sqlite3'` / `'sqljs'`
 * (TypeORM), `type: 'sqlite'` (MikroORM 5), `driver: 'better-sqlite'` (drizzle-kit before 0.21)
 */
const ORM_KEYS = new Set(['client', 'dialect', 'type', 'driver']);
const ORM_VALUES = new Set(['sqlite', 'sqlite3', 'better-sqlite3', 'better-sqlite', 'sqljs']);
/**
 * Tagged-template SQL builders, by module: the export names that are the tag. Their `${value}`
 * holes become bind parameters (`.sql` with `?` for SQLite, `.text` with `$n` for node-postgres),
 * so they are placeholders, not string interpolation. Any other export (`raw`, `join`, `empty`)
 * builds SQL text: a `${join(ids)}` hole stays dynamic.
 */
const SQL_TAG_EXPORTS: Record<string, string[]> = {
  'sql-template-strings': ['default', 'SQL'],
  'sql-template-tag': ['default', 'sql'],
  '@databases/sql': ['default', 'sql'],
  '@databases/sqlite': ['sql'],
};
/** drizzle-orm's `sql` tag interpolates columns and tables as often as values: its holes stay dynamic. */
function isDrizzle(spec: string): boolean {
  return spec === 'drizzle-orm' || spec.startsWith('drizzle-orm/');
}

/** Connection methods whose first argument is SQL. */
const SQL_METHODS = new Set(['run', 'all', 'get', 'each', 'exec', 'prepare']);
/** Prepared-statement methods that run it (and take bind parameters). */
const STMT_RUN_METHODS = new Set(['run', 'all', 'get', 'each', 'iterate']);
/** Prepared-statement methods that return the statement (`stmt.pluck().get(id)`). */
const STMT_CHAIN_METHODS = new Set(['pluck', 'raw', 'expand', 'bind', 'safeIntegers', 'setReadBigInts', 'setAllowBareNamedParameters']);
const CREATE_FUNCTION_METHODS = new Set(['function', 'aggregate', 'table', 'loadExtension', 'enableLoadExtension']);
const DB_FILE = /\.(db|sqlite|sqlite3|db3)$/i;
const SQLITE_URL = /^sqlite(\+[A-Za-z0-9_]+)?:/i;
const BARE_EXTENSION = /^\.(db|sqlite|sqlite3|db3)$/i;
/** SQLite result codes as the drivers put them in `err.code`: `SQLITE_CONSTRAINT_UNIQUE` */
const SQLITE_ERROR_CODE = /^SQLITE_[A-Z_]+$/;

/** What a `${…}` of a SQL-tagged template stands for: a bind parameter, SQL text of its own, or text only known at run time. */
type TagSpan = { t: 'param' } | { t: 'sql'; value: Str } | { t: 'dynamic' };

type Str =
  | { t: 'lit'; node: JsStringNode }
  /** sql`SELECT … ${id}` with a tag whose holes are bind parameters */
  | { t: 'tagged'; node: ts.TaggedTemplateExpression; spans: TagSpan[] }
  | { t: 'hole'; start: number; end: number }
  | { t: 'cat'; parts: Str[]; at?: Range };

type Value =
  | { k: 'unknown' }
  | { k: 'foreign' }
  /** the sqlite3 / sqlite / node:sqlite module object */
  | { k: 'lib'; lib: JsLib }
  /** a constructor that opens a database: `sqlite3.Database`, better-sqlite3's default export, `DatabaseSync` */
  | { k: 'ctor'; lib: JsLib }
  /** `open` of the `sqlite` package */
  | { k: 'opener' }
  /** `sqlite3.verbose` */
  | { k: 'verbose' }
  /** a SQL template tag; `params`: its holes are bind parameters (false for drizzle-orm's `sql`) */
  | { k: 'sqltag'; params: boolean }
  /** `raw` / `join` of a SQL tag module: a call builds SQL text */
  | { k: 'sqlfrag' }
  | { k: 'conn'; lib: JsLib }
  /** a prepared statement; `at` = the start offsets of the prepare calls it may come from */
  | { k: 'stmt'; at: number[]; weak: boolean }
  /** what `stmt.run()` returns (`{ changes, lastInsertRowid }`), or `this` in a sqlite3 callback */
  | { k: 'runinfo'; weak: boolean; call?: JsRunCall }
  | { k: 'str'; alts: Str[] }
  | { k: 'pfunc'; file: string; name: string }
  | { k: 'import'; file: string; name: string }
  | { k: 'projmod'; file: string }
  | { k: 'extconst'; file: string; name: string }
  | { k: 'callref'; file: string; name: string; exported: boolean }
  | { k: 'pclass'; file: string; name: string }
  | { k: 'self'; cls: string }
  | { k: 'lambda'; node: ts.ArrowFunction | ts.FunctionExpression }
  /** `{ byId: 'SELECT …' }`; `name` when it is a module-level constant (`QUERIES`) */
  | { k: 'objlit'; node: ts.ObjectLiteralExpression; name?: string }
  /** a module-level object of another file: its string members are constants there (`QUERIES.byId`) */
  | { k: 'extobj'; file: string; name: string };

const UNKNOWN: Value = { k: 'unknown' };

function sameValue(a: Value, b: Value): boolean {
  return JSON.stringify(a, (k, v) => (k === 'node' ? (v as ts.Node).pos : v)) === JSON.stringify(b, (k, v) => (k === 'node' ? (v as ts.Node).pos : v));
}

/** Either value: strings keep both alternatives, the rest keeps what is known. */
function merge(a: Value, b: Value): Value {
  if (a.k === 'str' && b.k === 'str') return { k: 'str', alts: [...a.alts, ...b.alts] };
  if (a.k === 'stmt' && b.k === 'stmt') return { k: 'stmt', at: [...new Set([...a.at, ...b.at])], weak: a.weak && b.weak };
  // kind ? sql`AND kind = ${kind}` : empty: SQL text chosen at run time
  if (a.k === 'sqlfrag' || b.k === 'sqlfrag') return { k: 'sqlfrag' };
  if (a.k === 'unknown') return b;
  if (b.k === 'unknown') return a;
  if (sameValue(a, b)) return a;
  if (a.k === 'conn') return a;
  if (b.k === 'conn') return b;
  return a;
}

class Scope {
  readonly vars = new Map<string, Value>();
  constructor(
    readonly parent: Scope | undefined,
    /** `this` inside this function; undefined for arrow functions (they see the outer `this`) */
    readonly thisValue?: Value,
    readonly fallback?: Map<string, Value>,
  ) {}
  lookup(name: string): Value | undefined {
    const own = this.vars.get(name);
    if (own) return own;
    if (this.parent) return this.parent.lookup(name);
    return this.fallback?.get(name);
  }
  thisOf(): Value {
    if (this.thisValue) return this.thisValue;
    return this.parent ? this.parent.thisOf() : UNKNOWN;
  }
  /** The scope that owns `name` (for assignments), or undefined. */
  owner(name: string): Scope | undefined {
    if (this.vars.has(name)) return this;
    return this.parent?.owner(name);
  }
}

interface FnCtx {
  name: string;
  kind: JsFunctionInfo['kind'];
  range: Range;
  returns: Value[];
}

interface Pending {
  apply(): void;
  /** `sqlish`: SQL that reads as SQL or an API only SQLite has; stands unless another driver is imported. `weak`: needs SQLite evidence in the file. */
  confidence: 'sqlish' | 'weak';
}

type Mode = 'index' | 'facts';

function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  while (
    ts.isParenthesizedExpression(n) ||
    ts.isAwaitExpression(n) ||
    ts.isAsExpression(n) ||
    ts.isNonNullExpression(n) ||
    ts.isTypeAssertionExpression(n) ||
    ts.isSatisfiesExpression(n)
  )
    n = n.expression;
  return n;
}

function isFunctionLike(n: ts.Node): n is ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.AccessorDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

function propName(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** `await db.get(sql)` / `stmt.run(a).changes` / a call in a non-async function. */
function awaitShape(node: ts.CallExpression): NonNullable<CursorOp['jsAwait']> {
  let p: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  const chained = (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) && p.expression === node;
  let f: ts.Node | undefined = node.parent;
  while (f && !isFunctionLike(f)) f = f.parent;
  const inAsync = !!f && !!ts.getModifiers(f as ts.FunctionLikeDeclaration)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  return { inAsync, awaited: ts.isAwaitExpression(p), chained };
}

/** `module.exports` / `exports` */
function isModuleExports(n: ts.Expression): boolean {
  const e = unwrap(n);
  if (ts.isIdentifier(e) && e.text === 'exports') return true;
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
}

/** `import('better-sqlite3')`: the module specifier of a dynamic import. */
function dynamicImportOf(node: ts.CallExpression): string | undefined {
  if (node.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
  return literalValue(node.arguments[0]);
}

function isRequire(node: ts.CallExpression): string | undefined {
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'require') return undefined;
  const a = node.arguments[0];
  return a && node.arguments.length === 1 ? literalValue(a) : undefined;
}

/**
 * Walks one JavaScript/TypeScript module. In `index` mode it learns what each function
 * returns and what the module exports; in `facts` mode it records every SQLite fact, using
 * the project index for factories and constants defined in other files.
 */
export class JsModuleAnalyzer {
  readonly facts: FileFacts;
  private recording = false;
  private readonly text: string;
  private readonly functions = new Map<string, FnCtx>();
  private fn: FnCtx | undefined;
  private readonly classAttrs = new Map<string, Map<string, Value>>();
  private finalModule = new Map<string, Value>();
  private moduleScope: Scope;
  private readonly exports = new Map<string, JsExport>();
  private readonly recorded = new Set<string>();
  private readonly consumed = new Set<number>();
  private readonly pending: Pending[] = [];
  private usesSqlite = false;
  private foreignDriver = false;
  /** prepare call start -> bind parameters passed when the statement runs */
  private readonly stmtParams = new Map<number, { arity?: number; kind: SqlString['paramsKind']; dict?: SqlString['paramsDict']; runs: number }>();
  private readonly preparedExternal = new Map<number, FileFacts['externalSqlUses']>();
  /** literal start -> module-level const name it initialises */
  private readonly constantOf = new Map<number, string>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly file: string,
    private readonly project: JsProjectIndex,
    private readonly mode: Mode,
    language: 'javascript' | 'typescript',
  ) {
    this.text = sf.text;
    this.facts = emptyFacts(file, language);
    this.moduleScope = new Scope(undefined, UNKNOWN, this.finalModule);
  }

  run(): void {
    // pass 1: learn bindings (module names, class attributes, function results) without recording
    this.recording = false;
    this.visitStatements(this.sf.statements, this.moduleScope);
    this.finalModule = new Map(this.moduleScope.vars);
    // pass 2: the same walk, recording; function bodies see the module's final bindings
    this.recording = true;
    this.exports.clear();
    for (const f of this.functions.values()) f.returns = [];
    this.moduleScope = new Scope(undefined, UNKNOWN, this.finalModule);
    this.visitStatements(this.sf.statements, this.moduleScope);
    if (this.mode === 'facts') this.finish();
  }

  index(): JsModuleIndex {
    const functions: JsFunctionInfo[] = [];
    for (const f of [...this.functions.values()].sort((a, b) => a.range.start - b.range.start)) {
      const returns: JsReturnRef[] = [];
      for (const v of f.returns) {
        const r = this.toReturnRef(v);
        if (r) returns.push(r);
      }
      functions.push({ name: f.name, range: f.range, kind: f.kind, returns });
    }
    const exports = [...this.exports.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { file: this.file, functions, exports };
  }

  private toReturnRef(v: Value): JsReturnRef | undefined {
    if (v.k === 'conn') return { t: 'conn', lib: v.lib };
    if (v.k === 'callref') return { t: 'call', file: v.file, name: v.name, exported: v.exported };
    return undefined;
  }

  // ---------------------------------------------------------------- statements

  private visitStatements(stmts: readonly ts.Statement[] | ts.NodeArray<ts.Statement>, scope: Scope): void {
    // function declarations are hoisted: bind them before the statements run
    for (const s of stmts) if (ts.isFunctionDeclaration(s) && s.name) this.declareFunction(s.name.text, s, scope);
    for (const s of stmts) this.visit(s, scope);
  }

  private declareFunction(name: string, node: ts.Node, scope: Scope): void {
    const qual = this.qualify(name, scope);
    this.functionCtx(qual, 'function', this.range(ts.isFunctionDeclaration(node) && node.name ? node.name : node));
    scope.vars.set(name, { k: 'pfunc', file: this.file, name: qual });
  }

  /** Nested functions are named after their parent, so names stay unique in the file. */
  private qualify(name: string, scope: Scope): string {
    return scope === this.moduleScope || !this.fn ? name : `${this.fn.name}.<locals>.${name}`;
  }

  private functionCtx(name: string, kind: FnCtx['kind'], range: Range): FnCtx {
    let ctx = this.functions.get(name);
    if (!ctx) {
      ctx = { name, kind, range, returns: [] };
      this.functions.set(name, ctx);
    }
    return ctx;
  }

  private visit(node: ts.Node, scope: Scope): void {
    if (ts.isFunctionDeclaration(node)) {
      const name = node.name?.text;
      const ctx = name ? this.functionCtx(this.qualify(name, scope), 'function', this.range(node.name!)) : undefined;
      if (name && this.isExported(node)) this.exports.set(this.isDefault(node) ? 'default' : name, { t: 'fn', local: ctx!.name });
      else if (!name && this.isDefault(node)) {
        const anon = this.functionCtx('default', 'function', this.range(node));
        this.exports.set('default', { t: 'fn', local: anon.name });
        return this.visitFunction(node, scope, anon);
      }
      return this.visitFunction(node, scope, ctx);
    }
    if (isFunctionLike(node)) return this.visitFunction(node, scope, undefined);
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return this.visitClass(node, scope);
    if (ts.isImportDeclaration(node)) return this.visitImport(node, scope);
    if (ts.isImportEqualsDeclaration(node)) return this.visitImportEquals(node, scope);
    if (ts.isExportDeclaration(node)) return this.visitExportDeclaration(node, scope);
    if (ts.isExportAssignment(node)) {
      // export default () => new Database(file)
      const fnExpr = unwrap(node.expression);
      if (ts.isArrowFunction(fnExpr) || ts.isFunctionExpression(fnExpr)) {
        const ctx = this.functionCtx('default', 'function', this.range(fnExpr));
        this.exports.set('default', { t: 'fn', local: ctx.name });
        return this.visitFunction(fnExpr, scope, ctx);
      }
      // export default db
      this.visit(node.expression, scope);
      this.setExport('default', node.expression, scope);
      return;
    }
    if (ts.isVariableDeclaration(node)) return this.visitVariable(node, scope);
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) this.visitVariable(d, scope, this.isExported(node));
      return;
    }
    if (ts.isReturnStatement(node)) {
      if (node.expression) {
        this.visit(node.expression, scope);
        if (this.fn) this.fn.returns.push(this.eval(node.expression, scope));
      }
      return;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) return this.visitAssignment(node, scope);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) return this.visitAppend(node, scope);
    if (ts.isBlock(node) || ts.isModuleBlock(node)) return this.visitStatements(node.statements, scope);
    if (ts.isCallExpression(node)) {
      this.visitCallChildren(node, scope);
      this.recordCall(node, scope);
      return;
    }
    if (ts.isNewExpression(node)) {
      ts.forEachChild(node, (c) => this.visit(c, scope));
      this.recordNew(node, scope);
      return;
    }
    if (ts.isPropertyAccessExpression(node)) {
      this.visit(node.expression, scope);
      this.recordProperty(node, scope);
      return;
    }
    ts.forEachChild(node, (c) => this.visit(c, scope));
  }

  private isExported(node: ts.Node): boolean {
    return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
  }

  private isDefault(node: ts.Node): boolean {
    return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false);
  }

  /** Call arguments that are callbacks of a sqlite3 call see the statement as `this`. */
  private visitCallChildren(node: ts.CallExpression, scope: Scope): void {
    this.visit(node.expression, scope);
    let cbThis: Value | undefined;
    if (ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (['run', 'exec', 'all', 'get', 'each'].includes(method)) {
        const recv = this.eval(node.expression.expression, scope);
        const call: JsRunCall = { range: this.range(node), method: this.range(node.expression.name), via: 'callback' };
        if (recv.k === 'conn' || (recv.k === 'stmt' && !recv.weak)) cbThis = { k: 'runinfo', weak: false, call };
        else if (recv.k === 'unknown' || recv.k === 'stmt') cbThis = { k: 'runinfo', weak: true, call };
      }
    }
    for (const a of node.arguments) {
      if (cbThis && ts.isFunctionExpression(a)) this.visitFunction(a, scope, undefined, cbThis);
      else this.visit(a, scope);
    }
  }

  private visitFunction(
    node: ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.AccessorDeclaration,
    scope: Scope,
    ctx: FnCtx | undefined,
    thisValue?: Value,
    cls?: string,
  ): void {
    const isArrow = ts.isArrowFunction(node);
    const own: Value | undefined = isArrow ? undefined : cls ? { k: 'self', cls } : (thisValue ?? UNKNOWN);
    const fscope = new Scope(scope, own);
    for (const p of node.parameters) {
      if (p.initializer) this.visit(p.initializer, scope);
      // (db: Database.Database) or (conn = new Database(':memory:'))
      const typed = p.type ? this.typed(p.type, scope) : p.initializer ? this.eval(p.initializer, scope) : UNKNOWN;
      if (ts.isIdentifier(p.name)) fscope.vars.set(p.name.text, typed);
      else this.bindPattern(p.name, UNKNOWN, fscope);
      // constructor(private db: Database.Database)
      if (cls && ts.isConstructorDeclaration(node) && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) this.setClassAttr(cls, p.name.text, typed);
    }
    const saved = this.fn;
    this.fn = ctx;
    const body = node.body;
    if (body) {
      if (ts.isBlock(body)) this.visitStatements(body.statements, fscope);
      else {
        // () => new Database(file)
        this.visit(body, fscope);
        if (ctx) ctx.returns.push(this.eval(body, fscope));
      }
    }
    this.fn = saved;
  }

  /** `db: Database.Database`, `db: sqlite3.Database`, `db: DatabaseSync` */
  private typed(type: ts.TypeNode, scope: Scope): Value {
    if (!ts.isTypeReferenceNode(type)) return UNKNOWN;
    const v = this.evalEntityName(type.typeName, scope);
    if (v.k === 'ctor') return { k: 'conn', lib: v.lib };
    return UNKNOWN;
  }

  private evalEntityName(n: ts.EntityName, scope: Scope): Value {
    if (ts.isIdentifier(n)) return this.resolve(scope.lookup(n.text) ?? UNKNOWN);
    return this.member(this.evalEntityName(n.left, scope), n.right.text);
  }

  private visitClass(node: ts.ClassDeclaration | ts.ClassExpression, scope: Scope): void {
    const name = node.name?.text ?? `<class@${node.pos}>`;
    if (node.name) scope.vars.set(name, { k: 'pclass', file: this.file, name });
    if (ts.isClassDeclaration(node) && node.name && this.isExported(node)) this.exports.set(this.isDefault(node) ? 'default' : name, { t: 'class', name });
    if (!this.classAttrs.has(name)) this.classAttrs.set(name, new Map());
    const saved = this.fn;
    for (const m of node.members) {
      if (ts.isPropertyDeclaration(m)) {
        // private db = new Database('app.db')
        if (m.initializer) {
          this.visit(m.initializer, new Scope(scope, { k: 'self', cls: name }));
          const attr = propName(m.name);
          if (attr) this.setClassAttr(name, attr, this.eval(m.initializer, new Scope(scope, { k: 'self', cls: name })));
        }
        if (m.type) {
          const attr = propName(m.name);
          const t = this.typed(m.type, scope);
          if (attr && t.k !== 'unknown') this.setClassAttr(name, attr, t);
        }
        continue;
      }
      if (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) {
        const mname = ts.isConstructorDeclaration(m) ? 'constructor' : propName(m.name);
        const ctx = mname ? this.functionCtx(`${name}.${mname}`, 'method', this.range(ts.isConstructorDeclaration(m) ? m : m.name)) : undefined;
        this.fn = undefined;
        this.visitFunction(m, scope, ctx, undefined, name);
        continue;
      }
      ts.forEachChild(m, (c) => this.visit(c, scope));
    }
    this.fn = saved;
  }

  private setClassAttr(cls: string, attr: string, value: Value): void {
    let attrs = this.classAttrs.get(cls);
    if (!attrs) {
      attrs = new Map();
      this.classAttrs.set(cls, attrs);
    }
    const prev = attrs.get(attr);
    attrs.set(attr, prev ? merge(prev, value) : value);
  }

  private visitVariable(node: ts.VariableDeclaration, scope: Scope, exported = false): void {
    const init = node.initializer;
    if (!init) {
      if (ts.isIdentifier(node.name)) scope.vars.set(node.name.text, UNKNOWN);
      return;
    }
    const name = ts.isIdentifier(node.name) ? node.name.text : undefined;
    const fnInit = unwrap(init);
    // const getDb = () => new Database(file)
    if (name && (ts.isArrowFunction(fnInit) || ts.isFunctionExpression(fnInit))) {
      const qual = this.qualify(name, scope);
      const ctx = this.functionCtx(qual, 'function', this.range(node.name));
      scope.vars.set(name, { k: 'pfunc', file: this.file, name: qual });
      if (exported) this.exports.set(name, { t: 'fn', local: qual });
      this.visitFunction(fnInit, scope, ctx);
      return;
    }
    this.visit(init, scope);
    let value = this.eval(init, scope);
    if (node.type && value.k === 'unknown') value = this.typed(node.type, scope);
    if (name) {
      scope.vars.set(name, value);
      if (scope === this.moduleScope) {
        const lit = unwrap(init);
        if (isJsString(lit) || ts.isTaggedTemplateExpression(lit) || (ts.isBinaryExpression(lit) && lit.operatorToken.kind === ts.SyntaxKind.PlusToken)) this.constantOf.set(lit.getStart(this.sf), name);
        // const QUERIES = { byId: 'SELECT …' }: each string member is a constant `QUERIES.byId`
        if (ts.isObjectLiteralExpression(lit)) {
          this.objectConstants(lit, `${name}.`);
          value = { k: 'objlit', node: lit, name };
          scope.vars.set(name, value);
        }
      }
      if (exported && value.k === 'objlit' && value.name) this.exports.set(name, { t: 'object', local: name });
      else if (exported) this.setExport(name, init, scope, name);
    } else this.bindPattern(node.name, value, scope);
  }

  /** `const { Database } = require('sqlite3')`, `const { getDb, db } = require('./db')` */
  private bindPattern(pattern: ts.BindingName, value: Value, scope: Scope): void {
    if (ts.isIdentifier(pattern)) {
      scope.vars.set(pattern.text, value);
      return;
    }
    if (ts.isObjectBindingPattern(pattern)) {
      for (const el of pattern.elements) {
        const key = propName(el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined));
        const v = key && !el.dotDotDotToken ? this.member(value, key) : UNKNOWN;
        this.bindPattern(el.name, v, scope);
      }
      return;
    }
    for (const el of pattern.elements) if (!ts.isOmittedExpression(el)) this.bindPattern(el.name, UNKNOWN, scope);
  }

  private visitAssignment(node: ts.BinaryExpression, scope: Scope): void {
    const left = unwrap(node.left);
    const right = node.right;
    const fnInit = unwrap(right);
    // module.exports = { getDb, db }
    if (isModuleExports(left)) {
      const obj = unwrap(right);
      if (ts.isObjectLiteralExpression(obj)) {
        this.visitExportObject(obj, scope);
        return;
      }
      if ((ts.isArrowFunction(fnInit) || ts.isFunctionExpression(fnInit)) && !(ts.isIdentifier(left) && left.text === 'exports')) {
        const ctx = this.functionCtx('default', 'function', this.range(fnInit));
        this.exports.set('default', { t: 'fn', local: ctx.name });
        this.visitFunction(fnInit, scope, ctx);
        return;
      }
      this.visit(right, scope);
      this.setExport('default', right, scope);
      return;
    }
    // module.exports.getDb = …, exports.getDb = …
    if (ts.isPropertyAccessExpression(left) && isModuleExports(left.expression)) {
      const name = left.name.text;
      if (ts.isArrowFunction(fnInit) || ts.isFunctionExpression(fnInit)) {
        const ctx = this.functionCtx(name, 'function', this.range(left.name));
        this.exports.set(name, { t: 'fn', local: ctx.name });
        this.moduleScope.vars.set(name, { k: 'pfunc', file: this.file, name });
        this.visitFunction(fnInit, scope, ctx);
        return;
      }
      this.visit(right, scope);
      this.setExport(name, right, scope);
      return;
    }
    if (ts.isIdentifier(left) && (ts.isArrowFunction(fnInit) || ts.isFunctionExpression(fnInit))) {
      const owner = scope.owner(left.text) ?? scope;
      const qual = owner === this.moduleScope ? left.text : this.qualify(left.text, scope);
      const ctx = this.functionCtx(qual, 'function', this.range(left));
      owner.vars.set(left.text, { k: 'pfunc', file: this.file, name: qual });
      this.visitFunction(fnInit, scope, ctx);
      return;
    }
    this.visit(right, scope);
    if (!ts.isIdentifier(left)) this.visit(left, scope);
    const value = this.eval(right, scope);
    if (ts.isIdentifier(left)) {
      const owner = scope.owner(left.text) ?? this.moduleScope;
      const prev = owner.vars.get(left.text);
      owner.vars.set(left.text, prev && prev.k !== 'unknown' && value.k === 'unknown' ? prev : value);
    } else if (ts.isPropertyAccessExpression(left)) {
      // this.db = new Database(file)
      const obj = this.eval(left.expression, scope);
      if (obj.k === 'self') this.setClassAttr(obj.cls, left.name.text, value);
    }
  }

  /**
   * `sql += ' WHERE a = ?'`: the string grows. Inside an `if` or a loop the text without the
   * addition stays possible too, so both are kept.
   */
  private visitAppend(node: ts.BinaryExpression, scope: Scope): void {
    this.visit(node.right, scope);
    const left = unwrap(node.left);
    if (!ts.isIdentifier(left)) {
      this.visit(node.left, scope);
      return;
    }
    const owner = scope.owner(left.text) ?? this.moduleScope;
    const old = owner.vars.get(left.text) ?? scope.lookup(left.text);
    if (!old || old.k !== 'str') return;
    const add = this.eval(node.right, scope);
    const addParts: Str[] = add.k === 'str' ? add.alts : [{ t: 'hole', start: node.right.getStart(this.sf), end: node.right.end }];
    const grown: Str[] = [];
    for (const a of old.alts) for (const b of addParts) grown.push({ t: 'cat', parts: [a, b] });
    const alts = this.isConditional(node) ? [...old.alts, ...grown] : grown;
    owner.vars.set(left.text, { k: 'str', alts: alts.slice(0, 16) });
  }

  /** Whether a node runs only sometimes: inside an if, a loop, a switch or a try in its function. */
  private isConditional(node: ts.Node): boolean {
    for (let p = node.parent; p && !ts.isSourceFile(p) && !isFunctionLike(p); p = p.parent) {
      if (ts.isIfStatement(p) || ts.isIterationStatement(p, false) || ts.isSwitchStatement(p) || ts.isTryStatement(p) || ts.isConditionalExpression(p)) return true;
    }
    return false;
  }

  /** Names the string members of a module-level object literal as constants: `prefix` + member. */
  private objectConstants(obj: ts.ObjectLiteralExpression, prefix: string): void {
    for (const p of obj.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const name = propName(p.name);
      const init = unwrap(p.initializer);
      if (name && (isJsString(init) || ts.isTaggedTemplateExpression(init) || (ts.isBinaryExpression(init) && init.operatorToken.kind === ts.SyntaxKind.PlusToken))) {
        this.constantOf.set(init.getStart(this.sf), `${prefix}${name}`);
      }
    }
  }

  private visitExportObject(obj: ts.ObjectLiteralExpression, scope: Scope): void {
    // module.exports = { GET_USER: 'SELECT …' }: exported constants under their own names
    this.objectConstants(obj, '');
    for (const p of obj.properties) {
      const name = propName(p.name);
      if (!name) {
        this.visit(p, scope);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(p)) {
        this.setExport(name, p.name, scope);
        continue;
      }
      if (ts.isMethodDeclaration(p)) {
        const ctx = this.functionCtx(name, 'function', this.range(p.name));
        this.exports.set(name, { t: 'fn', local: ctx.name });
        this.visitFunction(p, scope, ctx);
        continue;
      }
      if (ts.isPropertyAssignment(p)) {
        const init = unwrap(p.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
          const ctx = this.functionCtx(name, 'function', this.range(p.name));
          this.exports.set(name, { t: 'fn', local: ctx.name });
          this.visitFunction(init, scope, ctx);
          continue;
        }
        this.visit(p.initializer, scope);
        this.setExport(name, p.initializer, scope);
        continue;
      }
      this.visit(p, scope);
    }
  }

  /** What exporting `expr` under `name` exports. */
  private setExport(name: string, expr: ts.Expression, scope: Scope, local?: string): void {
    const e = unwrap(expr);
    const v = this.eval(e, scope);
    if (v.k === 'pfunc' && v.file === this.file) this.exports.set(name, { t: 'fn', local: v.name });
    else if (v.k === 'pclass' && v.file === this.file) this.exports.set(name, { t: 'class', name: v.name });
    else if (v.k === 'objlit' && v.name) this.exports.set(name, { t: 'object', local: v.name });
    else if (v.k === 'conn') this.exports.set(name, { t: 'conn', lib: v.lib });
    else if (v.k === 'callref') this.exports.set(name, { t: 'result', ref: { t: 'call', file: v.file, name: v.name, exported: v.exported } });
    else if (v.k === 'str') this.exports.set(name, { t: 'const', local: local ?? (ts.isIdentifier(e) ? e.text : name) });
    else if (v.k === 'import') this.exports.set(name, { t: 'reexport', file: v.file, name: v.name });
    else if (v.k === 'extconst') this.exports.set(name, { t: 'reexport', file: v.file, name: v.name });
  }

  private visitExportDeclaration(node: ts.ExportDeclaration, scope: Scope): void {
    const spec = node.moduleSpecifier ? literalValue(node.moduleSpecifier) : undefined;
    const from = spec ? this.project.table.resolve(spec, this.file) : undefined;
    if (!node.exportClause || !ts.isNamedExports(node.exportClause)) return;
    for (const el of node.exportClause.elements) {
      const local = (el.propertyName ?? el.name).text;
      const exported = el.name.text;
      // export { getDb } from './db.js'
      if (spec) {
        if (from) this.exports.set(exported, { t: 'reexport', file: from, name: local });
        continue;
      }
      this.setExport(exported, el.propertyName ?? el.name, scope, local);
    }
  }

  /** `import Database = require('better-sqlite3')`: TypeScript's CommonJS import, the module's own value. */
  private visitImportEquals(node: ts.ImportEqualsDeclaration, scope: Scope): void {
    const ref = node.moduleReference;
    if (!ts.isExternalModuleReference(ref)) return;
    const spec = literalValue(ref.expression);
    if (spec === undefined) return;
    this.noteModule(spec, node, [{ local: node.name.text, imported: 'default' }], 'require');
    scope.vars.set(node.name.text, this.requireValue(spec));
  }

  private visitImport(node: ts.ImportDeclaration, scope: Scope): void {
    const spec = literalValue(node.moduleSpecifier);
    if (spec === undefined) return;
    const clause = node.importClause;
    const names: { local: string; imported: string }[] = [];
    if (clause?.name) names.push({ local: clause.name.text, imported: 'default' });
    const nb = clause?.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) names.push({ local: nb.name.text, imported: '*' });
    else if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) names.push({ local: el.name.text, imported: (el.propertyName ?? el.name).text });
    this.noteModule(spec, node, names, 'import');
    for (const n of names) scope.vars.set(n.local, this.moduleMember(spec, n.imported));
  }

  /** Every reference to one of `names` outside `decl` (values and types; not `x.name` members or `{ name: … }` keys). */
  private referencesOf(names: ReadonlySet<string>, decl: ts.Node): Range[] {
    const out: Range[] = [];
    const skip = this.range(decl);
    const visit = (x: ts.Node): void => {
      if (ts.isIdentifier(x) && names.has(x.text)) {
        const p = x.parent;
        const member = (ts.isPropertyAccessExpression(p) && p.name === x) || (ts.isQualifiedName(p) && p.right === x) || (ts.isPropertyAssignment(p) && p.name === x);
        const at = this.range(x);
        if (!member && (at.start < skip.start || at.start >= skip.end)) out.push(at);
      }
      ts.forEachChild(x, visit);
    };
    visit(this.sf);
    return out;
  }

  /** A top-level statement's position: its indentation, whether it is alone on its lines, and those lines. */
  private statementPos(node: ts.Node): StatementPos {
    const text = this.sf.text;
    const range = this.range(node);
    let start = range.start;
    while (start > 0 && text[start - 1] !== '\n') start--;
    let end = range.end;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    const before = text.slice(start, range.start);
    const alone = before.trim() === '' && (end === text.length || text[end] === '\n' || text[end] === '\r');
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    return { range, indent: before.trim() === '' ? before : '', alone, lines: { start, end } };
  }

  /** Records an import/require of a driver, ORM or foreign module. */
  private noteModule(spec: string, node: ts.Node, names: { local: string; imported: string }[], form: 'import' | 'require' | 'importlib'): void {
    const lib = SQLITE_MODULES[spec];
    if (lib) {
      this.usesSqlite = true;
      if (this.recording && this.mode === 'facts' && this.once(node, 'import')) {
        const members = names.filter((n) => n.imported !== 'default' && n.imported !== '*').map((n) => n.imported);
        const whole = ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) || ts.isVariableStatement(node);
        this.facts.imports.push({
          range: this.range(node),
          module: spec,
          member: members.length ? members.join(', ') : undefined,
          alias: names.map((n) => n.local).join(', ') || spec,
          form,
          ...(whole && names.length > 0 ? { statement: this.statementPos(node), names: names.length, uses: this.referencesOf(new Set(names.map((n) => n.local)), node) } : {}),
        });
      }
    }
    if (FOREIGN_MODULES.has(spec)) this.foreignDriver = true;
    if (ORM_MODULES.has(spec) && this.recording) {
      const at = ts.isImportDeclaration(node) ? node.moduleSpecifier : node;
      this.usesSqlite = true;
      this.third('orm-config', this.contentRange(at), spec);
    }
  }

  private contentRange(node: ts.Node): Range {
    if (isJsString(node)) return { start: node.getStart(this.sf) + 1, end: node.end - 1 };
    return this.range(node);
  }

  /** The value of `import { name } from spec` (`default` / `*` for default and namespace imports). */
  private moduleMember(spec: string, name: string): Value {
    const lib = SQLITE_MODULES[spec];
    if (lib) {
      const whole: Value = lib === 'better-sqlite3' ? { k: 'ctor', lib } : { k: 'lib', lib };
      if (name === 'default' || name === '*') return whole;
      return this.member(whole, name);
    }
    if (FOREIGN_MODULES.has(spec) || spec.startsWith('pg/')) return { k: 'foreign' };
    const tags = SQL_TAG_EXPORTS[spec];
    if (tags) return tags.includes(name) ? { k: 'sqltag', params: true } : name === '*' ? UNKNOWN : { k: 'sqlfrag' };
    if (isDrizzle(spec)) return name === 'sql' ? { k: 'sqltag', params: false } : UNKNOWN;
    const file = this.project.table.resolve(spec, this.file);
    if (!file) return UNKNOWN;
    if (name === '*') return { k: 'projmod', file };
    return { k: 'import', file, name };
  }

  /** `require(spec)`: the module's own value (`module.exports = …`) or its namespace. */
  private requireValue(spec: string): Value {
    const lib = SQLITE_MODULES[spec];
    if (lib || FOREIGN_MODULES.has(spec) || SQL_TAG_EXPORTS[spec]) return this.moduleMember(spec, 'default');
    const file = this.project.table.resolve(spec, this.file);
    if (!file) return UNKNOWN;
    if (this.mode === 'facts' && !this.project.hasDefault(file)) return { k: 'projmod', file };
    return { k: 'import', file, name: 'default' };
  }

  // ---------------------------------------------------------------- values

  /** An imported name, once the project index knows what the other module exports. */
  private resolve(v: Value): Value {
    if (v.k !== 'import' || this.mode !== 'facts') return v;
    const e = this.project.exportOf(v.file, v.name);
    if (!e) return v.name === 'default' ? { k: 'projmod', file: v.file } : UNKNOWN;
    switch (e.exp.t) {
      case 'fn':
        return { k: 'pfunc', file: e.file, name: e.exp.local };
      case 'conn':
        return { k: 'conn', lib: e.exp.lib };
      case 'result': {
        const lib = this.project.libOf(e.exp.ref);
        return lib ? { k: 'conn', lib } : UNKNOWN;
      }
      case 'const':
        return { k: 'extconst', file: e.file, name: e.exp.local };
      case 'module':
        return { k: 'projmod', file: e.file };
      case 'class':
        return { k: 'pclass', file: e.file, name: e.exp.name };
      case 'object':
        return { k: 'extobj', file: e.file, name: e.exp.local };
      default:
        return UNKNOWN;
    }
  }

  private eval(node: ts.Expression, scope: Scope, depth = 0): Value {
    if (depth > 50) return UNKNOWN;
    const n = unwrap(node);
    if (ts.isIdentifier(n)) return this.resolve(scope.lookup(n.text) ?? UNKNOWN);
    if (isJsString(n)) return { k: 'str', alts: [{ t: 'lit', node: n }] };
    if (n.kind === ts.SyntaxKind.ThisKeyword) return scope.thisOf();
    if (ts.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        const l = this.eval(n.left, scope, depth + 1);
        const r = this.eval(n.right, scope, depth + 1);
        if (l.k !== 'str' && r.k !== 'str') return UNKNOWN;
        const parts = (v: Value, e: ts.Expression): Str[] => (v.k === 'str' ? v.alts : [{ t: 'hole', start: e.getStart(this.sf), end: e.end }]);
        const out: Str[] = [];
        for (const a of parts(l, n.left)) for (const b of parts(r, n.right)) out.push({ t: 'cat', parts: [a, b], at: { start: n.getStart(this.sf), end: n.end } });
        return { k: 'str', alts: out.slice(0, 16) };
      }
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return merge(this.eval(n.left, scope, depth + 1), this.eval(n.right, scope, depth + 1));
      if (op === ts.SyntaxKind.CommaToken || op === ts.SyntaxKind.EqualsToken) return this.eval(n.right, scope, depth + 1);
      return UNKNOWN;
    }
    if (ts.isConditionalExpression(n)) return merge(this.eval(n.whenTrue, scope, depth + 1), this.eval(n.whenFalse, scope, depth + 1));
    if (ts.isPropertyAccessExpression(n)) return this.member(this.eval(n.expression, scope, depth + 1), n.name.text);
    if (ts.isElementAccessExpression(n)) {
      const key = literalValue(n.argumentExpression);
      return key === undefined ? UNKNOWN : this.member(this.eval(n.expression, scope, depth + 1), key);
    }
    if (ts.isCallExpression(n)) return this.evalCall(n, scope, depth);
    if (ts.isNewExpression(n)) {
      const callee = this.eval(n.expression, scope, depth + 1);
      if (callee.k === 'ctor') return { k: 'conn', lib: callee.lib };
      if (callee.k === 'pclass' && callee.file === this.file) return { k: 'self', cls: callee.name };
      if (callee.k === 'foreign') return callee;
      return UNKNOWN;
    }
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) return { k: 'lambda', node: n };
    if (ts.isObjectLiteralExpression(n)) return { k: 'objlit', node: n };
    if (ts.isTaggedTemplateExpression(n)) {
      const tagged = this.taggedSql(n, scope, depth);
      return tagged ? { k: 'str', alts: [tagged] } : UNKNOWN;
    }
    return UNKNOWN;
  }

  /**
   * sql`SELECT … WHERE id = ${id}` with a tag whose holes are bind parameters: a tag imported
   * from a SQL_TAG_EXPORTS module, or a project helper named `sql` / `SQL` (a function of the
   * project or a name pgready cannot follow). Other tags (`html`, `gql`, drizzle-orm's `sql`,
   * a PostgreSQL client's `sql`) are not: their templates stay plain strings with holes.
   */
  private taggedSql(n: ts.TaggedTemplateExpression, scope: Scope, depth: number): Str | undefined {
    const tag = unwrap(n.tag);
    const v = this.eval(tag, scope, depth + 1);
    const name = ts.isIdentifier(tag) ? tag.text : ts.isPropertyAccessExpression(tag) ? tag.name.text : undefined;
    const helper = (name === 'sql' || name === 'SQL') && (v.k === 'unknown' || v.k === 'pfunc' || v.k === 'import' || v.k === 'extconst');
    if (!(v.k === 'sqltag' && v.params) && !helper) return undefined;
    const tagText = tag.getText(this.sf);
    const spans: TagSpan[] = [];
    if (ts.isTemplateExpression(n.template)) {
      for (const span of n.template.templateSpans) {
        const e = unwrap(span.expression);
        // ${sql`AND kind = ${kind}`}, ${byKind} holding one: a fragment, inlined with its own parameters
        if (ts.isTaggedTemplateExpression(e) || ts.isIdentifier(e)) {
          const inner = this.eval(e, scope, depth + 1);
          if (inner.k === 'str' && inner.alts.length === 1 && inner.alts[0]!.t === 'tagged') {
            spans.push({ t: 'sql', value: inner.alts[0]! });
            continue;
          }
        }
        spans.push(this.isSqlFragment(e, tagText, scope, depth) ? { t: 'dynamic' } : { t: 'param' });
      }
    }
    return { t: 'tagged', node: n, spans };
  }

  /** `${join(ids)}`, `${sql.raw(col)}`, `${empty}`, `${cond ? sql`AND …` : empty}`: SQL text chosen at run time, not a value. */
  private isSqlFragment(e: ts.Expression, tagText: string, scope: Scope, depth: number): boolean {
    const u = unwrap(e);
    if (ts.isConditionalExpression(u)) return this.isSqlFragment(u.whenTrue, tagText, scope, depth) || this.isSqlFragment(u.whenFalse, tagText, scope, depth);
    if (ts.isBinaryExpression(u) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(u.operatorToken.kind)) {
      return this.isSqlFragment(u.left, tagText, scope, depth) || this.isSqlFragment(u.right, tagText, scope, depth);
    }
    if (ts.isCallExpression(u)) {
      const callee = unwrap(u.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.expression.getText(this.sf) === tagText) return true;
      return this.eval(callee, scope, depth + 1).k === 'sqlfrag';
    }
    const v = this.eval(u, scope, depth + 1);
    return v.k === 'sqlfrag' || (v.k === 'str' && v.alts.some((a) => a.t === 'tagged'));
  }

  private member(obj: Value, name: string): Value {
    switch (obj.k) {
      case 'lib':
        if (obj.lib === 'sqlite3') {
          if (name === 'Database') return { k: 'ctor', lib: 'sqlite3' };
          if (name === 'verbose') return { k: 'verbose' };
          if (name === 'cached') return obj;
          if (name === 'Statement') return UNKNOWN;
        }
        if (obj.lib === 'sqlite') {
          if (name === 'open') return { k: 'opener' };
          if (name === 'Database') return { k: 'ctor', lib: 'sqlite' };
        }
        if (obj.lib === 'node:sqlite' && name === 'DatabaseSync') return { k: 'ctor', lib: 'node:sqlite' };
        if (name === 'default') return obj;
        return UNKNOWN;
      case 'ctor':
        // better-sqlite3's `Database.Database` type; `(await import('better-sqlite3')).default`
        return name === 'Database' || name === 'default' ? obj : UNKNOWN;
      case 'projmod':
        return this.resolve({ k: 'import', file: obj.file, name });
      case 'self': {
        const v = this.classAttrs.get(obj.cls)?.get(name);
        if (v) return v;
        if (this.functions.has(`${obj.cls}.${name}`)) return { k: 'pfunc', file: this.file, name: `${obj.cls}.${name}` };
        return UNKNOWN;
      }
      case 'objlit': {
        // QUERIES.byId
        const prop = obj.node.properties.find((p) => propName(p.name) === name);
        if (prop && ts.isPropertyAssignment(prop)) return this.eval(prop.initializer, this.moduleScope);
        if (prop && ts.isShorthandPropertyAssignment(prop)) return this.eval(prop.name, this.moduleScope);
        return UNKNOWN;
      }
      case 'extobj':
        return { k: 'extconst', file: obj.file, name: `${obj.name}.${name}` };
      case 'pclass':
        // Store.open(): a static method
        return { k: 'pfunc', file: obj.file, name: `${obj.name}.${name}` };
      case 'import':
        // index pass: `db.getDb` on an imported module
        return obj.name === 'default' || obj.name === '*' ? { k: 'import', file: obj.file, name } : UNKNOWN;
      case 'foreign':
        return obj;
      case 'sqltag':
        // const { SQL } = require('sql-template-strings'); sql.join(…), SQL.raw(…)
        return name === 'sql' || name === 'SQL' || name === 'default' ? obj : { k: 'sqlfrag' };
      case 'str':
        // q.sql / q.text of q = sql`…`: the same statement (sql-template-strings, sql-template-tag)
        return (name === 'sql' || name === 'text') && obj.alts.every((a) => a.t === 'tagged') ? obj : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private evalCall(n: ts.CallExpression, scope: Scope, depth: number): Value {
    const spec = isRequire(n);
    if (spec !== undefined) return this.requireValue(spec);
    // (await import('better-sqlite3')).default, const { DatabaseSync } = await import('node:sqlite')
    const dynamic = dynamicImportOf(n);
    if (dynamic !== undefined) return SQLITE_MODULES[dynamic] ? this.moduleMember(dynamic, '*') : this.requireValue(dynamic);
    const callee = n.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const recv = this.eval(callee.expression, scope, depth + 1);
      switch (recv.k) {
        case 'conn':
          if (method === 'prepare') return { k: 'stmt', at: [n.getStart(this.sf)], weak: false };
          if (method === 'run' && (recv.lib === 'sqlite' || recv.lib === 'node:sqlite')) return { k: 'runinfo', weak: false, call: this.runCall(n, callee) };
          // sqlite3's db.run(…) / db.exec(…) return the database: calls chain
          if (recv.lib === 'sqlite3' && ['run', 'exec', 'serialize', 'parallelize', 'configure'].includes(method)) return recv;
          return UNKNOWN;
        case 'stmt':
          if (STMT_CHAIN_METHODS.has(method)) return recv;
          if (method === 'run') return { k: 'runinfo', weak: recv.weak, call: { ...this.runCall(n, callee), prepared: recv.at } };
          return UNKNOWN;
        case 'unknown': {
          const first = n.arguments[0];
          if (method === 'prepare' && first && this.sqlish(this.eval(first, scope, depth + 1))) return { k: 'stmt', at: [n.getStart(this.sf)], weak: true };
          return UNKNOWN;
        }
        case 'str':
          if (['trim', 'trimStart', 'trimEnd'].includes(method)) return recv;
          return UNKNOWN;
        case 'lib':
          if (recv.lib === 'sqlite3' && method === 'verbose') return recv;
          break;
        case 'foreign':
          return recv;
        default:
          break;
      }
    }
    return this.callResult(this.eval(callee, scope, depth + 1), depth);
  }

  private callResult(callee: Value, depth: number): Value {
    switch (callee.k) {
      case 'ctor':
        // better-sqlite3 opens without `new` too
        return { k: 'conn', lib: callee.lib };
      case 'opener':
        return { k: 'conn', lib: 'sqlite' };
      case 'verbose':
        return { k: 'lib', lib: 'sqlite3' };
      case 'pfunc': {
        const f = this.project.factory(callee.file, callee.name);
        if (f) return { k: 'conn', lib: f.lib };
        if (this.mode === 'index') return { k: 'callref', file: callee.file, name: callee.name, exported: false };
        return UNKNOWN;
      }
      case 'import':
        if (this.mode === 'index') return { k: 'callref', file: callee.file, name: callee.name, exported: true };
        return UNKNOWN;
      case 'lambda': {
        const body = callee.node.body;
        if (depth < 20 && body && !ts.isBlock(body)) return this.eval(body, this.moduleScope, depth + 1);
        return UNKNOWN;
      }
      case 'foreign':
        return callee;
      default:
        return UNKNOWN;
    }
  }

  private sqlish(v: Value): boolean {
    if (v.k !== 'str') return false;
    return v.alts.some((a) => {
      const s = this.buildSql(a, false);
      return s !== undefined && looksLikeSql(s.text);
    });
  }

  // ---------------------------------------------------------------- recording

  private get facting(): boolean {
    return this.recording && this.mode === 'facts';
  }

  private once(node: ts.Node | Range, tag: string): boolean {
    const r = 'pos' in node ? this.range(node) : node;
    const key = `${tag}:${r.start}:${r.end}`;
    if (this.recorded.has(key)) return false;
    this.recorded.add(key);
    return true;
  }

  private range(node: ts.Node): Range {
    return { start: node.getStart(this.sf), end: node.end };
  }

  private api(kind: ApiUseKind, node: ts.Node, name: string, runCall?: JsRunCall): void {
    if (!this.once(node, `api-${kind}`)) return;
    this.facts.apiUses.push({ range: this.range(node), kind, name, ...(runCall ? { runCall } : {}) });
  }

  /**
   * `const info = stmt.run(a)` / `const r = await db.run(sql)`: the call, and the name its result is
   * bound to with how often that name is read in the enclosing function (shadowing counts too).
   */
  private runCall(n: ts.CallExpression, callee: ts.PropertyAccessExpression): JsRunCall {
    const call: JsRunCall = { range: this.range(n), method: this.range(callee.name), via: 'result' };
    let parent: ts.Node = n.parent;
    while (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent)) parent = parent.parent;
    if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name) || parent.initializer === undefined) return call;
    const name = parent.name.text;
    let body: ts.Node = parent;
    while (body.parent && !isFunctionLike(body) && !ts.isSourceFile(body)) body = body.parent;
    let reads = 0;
    const visit = (x: ts.Node): void => {
      if (ts.isIdentifier(x) && x.text === name && x !== parent.name) {
        const p = x.parent;
        const isMember = (ts.isPropertyAccessExpression(p) && p.name === x) || (ts.isPropertyAssignment(p) && p.name === x);
        if (!isMember) reads++;
      }
      ts.forEachChild(x, visit);
    };
    visit(body);
    return { ...call, boundTo: name, reads };
  }

  private third(kind: ThirdPartyKind, r: Range, name: string): void {
    if (!this.facting || !this.once(r, `tp-${kind}`)) return;
    this.facts.thirdParty.push({ range: r, kind, name });
  }

  private inferred(apply: () => void, confidence: Pending['confidence']): void {
    this.pending.push({ apply, confidence });
  }

  private recordCall(node: ts.CallExpression, scope: Scope): void {
    const spec = isRequire(node);
    if (spec !== undefined) {
      // const sqlite3 = require('sqlite3').verbose()
      let top: ts.Node = node;
      while ((ts.isPropertyAccessExpression(top.parent) || ts.isCallExpression(top.parent)) && top.parent.expression === top) top = top.parent;
      const parent = top.parent;
      let names: { local: string; imported: string }[] = [];
      let at: ts.Node = node;
      if (ts.isVariableDeclaration(parent) && parent.initializer === top) {
        if (ts.isIdentifier(parent.name)) names = [{ local: parent.name.text, imported: 'default' }];
        else if (ts.isObjectBindingPattern(parent.name))
          names = parent.name.elements.map((el) => ({ local: el.name.getText(this.sf), imported: propName(el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined)) ?? '*' }));
        const stmt = parent.parent?.parent;
        at = stmt && ts.isVariableStatement(stmt) && stmt.declarationList.declarations.length === 1 ? stmt : parent;
      }
      this.noteModule(spec, at, names, 'require');
      return;
    }
    const dynamic = dynamicImportOf(node);
    if (dynamic !== undefined) {
      this.noteModule(dynamic, node, [], 'importlib');
      return;
    }
    if (!this.facting) return;
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const recv = this.eval(callee.expression, scope);
      if (recv.k === 'conn') {
        this.usesSqlite = true;
        this.recordConnCall(node, callee, method, scope, false);
      } else if (recv.k === 'stmt') {
        const apply = () => this.recordStmtCall(node, callee, method, recv);
        if (recv.weak) this.inferred(apply, 'sqlish');
        else apply();
      } else if (recv.k === 'unknown' && SQL_METHODS.has(method) && node.arguments[0]) {
        // db.all('SELECT …') on a parameter: SQLite's when the text reads as SQL. `router.get('/users/:id')`,
        // `cache.get(key)` and `axios.get(url)` share the method names, so nothing weaker counts
        const sqlArg = this.eval(node.arguments[0], scope);
        if (this.sqlish(sqlArg)) {
          this.inferred(() => this.recordConnCall(node, callee, method, scope, true, sqlArg), 'sqlish');
          // with another driver in the file the call is not inferred: its SQL stays checkable as text
          if (!this.foreignDriver) this.consume(sqlArg);
        }
      } else if (recv.k === 'foreign' && node.arguments[0]) {
        // pool.query('SELECT …'): SQL handed to another driver is not SQLite's concern
        this.consume(this.eval(node.arguments[0], scope));
      }
    }
    const cv = this.eval(callee, scope);
    if (cv.k === 'opener') {
      this.usesSqlite = true;
      this.recordConnection(node, callee.getText(this.sf), 'direct', 'sqlite', undefined, node.arguments);
    } else if (cv.k === 'ctor' && cv.lib === 'better-sqlite3') {
      this.usesSqlite = true;
      this.recordConnection(node, callee.getText(this.sf), 'direct', cv.lib, undefined, node.arguments);
    } else if (cv.k === 'pfunc') {
      const f = this.project.factory(cv.file, cv.name);
      if (f) {
        this.usesSqlite = true;
        this.recordConnection(node, callee.getText(this.sf), 'factory', f.lib, f.qualifiedName, node.arguments);
      }
    }
  }

  private recordNew(node: ts.NewExpression, scope: Scope): void {
    if (!this.facting) return;
    const cv = this.eval(node.expression, scope);
    if (cv.k !== 'ctor') return;
    this.usesSqlite = true;
    this.recordConnection(node, `new ${node.expression.getText(this.sf)}`, 'direct', cv.lib, undefined, node.arguments ?? ts.factory.createNodeArray());
  }

  private recordConnection(node: ts.CallExpression | ts.NewExpression, callee: string, via: Connection['via'], library: JsLib, factory: string | undefined, args: ts.NodeArray<ts.Expression>): void {
    if (!this.once(node, 'conn')) return;
    let database: Connection['database'];
    const keywords: Connection['keywords'] = [];
    const first = args[0];
    const options = (o: ts.Expression | undefined, skip: Set<string>) => {
      const obj = o ? unwrap(o) : undefined;
      if (!obj || !ts.isObjectLiteralExpression(obj)) return;
      for (const p of obj.properties) {
        const name = propName(p.name);
        if (!name) continue;
        if (name === 'filename' && ts.isPropertyAssignment(p)) database = { range: this.range(p.initializer), value: literalValue(unwrap(p.initializer)) };
        if (!skip.has(name)) keywords.push({ name, range: this.range(p) });
      }
    };
    if (via === 'direct' && library === 'sqlite') options(first, new Set(['filename', 'driver']));
    else if (first) {
      database = { range: this.range(first), value: literalValue(unwrap(first)) };
      if (via === 'direct') {
        const second = args[1];
        if (second && ts.isObjectLiteralExpression(unwrap(second))) options(second, new Set());
        else if (second && library === 'sqlite3' && !ts.isFunctionExpression(second) && !ts.isArrowFunction(second)) keywords.push({ name: 'mode', range: this.range(second) });
      }
    }
    if (via === 'direct' && database?.value === ':memory:') {
      const at = first && ts.isObjectLiteralExpression(unwrap(first)) ? undefined : first;
      if (at) this.api('connect-option', at, ':memory:');
    }
    let parent: ts.Node = node.parent;
    while (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent)) parent = parent.parent;
    let binding: Connection['binding'] = 'other';
    let boundTo: string | undefined;
    if (ts.isVariableDeclaration(parent)) {
      binding = 'assign';
      boundTo = parent.name.getText(this.sf);
    } else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      binding = 'assign';
      boundTo = parent.left.getText(this.sf);
    } else if (ts.isPropertyDeclaration(parent)) {
      binding = 'assign';
      boundTo = `this.${parent.name.getText(this.sf)}`;
    } else if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent)) binding = 'return';
    else if (ts.isExpressionStatement(parent) || ts.isCallExpression(parent)) binding = 'inline';
    const escapes = ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? this.connectionEscapes(parent) : undefined;
    this.facts.connections.push({ range: this.range(node), callee, via, factory, library, database, keywords, boundTo, binding, ...(escapes ? { escapes } : {}) });
  }

  /**
   * `const db = new Database(file)`: the uses of `db` that let the connection out of this file or
   * function (returned, exported, passed to a call, stored elsewhere). Calls on it (`db.prepare(…)`) do not.
   */
  private connectionEscapes(decl: ts.VariableDeclaration): NonNullable<Connection['escapes']> {
    const name = (decl.name as ts.Identifier).text;
    const out: NonNullable<Connection['escapes']> = [];
    const stmt = decl.parent?.parent;
    // export const db = new Database(file)
    if (stmt && ts.isVariableStatement(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) out.push({ range: this.range(decl.name), how: 'stored' });
    let body: ts.Node = decl;
    while (body.parent && !isFunctionLike(body) && !ts.isSourceFile(body)) body = body.parent;
    const visit = (x: ts.Node): void => {
      if (ts.isIdentifier(x) && x.text === name && x !== decl.name) {
        const p = x.parent;
        const member = (ts.isPropertyAccessExpression(p) && p.name === x) || (ts.isPropertyAssignment(p) && p.name === x) || ts.isTypeReferenceNode(p) || ts.isQualifiedName(p);
        const receiver = (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === x;
        if (!member && !receiver) {
          const how: NonNullable<Connection['escapes']>[number]['how'] =
            ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === x)
              ? 'returned'
              : ts.isCallExpression(p) || ts.isNewExpression(p)
                ? 'passed'
                : 'stored';
          out.push({ range: this.range(x), how });
        }
      }
      ts.forEachChild(x, visit);
    };
    visit(body);
    return out;
  }

  /** `db.run(sql, params, cb)`, `db.prepare(sql)`, `db.pragma(…)` on a SQLite database. */
  private recordConnCall(node: ts.CallExpression, callee: ts.PropertyAccessExpression, method: string, scope: Scope, inferred: boolean, snapshot?: Value): void {
    const recvText = callee.expression.getText(this.sf);
    if (!inferred) {
      if (method === 'pragma') this.api('pragma', node, `${recvText}.pragma`);
      else if (method === 'transaction') this.api('transaction', node, `${recvText}.transaction`);
      else if (method === 'serialize' || method === 'parallelize') this.api('serialize', node, `${recvText}.${method}`);
      else if (CREATE_FUNCTION_METHODS.has(method)) this.api('create-function', node, `${recvText}.${method}`);
      else if (method === 'backup') this.api('backup', node, `${recvText}.backup`);
    }
    if (!SQL_METHODS.has(method) || !this.once(node, 'op')) return;
    this.facts.cursorOps.push({ range: this.range(node), methodRange: this.range(callee.name), method, receiver: 'connection', receiverText: recvText, jsAwait: awaitShape(node) });
    const sqlNode = node.arguments[0];
    if (!sqlNode) return;
    const params = this.paramsOf(node.arguments.slice(1));
    const value = snapshot ?? this.eval(sqlNode, scope);
    const at = node.getStart(this.sf);
    if (value.k === 'extconst') {
      const use = { module: value.file, name: value.name, executor: method, hasParams: params.hasParams, paramsArity: params.arity, paramsKind: params.kind };
      this.facts.externalSqlUses.push(use);
      if (method === 'prepare') this.preparedExternal.set(at, [...(this.preparedExternal.get(at) ?? []), use]);
      return;
    }
    if (value.k !== 'str') return;
    const u = unwrap(sqlNode);
    const origin: SqlString['origin'] = ts.isIdentifier(u) ? 'name' : ts.isPropertyAccessExpression(u) ? 'attribute' : ts.isBinaryExpression(u) ? 'concat' : 'literal';
    for (const alt of value.alts) {
      const sql = this.buildSql(alt);
      if (!sql) continue;
      sql.executed = true;
      sql.executor = method;
      sql.callRange = this.range(node);
      sql.hasParams = params.hasParams;
      sql.paramsArity = params.arity;
      sql.paramsKind = params.kind;
      if (params.dict) sql.paramsDict = params.dict;
      sql.origin = origin;
      // db.all(SQL`… ${id}`): the tag hands its holes to the driver as parameters
      const tagParams = sql.hasParams ? 0 : this.tagParamCount(alt);
      if (tagParams > 0) Object.assign(sql, { hasParams: true, paramsArity: tagParams, paramsKind: 'sequence' });
      this.facts.sqlStrings.push(sql);
    }
  }

  /** `stmt.run(a, b)`, `stmt.all({ id })`, `stmt.pluck().get(id)` */
  private recordStmtCall(node: ts.CallExpression, callee: ts.PropertyAccessExpression, method: string, recv: Extract<Value, { k: 'stmt' }>): void {
    if (!STMT_RUN_METHODS.has(method) && !STMT_CHAIN_METHODS.has(method)) return;
    if (STMT_RUN_METHODS.has(method) || method === 'pluck') {
      if (this.once(node, 'op')) {
        this.facts.cursorOps.push({ range: this.range(node), methodRange: this.range(callee.name), method, receiver: 'cursor', receiverText: callee.expression.getText(this.sf), jsAwait: awaitShape(node) });
      }
    }
    const params = this.paramsOf(node.arguments);
    if (!params.hasParams || !this.once(node, 'stmt-params')) return;
    for (const at of recv.at) {
      const seen = this.stmtParams.get(at);
      if (seen) seen.runs++;
      else this.stmtParams.set(at, { arity: params.arity, kind: params.kind, dict: params.dict, runs: 1 });
    }
  }

  /** Bind parameters among call arguments; a trailing callback is not one. */
  private paramsOf(args: readonly ts.Expression[]): { hasParams: boolean; arity?: number; kind?: SqlString['paramsKind']; dict?: SqlString['paramsDict'] } {
    const ps = args.filter((a) => {
      const u = unwrap(a);
      return !ts.isFunctionExpression(u) && !ts.isArrowFunction(u);
    });
    if (ps.length === 0) return { hasParams: false };
    // db.run(sql, { $id: id }, done): after an array or object of parameters, a name is the callback
    const [p0, p1] = ps.map(unwrap);
    if (ps.length === 2 && p0 && p1 && (ts.isArrayLiteralExpression(p0) || ts.isObjectLiteralExpression(p0)) && (ts.isIdentifier(p1) || ts.isPropertyAccessExpression(p1))) ps.pop();
    if (ps.length === 1) {
      const p = unwrap(ps[0]!);
      if (ts.isArrayLiteralExpression(p)) {
        return p.elements.some(ts.isSpreadElement) ? { hasParams: true, kind: 'sequence' } : { hasParams: true, arity: p.elements.length, kind: 'sequence' };
      }
      if (ts.isObjectLiteralExpression(p)) return { hasParams: true, kind: 'mapping', dict: this.paramsDict(p) };
      // stmt.get(7): one positional value
      if (ts.isLiteralExpression(p) || isJsString(p) || p.kind === ts.SyntaxKind.TrueKeyword || p.kind === ts.SyntaxKind.FalseKeyword || p.kind === ts.SyntaxKind.NullKeyword) {
        return { hasParams: true, arity: 1, kind: 'sequence' };
      }
      if (ts.isSpreadElement(ps[0]!)) return { hasParams: true, kind: 'sequence' };
      return { hasParams: true, kind: 'unknown' };
    }
    if (ps.some(ts.isSpreadElement)) return { hasParams: true, kind: 'sequence' };
    return { hasParams: true, arity: ps.length, kind: 'sequence' };
  }

  /**
   * `{ id, name: n.trim() }` (better-sqlite3, keys without the prefix) or `{ $id: id, ':name': n }`
   * (sqlite3, keys with it): the entries by parameter name. Undefined for spreads, computed keys and methods.
   */
  private paramsDict(obj: ts.ObjectLiteralExpression): SqlString['paramsDict'] {
    const entries: { key: string; value: Range }[] = [];
    for (const p of obj.properties) {
      let key: string | undefined;
      let value: ts.Node;
      if (ts.isShorthandPropertyAssignment(p)) {
        key = p.name.text;
        value = p.name;
      } else if (ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name)) {
        key = propName(p.name);
        value = p.initializer;
      } else return undefined;
      if (key === undefined) return undefined;
      const bare = key.length > 1 && (key[0] === '$' || key[0] === ':' || key[0] === '@') ? key.slice(1) : key;
      entries.push({ key: bare, value: this.range(value) });
    }
    return { range: this.range(obj), entries };
  }

  /** `info.lastInsertRowid`, `this.lastID` / `this.changes` in a sqlite3 callback, `result.changes`. */
  private recordProperty(node: ts.PropertyAccessExpression, scope: Scope): void {
    if (!this.facting) return;
    const name = node.name.text;
    // err instanceof Database.SqliteError
    if (name === 'SqliteError') {
      if (this.eval(node.expression, scope).k === 'ctor') this.api('exception', node, node.getText(this.sf));
      return;
    }
    if (name !== 'lastInsertRowid' && name !== 'lastID' && name !== 'changes') return;
    const parent = node.parent;
    if (ts.isCallExpression(parent) && parent.expression === node) return;
    if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return;
    const obj = this.eval(node.expression, scope);
    // `this` outside a sqlite3 callback (an arrow function's, a class's) is not the statement
    if (unwrap(node.expression).kind === ts.SyntaxKind.ThisKeyword && obj.k !== 'runinfo') return;
    const text = node.getText(this.sf);
    const kind: ApiUseKind = name === 'changes' ? 'changes' : 'lastrowid';
    if (obj.k === 'runinfo') {
      if (obj.weak) this.inferred(() => this.api(kind, node, text, obj.call), 'sqlish');
      else this.api(kind, node, text, obj.call);
    } else if (name === 'lastInsertRowid' && obj.k !== 'foreign') {
      // only better-sqlite3 and node:sqlite results have lastInsertRowid
      this.inferred(() => this.api(kind, node, text), 'sqlish');
    } else if (name === 'lastID' && obj.k === 'unknown') {
      this.inferred(() => this.api(kind, node, text), 'weak');
    }
  }

  /** `client: 'sqlite3'` (knex), `dialect: 'sqlite'` (Sequelize), `type: 'better-sqlite3'` (TypeORM), anywhere in the file */
  private recordOrmProperties(): void {
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAssignment(n)) {
        const key = propName(n.name);
        const v = unwrap(n.initializer);
        const value = literalValue(v);
        if (key && ORM_KEYS.has(key) && value !== undefined && ORM_VALUES.has(value.toLowerCase())) {
          this.third('orm-config', this.contentRange(v), n.getText(this.sf));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
  }

  /** Marks the literals of a string value as accounted for. */
  private consume(v: Value): void {
    if (v.k !== 'str') return;
    const walk = (s: Str): void => {
      if (s.t === 'lit') this.consumed.add(s.node.getStart(this.sf));
      else if (s.t === 'cat') s.parts.forEach(walk);
      else if (s.t === 'tagged') {
        this.consumed.add(s.node.template.getStart(this.sf));
        for (const sp of s.spans) if (sp.t === 'sql') walk(sp.value);
      }
    };
    v.alts.forEach(walk);
  }

  /** The bind parameters SQL-tagged templates in `s` pass. */
  private tagParamCount(s: Str): number {
    if (s.t === 'cat') return s.parts.reduce((n, p) => n + this.tagParamCount(p), 0);
    if (s.t !== 'tagged') return 0;
    return s.spans.reduce((n, sp) => n + (sp.t === 'param' ? 1 : sp.t === 'sql' ? this.tagParamCount(sp.value) : 0), 0);
  }

  private buildSql(s: Str, consume = true): SqlString | undefined {
    const b = new SqlBuilder();
    let dynamicKind: SqlString['dynamicKind'];
    let start = Infinity;
    let end = -Infinity;
    let assembled: Range | undefined;
    /** $1…$n for the holes of SQL-tagged templates, numbered through the whole statement */
    let param = 0;
    const walk = (x: Str): void => {
      switch (x.t) {
        case 'tagged': {
          const tpl = x.node.template;
          const s0 = tpl.getStart(this.sf);
          if (consume) this.consumed.add(s0);
          // the statement is the outermost template, wherever its fragments come from
          assembled ??= { start: s0, end: tpl.end };
          start = Math.min(start, s0);
          end = Math.max(end, tpl.end);
          let i = 0;
          appendTemplate(b, tpl, this.sf, (_span, hs, he) => {
            const sp = x.spans[i++];
            if (sp?.t === 'sql') walk(sp.value);
            else if (sp?.t === 'dynamic') {
              b.hole(hs, he);
              dynamicKind ??= 'template';
            } else b.translated(`$${++param}`, hs, he);
          });
          return;
        }
        case 'cat':
          if (x.at) assembled ??= x.at;
          for (const p of x.parts) walk(p);
          return;
        case 'hole':
          b.hole(x.start, x.end);
          dynamicKind ??= 'concat';
          start = Math.min(start, x.start);
          end = Math.max(end, x.end);
          return;
        case 'lit': {
          const s0 = x.node.getStart(this.sf);
          if (consume) this.consumed.add(s0);
          start = Math.min(start, s0);
          end = Math.max(end, x.node.end);
          if (appendJsString(b, x.node, this.sf) > 0) dynamicKind ??= 'template';
          return;
        }
      }
    };
    walk(s);
    const sql = builtSql(b, assembled ?? { start: start === Infinity ? 0 : start, end: end === -Infinity ? 0 : end }, dynamicKind);
    const tagParams = this.tagParamCount(s);
    if (tagParams > 0) Object.assign(sql, { hasParams: true, paramsArity: tagParams, paramsKind: 'sequence' });
    return sql;
  }

  // ---------------------------------------------------------------- the end of the file

  private finish(): void {
    const sqliteFile = this.usesSqlite || this.facts.connections.length > 0 || this.facts.imports.length > 0;
    for (const p of this.pending) if (!this.foreignDriver && (sqliteFile || p.confidence === 'sqlish')) p.apply();
    // bind parameters passed when a prepared statement runs
    for (const sql of this.facts.sqlStrings) {
      if (sql.executor !== 'prepare' || !sql.callRange) continue;
      const p = this.stmtParams.get(sql.callRange.start);
      if (p && !sql.hasParams) {
        sql.hasParams = true;
        sql.paramsArity = p.arity;
        sql.paramsKind = p.kind;
        // a statement run with two objects: neither one can be rewritten for both
        if (p.dict && p.runs === 1) sql.paramsDict = p.dict;
      }
    }
    for (const [at, uses] of this.preparedExternal) {
      const p = this.stmtParams.get(at);
      if (p) for (const u of uses) if (!u.hasParams) Object.assign(u, { hasParams: true, paramsArity: p.arity, paramsKind: p.kind });
    }
    this.recordOrmProperties();
    const evidence = sqliteFile || this.facts.dbPaths.length > 0 || this.facts.thirdParty.length > 0;
    this.sweepStrings(!(this.foreignDriver && !evidence));
    this.collectComments();
    for (const d of (this.sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? []) {
      const start = d.start ?? 0;
      this.facts.diagnostics.push({ range: { start, end: start + (d.length ?? 0) }, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
    }
    for (const f of this.project.factoriesOf(this.file)) {
      this.facts.factories.push({ range: f.range, name: f.name, qualifiedName: f.info.qualifiedName, kind: f.info.kind });
    }
    sortFacts(this.facts);
  }

  /** String literals anywhere: `.db` paths and `sqlite:` URLs; clearly-SQL text nobody executes here. */
  private sweepStrings(sqlToo: boolean): void {
    const visit = (n: ts.Node): void => {
      if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExternalModuleReference(n)) return;
      if (ts.isCallExpression(n) && (isRequire(n) !== undefined || n.expression.kind === ts.SyntaxKind.ImportKeyword)) return;
      if (isJsString(n)) {
        const parent = n.parent;
        const isKey = (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === n;
        if (!isKey && !ts.isLiteralTypeNode(parent) && !(ts.isElementAccessExpression(parent) && parent.argumentExpression === n)) this.visitLiteral(n, sqlToo);
        if (!ts.isTemplateExpression(n)) return;
      }
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
  }

  private visitLiteral(node: JsStringNode, sqlToo: boolean): void {
    const start = node.getStart(this.sf);
    const content = { start: start + 1, end: node.end - 1 };
    if (ts.isTemplateExpression(node)) {
      // `${DATA_DIR}/app.db`: the literal tail decides
      const tail = node.templateSpans[node.templateSpans.length - 1]?.literal.text ?? '';
      const literalText = node.head.text + node.templateSpans.map((s) => s.literal.text).join('');
      if (!/\s/.test(literalText)) {
        const raw = this.text.slice(content.start, content.end);
        if (SQLITE_URL.test(node.head.text)) this.facts.dbPaths.push({ range: content, value: raw, kind: 'url' });
        else if (DB_FILE.test(tail)) this.facts.dbPaths.push({ range: content, value: raw, kind: 'file' });
      }
    } else {
      if (SQLITE_ERROR_CODE.test(node.text) && this.isCompared(node)) this.api('exception', node, node.getText(this.sf));
      const trimmed = node.text.trim();
      if (trimmed.length > 0 && !/\s/.test(trimmed)) {
        if (SQLITE_URL.test(trimmed)) this.facts.dbPaths.push({ range: content, value: trimmed, kind: 'url' });
        else if (DB_FILE.test(trimmed) && (!BARE_EXTENSION.test(trimmed) || this.isConcatOperand(node))) this.facts.dbPaths.push({ range: content, value: trimmed, kind: 'file' });
      }
    }
    if (!sqlToo || this.consumed.has(start)) return;
    // const FIND = sql`SELECT … WHERE id = ${id}`: a statement with bind parameters, not an interpolated string
    const tagged = ts.isTaggedTemplateExpression(node.parent) && node.parent.template === node ? this.taggedSql(node.parent, this.moduleScope, 0) : undefined;
    if (tagged) return this.sweptSql(tagged, node.parent);
    // 'SELECT … ' + 'FROM t': one SQL string for the outermost concatenation
    let top: ts.Node = node;
    while (ts.isBinaryExpression(top.parent) && top.parent.operatorToken.kind === ts.SyntaxKind.PlusToken) top = top.parent;
    if (top !== node) {
      const leftmost = this.firstLiteral(top);
      if (leftmost !== node) return;
    }
    const value = top === node ? ({ k: 'str', alts: [{ t: 'lit', node }] } as Value) : this.eval(top as ts.Expression, this.moduleScope);
    if (value.k !== 'str') return;
    const alt = value.alts[0];
    if (alt) this.sweptSql(alt, top);
  }

  /** Records SQL text nobody executes here, when it reads as SQL; `top` is the expression a constant may name. */
  private sweptSql(alt: Str, top: ts.Node): void {
    const probe = this.buildSql(alt, false);
    if (!probe || !looksLikeSql(probe.text)) return;
    const sql = this.buildSql(alt);
    if (!sql) return;
    const constant = this.constantOf.get(top.getStart(this.sf));
    if (constant) {
      sql.origin = 'constant';
      sql.constant = constant;
    }
    this.facts.sqlStrings.push(sql);
  }

  /** `err.code === 'SQLITE_CONSTRAINT'`, `case 'SQLITE_BUSY':` */
  private isCompared(node: ts.Node): boolean {
    const p = node.parent;
    if (ts.isCaseClause(p)) return true;
    if (!ts.isBinaryExpression(p)) return false;
    const op = p.operatorToken.kind;
    return (
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken
    );
  }

  private firstLiteral(n: ts.Node): ts.Node | undefined {
    if (isJsString(n)) return n;
    if (ts.isBinaryExpression(n)) return this.firstLiteral(n.left) ?? this.firstLiteral(n.right);
    if (ts.isParenthesizedExpression(n)) return this.firstLiteral(n.expression);
    return undefined;
  }

  private isConcatOperand(node: ts.Node): boolean {
    let n = node;
    while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
    return ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.PlusToken;
  }

  private collectComments(): void {
    const seen = new Set<number>();
    const text = this.text;
    const take = (ranges: ts.CommentRange[] | undefined) => {
      for (const c of ranges ?? []) {
        if (seen.has(c.pos)) continue;
        seen.add(c.pos);
        const body = text.slice(c.pos, c.end);
        if (!body.includes('pgready')) continue;
        const line = this.sf.getLineAndCharacterOfPosition(c.pos).line;
        const s = parseSuppression(body, { start: c.pos, end: c.end }, line);
        if (s) this.facts.suppressions.push(s);
      }
    };
    const visit = (n: ts.Node): void => {
      take(ts.getLeadingCommentRanges(text, n.pos));
      take(ts.getTrailingCommentRanges(text, n.end));
      take(ts.getLeadingCommentRanges(text, n.end));
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
    take(ts.getLeadingCommentRanges(text, this.sf.endOfFileToken.pos));
  }
}
