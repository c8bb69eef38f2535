import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity } from '../model/finding.js';
import type { RuleMeta, RunResult } from '../model/run.js';
import { reportOrder } from '../runner.js';
import { ITEMS, prettyJsonPieces, textOfPieces } from '../util/json-pieces.js';
import type { Reporter, ReportOptions } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
export const FINGERPRINT_KEY = 'pgready/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, the enabled rules with their help text as
 * `tool.driver.rules`, one result per finding with a path relative to `%SRCROOT%` (the directory
 * pgready ran in), UTF-16 columns, and the finding's fingerprint as a partial fingerprint.
 * Deterministic: no timestamps, no absolute paths.
 */
export const sarif: Reporter = (run, opts) => textOfPieces(sarifChunks(run, opts));

/** The SARIF log in UTF-8 pieces, one result at a time (see prettyJsonPieces): the same text as `sarif`. */
export function* sarifChunks(run: RunResult, opts: ReportOptions): Generator<Uint8Array> {
  const rules = [...run.rules].sort((a, b) => cmp(a.id, b.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const baseline = opts.baseline;

  const toResult = (f: Finding): Result => {
    const i = index.get(f.ruleId);
    const result: Result = {
      ruleId: f.ruleId,
      ...(i === undefined ? {} : { ruleIndex: i }),
      level: LEVEL[f.severity],
      message: { text: f.message },
    };
    result.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(f.file), uriBaseId: SRCROOT },
          region: {
            startLine: f.line,
            startColumn: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn,
            snippet: { text: f.snippet },
          },
        },
      },
    ];
    result.partialFingerprints = { [FINGERPRINT_KEY]: f.fingerprint };
    if (baseline) result.baselineState = baseline.known.has(f.fingerprint) ? 'unchanged' : 'new';
    result.properties = { category: f.category, fixable: f.fixedBy !== undefined };
    return result;
  };

  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: run.tool.name,
            version: run.tool.version,
            semanticVersion: run.tool.version,
            rules: rules.map(descriptor),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: 'The directory pgready was run in; every result path is relative to it.' } },
        },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...run.skipped]
              .sort((a, b) => cmp(a.path, b.path) || cmp(a.reason, b.reason))
              .map((k) => ({
                level: 'warning' as const,
                descriptor: { id: `skipped/${k.reason}` },
                message: { text: `${k.path} was not read (${k.reason}): ${k.detail}` },
                locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(k.path), uriBaseId: SRCROOT } } }],
              })),
          },
        ],
        // written one at a time (prettyJsonPieces)
        results: ITEMS as unknown as Result[],
      },
    ],
  };
  yield* prettyJsonPieces(log, (function* () {
    for (const f of reportOrder(run)) yield toResult(f);
  })());
}

/** A rule as SARIF describes it; the help text is what code scanning shows beside an alert. */
function descriptor(r: RuleMeta): ReportingDescriptor {
  const file = r.examples.filename ?? 'example.py';
  const fixText = r.fixedBy ? `\`pgready fix\` rewrites it (codemod \`${r.fixedBy}\`).` : 'No automatic fix: rewrite it by hand.';
  const text = [
    r.title,
    '',
    `Why it matters on PostgreSQL: ${r.rationale}`,
    '',
    `PostgreSQL equivalent: ${r.postgres}`,
    '',
    `Bad (${file}):`,
    indent(r.examples.bad),
    '',
    `Good (${file}):`,
    indent(r.examples.good),
    '',
    r.fixedBy ? `pgready fix rewrites it (codemod ${r.fixedBy}).` : 'No automatic fix: rewrite it by hand.',
  ].join('\n');
  const lang = file.endsWith('.py') ? 'python' : '';
  const markdown = [
    `**${r.title}**`,
    '',
    `**Why it matters on PostgreSQL:** ${r.rationale}`,
    '',
    `**PostgreSQL equivalent:** ${r.postgres}`,
    '',
    `Bad (\`${file}\`):`,
    '',
    fenced(r.examples.bad, lang),
    '',
    `Good (\`${file}\`):`,
    '',
    fenced(r.examples.good, lang),
    '',
    fixText,
  ].join('\n');
  const tags = ['sqlite', 'postgresql', r.category];
  return {
    id: r.id,
    name: r.name,
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { category: r.category, tags, fixedBy: r.fixedBy ?? null },
  };
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept. */
export function uriOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '' : `    ${l}`))
    .join('\n');
}

function fenced(text: string, lang: string): string {
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
