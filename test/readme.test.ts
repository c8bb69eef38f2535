import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { read } from './helpers/paths.js';

describe('README', () => {
  const readme = read('README.md');

  it('opens with the two setup commands and the test command', () => {
    const setup = readme.indexOf('npm ci');
    expect(setup).toBeGreaterThan(0);
    expect(readme.indexOf('npx pgready audit fixtures/legacy-trading')).toBeGreaterThan(setup);
    expect(readme).toContain('npm test');
  });

  it('lists every rule of the catalogue with its current name, severity and category', () => {
    for (const r of allRules) {
      expect(readme, `${r.id} is missing from the README's rule table`).toContain(`| ${r.id} | \`${r.name}\` | ${r.severity} | ${r.category} |`);
    }
    const listed = [...readme.matchAll(/^\| (SQL\d{3}) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(allRules.map((r) => r.id));
  });
});
