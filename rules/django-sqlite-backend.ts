import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL012',
  name: 'django-sqlite-backend',
  title: "Django's SQLite database backend",
  severity: 'error',
  category: 'third-party',
  rationale:
    "`'ENGINE': 'django.db.backends.sqlite3'` makes Django open a SQLite file; models, migrations and raw " +
    'queries then run against SQLite semantics, not PostgreSQL ones.',
  postgres: "`'ENGINE': 'django.db.backends.postgresql'` with NAME, USER, HOST and PORT (PostGIS: `django.contrib.gis.db.backends.postgis`).",
  examples: {
    bad: 'DATABASES:\n  default:\n    ENGINE: django.db.backends.sqlite3\n',
    good: 'DATABASES:\n  default:\n    ENGINE: django.db.backends.postgresql\n',
    filename: 'settings.yaml',
  },
  detect({ thirdParty }) {
    return thirdParty
      .filter((t) => t.kind === 'django-backend')
      .map((t) => ({
        range: t.range,
        message: t.name.endsWith('spatialite')
          ? `Django backend \`${t.name}\` is SQLite (SpatiaLite); use django.contrib.gis.db.backends.postgis`
          : `Django backend \`${t.name}\` is SQLite; use django.db.backends.postgresql`,
      }));
  },
});
