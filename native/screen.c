/*
 * The prefilter's native screen: from a Python file's UTF-8 bytes, which checks of the JavaScript
 * prefilter (src/perf/prefilter.ts, pythonMayHoldFacts) may succeed on its text (screen.h). 0 means
 * that function surely says no, so such a file needs no JavaScript at all; otherwise the prefilter
 * skips the checks whose bit is clear (pythonMayHoldFactsScreened).
 *
 * pythonMayHoldFacts says yes only when one of these holds of the text (its first lines):
 *   - WORD_TRIGGER matches (sqlite, .db, pgready, apswdatabase, the sqlite3-only methods);
 *   - LETTER_ESCAPE matches, or hidesTriggerInContinuation, or IMPORT_BY_NAME matches and
 *     hidesTriggerAcrossLiterals: a trigger an escape, a continuation or a literal gap hides;
 *   - EXECUTE_OR_FETCH_WORD matches;
 *   - hasSqlLiteralOpening: SINGLE_QUOTED_OPENING or TRIPLE_QUOTED_OPENING matches at a quote;
 *   - COMMENT_CLOSE_OPENING matches.
 * Each check below is that pattern or a superset of it, read on bytes. Where a pattern looks at a
 * character outside ASCII, the screen reads any byte >= 0x80 as whatever lets the pattern match (a
 * space where spaces are skipped, a letter of a word where words are read), but the two
 * characters the keyword patterns fold into ASCII (U+017F as S, U+0131 as I) are folded here too,
 * and where a pattern refutes, it skips no more than the pattern does. A UTF-8 decoder keeps ASCII
 * bytes ASCII and turns every other byte into a character >= U+0080, so the checks see the same
 * ASCII where the patterns do. The keyword refutations (refutations() in prefilter.ts) are ported
 * for every keyword that has them; where the screen does not model something (a byte >= 0x80
 * inside a literal gap, a stretch too long for its buffer), it says the check may succeed.
 *
 * Where some check may succeed, a second level reads the literals as the prefilter's string scanner
 * does (literals_may_pass, below): a file whose decoded literals neither open a statement nor hide
 * a trigger gets 0 too, unless the prefilter would take another path (execute/fetch attributes,
 * word triggers).
 * test/prefilter-screen.test.ts compares the verdicts with and without the screen on the fixtures,
 * the Python standard library and generated texts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "chars.h"
#include "looks_like_sql.h"
#include "screen.h"

typedef struct {
  const uint8_t *s;
  size_t n;
} Text;

/* The index of the lowest set bit (bits != 0). */
static unsigned lowest_bit(unsigned bits) {
#if defined(__GNUC__) || defined(__clang__)
  return (unsigned)__builtin_ctz(bits);
#else
  unsigned k = 0;
  while (!(bits & 1u)) bits >>= 1, k++;
  return k;
#endif
}

/* The first i' >= i where s holds a quote, or n; with SSE2, sixteen bytes at a time. */
static size_t next_quote(const uint8_t *s, size_t i, size_t n) {
#ifdef __SSE2__
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
    if (mask) return i + lowest_bit(mask);
    i += 16;
  }
#endif
  while (i < n && s[i] != '\'' && s[i] != '"') i++;
  return i;
}

static int at(const Text *t, size_t i) { return i < t->n ? t->s[i] : -1; }

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int hex_value(int c) { return is_digit(c) ? c - '0' : lower(c) - 'a' + 10; }
static int is_octal(int c) { return c >= '0' && c <= '7'; }
static int is_quote(int c) { return c == '\'' || c == '"'; }
/* c is one of the bytes of `set` (never the NUL that ends it) */
static int in_set(int c, const char *set) { return c > 0 && strchr(set, c) != NULL; }

/* Case-insensitive: the bytes at i spell `word` (lower case). */
static int spells(const Text *t, size_t i, const char *word) {
  size_t len = strlen(word);
  if (i + len > t->n) return 0;
  for (size_t k = 0; k < len; k++)
    if (lower(t->s[i + k]) != word[k]) return 0;
  return 1;
}

/* Case-sensitive. */
static int spells_exactly(const Text *t, size_t i, const char *word) {
  size_t len = strlen(word);
  return i + len <= t->n && memcmp(t->s + i, word, len) == 0;
}

/* ---- word triggers ---------------------------------------------------------------------------- */

/* the longest word trigger (create_window_function), as LONGEST_TRIGGER */
#define LONGEST 22

/*
 * WORD_TRIGGER's words (sqlite, .db, pgready, apswdatabase, the sqlite3-only methods), found at
 * their rarest letter as the pattern finds them (q, b, y, w, x, m, _: WORD_ANCHOR), whatever
 * stands around them (a superset: the pattern also asks what comes before `sqlite` and the
 * methods), but for `.db`, which counts only before whitespace, a quote, a backslash, `3` or the
 * end, unless `anywhere`.
 */
static int word_trigger_at(const Text *t, size_t i, int anywhere) {
  /* the letter before the anchor first: it rules out nearly every anchor the text holds */
  int before = i >= 1 ? lower(t->s[i - 1]) : -1;
  switch (lower(t->s[i])) {
  case 'q':
    return before == 's' && spells(t, i - 1, "sqlite");
  case 'b': {
    if (before != 'd' || i < 2 || t->s[i - 2] != '.') return 0;
    int c = at(t, i + 1);
    return anywhere || c < 0 || is_space(c) || c >= 0x80 || c == '\'' || c == '"' || c == '\\' || c == '3';
  }
  case 'y':
    return before == 'd' && i >= 6 && spells(t, i - 6, "pgready");
  case 'w':
    return before == 's' && i >= 3 && spells(t, i - 3, "apswdatabase");
  case 'x':
    /* executescript, load_extension (and enable_load_extension) */
    return before == 'e' && ((i >= 1 && spells(t, i - 1, "executescript")) || (i >= 6 && spells(t, i - 6, "load_extension")));
  case 'm':
    return before == 'u' && i >= 6 && spells(t, i - 6, "iterdump");
  case '_':
    if (before != 'e' && before != 't') return 0;
    if (i >= 6 && spells(t, i - 6, "create_"))
      return spells(t, i + 1, "function") || spells(t, i + 1, "aggregate") || spells(t, i + 1, "collation") ||
             spells(t, i + 1, "window_function");
    if (i >= 3 && spells(t, i - 3, "set_"))
      return spells(t, i + 1, "authorizer") || spells(t, i + 1, "progress_handler") || spells(t, i + 1, "trace_callback");
    return 0;
  default:
    return 0;
  }
}

/* The anchor letters of word_trigger_at. */
static const uint8_t WORD_ANCHOR[256] = {['q'] = 1, ['Q'] = 1, ['b'] = 1, ['B'] = 1, ['y'] = 1, ['Y'] = 1, ['w'] = 1,
                                         ['W'] = 1, ['x'] = 1, ['X'] = 1, ['m'] = 1, ['M'] = 1, ['_'] = 1};

static int has_word_trigger(const Text *t, int anywhere) {
  for (size_t i = 0; i < t->n; i++)
    if (WORD_ANCHOR[t->s[i]] && word_trigger_at(t, i, anywhere)) return 1;
  return 0;
}

/* A backslash-newline at i (LF, CRLF or a lone CR): its length, or 0. */
static size_t continuation(const Text *t, size_t i) {
  if (t->s[i] != '\\') return 0;
  int c = at(t, i + 1);
  if (c == '\n') return 2;
  if (c == '\r') return at(t, i + 2) == '\n' ? 3 : 2;
  return 0;
}

/*
 * hidesTriggerInContinuation: each stretch around backslash-newlines, searched with the
 * continuations taken out. The pattern's stretches reach LONGEST UTF-16 units either side of each
 * continuation, joined when they come within 2 * LONGEST; here WINDOW bytes, at least as many
 * characters (a unit is at most three bytes), joined more often, so each of its stretches is a
 * part of one of these. A stretch may end right after a `.db` that the text goes on after, so
 * `.db` counts anywhere.
 */
#define WINDOW (3 * LONGEST)
static int hides_trigger_in_continuation(const Text *t) {
  uint8_t buf[4096];
  size_t i = 0;
  while (i < t->n) {
    const uint8_t *backslash = memchr(t->s + i, '\\', t->n - i);
    if (!backslash) break;
    i = (size_t)(backslash - t->s);
    size_t len = continuation(t, i);
    if (!len) {
      i++;
      continue;
    }
    size_t from = i > WINDOW ? i - WINDOW : 0;
    size_t to = i + len + WINDOW;
    size_t out = 0;
    size_t p = from;
    int overflow = 0;
    while (p < t->n && p < to) {
      size_t l = t->s[p] == '\\' ? continuation(t, p) : 0;
      if (l) {
        p += l;
        to = p + WINDOW;
        continue;
      }
      if (out == sizeof buf) {
        overflow = 1;
        break;
      }
      buf[out++] = t->s[p++];
    }
    if (overflow) return 1;
    Text joined = {buf, out};
    if (has_word_trigger(&joined, 1)) return 1;
    i = p;
  }
  return 0;
}

