import { describe, expect, it } from 'vitest';
import { annotation, escapeData, escapeProperty, github } from '../src/report/github.js';
import { FINDINGS, sampleRun } from './report-sample.js';

describe('github reporter', () => {
  it('writes one workflow command per finding, then a summary line', () => {
    expect(github(sampleRun(), { color: true, cwd: '/repo' })).toBe(
      [
        // `:` needs no escape in the message, only in properties
        '::error file=.env,line=1,col=14,endLine=1,endColumn=30,title=SQL011 sqlite-url::SQLite URL `sqlite:///app.db`',
        '::warning file=app/db.py,line=1,col=8,endLine=1,endColumn=15,title=SQL001 sqlite-import::`sqlite3` is imported',
        '::error file=app/db.py,line=2,col=8,endLine=2,endColumn=33,title=SQL002 sqlite-connect::`sqlite3.connect(...)` opens a SQLite connection',
        '::error file=app/db.py,line=3,col=41,endLine=3,endColumn=42,title=SQL201 qmark-placeholder::`?` placeholder in SQL passed to `execute`',
        '::warning file=app/db.py,line=4,col=5,endLine=5,endColumn=21,title=SQL210 dynamic-sql::SQL built at run time',
        '::notice file=app/db.py,line=4,col=41,endLine=4,endColumn=45,title=SQL326 like-case-insensitive::`LIKE` is case-sensitive on PostgreSQL',
        'pgready: 6 findings in 2 files using SQLite (3 errors, 2 warnings, 1 info)',
        '',
      ].join('\n'),
    );
  });

  it('escapes %, CR and LF in the message; also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir,with:odd%name\n.py')).toBe('dir%2Cwith%3Aodd%25name%0A.py');
    // %25 first: an escaped character is never escaped twice
    expect(escapeData('%0A')).toBe('%250A');

    const f = { ...FINDINGS[3]!, file: 'a,b:c%.py', message: "LIKE '10%'\nthen: more" };
    expect(annotation(f)).toBe(
      "::error file=a%2Cb%3Ac%25.py,line=3,col=41,endLine=3,endColumn=42,title=SQL201 qmark-placeholder::LIKE '10%25'%0Athen: more",
    );
  });
});
