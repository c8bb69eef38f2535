import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { read, repoRoot } from './helpers/paths.js';

/**
 * The checklist for the demo project, byte for byte. The golden file was read and its numbers
 * checked against `pgready audit --format json`; when a change to rules, codemods or the reporter
 * alters it, regenerate it with
 *   node bin/pgready.cjs report fixtures/legacy-trading > test/golden/legacy-trading.report.md
 * and review the diff before committing: it is the document a team would work from.
 */
describe('pgready report fixtures/legacy-trading', () => {
  it('prints the reviewed checklist', async () => {
    let out = '';
    let err = '';
    const code = await main(['report', 'fixtures/legacy-trading'], {
      cwd: repoRoot,
      env: {},
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(read('test/golden/legacy-trading.report.md'));
  }, 60_000);
});
