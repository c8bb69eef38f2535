import { describe, expect, it } from 'vitest';
import { extractTextFacts } from '../src/lang/text/index.js';
import { parseSuppression } from '../src/lang/suppress.js';
import type { FileFacts, TextKind } from '../src/model/facts.js';

function facts(textKind: TextKind, text: string, path = `fixture.${textKind}`): FileFacts {
  return extractTextFacts({ path, absPath: `/tmp/${path}`, language: 'text', textKind, text });
}

/** `kind text@start` for each db path, so a wrong range shows as wrong text. */
function paths(f: FileFacts, text: string): string[] {
  return f.dbPaths.map((d) => {
    expect(d.value).toBe(text.slice(d.range.start, d.range.end));
    return `${d.kind} ${d.value}@${d.range.start}`;
  });
}

function uses(f: FileFacts, text: string): string[] {
  return f.thirdParty.map((t) => `${t.kind} ${text.slice(t.range.start, t.range.end)}@${t.range.start} (${t.name})`);
}

describe('text adapter: exact ranges', () => {
  it('shell: the sqlite3 word, file names and URLs, CRLF-safe', () => {
    const text = '#!/bin/sh\r\nDB=/srv/trades.db\r\nsqlite3 "$DB" .dump > out.sql\r\nexport URL=sqlite:///a.db\r\n';
    const f = facts('shell', text, 'backup.sh');
    expect(uses(f, text)).toEqual(['sqlite-cli sqlite3@30 (sqlite3)']);
    expect(paths(f, text)).toEqual(['file /srv/trades.db@14', 'url sqlite:///a.db@72']);
    expect(f.dbPaths[0]!.range).toEqual({ start: 14, end: 28 });
    expect(f.thirdParty[0]!.range).toEqual({ start: 30, end: 37 });
    expect(f.diagnostics).toEqual([]);
  });

  it('a package install: the package name without its version pin', () => {
    const text = 'apk add --no-cache sqlite=3.44.2-r0 curl\n';
    expect(uses(facts('shell', text), text)).toEqual(['sqlite-cli sqlite@19 (apk add sqlite)']);
  });

  it('is UTF-16 based: a non-ASCII character before the match shifts offsets by its code units', () => {
    const text = 'NOTE="café 😀"\nDB=x.db\n';
    // é is one code unit, the emoji two: `NOTE="café 😀"` and its line break are 15 code units
    expect(paths(facts('env', text), text)).toEqual(['file x.db@18']);
  });

  it('env: quoted values, trailing comments, ORM settings', () => {
    const text = 'A="/d/one.db" # two.db\nB=three.sqlite # four.db\nC=x#five.db\nDB_CONNECTION=sqlite\n';
    const f = facts('env', text, '.env');
    expect(paths(f, text)).toEqual(['file /d/one.db@3', 'file three.sqlite@25', 'file x#five.db@50']);
    expect(uses(f, text)).toEqual(['orm-config sqlite@74 (DB_CONNECTION=sqlite)']);
  });

  it('URLs: drivers, :memory:, interpolation, trailing full stop, and where they end', () => {
    const text = 'a sqlite+pysqlite:///:memory: b\nu = sqlite:///%(here)s/app.db\n"sqlite:///x.db",\nsee sqlite:///y.db.\nsqlite: key\n';
    expect(paths(facts('yaml', text, 'x.yaml'), text)).toEqual([
      'url sqlite+pysqlite:///:memory:@2',
      'url sqlite:///%(here)s/app.db@36',
      'url sqlite:///x.db@63',
      'url sqlite:///y.db@84',
    ]);
  });

  it('file words: where a word starts and ends', () => {
    const text = 'v: ./data/a.db:/srv/a.db, C:\\dbs\\b.sqlite3 (c.db3) ${D:-/x}/d.db e.DB mydb x.dbx *.db /tmp/.db f.db.bak\n';
    expect(paths(facts('yaml', text, 'x.yaml'), text)).toEqual([
      'file ./data/a.db@3',
      'file /srv/a.db@15',
      'file C:\\dbs\\b.sqlite3@26',
      'file c.db3@44',
      'file ${D:-/x}/d.db@51',
      'file e.DB@65',
    ]);
  });

  it('django backend: exact name, word boundaries, not also a .sqlite3 file', () => {
    const text = 'ENGINE: django.db.backends.sqlite3\nX: mydjango.db.backends.sqlite3\nY: django.db.backends.sqlite3x\n';
    const f = facts('yaml', text, 's.yaml');
    expect(uses(f, text)).toEqual(['django-backend django.db.backends.sqlite3@8 (django.db.backends.sqlite3)']);
    expect(paths(f, text)).toEqual(['file mydjango.db.backends.sqlite3@38']);
  });

  it('prisma: provider = "sqlite" is an ORM setting; comments are skipped', () => {
    const text = 'datasource db {\n  provider = "sqlite" // was x.db\n  url = "file:./dev.db"\n}\n';
    const f = facts('prisma', text, 'schema.prisma');
    expect(uses(f, text)).toEqual(['orm-config sqlite@30 (provider = "sqlite")']);
    expect(paths(f, text)).toEqual(['file ./dev.db@64']);
  });

  it('json: strings count, // and /* */ comments do not, "key": "value" ORM settings', () => {
    const text = '{"dialect": "sqlite", /* old.db */ "cmd": "cp a.db b.db"\n// c.db\n}';
    const f = facts('json', text, 'config.json');
    expect(paths(f, text)).toEqual(['file a.db@46', 'file b.db@51']);
    expect(uses(f, text)).toEqual(['orm-config sqlite@13 ("dialect": "sqlite")']);
  });

  it('toml: # outside strings, multi-line strings', () => {
    const text = 'url = "sqlite:///a.db" # b.db\ns = """\n# c.db\n"""\nk = "d#e.db"\n';
    expect(paths(facts('toml', text, 'p.toml'), text)).toEqual(['url sqlite:///a.db@7', 'file c.db@40', 'file d#e.db@54']);
  });
});

