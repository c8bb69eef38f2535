import { defineRule } from '../src/model/rule.js';
import { thirdPartyHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL014',
  name: 'pandas-sqlite-io',
  title: 'pandas reads or writes SQL through a SQLite connection',
  severity: 'warning',
  category: 'third-party',
  rationale:
    'pandas accepts a raw sqlite3 connection but needs a SQLAlchemy engine (or an ADBC connection) for PostgreSQL; `to_sql` type mapping and `if_exists` behaviour also change.',
  postgres: 'Pass a SQLAlchemy engine: `pd.read_sql(sql, engine)` / `df.to_sql(name, engine)` with `postgresql+psycopg://…`.',
  examples: {
    bad: 'import sqlite3\nimport pandas as pd\nconn = sqlite3.connect("app.db")\ndf = pd.read_sql("SELECT * FROM prices", conn)\n',
    good: 'import pandas as pd\nfrom sqlalchemy import create_engine\nengine = create_engine("postgresql+psycopg:///app")\ndf = pd.read_sql("SELECT * FROM prices", engine)\n',
  },
  detect(facts) {
    return thirdPartyHits(facts, 'pandas', (u) => `pandas \`${u.name}\` on a SQLite connection; pass a SQLAlchemy engine for PostgreSQL`);
  },
});
