#ifndef PGREADY_LOOKS_LIKE_SQL_H
#define PGREADY_LOOKS_LIKE_SQL_H
#include <stddef.h>
#include <stdint.h>

/* looksLikeSql (src/sql/looks-like-sql.ts) of UTF-8 text: 0 only where it surely says no (looks_like_sql.c). */
int pgready_looks_like_sql(const uint8_t *s, size_t n);

#endif