/* ---- escapes ---------------------------------------------------------------------------------- */

/* Two hex digits at i: their value, or -1. */
static int hex2(const Text *t, size_t i) {
  int a = at(t, i), b = at(t, i + 1);
  if (a < 0 || b < 0 || !is_hex(a) || !is_hex(b)) return -1;
  return hex_value(a) * 16 + hex_value(b);
}

/* Four hex digits at i: their value, or -1. */
static long hex4(const Text *t, size_t i) {
  int a = hex2(t, i), b = hex2(t, i + 2);
  return a < 0 || b < 0 ? -1 : a * 256L + b;
}

/* [46][1-9a-fA-F] | [57][0-9aA]: an ASCII letter */
static int letter_code(long v) { return (v >= 0x41 && v <= 0x5a) || (v >= 0x61 && v <= 0x7a); }

/* LETTER_ESCAPE at the backslash i: an escape that may decode to a letter, `.` or `_`. */
static int letter_escape_at(const Text *t, size_t i) {
  int c = at(t, i + 1);
  long v = -1;
  if (c == 'x') v = hex2(t, i + 2);
  else if (c == 'u' && spells_exactly(t, i + 2, "00")) v = hex2(t, i + 4);
  else if (c == 'U' && spells_exactly(t, i + 2, "000000")) v = hex2(t, i + 8);
  if (v >= 0) return letter_code(v) || v == 0x2e || v == 0x5f;
  if (c == '1') return is_octal(at(t, i + 2)) && is_octal(at(t, i + 3));
  if (c == '0') return at(t, i + 2) == '5' && at(t, i + 3) == '6';
  return c == '5' && at(t, i + 2) == '6';
}

/* ---- execute / fetch -------------------------------------------------------------------------- */

/*
 * EXECUTE_OR_FETCH_WORD where the name starts at i: a `.` before it past whitespace (any byte >=
 * 0x80 too: \s holds spaces outside ASCII) and backslashes, or past a line break with a `#` on the
 * line before it (a comment may stand there).
 */
static int after_dot(const Text *t, size_t i) {
  size_t p = i;
  int crossed = 0;
  while (p > 0) {
    int c = t->s[p - 1];
    if (c == '.') return 1;
    if (is_space(c) || c == '\\' || c >= 0x80) {
      if (c == '\n' || c == '\r') crossed = 1;
      p--;
      continue;
    }
    if (!crossed) return 0;
    /* a comment on this line may hide the dot before it */
    while (p > 0 && t->s[p - 1] != '\n' && t->s[p - 1] != '\r') {
      if (t->s[p - 1] == '#') return 1;
      p--;
    }
    return 0;
  }
  return 0;
}

/* At the x of execute or the h of fetch (the pattern's anchors). */
static int execute_or_fetch_at(const Text *t, size_t i) {
  if (t->s[i] == 'x') return i >= 1 && spells_exactly(t, i - 1, "execute") && after_dot(t, i - 1);
  if (i < 4 || t->s[i - 1] != 'c' || !spells_exactly(t, i - 4, "fetch")) return 0;
  return (spells_exactly(t, i + 1, "one") || spells_exactly(t, i + 1, "all") || spells_exactly(t, i + 1, "many")) && after_dot(t, i - 4);
}

/* ---- triggers split between adjacent literals ------------------------------------------------ */

/*
 * LITERAL_GAP at the quote i: a quote after [A-Za-z._] or a backslash-newline, then items (quotes,
 * spaces, backslashes, comments up to and with their line break, prefix letters before a quote),
 * up to a quote item followed by [A-Za-z._] or a backslash-newline: the last such, as the greedy
 * pattern takes it (a quote inside a comment is no item, so never the end). Its end, or 0. A byte
 * >= 0x80 among the items (GAP_FILLER reads some spaces outside ASCII as fillers) sets *unsure:
 * the screen does not model them.
 */
static size_t literal_gap(const Text *t, size_t i, int *unsure) {
  if (i == 0) return 0;
  int b = t->s[i - 1];
  int ok = is_alpha(b) || b == '.' || b == '_';
  if (b == '\n' || b == '\r') ok = (i >= 2 && t->s[i - 2] == '\\') || (b == '\n' && i >= 3 && t->s[i - 2] == '\r' && t->s[i - 3] == '\\');
  if (!ok) return 0;
  size_t end = 0;
  size_t p = i + 1;
  for (;;) {
    int c = at(t, p);
    if (c >= 0x80) {
      *unsure = 1;
      return 0;
    }
    if (is_quote(c)) {
      int next = at(t, p + 1);
      if (is_alpha(next) || next == '.' || next == '_' || (next == '\\' && (at(t, p + 2) == '\n' || at(t, p + 2) == '\r'))) end = p + 1;
      p++;
      continue;
    }
    if (is_space(c) || c == '\\') {
      p++;
      continue;
    }
    if (c == '#') {
      size_t q = p + 1;
      while (q < t->n && t->s[q] != '\n' && t->s[q] != '\r') q++;
      if (q >= t->n) break;
      p = q + 1;
      continue;
    }
    if (in_set(c, "rRbBfFuUtT")) {
      size_t q = p + 1;
      for (int k = 0; k < 2 && in_set(at(t, q), "rRbBfFuUtT"); k++) q++;
      if (is_quote(at(t, q))) {
        p++;
        continue;
      }
    }
    break;
  }
  return end;
}

/* Drops the backslash-newlines of buf[0, n): its new length. */
static size_t drop_continuations(uint8_t *buf, size_t n) {
  Text text = {buf, n};
  size_t out = 0;
  for (size_t i = 0; i < n;) {
    size_t len = continuation(&text, i);
    if (len) {
      i += len;
      continue;
    }
    buf[out++] = buf[i++];
  }
  return out;
}

/*
 * hidesTriggerAcrossLiterals: each stretch around literal gaps, searched with the gaps taken out,
 * and again with the gaps' letters left in, backslash-newlines dropped. The stretches are wider than
 * the pattern's (WINDOW bytes, joined more often) and the gaps the same, so each of its stretches,
 * joined, is a part of one of these; `.db` counts anywhere, as in hides_trigger_in_continuation.
 */
static int hides_trigger_across_literals(const Text *t) {
  uint8_t removed[4096], kept[4096];
  size_t i = 0;
  while (i < t->n) {
    i = next_quote(t->s, i, t->n);
    if (i >= t->n) break;
    int unsure = 0;
    size_t end = literal_gap(t, i, &unsure);
    if (unsure) return 1;
    if (!end) {
      i++;
      continue;
    }
    size_t from = i > WINDOW ? i - WINDOW : 0;
    size_t to = end + WINDOW;
    size_t a = 0, b = 0;
    size_t p = from;
    while (p < t->n && p < to) {
      size_t gap = 0;
      if (p >= i && is_quote(t->s[p])) {
        gap = literal_gap(t, p, &unsure);
        if (unsure) return 1;
      }
      if (b + (gap ? gap - p : 1) > sizeof kept) return 1;
      if (gap) {
        for (size_t q = p; q < gap; q++)
          if (is_alpha(t->s[q])) kept[b++] = t->s[q];
        p = gap;
        to = gap + WINDOW;
        continue;
      }
      removed[a++] = kept[b++] = t->s[p++];
    }
    Text r = {removed, drop_continuations(removed, a)};
    Text k = {kept, drop_continuations(kept, b)};
    if (has_word_trigger(&r, 1) || has_word_trigger(&k, 1)) return 1;
    i = p;
  }
  return 0;
}

/* ---- SQL literal openings --------------------------------------------------------------------- */

static const char *const KEYWORDS[] = {"SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER",
                                       "PRAGMA", "WITH", "EXPLAIN", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
                                       "RELEASE", "ATTACH", "DETACH", "VACUUM", "ANALYZE", "REINDEX"};
#define KEYWORD_COUNT (sizeof KEYWORDS / sizeof KEYWORDS[0])
static const char *const SHORT[] = {"BEGIN", "COMMIT", "END", "ROLLBACK", "VACUUM", "ANALYZE", "REINDEX"};
#define SHORT_COUNT (sizeof SHORT / sizeof SHORT[0])

