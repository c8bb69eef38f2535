// What a run registers for removal at exit (src/util/interrupt.ts) is removed when the process
// ends through process.exit, as an interrupt makes it (exitingOnSignals): a scratch directory
// even while a worker thread still makes files in it, as the workers do when the signal comes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';
import { tempDirs } from './helpers/temp.js';

const tempDir = tempDirs('pgready-interrupt-');

/** Runs `body` (an ES module's text, with removeAtExit imported) in a new Node process, from the TypeScript sources. */
function runScript(dir: string, body: string): { status: number | null; stderr: string } {
  const hooks = pathToFileURL(join(repoRoot, 'src', 'perf', 'dev-hooks.mjs')).href;
  const script = join(dir, 'script.mjs');
  writeFileSync(
    script,
    `import { register } from 'node:module';\nregister(${JSON.stringify(hooks)});\n` +
      `const { removeAtExit } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src', 'util', 'interrupt.ts')).href)});\n${body}`,
  );
  const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('removeAtExit', () => {
  it('removes a file and a directory at process.exit, but not what was let be', () => {
    const dir = tempDir();
    for (const n of ['a.tmp', 'kept.tmp']) writeFileSync(join(dir, n), 'x');
    mkdirSync(join(dir, 'scratch'));
    writeFileSync(join(dir, 'scratch', 'trees-1.bin'), 'x');
    const r = runScript(
      dir,
      `removeAtExit(${JSON.stringify(join(dir, 'a.tmp'))});\n` +
        `const forget = removeAtExit(${JSON.stringify(join(dir, 'kept.tmp'))});\nforget();\n` +
        `removeAtExit(${JSON.stringify(join(dir, 'scratch'))}, true);\n` +
        // a path that is gone already is no error
        `removeAtExit(${JSON.stringify(join(dir, 'never.tmp'))});\nprocess.exit(3);\n`,
    );
    expect(r).toEqual({ status: 3, stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(['kept.tmp', 'script.mjs']);
  });

  it('removes a directory a worker thread keeps making files in', () => {
    const dir = tempDir();
    const scratch = join(dir, 'scratch');
    mkdirSync(scratch);
    const r = runScript(
      dir,
      `import { Worker } from 'node:worker_threads';\n` +
        `removeAtExit(${JSON.stringify(scratch)}, true);\n` +
        // the worker makes a file after file by the directory's name, as a spill does
        `const w = new Worker(\`const { writeFileSync } = require('node:fs'); const { parentPort } = require('node:worker_threads'); let i = 0; parentPort.postMessage('started'); for (;;) { try { writeFileSync(${JSON.stringify(scratch)} + '/f' + (i++ % 5000), 'x'.repeat(100)); } catch {} }\`, { eval: true });\n` +
        `w.once('message', () => setTimeout(() => process.exit(0), 200));\n`,
    );
    expect(r).toEqual({ status: 0, stderr: '' });
    expect(existsSync(scratch)).toBe(false);
    expect(readdirSync(dir)).toEqual(['script.mjs']);
  });
});