describe('text adapter: comments are never scanned', () => {
  it('full-line and trailing comments in each format', () => {
    const cases: [TextKind, string, string][] = [
      ['shell', 'echo hi # a.db\n  # b.db\n', 'x.sh'],
      ['env', '# a.db\nX=1 # b.db\n', '.env'],
      ['ini', '; a.db\n# b.db\nk = v ; c.db\nj = w # d.db\n', 'a.ini'],
      ['yaml', '# a.db\nk: v # b.db\n', 'a.yaml'],
      ['toml', '# a.db\nk = 1 # b.db\n', 'a.toml'],
      ['dockerfile', '# a.db\nRUN echo hi # b.db\n', 'Dockerfile'],
      ['prisma', '// a.db\nx = 1 // b.db\n', 's.prisma'],
      ['json', '// a.db\n{"k": 1} /* b.db */\n', 'a.json'],
    ];
    for (const [kind, text, path] of cases) {
      const f = facts(kind, text, path);
      expect({ kind, paths: f.dbPaths }).toEqual({ kind, paths: [] });
    }
  });

  it('a # inside shell quotes or a word is not a comment; YAML # without a space before is content', () => {
    const text = 'echo "# a.db" x#b.db\n';
    expect(paths(facts('shell', text), text)).toEqual(['file a.db@8', 'file x#b.db@14']);
    const yaml = 'k: "# c.db"\nj: x#d.db\n';
    expect(paths(facts('yaml', yaml, 'a.yaml'), yaml)).toEqual(['file c.db@6', 'file x#d.db@15']);
  });

  it('systemd units keep ; and # inside ExecStart (no inline comments there)', () => {
    const text = '[Service]\nExecStart=/bin/true ; /usr/bin/sqlite3 /var/a.db .dump\n';
    const f = facts('conf', text, 'backup.service');
    expect(uses(f, text)).toEqual(['sqlite-cli /usr/bin/sqlite3@32 (/usr/bin/sqlite3)']);
    expect(paths(f, text)).toEqual(['file /var/a.db@49']);
  });
});

