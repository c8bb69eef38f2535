/**
 * The Python module `pgready init --scaffold-db-module PATH` writes: a psycopg 3 connection pool
 * per logical database behind `get_connection(db)`, the call the connect-to-factory codemod emits.
 * Plain Python 3.8+; psycopg is imported only when a connection is first asked for, so the file
 * compiles (and imports) without it.
 */
export const DB_MODULE_TEMPLATE = `"""PostgreSQL connections for this project (psycopg 3), one pool per logical database.

Written by \`pgready init --scaffold-db-module\`; edit it freely, it is yours now.

\`\`get_connection(db)\`\` takes a connection to the logical database \`\`db\`\` ("trades",
"prices", ... the names \`\`pgready fix\`\` wrote in place of the SQLite file names) from a
pool. Use it either way:

    with get_connection("trades") as conn:       # commits when the block ends normally,
        conn.execute("UPDATE ...", (a, b))       # rolls back on an exception, and gives
                                                 # the connection back to the pool

    conn = get_connection("trades")              # or keep it around: commit yourself and
    try:                                         # call close(), which gives it back to the
        conn.execute("UPDATE ...", (a, b))       # pool (it does not close the socket)
        conn.commit()
    finally:
        conn.close()

Where a database lives, first match wins:
  1. the environment variable <DB>_DATABASE_URL, e.g. TRADES_DATABASE_URL=postgresql://u@host/trades
  2. DATABASE_URL, with the database name replaced by \`\`db\`\`
  3. libpq's own defaults (PGHOST, PGUSER, PGPASSWORD, ...), with dbname=\`\`db\`\`

Pool sizes: PGREADY_POOL_MIN (default 1) and PGREADY_POOL_MAX (default 10) per database.

Needs \`\`pip install "psycopg[binary,pool]"\`\`.
"""

import os
import threading

__all__ = ["get_connection", "close_pools"]

_pools = {}
_lock = threading.Lock()


def _conninfo(db):
    """The connection string for the logical database \`\`db\`\` (see the module docstring)."""
    from psycopg.conninfo import make_conninfo

    own = os.environ.get(db.upper() + "_DATABASE_URL")
    if own:
        return own
    return make_conninfo(os.environ.get("DATABASE_URL", ""), dbname=db)


def _pool(db):
    """The pool of \`\`db\`\`, opened on first use; one per database and process."""
    with _lock:
        pool = _pools.get(db)
        if pool is None:
            from psycopg_pool import ConnectionPool

            pool = ConnectionPool(
                _conninfo(db),
                min_size=int(os.environ.get("PGREADY_POOL_MIN", "1")),
                max_size=int(os.environ.get("PGREADY_POOL_MAX", "10")),
                open=True,
                name=db,
            )
            _pools[db] = pool
        return pool


class PooledConnection:
    """A psycopg connection on loan from a pool.

    Every attribute of the connection works on this object (\`\`cursor()\`\`, \`\`execute()\`\`,
    \`\`commit()\`\`, \`\`row_factory\`\` ...). \`\`close()\`\` gives the connection back to the
    pool instead of closing it; as a context manager it commits or rolls back first.
    """

    __slots__ = ("_pool", "_conn")

    def __init__(self, pool, conn):
        object.__setattr__(self, "_pool", pool)
        object.__setattr__(self, "_conn", conn)

    def __getattr__(self, name):
        conn = object.__getattribute__(self, "_conn")
        if conn is None:
            raise RuntimeError("this connection was given back to the pool (close() was called)")
        return getattr(conn, name)

    def __setattr__(self, name, value):
        # conn.row_factory = dict_row must reach the real connection
        setattr(self._conn, name, value)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if self._conn is not None and not self._conn.closed:
                if exc_type is None:
                    self._conn.commit()
                else:
                    self._conn.rollback()
        finally:
            self.close()
        return False

    def close(self):
        """Give the connection back to the pool (an open transaction is rolled back there)."""
        conn = self._conn
        if conn is not None:
            object.__setattr__(self, "_conn", None)
            self._pool.putconn(conn)


def get_connection(db):
    """A connection to the logical database \`\`db\`\`, from its pool.

    Waits up to the pool's timeout (30 s) when every connection of the pool is in use.
    """
    pool = _pool(db)
    return PooledConnection(pool, pool.getconn())


def close_pools():
    """Close every pool (at shutdown, or between tests)."""
    with _lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
`;
