import { describe, expect, it } from 'vitest';
import { defaultPriority, priorityResolver, withPriorities } from '../src/report/priority.js';
import { sampleRun } from './report-sample.js';

describe('priorities', () => {
  it('defaults: archive/tests/scripts/docs directories and *_OLD* / *backup* names are low', () => {
    expect(defaultPriority('archive/report.py')).toBe('low');
    expect(defaultPriority('proj/tests/test_x.py')).toBe('low');
    expect(defaultPriority('scripts/run.sh')).toBe('low');
    expect(defaultPriority('a/docs/b/setup.md')).toBe('low');
    expect(defaultPriority('backend/price_feed_OLD.py')).toBe('low');
    expect(defaultPriority('backend/trade_manager_backup.py')).toBe('low');
    expect(defaultPriority('backend/DB_Backup.py')).toBe('low');
    expect(defaultPriority('backend/trade_manager.py')).toBe('medium');
    // a file named like a low directory is not in one; `_old` in lower case is a word, not a marker
    expect(defaultPriority('backend/tests.py')).toBe('medium');
    expect(defaultPriority('backend/threshold_older.py')).toBe('medium');
    expect(defaultPriority('archived/x.py')).toBe('medium');
  });

  it('config globs relative to the config root, most urgent first, defaults for the rest', () => {
    const cfg = {
      root: '/repo/proj',
      priorities: { low: ['backend/**'], critical: ['backend/trade_manager.py'], high: ['*.env'] },
    };
    const of = priorityResolver(cfg, '/repo');
    expect(of('proj/backend/trade_manager.py')).toBe('critical');
    expect(of('proj/backend/util/db.py')).toBe('low');
    expect(of('proj/deploy/.env')).toBe('high');
    expect(of('proj/archive/x.py')).toBe('low');
    expect(of('proj/api/main.py')).toBe('medium');
    // outside the config root: the defaults only
    expect(of('other/backend/trade_manager.py')).toBe('medium');
  });

  it('fills in every file of a run', () => {
    const run = withPriorities(sampleRun(), { root: '/repo', priorities: { critical: ['app/db.py'] } }, '/repo');
    expect(run.files.map((f) => [f.path, f.priority])).toEqual([
      ['app/db.py', 'critical'],
      ['app/util.py', 'medium'],
      ['.env', 'medium'],
    ]);
  });
});