/* A word of the source as the keyword patterns read it. */
typedef struct {
  size_t start, end;
  /* upper-cased, U+017F as S and U+0131 as I; `folded` is 0 when the word holds anything else */
  char upper[16];
  int folded;
} Word;

/* The word starting at i (an identifier run: letters, digits, _, $ and any byte >= 0x80). */
static Word read_word(const Text *t, size_t i) {
  Word w = {i, i, {0}, 1};
  size_t len = 0;
  size_t p = i;
  while (p < t->n && is_word(t->s[p])) {
    int c = t->s[p];
    int up = 0;
    size_t step = 1;
    if (is_alpha(c)) up = c & ~0x20;
    else if (c == 0xc5 && at(t, p + 1) == 0xbf) up = 'S', step = 2;
    else if (c == 0xc4 && at(t, p + 1) == 0xb1) up = 'I', step = 2;
    if (!up || len + 1 >= sizeof w.upper) w.folded = 0;
    else w.upper[len++] = (char)up;
    p += step;
  }
  w.upper[w.folded ? len : 0] = 0;
  w.end = p;
  return w;
}

static int word_is(const Word *w, const char *upper) { return w->folded && strcmp(w->upper, upper) == 0; }

static int keyword_index(const Word *w) {
  if (!w->folded) return -1;
  for (size_t k = 0; k < KEYWORD_COUNT; k++)
    if (KEYWORDS[k][0] == w->upper[0] && strcmp(w->upper, KEYWORDS[k]) == 0) return (int)k;
  return -1;
}

static int is_short(const char *keyword) {
  for (size_t k = 0; k < SHORT_COUNT; k++)
    if (strcmp(keyword, SHORT[k]) == 0) return 1;
  return 0;
}

/* A proper prefix of some statement keyword. */
static int is_keyword_prefix(const Word *w) {
  if (!w->folded || !w->upper[0]) return 0;
  size_t len = strlen(w->upper);
  for (size_t k = 0; k < KEYWORD_COUNT; k++)
    if (KEYWORDS[k][0] == w->upper[0] && strlen(KEYWORDS[k]) > len && strncmp(KEYWORDS[k], w->upper, len) == 0) return 1;
  return 0;
}

/*
 * NEXT_LITERAL at i, `(?:[\s\\\u2060\u200b]|#[^\n]*\n)*[rRbBfFuUtT]{0,3}['"]`, as a superset: any
 * byte >= 0x80 read as one of those spaces. The position after its quote, or 0 when it does not match.
 */
static size_t next_literal(const Text *t, size_t i) {
  size_t p = i;
  for (;;) {
    int c = at(t, p);
    if (c < 0) return 0;
    if (is_space(c) || c == '\\' || c >= 0x80) {
      p++;
      continue;
    }
    if (c == '#') {
      while (p < t->n && t->s[p] != '\n') p++;
      continue;
    }
    break;
  }
  for (int k = 0;; k++, p++) {
    int c = at(t, p);
    if (is_quote(c)) return p + 1;
    if (k == 3 || !in_set(c, "rRbBfFuUtT")) return 0;
  }
}

/* The literal's closing quote (one, or three for a triple-quoted literal) at i. */
static int closes(const Text *t, size_t i, int quote, int triple) {
  if (at(t, i) != quote) return 0;
  return !triple || (at(t, i + 1) == quote && at(t, i + 2) == quote);
}

/*
 * `ws` of the patterns after a keyword: [ \t\f\r] (and \n in a triple-quoted literal) or \n \t \r
 * \f as escapes; exactly those, as the refutations need (skipping more could refute what the
 * patterns accept).
 */
/*
 * The refutations are also read on decoded text (HEAD_REFUTED, head_refuted below): `triple` is
 * then DECODED and `quote` 0, whitespace is [ \t\n\f\r] with no escapes, and a word ends where a
 * character follows that no word or field continues (DECODED_END).
 */
#define DECODED 2

static size_t skip_ws(const Text *t, size_t i, int triple, size_t *count) {
  size_t p = i;
  *count = 0;
  for (;;) {
    int c = at(t, p);
    if (c == ' ' || c == '\t' || c == '\f' || c == '\r' || (c == '\n' && triple)) {
      p++;
    } else if (triple != DECODED && c == '\\' && in_set(at(t, p + 1), "ntrf")) {
      p += 2;
    } else {
      return p;
    }
    (*count)++;
  }
}

/*
 * wordEnd(close) after a word that ends at i: true when the word surely ends there (no `{`, no
 * escape but \n \t \r \f, no closing quote another literal may follow). The byte at i is no word
 * byte (words are read whole).
 */
static int word_ends(const Text *t, size_t i, int quote, int triple) {
  int c = at(t, i);
  if (triple == DECODED) return c >= 0 && !is_word(c) && c != '{';
  if (c == '{') return 0;
  if (c == '\\') return in_set(at(t, i + 1), "ntrf");
  if (closes(t, i, quote, triple)) return next_literal(t, i + (triple ? 3 : 1)) == 0;
  return 1;
}

static int is_punct(int c, const char *leave_out) {
  return in_set(c, "!#&()*+,.:;<=>?@]^|}~") && !(leave_out && in_set(c, leave_out));
}

/* The next word after ws+ at i whose end is sure; `found` 0 when there is none. */
static Word sure_word(const Text *t, size_t i, int quote, int triple, int *found) {
  Word w = {0};
  *found = 0;
  if (!is_word_start(at(t, i))) return w;
  w = read_word(t, i);
  *found = word_ends(t, w.end, quote, triple);
  return w;
}

static int word_in(const Word *w, const char *const *list, size_t count) {
  for (size_t k = 0; k < count; k++)
    if (word_is(w, list[k])) return 1;
  return 0;
}

/* refutations(next(allowed)): a word not allowed, or punctuation, after the keyword ending at i. */
static int next_refuted(const Text *t, size_t i, int quote, int triple, const char *const *allowed, size_t count) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  if (is_punct(at(t, p), NULL)) return 1;
  if (!spaces) return 0;
  int found;
  Word w = sure_word(t, p, quote, triple, &found);
  return found && !word_in(&w, allowed, count);
}

/* refutations('UPDATE'): `update the list of …`, `update(`, `update x.` … */
static int update_refuted(const Text *t, size_t i, int quote, int triple) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  if (is_punct(at(t, p), NULL)) return 1;
  if (!spaces || !is_word_start(at(t, p))) return 0;
  Word table = read_word(t, p);
  if (word_is(&table, "OR")) return 0;
  p = skip_ws(t, table.end, triple, &spaces);
  if (is_punct(at(t, p), ".")) return 1;
  if (!spaces) return 0;
  int found;
  Word second = sure_word(t, p, quote, triple, &found);
  static const char *const NOT_SECOND[] = {"AS", "SET", "INDEXED", "NOT"};
  if (!found || word_in(&second, NOT_SECOND, 4)) return 0;
  p = skip_ws(t, second.end, triple, &spaces);
  if (is_punct(at(t, p), NULL)) return 1;
  if (!spaces) return 0;
  Word third = sure_word(t, p, quote, triple, &found);
  return found && !word_in(&third, NOT_SECOND + 1, 3);
}

/* `ws+ WORD ws+ WORD end`: two words (PRAGMA, SAVEPOINT, RELEASE); `not_first`: the first may not be it. */
static int two_words_refuted(const Text *t, size_t i, int quote, int triple, const char *not_first) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  if (is_punct(at(t, p), NULL)) return 1;
  if (!spaces || !is_word_start(at(t, p))) return 0;
  Word first = read_word(t, p);
  if (not_first && word_is(&first, not_first)) return 0;
  p = skip_ws(t, first.end, triple, &spaces);
  if (!spaces) return 0;
  int found;
  sure_word(t, p, quote, triple, &found);
  return found;
}

/* `ws* ( [^()'"\\`[\]{}\n/-]* )` at i: the end of WITH's column list, or 0. */
static size_t with_columns(const Text *t, size_t i, int triple) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  if (at(t, p) != '(') return 0;
  for (p++; p < t->n; p++) {
    int c = t->s[p];
    if (c == ')') return p + 1;
    if (in_set(c, "()'\"\\`[]{}\n/-")) return 0;
  }
  return 0;
}

