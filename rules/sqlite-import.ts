import { defineRule } from '../src/model/rule.js';

/** npm packages (and Node's built-in module) that open SQLite databases. */
const JS_DRIVERS = new Set(['sqlite3', 'better-sqlite3', 'sqlite', 'node:sqlite']);

export default defineRule({
  id: 'SQL001',
  name: 'sqlite-import',
  title: 'The module imports sqlite3',
  severity: 'warning',
  category: 'sqlite-import',
  rationale:
    'Every import of sqlite3 marks code that talks to SQLite directly. Once nothing else in the file uses it, the import goes; until then it shows where the migration is not finished.',
  postgres: 'Import the PostgreSQL driver (psycopg) or the project database layer instead.',
  fixedBy: 'connect-to-factory',
  examples: {
    bad: 'import sqlite3\n',
    good: 'import psycopg\n',
  },
  detect(facts) {
    if (facts.language === 'javascript' || facts.language === 'typescript') {
      // import Database from 'better-sqlite3'; const sqlite3 = require('sqlite3')
      return facts.imports
        .filter((i) => JS_DRIVERS.has(i.module))
        .map((i) => ({
          range: i.range,
          message:
            i.form === 'importlib'
              ? `\`import('${i.module}')\` loads a SQLite driver at run time`
              : `${i.form === 'require' ? `\`require('${i.module}')\`` : `\`import … from '${i.module}'\``} loads a SQLite driver (bound to \`${i.alias}\`)`,
        }));
    }
    return facts.imports
      .filter((i) => i.module === 'sqlite3' || i.module.startsWith('sqlite3.'))
      .map((i) => ({
        range: i.range,
        message:
          i.form === 'importlib'
            ? '`sqlite3` is imported dynamically'
            : i.member
              ? `\`from ${i.module} import ${i.member}\` imports SQLite's driver`
              : `\`import ${i.module}\`${i.alias !== i.module ? ` (as \`${i.alias}\`)` : ''} imports SQLite's driver`,
      }));
  },
});
