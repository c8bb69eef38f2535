import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Codemod, Target } from '../../src/model/codemod.js';
import { resolveTarget } from '../../src/edit/target.js';
import { repoRoot } from './paths.js';

export const codemodFixtureRoot = resolve(repoRoot, 'fixtures', 'codemods');

export interface CodemodCase {
  codemod: string;
  name: string;
  inputPath: string;
  outputPath: string;
  input: string;
  /** undefined when the .output.py file is missing (the harness fails that case) */
  output?: string;
  noChange: boolean;
  /** the fixture's extension: `.py`, `.ts`, `.js`, … (input and output share it) */
  ext: string;
  /** reasons from `# refuse: <reason>` (or `// refuse: <reason>`) comment lines of the input */
  refuse: string[];
  target: Target;
  unsafeFixes: boolean;
}

/** `# refuse: dynamic-sql` (Python) or `// refuse: dynamic-sql` (JavaScript/TypeScript) lines: a fixture annotation, one reason per line. */
export function refuseAnnotations(text: string): string[] {
  const reasons: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const marker = ['# refuse:', '// refuse:'].find((m) => line.startsWith(m));
    if (!marker) continue;
    const reason = line.slice(marker.length).trim().split(' ')[0];
    if (reason) reasons.push(reason);
  }
  return reasons;
}

/** Fixture languages: Python, and JavaScript/TypeScript in ESM, CommonJS and plain forms. */
const FIXTURE_EXTENSIONS = ['.py', '.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * The cases of fixtures/codemods/<name>/: `<case>.input.py` + `<case>.output.py` (or `.ts`, `.js`, …), and an optional
 * `<case>.json` with `{ "target": { …partial target… }, "unsafeFixes": false }` (unsafe fixes
 * are applied by default, so a fixture shows what --unsafe-fixes writes).
 */
export function codemodCases(codemod: Pick<Codemod, 'name'>): CodemodCase[] {
  const dir = join(codemodFixtureRoot, codemod.name);
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .flatMap((f) => {
      const ext = FIXTURE_EXTENSIONS.find((e) => f.endsWith(`.input${e}`));
      return ext ? [{ name: f.slice(0, -`.input${ext}`.length), ext }] : [];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return names.map(({ name, ext }) => {
    const inputPath = join(dir, `${name}.input${ext}`);
    const outputPath = join(dir, `${name}.output${ext}`);
    const optionsPath = join(dir, `${name}.json`);
    const input = readFileSync(inputPath, 'utf8');
    const output = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : undefined;
    const options = existsSync(optionsPath) ? (JSON.parse(readFileSync(optionsPath, 'utf8')) as { target?: unknown; unsafeFixes?: boolean }) : {};
    return {
      codemod: codemod.name,
      name,
      ext,
      inputPath,
      outputPath,
      input,
      output,
      noChange: name.startsWith('no-change'),
      refuse: refuseAnnotations(input),
      target: resolveTarget(options.target, optionsPath),
      unsafeFixes: options.unsafeFixes ?? true,
    };
  });
}