/* `"[^"]*"(?=[^"])` at i, a quoted name in decoded text: its end, or 0. */
static size_t quoted_name(const Text *t, size_t i) {
  if (at(t, i) != '"') return 0;
  const uint8_t *close = i + 1 < t->n ? memchr(t->s + i + 1, '"', t->n - (i + 1)) : NULL;
  if (!close) return 0;
  size_t end = (size_t)(close - t->s) + 1;
  return at(t, end) >= 0 && at(t, end) != '"' ? end : 0;
}

/* refutations('WITH') after its name, which ends at `name`: `with self.lock:`, `with the …`, `with x as y:` … */
static int with_name_refuted(const Text *t, size_t name, int quote, int triple) {
  size_t spaces, p;
  if (is_punct(at(t, skip_ws(t, name, triple, &spaces)), "(")) return 1;
  /* with "x" "y" (decoded text, where the pattern reads quoted names) */
  if (triple == DECODED && quoted_name(t, skip_ws(t, name, triple, &spaces))) return 1;
  size_t cols = with_columns(t, name, triple);
  if (cols && is_punct(at(t, skip_ws(t, cols, triple, &spaces)), "(")) return 1;
  size_t from[2] = {name, cols};
  for (int k = 0; k < 2; k++) {
    if (!from[k]) continue;
    p = skip_ws(t, from[k], triple, &spaces);
    if (!spaces) continue;
    int found;
    Word next = sure_word(t, p, quote, triple, &found);
    if (!found) continue;
    if (!word_is(&next, "AS")) return 1;
    /* AS, then a word but NOT or MATERIALIZED, or punctuation but `(` */
    p = skip_ws(t, next.end, triple, &spaces);
    if (is_punct(at(t, p), "(")) return 1;
    Word third = sure_word(t, p, quote, triple, &found);
    if (found && !word_is(&third, "NOT") && !word_is(&third, "MATERIALIZED")) return 1;
  }
  return 0;
}

/*
 * refutations('WITH'): punctuation, or a name (`ws+ WORD`, or in decoded text also `ws* "…"`) that
 * with_name_refuted refutes.
 */
static int with_refuted(const Text *t, size_t i, int quote, int triple) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  if (is_punct(at(t, p), NULL)) return 1;
  if (triple == DECODED) {
    size_t quoted = quoted_name(t, p);
    if (quoted && with_name_refuted(t, quoted, quote, triple)) return 1;
  }
  if (!spaces || !is_word_start(at(t, p))) return 0;
  Word name = read_word(t, p);
  if (word_is(&name, "RECURSIVE")) return 0;
  return with_name_refuted(t, name.end, quote, triple);
}

static const char *const INSERT_NEXT[] = {"OR", "INTO"};
static const char *const REPLACE_NEXT[] = {"INTO"};
static const char *const DELETE_NEXT[] = {"FROM"};
static const char *const CREATE_NEXT[] = {"TEMP", "TEMPORARY", "UNIQUE", "VIRTUAL", "TABLE", "INDEX", "VIEW", "TRIGGER"};
static const char *const DROP_NEXT[] = {"TABLE", "INDEX", "VIEW", "TRIGGER"};
static const char *const ALTER_NEXT[] = {"TABLE"};

/* Whether the patterns refute the long keyword `k` ending at i (1), or may accept it (0). */
static int keyword_refuted(const Text *t, const char *k, size_t i, int quote, int triple) {
  size_t spaces;
  size_t p = skip_ws(t, i, triple, &spaces);
  /* a keyword with nothing after it in a literal no other literal continues (not a refutation of decoded text) */
  if (triple != DECODED && closes(t, p, quote, triple) && next_literal(t, p + (triple ? 3 : 1)) == 0) return 1;
  if (!strcmp(k, "INSERT")) return next_refuted(t, i, quote, triple, INSERT_NEXT, 2);
  if (!strcmp(k, "REPLACE")) return next_refuted(t, i, quote, triple, REPLACE_NEXT, 1);
  if (!strcmp(k, "DELETE")) return next_refuted(t, i, quote, triple, DELETE_NEXT, 1);
  if (!strcmp(k, "CREATE")) return next_refuted(t, i, quote, triple, CREATE_NEXT, 8);
  if (!strcmp(k, "DROP")) return next_refuted(t, i, quote, triple, DROP_NEXT, 4);
  if (!strcmp(k, "ALTER")) return next_refuted(t, i, quote, triple, ALTER_NEXT, 1);
  if (!strcmp(k, "EXPLAIN")) {
    static const char *EXPLAIN_NEXT[KEYWORD_COUNT + 1];
    EXPLAIN_NEXT[0] = "QUERY";
    for (size_t n = 0; n < KEYWORD_COUNT; n++) EXPLAIN_NEXT[n + 1] = KEYWORDS[n];
    return next_refuted(t, i, quote, triple, EXPLAIN_NEXT, KEYWORD_COUNT + 1);
  }
  if (!strcmp(k, "UPDATE")) return update_refuted(t, i, quote, triple);
  if (!strcmp(k, "WITH")) return with_refuted(t, i, quote, triple);
  if (!strcmp(k, "RELEASE")) return two_words_refuted(t, i, quote, triple, "SAVEPOINT");
  if (!strcmp(k, "SAVEPOINT") || !strcmp(k, "PRAGMA")) return two_words_refuted(t, i, quote, triple, NULL);
  return 0;
}

/*
 * One escape of the leading space of a literal, at the backslash i (SPACE_ESCAPE and OPENING_ESCAPE):
 * 1 when it reads as space (*len its length), 2 when it may open a statement, 0 when it can do neither.
 */
static int leading_escape(const Text *t, size_t i, size_t *len) {
  int c = at(t, i + 1);
  if (in_set(c, "ntrfv")) return *len = 2, 1;
  if (c == '\n') return *len = 2, 1;
  if (c == '\r') return *len = at(t, i + 2) == '\n' ? 3 : 2, 1;
  long v = -1;
  size_t l = 0;
  if (c == 'x') v = hex2(t, i + 2), l = 4;
  else if (c == 'u') v = hex4(t, i + 2), l = 6;
  else if (c == 'U' && spells_exactly(t, i + 2, "0000")) v = hex4(t, i + 6), l = 10;
  if (l) {
    if (v < 0) return 0;
    if (v == 0x09 || v == 0x0a || v == 0x0c || v == 0x0d || v == 0x20 || (v == 0xfeff && c != 'x')) return *len = l, 1;
    return letter_code(v) || v == 0x2d || v == 0x2f || (c != 'x' && (v == 0x131 || v == 0x17f)) ? 2 : 0;
  }
  if (!is_octal(c)) return 0;
  int d1 = at(t, i + 2), d2 = at(t, i + 3);
  if (c == '0' && d1 == '1' && in_set(d2, "1245")) return *len = 4, 1;
  if (c == '1' && in_set(d1, "1245") && !is_octal(d2)) return *len = 3, 1;
  if (c == '0' && d1 == '4' && d2 == '0') return *len = 4, 1;
  if (c == '4' && d1 == '0' && !is_octal(d2)) return *len = 3, 1;
  if (c == '1' && is_octal(d1) && is_octal(d2)) return 2;
  if ((c == '4' && d1 == '6' && d2 == '1') || (c == '5' && d1 == '7' && d2 == '7')) return 2;
  if (c == '0' && d1 == '5' && (d2 == '5' || d2 == '7')) return 2;
  if (c == '5' && (d1 == '5' || d1 == '7')) return 2;
  return 0;
}

/* LETTER_ESCAPE_BODY at the backslash i, or a backslash-newline: an escape that may continue a keyword. */
static int letter_body_escape(const Text *t, size_t i) {
  int c = at(t, i + 1);
  if (c == '\r' || c == '\n') return 1;
  long v = -1;
  if (c == 'x') return letter_code(hex2(t, i + 2));
  if (c == 'u') v = hex4(t, i + 2);
  else if (c == 'U' && spells_exactly(t, i + 2, "0000")) v = hex4(t, i + 6);
  if (c == 'u' || c == 'U') return (v >= 0 && v < 0x100 && letter_code(v)) || v == 0x131 || v == 0x17f;
  int d1 = at(t, i + 2), d2 = at(t, i + 3);
  if (c == '1') return is_octal(d1) && is_octal(d2);
  return (c == '4' && d1 == '6' && d2 == '1') || (c == '5' && d1 == '7' && d2 == '7');
}

/*
 * PREFIX_CONTINUED after a keyword prefix `w`: an escape that may decode to a letter, or the
 * literal's end and another literal opening with a letter that continues some keyword with this
 * prefix (any byte >= 0x80: U+017F and U+0131 fold to S and I), a backslash or a quote.
 */
