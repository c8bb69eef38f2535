import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL900',
  name: 'unused-suppression',
  title: 'A `# pgready: ignore[…]` comment suppresses nothing',
  severity: 'warning',
  category: 'suppression',
  rationale:
    'A suppression that no longer matches a finding hides nothing today but will silently hide a real ' +
    'finding added later on that line; stale ones also make the remaining SQLite work look smaller than it is.',
  postgres: 'Not applicable: remove the comment, or fix the id it names.',
  examples: {
    bad: '# pgready: ignore[SQL201] no placeholders here\ntotal = 1\n',
    good: '# pgready: ignore[SQL201] legacy report, migrated later\ncur.execute("SELECT * FROM t WHERE id = ?", (1,))\n',
  },
  // The runner produces these findings: only it knows which suppressions matched a finding.
  detect() {
    return [];
  },
});
