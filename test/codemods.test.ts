import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allCodemods } from '../codemods/index.js';
import { allRules } from '../rules/index.js';
import { changedLines } from '../src/edit/diff.js';
import { planFile, syntaxErrorCount } from '../src/edit/engine.js';
import { projectSchema } from '../src/edit/schema.js';
import { analyseAlone, fixText, languageOfPath } from '../src/edit/standalone.js';
import { targetFor } from '../src/edit/target.js';
import { jsSyntaxErrors } from '../src/lang/typescript/syntax.js';
import { ts } from 'ts-morph';
import { defaultConfig } from '../src/model/config.js';
import type { SourceFile } from '../src/model/facts.js';
import { runRules } from '../src/runner.js';
import { codemodCases, codemodFixtureRoot } from './helpers/codemods.js';
import { newDiagnostics, TARGET_MODULE, typeDiagnostics } from './helpers/typecheck.js';

const pycache = mkdtempSync(join(tmpdir(), 'pgready-pycache-'));
afterAll(() => rmSync(pycache, { recursive: true, force: true }));

function python3(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the codemod fixtures', () => {
  it('have a directory only for registered codemods, each with a change case and a no-change case', () => {
    const registered = allCodemods.map((c) => c.name).sort();
    const dirs = existsSync(codemodFixtureRoot) ? readdirSync(codemodFixtureRoot).sort() : [];
    for (const d of dirs) expect(registered, `fixtures/codemods/${d} has no registered codemod`).toContain(d);
    expect(allCodemods.map((c) => c.name), 'codemods/index.ts must be sorted by name').toEqual(registered);
    for (const c of allCodemods) {
      const cases = codemodCases(c);
      expect(cases.filter((k) => !k.noChange).length, `${c.name}: needs at least one change case`).toBeGreaterThan(0);
      expect(cases.filter((k) => k.noChange).length, `${c.name}: needs at least one no-change-* case`).toBeGreaterThan(0);
    }
  });
});

for (const codemod of allCodemods) {
  describe(`codemod ${codemod.name}`, () => {
    for (const k of codemodCases(codemod)) {
      it(`${k.name}`, async () => {
        expect(k.output, `${k.outputPath} is missing`).toBeDefined();
        const expected = k.output!;
        const path = `${k.name}${k.ext}`;
        const fix = await fixText(path, k.input, [codemod], { target: k.target, unsafeFixes: k.unsafeFixes });
        expect(fix.failure, `engine check failed: ${fix.failure?.detail}`).toBeUndefined();

        // (1) plan + apply gives the expected output, byte for byte
        expect(fix.text).toBe(expected);

        // (5) no-change cases are unchanged; every `# refuse:` reason is among the refusals
        const reasons = fix.refusals.filter((r) => r.codemod === codemod.name).map((r) => r.reason);
        if (k.noChange) {
          expect(expected, `${k.name}: a no-change case needs output == input`).toBe(k.input);
          expect(k.refuse.length, `${k.name}: a no-change case needs a "# refuse: <reason>" comment`).toBeGreaterThan(0);
        } else {
          expect(expected, `${k.name}: a change case must change something`).not.toBe(k.input);
        }
        for (const r of k.refuse) expect(reasons, `expected a "${r}" refusal`).toContain(r);

        // (2) the output parses with no more syntax errors than the input (JavaScript/TypeScript: none at all)
        const language = languageOfPath(path);
        if (language === 'python') expect(syntaxErrorCount(expected)).toBeLessThanOrEqual(syntaxErrorCount(k.input));
        else expect(jsSyntaxErrors(path, expected).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
        // TypeScript: the rewrite adds no type error
        if (language === 'typescript' && !k.noChange) {
          expect(newDiagnostics(typeDiagnostics({ [path]: k.input }, TARGET_MODULE), typeDiagnostics({ [path]: expected }, TARGET_MODULE))).toEqual([]);
        }

        // (3) the output is a fixed point: planning on it gives nothing to apply
        const source: SourceFile = { path, absPath: `/${path}`, language, text: expected };
        const facts = analyseAlone(source);
        const again = planFile([codemod], facts, { source, target: targetFor(language, k.target), schema: projectSchema([facts]) });
        const applicable = again.changes.filter((c) => k.unsafeFixes || c.safety === 'safe');
        expect(applicable.map((c) => c.title), 'a second run plans more changes').toEqual([]);

        // (4) a re-audit of the output reports none of the resolved ids on the lines that changed
        const lines = changedLines(k.input, expected);
        const left = runRules(allRules, facts, source, defaultConfig('/'))
          .findings.filter((f) => codemod.resolves.includes(f.ruleId) && lines.has(f.line - 1))
          .map((f) => `${f.line}: ${f.ruleId} ${f.message}`);
        expect(left, 'findings the codemod should have resolved').toEqual([]);
      });
    }
  });
}

describe('rewritten fixture outputs compile with python3 -m py_compile', () => {
  const outputs = allCodemods.flatMap((c) => codemodCases(c).filter((k) => !k.noChange && k.output !== undefined && k.ext === '.py'));
  const have = python3();
  if (!have && process.env.CI) {
    it('python3 is required in CI', () => {
      expect.fail('python3 is not on PATH: install it to check the rewritten fixtures compile');
    });
  } else if (!have) {
    it.skip('python3 is not on PATH: skipping the py_compile check of rewritten fixtures', () => undefined);
  } else {
    for (const k of outputs) {
      it(`${k.codemod}/${k.name}.output${k.ext}`, () => {
        // PYTHONPYCACHEPREFIX keeps the .pyc out of fixtures/
        const run = () => execFileSync('python3', ['-m', 'py_compile', k.outputPath], { env: { ...process.env, PYTHONPYCACHEPREFIX: pycache }, stdio: 'pipe' });
        expect(run).not.toThrow();
      });
    }
  }
});