static int prefix_continued(const Text *t, const Word *w) {
  int after = at(t, w->end);
  if (after == '\\') return letter_body_escape(t, w->end);
  if (!is_quote(after)) return 0;
  size_t next = next_literal(t, w->end + 1);
  if (!next) return 0;
  int c = at(t, next);
  if (c == '\\' || is_quote(c) || c >= 0x80) return 1;
  if (!is_alpha(c)) return 0;
  size_t len = strlen(w->upper);
  for (size_t k = 0; k < KEYWORD_COUNT; k++)
    if (strlen(KEYWORDS[k]) > len && strncmp(KEYWORDS[k], w->upper, len) == 0 && KEYWORDS[k][len] == (c & ~0x20)) return 1;
  return 0;
}

/* SINGLE_QUOTED_OPENING / TRIPLE_QUOTED_OPENING at the quote i, as hasSqlLiteralOpening picks one. */
static int sql_opening_at(const Text *t, size_t i) {
  int quote = t->s[i];
  int triple = at(t, i + 1) == quote && at(t, i + 2) == quote;
  size_t p = i + (triple ? 3 : 1);
  /* leading space: whitespace (line breaks too: a superset for single quotes) and space escapes */
  for (;;) {
    int c = at(t, p);
    if (c < 0) return 0;
    if (is_space(c) || (c >= 0x80 && !((c == 0xc5 && at(t, p + 1) == 0xbf) || (c == 0xc4 && at(t, p + 1) == 0xb1)))) {
      p++;
      continue;
    }
    if (c == '\\') {
      size_t len = 0;
      int e = leading_escape(t, p, &len);
      if (e == 1) {
        p += len;
        continue;
      }
      return e == 2;
    }
    break;
  }
  int c = at(t, p);
  if (c == '/' && at(t, p + 1) == '*') return 1;
  if (c == '-' && at(t, p + 1) == '-') {
    if (triple) return 1;
    /* --(?=[^\n]*?(?:\\|['"]NEXT_LITERAL)) */
    for (size_t q = p + 2; q < t->n && t->s[q] != '\n'; q++) {
      if (t->s[q] == '\\') return 1;
      if (is_quote(t->s[q]) && next_literal(t, q + 1) != 0) return 1;
    }
    return 0;
  }
  /* a keyword's first letter (U+017F and U+0131 start with 0xc5 and 0xc4) */
  if (!in_set(c, "SIRUEDCAPWBVsiruedcapwbv") && c != 0xc5 && c != 0xc4) return 0;
  Word w = read_word(t, p);
  int k = keyword_index(&w);
  if (k >= 0) {
    const char *keyword = KEYWORDS[k];
    if (is_short(keyword)) return w.end - w.start == strlen(keyword) && memcmp(t->s + w.start, keyword, strlen(keyword)) == 0;
    return !keyword_refuted(t, keyword, w.end, quote, triple);
  }
  return is_keyword_prefix(&w) && prefix_continued(t, &w);
}

/* COMMENT_CLOSE_OPENING at the `*` of `*` `/` i: leading space, then an escape, a comment or a keyword's first letter. */
static int comment_close_opening_at(const Text *t, size_t i) {
  size_t p = i + 2;
  while (p < t->n && is_space(t->s[p])) p++;
  int c = at(t, p);
  /* a byte >= 0x80: a space (U+FEFF) or a keyword's first letter (U+017F, U+0131) */
  if (c >= 0x80 || c == '\\' || c == '/' || c == '-') return 1;
  return in_set(c, "siruedcapwbvSIRUEDCAPWBV");
}

/* ---- the literals themselves ------------------------------------------------------------------ */

/*
 * Where the checks above may succeed, the prefilter reads the file's literals (scanLiterals in
 * prefilter.ts): StringScanner finds and groups them, pieceText decodes each, and a file passes
 * when a decoded piece holds a trigger (hiddenTrigger), when a group's joined value does (joins),
 * when a run of a group's pieces reads as SQL (groupReadsAsSql), or when the scanner is unsure.
 * The scanner below is a port of StringScanner; it reads every run groupReadsAsSql reads (and
 * more: it does not stop where HEAD_REFUTED would) with a port of looksLikeSql
 * (looks_like_sql.c), searches the pieces of every group but bytes ones for triggers, and answers
 * 1 (ask the prefilter) wherever StringScanner would be unsure. Files with execute/fetch
 * attributes or a word trigger are left to the prefilter (its other paths).
 */

typedef struct {
  uint8_t *data;
  size_t len, cap;
  int failed;
} Buf;

static void put(Buf *b, const void *bytes, size_t n) {
  if (b->failed || n == 0) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    uint8_t *data = realloc(b->data, cap);
    if (!data) {
      b->failed = 1;
      return;
    }
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
}

static void put_byte(Buf *b, uint8_t c) { put(b, &c, 1); }

/* A code point as UTF-8 (a lone surrogate as its three bytes: a character >= U+0080 all the same). */
static void put_code_point(Buf *b, unsigned long cp) {
  uint8_t u[4];
  if (cp < 0x80) put_byte(b, (uint8_t)cp);
  else if (cp < 0x800) u[0] = (uint8_t)(0xc0 | (cp >> 6)), u[1] = (uint8_t)(0x80 | (cp & 0x3f)), put(b, u, 2);
  else if (cp < 0x10000) u[0] = (uint8_t)(0xe0 | (cp >> 12)), u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), u[2] = (uint8_t)(0x80 | (cp & 0x3f)), put(b, u, 3);
  else u[0] = (uint8_t)(0xf0 | (cp >> 18)), u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f)), u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (uint8_t)(0x80 | (cp & 0x3f)), put(b, u, 4);
}

static int is_prefix_letter(int c) { return in_set(c, "rRbBfFuUtT"); }
/* isIdChar of prefilter.ts on bytes: ASCII letters, digits, _ and any byte of a character >= U+0080 */
static int is_id_byte(int c) { return c >= 0 && (is_alpha(c) || is_digit(c) || c == '_' || c >= 0x80); }

/* The length of the UTF-8 character starting with byte c (1 for a stray continuation byte). */
static size_t char_length(int c) { return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1; }

/*
 * appendChunk in plain mode (src/lang/python/strings.ts): the run-time text of s[from, to). CR and
 * CRLF read as LF; unless raw, escapes decode (\N{…} to U+FFFD, an unknown one keeps its backslash);
 * in an f-string `{{` and `}}` are one brace.
 */
static void decode_chunk(Buf *out, const Text *t, size_t from, size_t to, int raw, int fstring) {
  static const char SIMPLE_FROM[] = "\\'\"abfnrtv";
  static const char SIMPLE_TO[] = "\\'\"\a\b\f\n\r\t\v";
  size_t i = from;
  while (i < to) {
    int c = t->s[i];
    if (c == '\r') {
      put_byte(out, '\n');
      i += i + 1 < to && t->s[i + 1] == '\n' ? 2 : 1;
      continue;
    }
    if (c == '\\' && !raw) {
      if (i + 1 >= to) {
        put_byte(out, '\\');
        i++;
        continue;
      }
      int next = t->s[i + 1];
      const char *simple = in_set(next, SIMPLE_FROM) ? strchr(SIMPLE_FROM, next) : NULL;
      if (next == '\n') {
        i += 2;
        continue;
      }
      if (next == '\r') {
        i += i + 2 < to && t->s[i + 2] == '\n' ? 3 : 2;
        continue;
      }
      if (simple) {
        put_byte(out, (uint8_t)SIMPLE_TO[simple - SIMPLE_FROM]);
        i += 2;
        continue;
      }
      if (is_octal(next)) {
        size_t j = i + 1;
        unsigned long v = 0;
        while (j < i + 4 && j < to && is_octal(t->s[j])) v = v * 8 + (unsigned long)(t->s[j++] - '0');
        put_code_point(out, v);
        i = j;
        continue;
      }
      if (next == 'x' && i + 3 < to && is_hex(t->s[i + 2]) && is_hex(t->s[i + 3])) {
        put_code_point(out, (unsigned long)(hex_value(t->s[i + 2]) * 16 + hex_value(t->s[i + 3])));
        i += 4;
        continue;
      }
      if (next == 'u' || next == 'U') {
        size_t digits = next == 'u' ? 4 : 8;
        int ok = i + 2 + digits <= to;
        unsigned long v = 0;
        for (size_t k = 0; ok && k < digits; k++) {
          int d = t->s[i + 2 + k];
          if (!is_hex(d)) ok = 0;
          else v = v * 16 + (unsigned long)hex_value(d);
        }
        if (ok) {
          put_code_point(out, v > 0x10ffff ? 0x10ffff : v);
          i += 2 + digits;
          continue;
        }
      }
      if (next == 'N' && i + 2 < to && t->s[i + 2] == '{') {
        const uint8_t *close = memchr(t->s + i + 3, '}', to - (i + 3));
        if (close) {
          put_code_point(out, 0xfffd);
          i = (size_t)(close - t->s) + 1;
          continue;
        }
      }
      /* an unknown escape keeps its backslash and the character after it */
      size_t len = 1 + char_length(next);
      if (i + len > to) len = to - i;
      put(out, t->s + i, len);
      i += len;
      continue;
    }
    if (fstring && (c == '{' || c == '}') && i + 1 < to && t->s[i + 1] == c) {
      put_byte(out, (uint8_t)c);
      i += 2;
      continue;
    }
    put_byte(out, (uint8_t)c);
    i++;
  }
}