describe('text adapter: sqlite-cli command positions', () => {
  const cli = (kind: TextKind, text: string, path?: string) => uses(facts(kind, text, path), text).filter((u) => u.startsWith('sqlite-cli'));

  it('shell positions', () => {
    const text = [
      'a | sqlite3 x', // after |
      'a && sqlite3 x', // after &&
      'a; sqlite3 x', // after ;
      'y=$(sqlite3 x)', // inside $(
      'y=`sqlite3 x`', // backticks
      'sudo -u app sqlite3 x', // sudo with an option argument
      'exec sqlite3 x',
      'LANG=C sqlite3 x', // prefix assignment
      'if sqlite3 x; then sqlite3 y; fi',
      'diff <(sqlite3 a .dump) b',
      'bash -lc "sqlite3 x"',
      'echo sqlite3 x', // argument: no
      'sqlite3x y', // another program: no
      'cat <<SQL',
      'sqlite3 in a heredoc', // heredoc body: no
      'SQL',
      'a 2>/dev/null sqlite3', // redirection target then argument: no
    ].join('\n');
    const found = cli('shell', text).map((u) => u.replace(/ \(.*$/, ''));
    const lines = found.map((u) => text.slice(0, Number(u.split('@')[1])).split('\n').length);
    expect(lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 10, 11]);
  });

  it('Dockerfile forms', () => {
    const text = [
      'RUN apt-get update && \\',
      '    apt-get install -y \\',
      '      sqlite3',
      'CMD ["sqlite3", "/d/a.db"]',
      'RUN <<EOF',
      'sqlite3 /d/a.db .tables',
      'EOF',
      'ONBUILD RUN sqlite3 x',
      'LABEL tool=sqlite3',
    ].join('\n');
    const found = cli('dockerfile', text, 'Dockerfile');
    expect(found).toEqual([
      'sqlite-cli sqlite3@55 (apt-get install sqlite3)',
      'sqlite-cli sqlite3@69 (sqlite3)',
      'sqlite-cli sqlite3@100 (sqlite3)',
      'sqlite-cli sqlite3@140 (sqlite3)',
    ]);
  });

  it('crontab schedules, with and without a user field', () => {
    const text = '0 3 * * * sqlite3 a.db .dump\n@hourly root sqlite3 b.db\n# 0 1 * * * sqlite3 c.db\nMAILTO=ops\n';
    expect(cli('shell', text, 'ops/app.crontab')).toEqual(['sqlite-cli sqlite3@10 (sqlite3)', 'sqlite-cli sqlite3@42 (sqlite3)']);
    const system = '*/5 * * * * app sqlite3 x.db\n';
    expect(cli('shell', system, 'etc/cron.d/backup')).toEqual(['sqlite-cli sqlite3@16 (sqlite3)']);
  });

  it('supervisor and YAML command values', () => {
    const conf = '[program:x]\ncommand=sqlite3 a.db ; note\n';
    expect(cli('conf', conf, 'x.conf')).toEqual(['sqlite-cli sqlite3@20 (sqlite3)']);
    const yaml = 'steps:\n  - run: |\n      echo hi\n      sqlite3 t.db < s.sql\n  - run: echo sqlite3\nscript:\n  - sqlite3 u.db\n';
    expect(cli('yaml', yaml, 'ci.yml')).toEqual(['sqlite-cli sqlite3@38 (sqlite3)', 'sqlite-cli sqlite3@93 (sqlite3)']);
  });
});

describe('text adapter: suppressions', () => {
  it('reads pgready comments with their 0-based line and range', () => {
    const text = 'x=1\r\n# pgready: ignore[SQL401] kept for the export job\r\nDB=a.db  # pgready: ignore[sql015, db-path]\r\n';
    const f = facts('shell', text, 'a.sh');
    expect(f.suppressions).toEqual([
      { range: { start: 5, end: 54 }, line: 1, ruleIds: ['SQL401'], reason: 'kept for the export job' },
      { range: { start: 65, end: 99 }, line: 2, ruleIds: ['SQL015', 'db-path'], reason: '' },
    ]);
  });
});

describe('parseSuppression', () => {
  const r = { start: 10, end: 20 };
  it('accepts the marker forms and tolerates spaces', () => {
    expect(parseSuppression('# pgready: ignore[SQL201] legacy report', r, 3)).toEqual({
      range: r,
      line: 3,
      ruleIds: ['SQL201'],
      reason: 'legacy report',
    });
    expect(parseSuppression('//pgready:ignore[ SQL201 ,SQL301 ]', r, 0)?.ruleIds).toEqual(['SQL201', 'SQL301']);
    expect(parseSuppression('#  pgready : ignore [qmark-placeholder] -- why', r, 0)).toMatchObject({
      ruleIds: ['qmark-placeholder'],
      reason: 'why',
    });
    expect(parseSuppression('; pgready: ignore[SQL011]', r, 0)?.ruleIds).toEqual(['SQL011']);
    expect(parseSuppression('/* pgready: ignore[SQL201] generated */', r, 0)?.reason).toBe('generated');
    expect(parseSuppression('# type: ignore  # pgready: ignore[SQL301] chained', r, 0)).toMatchObject({
      ruleIds: ['SQL301'],
      reason: 'chained',
    });
  });

  it('rejects anything malformed', () => {
    for (const c of [
      '# pgready: ignore',
      '# pgready: ignore[]',
      '# pgready: ignore[SQL201',
      '# pgready: ignore[SQL20]',
      '# pgready: ignore[Not A Rule]',
      '# pgready ignore[SQL201]',
      '# see pgready: ignore[SQL201] in the docs',
      '# pgready: skip[SQL201]',
    ]) {
      expect({ c, s: parseSuppression(c, r, 0) }).toEqual({ c, s: undefined });
    }
  });
});
