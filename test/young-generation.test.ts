// YoungGenerationCap (src/perf/young-generation.ts) changes a flag of V8's for the whole process, so
// each case runs in a child process of its own, from the TypeScript sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'pgready-young-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const src = (file: string): string => pathToFileURL(join(repoRoot, 'src', 'perf', file)).href;

/**
 * Runs `body` in a fresh Node process; `young()` is the young generation's size in MB (both
 * semi-spaces), `churn(cap)` makes two million small objects and keeps a third (what makes V8
 * grow the young generation), calling cap.check() as the read loop does. Returns what body printed.
 */
function inChild(body: string): string {
  const script = join(dir, `case-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import { register } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';
register(${JSON.stringify(src('dev-hooks.mjs'))});
const { YoungGenerationCap } = await import(${JSON.stringify(src('young-generation.ts'))});
const { WorkerExecutor } = await import(${JSON.stringify(src('pool.ts'))});
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
let kept = [];
const churn = (cap) => {
  kept = [];
  for (let i = 0; i < 2e6; i++) {
    const o = { i, s: 'x' + i };
    if (i % 3 === 0) kept.push(o);
    if (i % 1000 === 0) cap?.check();
  }
};
${body}
`,
  );
  return execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim();
}

// each case starts Node and loads the sources through the TypeScript hooks, workers too: seconds on a loaded machine
describe('the young generation held small (YoungGenerationCap)', { timeout: 60_000 }, () => {
  it('V8 grows it to 32 MB where nothing holds it', () => {
    expect(Number(inChild('churn(); console.log(young());'))).toBe(32);
  });

  it('stops growing at the cap', () => {
    expect(Number(inChild('const cap = new YoungGenerationCap(4); churn(cap); churn(cap); console.log(young());'))).toBe(8);
  });

  it('stays held after worker threads start (V8 resets the growth factor then)', () => {
    const out = inChild(`
const cap = new YoungGenerationCap(4);
churn(cap);
const executor = new WorkerExecutor(2);
// a task for each worker: once both have answered, V8 has made their isolates (and those of the
// module loaders they start), whatever the machine's load; then the timer holds the factor again
executor.setup({ table: [], indexes: [] });
const task = (path) => ({ kind: 'facts', source: { path, absPath: path, language: 'text', textKind: 'env', text: 'A=1' } });
const answers = [];
await executor.run([task('a.env'), task('b.env')], (r) => answers.push(r));
if (answers.length !== 2) throw new Error('the workers did not answer');
await new Promise((resolve) => setTimeout(resolve, 50));
churn(cap);
churn(cap);
console.log(young());
await executor.close();`);
    expect(Number(out)).toBe(8);
  });

  it('grows again once released', () => {
    expect(Number(inChild('const cap = new YoungGenerationCap(4); churn(cap); cap.release(); churn(cap); console.log(young());'))).toBe(32);
  });
});