/* firstWord (prefilter.ts) of the decoded text from `from`: whitespace (and U+FEFF) and SQL comments skipped. */
static int first_word(const Text *d, size_t from, Word *w) {
  size_t i = from;
  while (i < d->n) {
    int c = d->s[i];
    if (c == ' ' || (c >= 0x09 && c <= 0x0d)) i++;
    else if (c == 0xef && at(d, i + 1) == 0xbb && at(d, i + 2) == 0xbf) i += 3;
    else if (c == '-' && at(d, i + 1) == '-') {
      while (i < d->n && d->s[i] != '\n') i++;
    } else if (c == '/' && at(d, i + 1) == '*') {
      size_t k = i + 2;
      while (k + 1 < d->n && !(d->s[k] == '*' && d->s[k + 1] == '/')) k++;
      i = k + 1 < d->n ? k + 2 : d->n;
    } else break;
  }
  if (i >= d->n || !is_word_start(d->s[i])) return 0;
  *w = read_word(d, i);
  return 1;
}

/* openings (prefilter.ts): the decoded piece opens with a keyword, or is a keyword prefix to its end, at its start or after a `*` `/`. */
static int opens_statement(const Text *d) {
  for (size_t from = 0;;) {
    Word w;
    if (first_word(d, from, &w) && (keyword_index(&w) >= 0 || (w.end == d->n && is_keyword_prefix(&w)))) return 1;
    const uint8_t *close = NULL;
    for (size_t k = from; k + 1 < d->n; k++)
      if (d->s[k] == '*' && d->s[k + 1] == '/') {
        close = d->s + k;
        break;
      }
    if (!close) return 0;
    from = (size_t)(close - d->s) + 2;
  }
}

/* Well-formed UTF-8 (RFC 3629): what TextDecoder reads without a replacement character. */
/* the length of the run of ASCII bytes at s[i, n), eight at a time */
static size_t ascii_run(const uint8_t *s, size_t i, size_t n) {
  size_t from = i;
  while (n - i >= 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && s[i] < 0x80) i++;
  return i - from;
}

