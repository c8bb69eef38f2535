import { Project, ts } from 'ts-morph';

/**
 * TypeScript's semantic diagnostics of a set of files, read in an in-memory project (no
 * node_modules: imports of packages resolve to nothing on both sides of a comparison).
 * `ambient` is a declaration file added to the project, e.g. for the fix target's module.
 * Each diagnostic is `file: TS<code> <message>`, without positions, so that a rewrite that
 * moves code does not count as a change.
 */
export function typeDiagnostics(files: Record<string, string>, ambient = ''): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
    },
  });
  for (const [path, text] of Object.entries(files)) project.createSourceFile(`/project/${path}`, text);
  if (ambient) project.createSourceFile('/project/pgready-target.d.ts', ambient);
  const out: string[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const file = d.getSourceFile()?.getFilePath().replace('/project/', '') ?? '(global)';
    const message = ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, ' ');
    out.push(`${file}: TS${d.getCode()} ${message}`);
  }
  return out.sort();
}

/** The diagnostics of `after` that `before` does not have (as a multiset). */
export function newDiagnostics(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const d of before) left.set(d, (left.get(d) ?? 0) + 1);
  const out: string[] = [];
  for (const d of after) {
    const n = left.get(d) ?? 0;
    if (n > 0) left.set(d, n - 1);
    else out.push(d);
  }
  return out;
}

/**
 * What the default JavaScript target imports (`import { getPool } from '#db'`), and a small typed
 * better-sqlite3 (no node_modules here), so that the driver calls the fix touches are type-checked.
 */
export const TARGET_MODULE = `
declare module '#db' {
  export function getPool(db: string): any;
}
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult { changes: number; lastInsertRowid: number | bigint }
    interface Statement {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
      pluck(on?: boolean): Statement;
    }
    interface Database {
      prepare(sql: string): Statement;
      exec(sql: string): Database;
      pragma(source: string): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): F;
    }
  }
  const Database: new (filename?: string, options?: { timeout?: number; readonly?: boolean }) => Database.Database;
  export = Database;
}
`;
