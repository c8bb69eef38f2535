#ifndef PGREADY_LOOKS_LIKE_SQL_H
#define PGREADY_LOOKS_LIKE_SQL_H
#include <stddef.h>
#include <stdint.h>

/* looksLikeSql (src/sql/looks-like-sql.ts) of UTF-8 text: 0 only where it surely says no (looks_like_sql.c). */
int pgready_looks_like_sql(const uint8_t *s, size_t n);

/* SQLite's keywords (src/sql/keywords.ts), copied once; later calls keep the first list. 0: out of memory. */
int pgready_set_sql_keywords(const char *const *words, size_t n);

#endif
