import { describe, expect, it } from 'vitest';
import { mayBind } from '../src/perf/binds.js';

describe('mayBind: whether a file may bind a name the way the project index records it', () => {
  const yes = (text: string, name: string) => expect(mayBind(text, name), `${name} in ${text}`).toBe(true);
  const no = (text: string, name: string) => expect(mayBind(text, name), `${name} in ${text}`).toBe(false);

  it('finds definitions and assignments', () => {
    yes('def get_conn():\n    pass\n', 'get_conn');
    yes('async  def get_conn():\n    pass\n', 'get_conn');
    yes('def \\\n  get_conn(): pass\n', 'get_conn');
    yes('class Store:\n    pass\n', 'Store');
    yes('QUERY = "SELECT 1"\n', 'QUERY');
    yes('A = QUERY = "SELECT 1"\n', 'QUERY');
    yes('(QUERY) = "SELECT 1"\n', 'QUERY');
    yes('QUERY: str = "SELECT 1"\n', 'QUERY');
    yes('QUERY += " WHERE a = 1"\n', 'QUERY');
    yes('QUERY //= 2\n', 'QUERY');
    yes('if (QUERY := load()):\n    pass\n', 'QUERY');
    yes('opener = lambda: connect()\n', 'opener');
    yes('store = Store()\n', 'store');
    yes('with open(p) as fh:\n    pass\n', 'fh');
  });

  it('does not count names that are only imported, used, compared or mentioned', () => {
    no('from test import support\n', 'support');
    no('import os_helper\nos_helper.rmtree(p)\n', 'os_helper');
    no('if QUERY == "x":\n    pass\n', 'QUERY');
    no('print(QUERY)\n# see QUERY\n', 'QUERY');
    no('for QUERY in queries:\n    run(QUERY)\n', 'QUERY');
    no('QUERY_ALL = "x"\nMY_QUERY = "y"\n', 'QUERY');
    no('QUERY[0] = 1\nQUERY.attr = 2\n', 'QUERY');
    no('', 'QUERY');
    no('QUERY = 1\n', '');
  });
});