static int utf8_valid(const Text *t) {
  size_t i = 0;
  while (i < t->n) {
    i += ascii_run(t->s, i, t->n);
    if (i >= t->n) break;
    int c = t->s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    int d = at(t, i + 1), e = at(t, i + 2), f = at(t, i + 3);
    int cont1 = d >= 0x80 && d <= 0xbf, cont2 = e >= 0x80 && e <= 0xbf, cont3 = f >= 0x80 && f <= 0xbf;
    if (c >= 0xc2 && c <= 0xdf && cont1) i += 2;
    else if (c == 0xe0 && d >= 0xa0 && d <= 0xbf && cont2) i += 3;
    else if (((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) && cont1 && cont2) i += 3;
    else if (c == 0xed && d >= 0x80 && d <= 0x9f && cont2) i += 3;
    else if (c == 0xf0 && d >= 0x90 && d <= 0xbf && cont2 && cont3) i += 4;
    else if (c >= 0xf1 && c <= 0xf3 && cont1 && cont2 && cont3) i += 4;
    else if (c == 0xf4 && d >= 0x80 && d <= 0x8f && cont2 && cont3) i += 4;
    else return 0;
  }
  return 1;
}

/*
 * UTF-16 code units of UTF-8 bytes: one a character, two past U+FFFF. Exact for well-formed text
 * and for what decode_chunk writes (a lone surrogate as its three bytes is one unit).
 */
static int64_t utf16_units(const uint8_t *s, size_t n) {
  int64_t units = 0;
  for (size_t i = 0; i < n; i++) {
    size_t run = ascii_run(s, i, n);
    units += (int64_t)run;
    i += run;
    if (i < n) units += ((s[i] & 0xc0) != 0x80) + (s[i] >= 0xf0);
  }
  return units;
}

/* A decoded piece of the current group: where it lies in the scan's pool. */
typedef struct {
  size_t off, len;
  int64_t units; /* its length as the budget counts it (Scan.units) */
  int bytes;
} Piece;

typedef struct {
  const Text *t;
  Buf pool;      /* the decoded pieces of the current group, then those nested in its fields */
  Piece *pieces; /* the current group (adjacent literals, as StringScanner groups them) */
  size_t count, cap;
  Buf joined;    /* a run of pieces */
  int64_t budget; /* groupReadsAsSql's budget (see literals_may_pass) */
  int unsure;
  int verdict;   /* 1: some run of pieces may read as SQL, or a piece holds a trigger */
  int depth;     /* literals and fields nested in f-string fields: past MAX_DEPTH, unsure */
  int joins;     /* an import by name may join a hidden trigger: each group's joined value is searched */
  int units;     /* runs are counted in UTF-16 units (else in bytes) */
} Scan;

#define MAX_DEPTH 32

/* readsAsSql: the text opens with a statement keyword and looksLikeSql may say yes. */
static int reads_as_sql(const Text *d) {
  Word w;
  return first_word(d, 0, &w) && keyword_index(&w) >= 0 && pgready_looks_like_sql(d->s, d->n);
}

/*
 * HEAD_REFUTED of decoded text, or less: a statement keyword after whitespace, a character no word
 * continues, and the keyword refutations read on decoded text; or a short keyword not in capitals.
 * (A quoted name after WITH, which the pattern also reads, is not refuted here: fewer refutations,
 * so the runs read are never fewer than the prefilter's.)
 */
static int head_refuted(const Text *d) {
  size_t i = 0;
  for (;;) {
    int c = at(d, i);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') i++;
    else if (c == 0xef && at(d, i + 1) == 0xbb && at(d, i + 2) == 0xbf) i += 3;
    else break;
  }
  if (!is_word_start(at(d, i))) return 0;
  Word w = read_word(d, i);
  int k = keyword_index(&w);
  int after = at(d, w.end);
  if (k < 0 || after < 0 || is_word(after) || after == '{') return 0;
  const char *keyword = KEYWORDS[k];
  if (is_short(keyword)) return !(w.end - w.start == strlen(keyword) && memcmp(d->s + w.start, keyword, strlen(keyword)) == 0);
  return keyword_refuted(d, keyword, w.end, 0, DECODED);
}

/* runCannotRead: the run's first word is settled and no keyword, or the keyword is refuted (head_refuted). */
static int run_cannot_read(const Text *d) {
  Word w;
  if (!first_word(d, 0, &w)) return 0;
  if (keyword_index(&w) >= 0) return head_refuted(d);
  return w.end < d->n || !is_keyword_prefix(&w);
}

/*
 * groupReadsAsSql over the current group: from each piece's heads (the piece, and the text after
 * its first `*` `/`) that open a statement, each run of the pieces after it, as the prefilter joins
 * them. A group holding bytes is skipped, as scanLiterals skips it.
 */
static void read_group(Scan *sc) {
  for (size_t k = 0; k < sc->count; k++)
    if (sc->pieces[k].bytes) return;
  if (sc->joins && sc->count > 1) {
    /* literalValue joins a group's pieces for import_module and __import__ (scanLiterals' `joins`) */
    Buf *j = &sc->joined;
    j->len = 0;
    for (size_t k = 0; k < sc->count; k++) put(j, sc->pool.data + sc->pieces[k].off, sc->pieces[k].len);
    Text value = {j->data, j->len};
    if (j->failed || has_word_trigger(&value, 1)) {
      sc->verdict = 1;
      return;
    }
  }
  for (size_t k = 0; k < sc->count && !sc->verdict && !sc->unsure; k++) {
    const uint8_t *piece = sc->pool.data + sc->pieces[k].off;
    size_t len = sc->pieces[k].len;
    size_t heads[2] = {0, 0};
    size_t count = 1;
    for (size_t c = 0; c + 1 < len; c++)
      if (piece[c] == '*' && piece[c + 1] == '/') {
        heads[count++] = c + 2;
        break;
      }
    for (size_t h = 0; h < count && !sc->verdict && !sc->unsure; h++) {
      Text head = {piece + heads[h], len - heads[h]};
      if (!opens_statement(&head) || head_refuted(&head)) continue;
      if (reads_as_sql(&head)) {
        sc->verdict = 1;
        break;
      }
      Buf *j = &sc->joined;
      j->len = 0;
      put(j, head.s, head.n);
      int64_t joined = sc->units ? utf16_units(head.s, head.n) : (int64_t)head.n;
      for (size_t m = k + 1; m < sc->count; m++) {
        put(j, sc->pool.data + sc->pieces[m].off, sc->pieces[m].len);
        joined += sc->pieces[m].units;
        sc->budget -= joined;
        if (j->failed || sc->budget < 0) {
          sc->unsure = 1;
          break;
        }
        Text run = {j->data, j->len};
        if (reads_as_sql(&run)) {
          sc->verdict = 1;
          break;
        }
        if (run_cannot_read(&run)) break;
      }
    }
  }
}

/* Ends the current group: reads it, and starts an empty one. */
static void end_group(Scan *sc) {
  if (sc->count > 0 && !sc->verdict && !sc->unsure) read_group(sc);
  sc->count = 0;
  sc->pool.len = 0;
}

static size_t scan_literal(Scan *sc, size_t start, size_t q, int nested);

static size_t scan_field(Scan *sc, size_t open, int outer, int triple);

/* StringScanner.formatSpec: a format spec up to the field's `}`, with nested fields. */
static size_t scan_format_spec(Scan *sc, size_t from, int outer, int triple) {
  const Text *t = sc->t;
  for (size_t i = from; i < t->n && !sc->unsure;) {
    int ch = t->s[i];
    if (ch == '}') return i + 1;
    if (ch == '{') {
      if (at(t, i + 1) == '{') break;
      i = scan_field(sc, i, outer, triple);
      continue;
    }
    if (is_quote(ch) || ch == '\\' || ch == '\n' || ch == '\r') break;
    i++;
  }
  sc->unsure = 1;
  return t->n;
}

/* StringScanner.field: an f-string field `{…}`; the literals inside it are groups of their own. */
static size_t scan_field(Scan *sc, size_t open, int outer, int triple) {
  const Text *t = sc->t;
  if (++sc->depth > MAX_DEPTH) {
    sc->unsure = 1;
    return t->n;
  }
  size_t end = t->n;
  int depth = 0;
  size_t i = open;
  while (i < t->n && !sc->unsure) {
    int ch = t->s[i];
    if (ch == '{' || ch == '(' || ch == '[') depth++;
    else if (ch == '}' || ch == ')' || ch == ']') {
      if (--depth == 0) {
        end = i + 1;
        break;
      }
    } else if (ch == ':' && depth == 1) {
      end = scan_format_spec(sc, i + 1, outer, triple);
      break;
    } else if (ch == '#' || ch == '\\' || (ch == outer && (!triple || (at(t, i + 1) == outer && at(t, i + 2) == outer)))) {
      /* comments, escapes and quote reuse in fields: not modelled */
      sc->unsure = 1;
      break;
    } else if (is_quote(ch)) {
      size_t s = i;
      while (s > open && is_prefix_letter(t->s[s - 1]) && !is_id_byte(at(t, s - 2))) s--;
      i = scan_literal(sc, s, i, 1);
      continue;
    }
    i++;
  }
  sc->depth--;
  if (end == t->n) sc->unsure = 1;
  return end;
}

/*
 * StringScanner.literal from the prefix at `start` and the quote at `q`: its end. The piece is
 * decoded as pieceText decodes it into the pool; a top-level one joins the current group, one
 * `nested` in a field is a group of its own, read at once.
 */
static size_t scan_literal(Scan *sc, size_t start, size_t q, int nested) {
  const Text *t = sc->t;
  int raw = 0, bytes = 0, fstring = 0;
  for (size_t k = start; k < q; k++) {
    int c = lower(t->s[k]);
    if (c == 'r') raw = 1;
    else if (c == 'b') bytes = 1;
    else if (c == 'f' || c == 't') fstring = 1;
  }
  int quote = t->s[q];
  int triple = at(t, q + 1) == quote && at(t, q + 2) == quote;
  size_t content = q + (triple ? 3 : 1);
  size_t interps[64][2];
  size_t count = 0;
  int translated = 0;
  size_t i = content;
  for (;;) {
    if (sc->unsure) return t->n;
    if (i >= t->n) {
      sc->unsure = 1;
      return t->n;
    }
    int c = t->s[i];
    if (c == '\\') {
      translated = 1;
      i += 2;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (!triple) {
        sc->unsure = 1;
        return t->n;
      }
      if (c == '\r') translated = 1;
    } else if (c == quote) {
      if (!triple || (at(t, i + 1) == quote && at(t, i + 2) == quote)) break;
    } else if (fstring && c == '{') {
      if (at(t, i + 1) == '{') {
        i += 2;
        continue;
      }
      size_t end = scan_field(sc, i, quote, triple);
      if (sc->unsure) return t->n;
      if (count == 64) {
        sc->unsure = 1;
        return t->n;
      }
      interps[count][0] = i;
      interps[count][1] = end;
      count++;
      i = end;
      continue;
    }
    i++;
  }
  size_t end = i + (triple ? 3 : 1);
  if (sc->verdict) return end;
  Buf *d = &sc->pool;
  size_t off = d->len;
  /* pieceText: a bytes literal reads as nothing (appendString refuses it), the group is skipped anyway */
  if (!bytes) {
    size_t pos = content;
    for (size_t k = 0; k < count; k++) {
      decode_chunk(d, t, pos, interps[k][0], raw, fstring);
      put(d, "__pgready_hole__", 16);
      pos = interps[k][1];
    }
    decode_chunk(d, t, pos, i, raw, fstring);
  }
  if (d->failed) {
    sc->unsure = 1;
    return t->n;
  }
  Text piece = {d->data + off, d->len - off};
  /* hiddenTrigger: an escape or a continuation may make a trigger of a plain literal's value */
  if (!bytes && !fstring && translated && has_word_trigger(&piece, 1)) {
    sc->verdict = 1;
    return end;
  }
  if (nested) {
    /* a group of its own, read now, above the current group's pieces in the pool */
    Piece alone = {off, d->len - off, 0, bytes};
    Piece *saved = sc->pieces;
    size_t saved_count = sc->count;
    sc->pieces = &alone;
    sc->count = 1;
    read_group(sc);
    sc->pieces = saved;
    sc->count = saved_count;
    d->len = off;
    return end;
  }
  if (sc->count == sc->cap) {
    size_t cap = sc->cap ? sc->cap * 2 : 16;
    Piece *pieces = realloc(sc->pieces, cap * sizeof *pieces);
    if (!pieces) {
      sc->unsure = 1;
      return t->n;
    }
    sc->pieces = pieces;
    sc->cap = cap;
  }
  Piece p = {off, d->len - off, sc->units ? utf16_units(d->data + off, d->len - off) : (int64_t)(d->len - off), bytes};
  sc->pieces[sc->count++] = p;
  return end;
}

/* StringScanner.adjacent: only spaces, comments, backslash-newlines (and newlines inside brackets) between. */
static int adjacent(const Text *t, size_t from, size_t to, int depth) {
  size_t i = from;
  while (i < to) {
    int c = t->s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\r') i++;
    else if (c == '\n') {
      if (depth == 0) return 0;
      i++;
    } else if (c == '\\' && (at(t, i + 1) == '\n' || at(t, i + 1) == '\r')) i += 2;
    else if (c == '#') {
      while (i < to && t->s[i] != '\n') i++;
    } else return 0;
  }
  return 1;
}

/* what literals_may_pass stops at: a comment, a bracket, a quote */
static const uint8_t STRUCTURAL[256] = {['#'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1, [')'] = 1, [']'] = 1, ['}'] = 1, ['\''] = 1, ['"'] = 1};

/* The first i' >= i where s holds a STRUCTURAL byte, or n; with SSE2, sixteen bytes at a time. */
static size_t next_structural(const uint8_t *s, size_t i, size_t n) {
#ifdef __SSE2__
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
#define EQ(c) _mm_cmpeq_epi8(v, _mm_set1_epi8(c))
    __m128i open = _mm_or_si128(_mm_or_si128(EQ('('), EQ('[')), EQ('{'));
    __m128i close = _mm_or_si128(_mm_or_si128(EQ(')'), EQ(']')), EQ('}'));
    __m128i other = _mm_or_si128(_mm_or_si128(EQ('#'), EQ('\'')), EQ('"'));
#undef EQ
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(open, close), other));
    if (mask) return i + lowest_bit(mask);
    i += 16;
  }
