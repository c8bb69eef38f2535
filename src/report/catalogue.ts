import type { Rule } from '../model/rule.js';

/** Catalogue fields only: everything `pgready rules` shows. */
export type RuleInfo = Omit<Rule, 'detect'>;

/** `pgready rules`: one aligned row per rule (id, name, severity, category, title), sorted by id. */
export function formatRuleList(rules: readonly RuleInfo[]): string {
  const sorted = byId(rules);
  if (sorted.length === 0) return 'No rules registered.\n';
  const header = ['ID', 'NAME', 'SEVERITY', 'CATEGORY', 'TITLE'];
  const rows = sorted.map((r) => [
    r.id,
    r.name,
    r.severity,
    r.category,
    r.status === 'removed' ? `(removed) ${r.title}` : r.title,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `pgready rules <id|name>`: everything the catalogue says about one rule. */
export function formatRuleDetail(r: RuleInfo): string {
  const out = [`${r.id} ${r.name}${r.status === 'removed' ? ' (removed)' : ''}`, r.title, ''];
  out.push(`Severity:   ${r.severity}`);
  out.push(`Category:   ${r.category}`);
  out.push(`Fixed by:   ${r.fixedBy ?? 'no automatic fix'}`);
  out.push('', 'Why it matters on PostgreSQL', ...indent(r.rationale));
  out.push('', 'PostgreSQL equivalent', ...indent(r.postgres));
  const file = r.examples.filename ? ` (${r.examples.filename})` : '';
  out.push('', `Bad${file}`, ...indent(r.examples.bad));
  out.push('', `Good${file}`, ...indent(r.examples.good));
  return `${out.join('\n')}\n`;
}

/** The fields a rule listing and a rule's detail share, in output order. */
function header(r: RuleInfo) {
  return {
    id: r.id,
    name: r.name,
    title: r.title,
    severity: r.severity,
    category: r.category,
    status: r.status ?? 'active',
  };
}

export function ruleListJson(rules: readonly RuleInfo[]): string {
  return `${JSON.stringify(
    byId(rules).map((r) => ({ ...header(r), fixedBy: r.fixedBy ?? null })),
    null,
    2,
  )}\n`;
}

export function ruleDetailJson(r: RuleInfo): string {
  return `${JSON.stringify(
    {
      ...header(r),
      rationale: r.rationale,
      postgres: r.postgres,
      examples: { bad: r.examples.bad, good: r.examples.good, filename: r.examples.filename ?? 'example.py' },
      fixedBy: r.fixedBy ?? null,
    },
    null,
    2,
  )}\n`;
}

function byId(rules: readonly RuleInfo[]): RuleInfo[] {
  return [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Each line indented by four spaces; a trailing newline adds no empty line. */
function indent(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l === '' ? '' : `    ${l}`));
}
