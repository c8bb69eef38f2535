#ifndef PGREADY_SCREEN_H
#define PGREADY_SCREEN_H
#include <stddef.h>
#include <stdint.h>

/*
 * What the prefilter (src/perf/prefilter.ts, pythonMayHoldFacts) may find in these UTF-8 bytes of a
 * Python file, as bits; 0 when it surely says no (screen.c: no check may succeed, or reading the
 * literals shows that none can make it say yes). A bit left clear is a check that fails, with
 * SCREEN_WORD too (the prefilter reads such a file whole, but skips the checks found failing).
 */
#define SCREEN_SQL 1      /* a literal that may open SQL (hasSqlLiteralOpening, COMMENT_CLOSE_OPENING) */
#define SCREEN_EXECUTE 2  /* execute or fetch* as an attribute (EXECUTE_OR_FETCH_WORD) */
#define SCREEN_ESCAPE 4   /* an escape that may decode to a letter of a trigger (LETTER_ESCAPE) */
#define SCREEN_HIDDEN 8   /* a trigger a backslash-newline or a literal gap may join */
#define SCREEN_WORD 16    /* a trigger word (WORD_TRIGGER) */
int pgready_screen(const uint8_t *s, size_t n);

#endif