#endif
  while (i < n && !STRUCTURAL[s[i]]) i++;
  return i;
}

/*
 * 1 when the literals may make the prefilter say yes (or the scan is unsure), 0 when they surely do
 * not. The budget: the prefilter passes a file once its runs have joined more than 4 UTF-16 units a
 * unit of the text and 1 MiB. Here runs are counted in units and the budget is the same where the
 * file is well-formed UTF-8; otherwise runs are counted in bytes (at least their units) against 4/3
 * of a byte a byte and 1 MiB (a unit is at most three bytes: no more than the prefilter's). As the
 * screen reads every run the prefilter reads, it is unsure no later.
 */
static int literals_may_pass(const Text *t, int joins) {
  int units = utf8_valid(t);
  int64_t budget = units ? 4 * utf16_units(t->s, t->n) + (1 << 20) : (int64_t)(t->n / 3 * 4) + (1 << 20);
  Scan sc = {t, {NULL, 0, 0, 0}, NULL, 0, 0, {NULL, 0, 0, 0}, budget, 0, 0, 0, joins, units};
  int depth = 0, grouped = 0;
  size_t last_end = 0;
  size_t i = 0;
  while (i < t->n && !sc.unsure && !sc.verdict) {
    i = next_structural(t->s, i, t->n);
    if (i >= t->n) break;
    int c = t->s[i];
    if (c == '#') {
      const uint8_t *nl = memchr(t->s + i, '\n', t->n - i);
      i = nl ? (size_t)(nl - t->s) : t->n;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') depth++;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
    if (!is_quote(c)) {
      i++;
      continue;
    }
    size_t start = i;
    while (start > 0 && i - start < 3 && is_prefix_letter(t->s[start - 1])) start--;
    /* an identifier glued to a quote (`x"…"`) is something the scanner does not model */
    if (start > 0 && is_id_byte(t->s[start - 1])) {
      sc.unsure = 1;
      break;
    }
    if (!grouped || !adjacent(t, last_end, start, depth)) end_group(&sc);
    grouped = 1;
    i = scan_literal(&sc, start, i, 0);
    last_end = i;
  }
  end_group(&sc);
  free(sc.pool.data);
  free(sc.joined.data);
  free(sc.pieces);
  return sc.unsure || sc.verdict;
}

/*
 * The bytes of s[base, base + 16) the screen looks at, as one mask (bit k: s[base + k]) per kind, so
 * each kind is handled in a loop of its own (one branch a kind, not a jump a byte): quotes,
 * backslashes, `*`, `_`, the anchors of the word triggers (q b y w x m, either case) and those of
 * execute and fetch (x, h). Past n, no bits. With SSE2, sixteen bytes are compared at once, and an
 * anchor counts only after the letter its checks ask for first (a mask may hold more bits than are
 * found, never fewer: each bit is checked).
 */
typedef struct {
  unsigned quote, backslash, star, underscore, word, execute;
} Masks;

static Masks look_masks(const uint8_t *s, size_t base, size_t n) {
  Masks m;
#ifdef __SSE2__
  if (base >= 1 && base + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + base));
    __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
    /* the byte before each: every anchor asks for a letter there (word_trigger_at, execute_or_fetch_at),
       which rules out nearly every `_` and anchor letter of a text (OR 0x20 folds letters, and only them
       onto the lower-case letters compared) */
    __m128i p = _mm_loadu_si128((const __m128i *)(const void *)(s + base - 1));
    __m128i lp = _mm_or_si128(p, _mm_set1_epi8(0x20));
#define EQ(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8(c))
#define AND(a, b) _mm_and_si128((a), (b))
#define OR(a, b) _mm_or_si128((a), (b))
    m.quote = (unsigned)_mm_movemask_epi8(OR(EQ(v, '\''), EQ(v, '"')));
    m.backslash = (unsigned)_mm_movemask_epi8(EQ(v, '\\'));
    m.star = (unsigned)_mm_movemask_epi8(EQ(v, '*'));
    m.underscore = (unsigned)_mm_movemask_epi8(AND(EQ(v, '_'), OR(EQ(lp, 'e'), EQ(lp, 't'))));
    __m128i after_s = AND(OR(EQ(l, 'q'), EQ(l, 'w')), EQ(lp, 's'));
    __m128i after_d = AND(OR(EQ(l, 'b'), EQ(l, 'y')), EQ(lp, 'd'));
    __m128i others = OR(AND(EQ(l, 'x'), EQ(lp, 'e')), AND(EQ(l, 'm'), EQ(lp, 'u')));
    m.word = (unsigned)_mm_movemask_epi8(OR(OR(after_s, after_d), others));
    m.execute = (unsigned)_mm_movemask_epi8(OR(AND(EQ(v, 'x'), EQ(p, 'e')), AND(EQ(v, 'h'), EQ(p, 'c'))));
#undef EQ
#undef AND
#undef OR
    return m;
  }
#endif
  m.quote = m.backslash = m.star = m.underscore = m.word = m.execute = 0;
  for (size_t k = 0; k < 16 && base + k < n; k++) {
    int c = s[base + k];
    unsigned bit = 1u << k;
    if (c == '\'' || c == '"') m.quote |= bit;
    else if (c == '\\') m.backslash |= bit;
    else if (c == '*') m.star |= bit;
    else if (c == '_') m.underscore |= bit;
    else {
      int l = lower(c);
      if (l == 'q' || l == 'b' || l == 'y' || l == 'w' || l == 'x' || l == 'm') m.word |= bit;
      if (c == 'x' || c == 'h') m.execute |= bit;
    }
  }
  return m;
}

/* Each set bit of a mask, lowest first: `i` the byte it stands for. */
#define EACH(mask, i) for (unsigned bits_ = (mask); bits_ && ((i) = base + lowest_bit(bits_), 1); bits_ &= bits_ - 1)

int pgready_screen(const uint8_t *s, size_t n) {
  Text text = {s, n};
  const Text *t = &text;
  int found = 0, continuations = 0, imports = 0;
  size_t i;
  for (size_t base = 0; base < n; base += 16) {
    Masks m = look_masks(s, base, n);
    /* a word trigger sends the file to the prefilter whole; the other bits are still gathered (it
       skips the SQL patterns where SCREEN_SQL is clear) */
    if (!(found & SCREEN_WORD)) EACH(m.word, i) if (word_trigger_at(t, i, 0)) {
      found |= SCREEN_WORD;
      break;
    }
    EACH(m.underscore, i) {
      if (!(found & SCREEN_WORD) && word_trigger_at(t, i, 0)) found |= SCREEN_WORD;
      /* IMPORT_BY_NAME: `import_module` or `import__` (__import__) */
      if (i >= 6 && s[i - 1] == 't' && spells_exactly(t, i - 6, "import") && (at(t, i + 1) == '_' || spells_exactly(t, i + 1, "module")))
        imports = 1;
    }
    /* the other findings are gathered, each kind until it is found */
    if (!(found & SCREEN_SQL)) {
      EACH(m.quote, i) if (sql_opening_at(t, i)) {
        found |= SCREEN_SQL;
        break;
      }
      EACH(m.star, i) if (at(t, i + 1) == '/' && comment_close_opening_at(t, i)) found |= SCREEN_SQL;
    }
    EACH(m.backslash, i) {
      if (!(found & SCREEN_ESCAPE) && letter_escape_at(t, i)) found |= SCREEN_ESCAPE;
      if (continuation(t, i)) continuations = 1;
    }
    if (!(found & SCREEN_EXECUTE)) EACH(m.execute, i) if (execute_or_fetch_at(t, i)) found |= SCREEN_EXECUTE;
  }
  if (continuations && hides_trigger_in_continuation(t)) found |= SCREEN_HIDDEN;
  if (imports && hides_trigger_across_literals(t)) found |= SCREEN_HIDDEN;
  /* the literals read as the prefilter reads them, where its other paths are closed */
  int joins = imports && (found & (SCREEN_ESCAPE | SCREEN_HIDDEN));
  if (found && !(found & (SCREEN_EXECUTE | SCREEN_WORD)) && !literals_may_pass(t, joins)) return 0;
  return found;
}
