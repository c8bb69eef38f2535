import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { compareBaseline } from '../src/baseline.js';
import { defaultConfig } from '../src/model/config.js';
import type { RunResult } from '../src/model/run.js';
import { audit } from '../src/pipeline.js';
import { sarif, uriOf } from '../src/report/sarif.js';
import { repoRoot } from './helpers/paths.js';
import { sampleRun } from './report-sample.js';

const require = createRequire(import.meta.url);
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// the schema's language-tag pattern is not a valid unicode-mode regular expression
const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

const opts = { color: false, cwd: '/repo' };

function check(text: string): void {
  const ok = validate(JSON.parse(text));
  expect(ok ? [] : validate.errors).toEqual([]);
}

/** The sample run with the catalogue entries of its rules, as the pipeline would give them. */
function run(): RunResult {
  const r = sampleRun();
  const ids = new Set(r.findings.map((f) => f.ruleId));
  r.rules = allRules.filter((x) => ids.has(x.id)).map(({ detect: _d, ...meta }) => meta);
  return r;
}

interface SarifDoc {
  version: string;
  runs: {
    columnKind: string;
    originalUriBaseIds: Record<string, unknown>;
    tool: { driver: { name: string; rules: { id: string; name: string; help: { text: string; markdown: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      baselineState?: string;
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: string };
          region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
        };
      }[];
    }[];
  }[];
}

describe('sarif reporter', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    check(sarif(run(), opts));
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const doc = JSON.parse(sarif(run(), opts)) as SarifDoc;
    delete (doc.runs[0]!.results[0] as { message?: unknown }).message;
    expect(validate(doc)).toBe(false);
  });

  it('maps findings to results: rule index, level, relative URI, UTF-16 region, fingerprint', () => {
    const doc = JSON.parse(sarif(run(), opts)) as SarifDoc;
    const r = doc.runs[0]!;
    expect(doc.version).toBe('2.1.0');
    expect(r.columnKind).toBe('utf16CodeUnits');
    expect(Object.keys(r.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual(['SQL001', 'SQL002', 'SQL011', 'SQL201', 'SQL210', 'SQL326']);
    const q = r.results.find((x) => x.ruleId === 'SQL201')!;
    expect(q.ruleIndex).toBe(3);
    expect(q.level).toBe('error');
    expect(q.message.text).toBe('`?` placeholder in SQL passed to `execute`');
    expect(q.partialFingerprints).toEqual({ 'pgready/v1': '00000000000000b3' });
    expect(q.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'app/db.py', uriBaseId: '%SRCROOT%' });
    expect(q.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 3, startColumn: 41, endLine: 3, endColumn: 42 });
    expect(r.results.map((x) => x.level)).toEqual(['error', 'warning', 'error', 'error', 'warning', 'note']);
    expect(q.baselineState).toBeUndefined();
  });

  it('gives each rule help text: rationale, PostgreSQL equivalent and examples', () => {
    const doc = JSON.parse(sarif(run(), opts)) as SarifDoc;
    const rule = doc.runs[0]!.tool.driver.rules.find((x) => x.id === 'SQL201')!;
    const meta = allRules.find((x) => x.id === 'SQL201')!;
    expect(rule.name).toBe('qmark-placeholder');
    for (const part of [meta.rationale, meta.postgres, meta.examples.bad.trim(), meta.examples.good.trim()]) {
      expect(rule.help.markdown).toContain(part);
    }
    // the plain text indents the examples four spaces, line by line
    for (const part of [meta.rationale, meta.postgres]) expect(rule.help.text).toContain(part);
    for (const line of `${meta.examples.bad}\n${meta.examples.good}`.split('\n').filter((l) => l.trim() !== '')) {
      expect(rule.help.text).toContain(`    ${line}\n`);
    }
  });

  it('marks results new or unchanged against a baseline', () => {
    const r = run();
    const baseline = compareBaseline(
      r.findings,
      { version: 1, tool: 'pgready', findings: [{ fingerprint: '00000000000000b3', ruleId: 'SQL201', file: 'app/db.py', line: 3, message: 'm' }] },
      'b.json',
    );
    const text = sarif(r, { ...opts, baseline });
    check(text);
    const doc = JSON.parse(text) as SarifDoc;
    expect(doc.runs[0]!.results.map((x) => x.baselineState)).toEqual(['new', 'new', 'new', 'unchanged', 'new', 'new']);
  });

  it('percent-encodes each path segment of a URI', () => {
    expect(uriOf('a dir/x#1.py')).toBe('a%20dir/x%231.py');
    expect(uriOf('backend/trade_manager.py')).toBe('backend/trade_manager.py');
  });

  it('validates for the demo project and lists every finding once', async () => {
    const result = await audit(['fixtures/legacy-trading'], defaultConfig(repoRoot), { cwd: repoRoot });
    const text = sarif(result, opts);
    check(text);
    const doc = JSON.parse(text) as SarifDoc;
    const results = doc.runs[0]!.results;
    expect(results).toHaveLength(result.findings.length);
    expect(new Set(results.map((x) => x.partialFingerprints['pgready/v1'])).size).toBe(results.length);
    for (const x of results) expect(doc.runs[0]!.tool.driver.rules[x.ruleIndex!]!.id).toBe(x.ruleId);
    expect(sarif(result, opts)).toBe(text);
  }, 60_000);
});
