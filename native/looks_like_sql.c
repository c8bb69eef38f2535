/*
 * looksLikeSql (src/sql/looks-like-sql.ts) on UTF-8 bytes, for the prefilter's native screen: 0
 * only where it surely says no. The SQL tokenizer (src/sql/tokenize.ts) and the statement checks
 * are ported as they are. Where a word holds a character whose upper case is ASCII (U+017F,
 * U+0131, ß, the Latin ligatures), it may equal a keyword its bytes do not spell: the answer is
 * then 1, as it is when memory runs out. test/prefilter-screen.test.ts compares the
 * prefilter's verdicts with and without the screen.
 */
#include <stdlib.h>
#include <string.h>

#include "chars.h"
#include "looks_like_sql.h"

typedef enum {
  T_WHITESPACE,
  T_COMMENT,
  T_OPERATOR,
  T_PUNCTUATION,
  T_STRING,
  T_QUOTED_IDENTIFIER,
  T_ERROR,
  T_NUMBER,
  T_BLOB,
  T_PLACEHOLDER,
  T_KEYWORD,
  T_IDENTIFIER,
  T_HOLE,
} TokType;

typedef struct {
  TokType type;
  size_t start, end;
} Tok;

typedef struct {
  const uint8_t *s;
  size_t n;
  Tok *toks;
  size_t count;
} Sql;

/*
 * SQLITE_KEYWORDS of src/sql/keywords.ts, handed over once by src/perf/screen.ts when it loads the
 * addon (pgready_set_sql_keywords), sorted in byte order for is_keyword_text. Until then every
 * word is unsure, and so is every text.
 */
static char **keywords;
static size_t keyword_count;

static int by_bytes(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int pgready_set_sql_keywords(const char *const *words, size_t n) {
  if (keywords) return 1;
  char **copy = calloc(n ? n : 1, sizeof *copy);
  if (!copy) return 0;
  for (size_t k = 0; k < n; k++) {
    copy[k] = malloc(strlen(words[k]) + 1);
    if (!copy[k]) {
      while (k > 0) free(copy[--k]);
      free(copy);
      return 0;
    }
    strcpy(copy[k], words[k]);
  }
  qsort(copy, n, sizeof *copy, by_bytes);
  keyword_count = n;
  keywords = copy;
  return 1;
}

/* SQLite's whitespace: space, \t, \n, \f, \r start a run, \v only continues one (is_space) */
static int is_space_start(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

static int at(const Sql *q, size_t i) { return i < q->n ? q->s[i] : -1; }

/* The token's text is `word` (upper case), compared upper-cased. */
static int text_upper_is(const Sql *q, const Tok *t, const char *word) {
  size_t len = strlen(word);
  if (t->end - t->start != len) return 0;
  for (size_t k = 0; k < len; k++)
    if (upper(q->s[t->start + k]) != word[k]) return 0;
  return 1;
}

static int text_is(const Sql *q, const Tok *t, const char *text) {
  size_t len = strlen(text);
  return t->end - t->start == len && memcmp(q->s + t->start, text, len) == 0;
}

/* The word s[start, end) upper-cased, compared with `word`: <0, 0, >0 as strcmp. */
static int compare_upper(const Sql *q, size_t start, size_t end, const char *word) {
  for (size_t k = start;; k++, word++) {
    int a = k < end ? upper(q->s[k]) : 0;
    int b = (unsigned char)*word;
    if (a != b || a == 0) return a - b;
  }
}

/* isSqliteKeyword: a binary search of the (sorted) list. */
static int is_keyword_text(const Sql *q, size_t start, size_t end) {
  size_t lo = 0, hi = keyword_count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = compare_upper(q, start, end, keywords[mid]);
    if (c == 0) return 1;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return 0;
}

/* ---- the tokenizer (scan in tokenize.ts, without holes) ------------------------------------------ */

static size_t skip_digits(const Sql *q, size_t j) {
  while (j < q->n) {
    int c = q->s[j];
    if (is_digit(c)) j++;
    else if (c == '_' && j > 0 && is_digit(q->s[j - 1]) && j + 1 < q->n && is_digit(q->s[j + 1])) j++;
    else break;
  }
  return j;
}

static TokType scan_number(const Sql *q, size_t i, size_t *end) {
  size_t j;
  if (q->s[i] == '0' && (at(q, i + 1) == 'x' || at(q, i + 1) == 'X') && is_hex(at(q, i + 2))) {
    j = i + 3;
    while (j < q->n && is_hex(q->s[j])) j++;
  } else {
    j = skip_digits(q, i);
    if (at(q, j) == '.') j = skip_digits(q, j + 1);
    int e = at(q, j);
    if ((e == 'e' || e == 'E') && (is_digit(at(q, j + 1)) || ((at(q, j + 1) == '+' || at(q, j + 1) == '-') && is_digit(at(q, j + 2)))))
      j = skip_digits(q, j + 2);
  }
  TokType type = T_NUMBER;
  while (j < q->n && is_word(q->s[j])) {
    type = T_ERROR;
    j++;
  }
  *end = j;
  return type;
}

static TokType scan_variable(const Sql *q, size_t i, size_t *end) {
  size_t name = 0;
  size_t j = i + 1;
  TokType type = T_PLACEHOLDER;
  while (j < q->n) {
    int c = q->s[j];
    if (is_word(c)) {
      name++;
      j++;
    } else if (c == '(' && name > 0) {
      j++;
      while (j < q->n && !is_space(q->s[j]) && q->s[j] != ')') j++;
      if (j < q->n && q->s[j] == ')') j++;
      else type = T_ERROR;
      break;
    } else if (c == ':' && j + 1 < q->n && q->s[j + 1] == ':') {
      j += 2;
    } else {
      break;
    }
  }
  if (name == 0) type = T_ERROR;
  *end = j;
  return type;
}

static TokType scan_quoted(const Sql *q, size_t i, int delim, size_t *end) {
  size_t j = i + 1;
  for (;;) {
    const uint8_t *k = j < q->n ? memchr(q->s + j, delim, q->n - j) : NULL;
    if (!k) {
      *end = q->n;
      return T_ERROR;
    }
    size_t p = (size_t)(k - q->s);
    if (at(q, p + 1) == delim) {
      j = p + 2;
      continue;
    }
    *end = p + 1;
    return delim == '\'' ? T_STRING : T_QUOTED_IDENTIFIER;
  }
}

/*
 * Whether a word holds a character whose upper case is ASCII letters (U+0131 I, U+017F S, U+00DF SS,
 * U+FB00-FB06 FF FI FL FFI FFL ST ST): only those can make a word outside ASCII equal a keyword or
 * any word the checks compare with. Any other character outside ASCII upper-cases to text outside
 * ASCII, so such a word is an identifier equal to none of them, as its bytes are.
 */
static int folds_to_ascii(const Sql *q, size_t from, size_t to) {
  for (size_t k = from; k < to; k++) {
    int c = q->s[k], d = at(q, k + 1);
    if ((c == 0xc4 && d == 0xb1) || (c == 0xc5 && d == 0xbf) || (c == 0xc3 && d == 0x9f)) return 1;
    if (c == 0xef && d == 0xac && at(q, k + 2) >= 0x80 && at(q, k + 2) <= 0x86) return 1;
  }
  return 0;
}

/* One token at i; *unsure when it is a word whose upper case may be ASCII it does not spell (folds_to_ascii). */
static TokType scan(const Sql *q, size_t i, size_t *end, int *unsure) {
  int c = q->s[i];
  int d = at(q, i + 1);
  if (c == 0xef && d == 0xbb && at(q, i + 2) == 0xbf) {
    *end = i + 3;
    return T_WHITESPACE;
  }
  if (is_space_start(c)) {
    size_t j = i + 1;
    while (j < q->n && is_space(q->s[j])) j++;
    *end = j;
    return T_WHITESPACE;
  }
  *end = i + 1;
  switch (c) {
  case '-':
    if (d == '-') {
      size_t j = i + 2;
      while (j < q->n && q->s[j] != '\n') j++;
      *end = j;
      return T_COMMENT;
    }
    if (d == '>') *end = at(q, i + 2) == '>' ? i + 3 : i + 2;
    return T_OPERATOR;
  case '/':
    if (d == '*') {
      size_t k = i + 2;
      while (k + 1 < q->n && !(q->s[k] == '*' && q->s[k + 1] == '/')) k++;
      *end = k + 1 < q->n ? k + 2 : q->n;
      return T_COMMENT;
    }
    return T_OPERATOR;
  case '=':
    if (d == '=') *end = i + 2;
    return T_OPERATOR;
  case '<':
    if (d == '=' || d == '>' || d == '<') *end = i + 2;
    return T_OPERATOR;
  case '>':
    if (d == '=' || d == '>') *end = i + 2;
    return T_OPERATOR;
  case '!':
    if (d == '=') {
      *end = i + 2;
      return T_OPERATOR;
    }
    return T_ERROR;
  case '|':
    if (d == '|') *end = i + 2;
    return T_OPERATOR;
  case '\'':
  case '"':
  case '`':
    return scan_quoted(q, i, c, end);
  case '[': {
    const uint8_t *k = memchr(q->s + i + 1, ']', q->n - (i + 1));
    *end = k ? (size_t)(k - q->s) + 1 : q->n;
    return k ? T_QUOTED_IDENTIFIER : T_ERROR;
  }
  case '.':
    if (!is_digit(d)) return T_PUNCTUATION;
    return scan_number(q, i, end);
  case '?': {
    size_t j = i + 1;
    while (j < q->n && is_digit(q->s[j])) j++;
    *end = j;
    return T_PLACEHOLDER;
  }
  case ':':
  case '@':
  case '$':
    return scan_variable(q, i, end);
  case '(':
  case ')':
  case ',':
  case ';':
    return T_PUNCTUATION;
  case '+':
  case '*':
  case '%':
  case '&':
  case '~':
    return T_OPERATOR;
  default:
    break;
  }
  if (is_digit(c)) return scan_number(q, i, end);
  if ((c == 'x' || c == 'X') && d == '\'') {
    size_t j = i + 2;
    while (j < q->n && is_hex(q->s[j])) j++;
    int ok = at(q, j) == '\'' && (j - i - 2) % 2 == 0;
    if (!ok)
      while (j < q->n && q->s[j] != '\'') j++;
    if (j < q->n) j++;
    *end = j;
    return ok ? T_BLOB : T_ERROR;
  }
  if (is_word_start(c)) {
    size_t j = i + 1;
    while (j < q->n && is_word(q->s[j])) j++;
    *end = j;
    if (folds_to_ascii(q, i, j) || !keywords) *unsure = 1;
    return is_keyword_text(q, i, j) ? T_KEYWORD : T_IDENTIFIER;
  }
  return T_ERROR;
}

/* ---- the statement checks (looks-like-sql.ts) ---------------------------------------------------- */

static const Tok *tok(const Sql *q, size_t i) { return i < q->count ? &q->toks[i] : NULL; }

/* word(): the upper-cased text of a keyword or identifier token is `w` */
static int word_is(const Sql *q, size_t i, const char *w) {
  const Tok *t = tok(q, i);
  return t && (t->type == T_KEYWORD || t->type == T_IDENTIFIER) && text_upper_is(q, t, w);
}

static int is_word_token(const Sql *q, size_t i) {
  const Tok *t = tok(q, i);
  return t && (t->type == T_KEYWORD || t->type == T_IDENTIFIER);
}

static int word_in(const Sql *q, size_t i, const char *const *words) {
  for (; *words; words++)
    if (word_is(q, i, *words)) return 1;
  return 0;
}

static int is_p(const Sql *q, size_t i, const char *text) {
  const Tok *t = tok(q, i);
  return t && t->type == T_PUNCTUATION && text_is(q, t, text);
}

static int is_name(const Sql *q, size_t i) {
  const Tok *t = tok(q, i);
  return t && (t->type == T_IDENTIFIER || t->type == T_QUOTED_IDENTIFIER || t->type == T_HOLE);
}

/* `name` or `schema.name`: the index after it, or -1 */
static long qualified_name(const Sql *q, size_t i) {
  if (!is_name(q, i)) return -1;
  if (is_p(q, i + 1, ".") && is_name(q, i + 2)) return (long)i + 3;
  return (long)i + 1;
}

static int at_end(const Sql *q, size_t i) { return i >= q->count || is_p(q, i, ";"); }

static long skip_if_exists(const Sql *q, size_t i, int with_not) {
  if (!word_is(q, i, "IF")) return (long)i;
  if (with_not) return word_is(q, i + 1, "NOT") && word_is(q, i + 2, "EXISTS") ? (long)i + 3 : -1;
  return word_is(q, i + 1, "EXISTS") ? (long)i + 2 : -1;
}

static int is_upper_word(const Sql *q, size_t i) {
  const Tok *t = tok(q, i);
  if (!t) return 0;
  for (size_t k = t->start; k < t->end; k++)
    if (q->s[k] >= 'a' && q->s[k] <= 'z') return 0;
  return 1;
}

static const char *const AFTER_FROM_ITEM[] = {"WHERE", "GROUP", "ORDER", "LIMIT", "JOIN", "LEFT", "RIGHT", "FULL",
                                              "INNER", "CROSS", "NATURAL", "OUTER", "ON", "USING", "UNION", "EXCEPT",
                                              "INTERSECT", "HAVING", "WINDOW", "RETURNING", "INDEXED", "NOT", "AS", NULL};

static int from_clause(const Sql *q, size_t i) {
  if (!word_is(q, i, "FROM")) return 0;
  size_t j = i + 1;
  if (is_p(q, j, "(")) return 1;
  long k = qualified_name(q, j);
  if (k < 0) return 0;
  j = (size_t)k;
  if (word_is(q, j, "AS")) j++;
  if (is_name(q, j)) j++;
  if (at_end(q, j) || is_p(q, j, ",") || is_p(q, j, ")") || is_p(q, j, "(")) return 1;
  return is_word_token(q, j) && word_in(q, j, AFTER_FROM_ITEM);
}

static int select_statement(const Sql *q, size_t i) {
  size_t j = i + 1;
  if (word_is(q, j, "DISTINCT") || word_is(q, j, "ALL")) j++;
  if (j >= q->count) return 0;
  long depth = 0;
  long from_at = -1;
  int bare = 0;
  for (size_t k = j; k < q->count; k++) {
    if (is_p(q, k, "(")) depth++;
    else if (is_p(q, k, ")")) depth--;
    if (depth == 0 && word_is(q, k, "FROM")) {
      from_at = (long)k;
      break;
    }
    if (depth == 0 && is_p(q, k, ";")) break;
    bare = q->toks[k].type == T_IDENTIFIER ? bare + 1 : 0;
    if (bare >= 3) return 0;
  }
  if (from_at == (long)j) return 0;
  if (from_at > 0) return from_clause(q, (size_t)from_at);
  for (size_t k = j; k < q->count && !is_p(q, k, ";"); k++) {
    if (q->toks[k].type != T_IDENTIFIER) continue;
    if (is_p(q, k + 1, "(") || word_is(q, k - 1, "AS") || is_p(q, k - 1, ".") || is_p(q, k + 1, ".")) continue;
    return 0;
  }
  return 1;
}

static int insert_target(const Sql *q, size_t i) {
  if (!word_is(q, i, "INTO")) return 0;
  long k = qualified_name(q, i + 1);
  if (k < 0) return 0;
  size_t j = (size_t)k;
  if (word_is(q, j, "AS") && is_name(q, j + 1)) j += 2;
  return is_p(q, j, "(") || word_is(q, j, "VALUES") || word_is(q, j, "SELECT") || word_is(q, j, "DEFAULT") || word_is(q, j, "WITH");
}

static const char *const CONFLICT_ACTIONS[] = {"ROLLBACK", "ABORT", "REPLACE", "FAIL", "IGNORE", NULL};

static int insert_statement(const Sql *q, size_t i) {
  size_t j = i + 1;
  if (word_is(q, j, "OR")) {
    if (!word_in(q, j + 1, CONFLICT_ACTIONS)) return 0;
    j += 2;
  }
  return insert_target(q, j);
}

static int update_statement(const Sql *q, size_t i) {
  size_t j = i + 1;
  if (word_is(q, j, "OR")) {
    if (!word_in(q, j + 1, CONFLICT_ACTIONS)) return 0;
    j += 2;
  }
  long k = qualified_name(q, j);
  if (k < 0) return 0;
  j = (size_t)k;
  if (word_is(q, j, "AS")) j++;
  if (is_name(q, j)) j++;
  if (word_is(q, j, "INDEXED") && word_is(q, j + 1, "BY")) {
    if (!is_name(q, j + 2)) return 0;
    j += 3;
  } else if (word_is(q, j, "NOT") && word_is(q, j + 1, "INDEXED")) {
    j += 2;
  }
  if (!word_is(q, j, "SET")) return 0;
  const Tok *eq = tok(q, j + 2);
  return is_p(q, j + 1, "(") || (is_name(q, j + 1) && eq && text_is(q, eq, "="));
}

static int delete_statement(const Sql *q, size_t i) {
  if (!word_is(q, i + 1, "FROM") || is_p(q, i + 2, "(")) return 0;
  return from_clause(q, i + 1);
}

static const char *const CREATE_OBJECTS[] = {"TABLE", "INDEX", "VIEW", "TRIGGER", NULL};

static int create_statement(const Sql *q, size_t i) {
  size_t j = i + 1;
  if (word_is(q, j, "TEMP") || word_is(q, j, "TEMPORARY") || word_is(q, j, "UNIQUE") || word_is(q, j, "VIRTUAL")) j++;
  if (!word_in(q, j, CREATE_OBJECTS)) return 0;
  size_t object = j;
  long k = skip_if_exists(q, j + 1, 1);
  if (k < 0) return 0;
  k = qualified_name(q, (size_t)k);
  if (k < 0) return 0;
  j = (size_t)k;
  if (word_is(q, object, "TABLE")) return is_p(q, j, "(") || word_is(q, j, "AS") || word_is(q, j, "USING");
  if (word_is(q, object, "INDEX")) return word_is(q, j, "ON");
  if (word_is(q, object, "VIEW")) return is_p(q, j, "(") || word_is(q, j, "AS");
  return word_is(q, j, "BEFORE") || word_is(q, j, "AFTER") || word_is(q, j, "INSTEAD") || word_is(q, j, "INSERT") ||
         word_is(q, j, "UPDATE") || word_is(q, j, "DELETE");
}

static int drop_statement(const Sql *q, size_t i) {
  if (!word_in(q, i + 1, CREATE_OBJECTS)) return 0;
  long k = skip_if_exists(q, i + 2, 0);
  if (k < 0) return 0;
  k = qualified_name(q, (size_t)k);
  return k >= 0 && at_end(q, (size_t)k);
}

static int alter_statement(const Sql *q, size_t i) {
  if (!word_is(q, i + 1, "TABLE")) return 0;
  long k = qualified_name(q, i + 2);
  /* word(s[-1]) is undefined in JavaScript: no word */
  return k >= 0 && (word_is(q, (size_t)k, "RENAME") || word_is(q, (size_t)k, "ADD") || word_is(q, (size_t)k, "DROP"));
}

static int pragma_statement(const Sql *q, size_t i) {
  long k = qualified_name(q, i + 1);
  if (k < 0) return 0;
  const Tok *t = tok(q, (size_t)k);
  return at_end(q, (size_t)k) || (t && text_is(q, t, "=")) || is_p(q, (size_t)k, "(");
}

static int with_statement(const Sql *q, size_t i) {
  size_t j = i + 1;
  if (word_is(q, j, "RECURSIVE")) j++;
  if (!is_name(q, j)) return 0;
  j++;
  if (is_p(q, j, "(")) {
    long depth = 0;
    for (; j < q->count; j++) {
      if (is_p(q, j, "(")) depth++;
      else if (is_p(q, j, ")") && --depth == 0) break;
    }
    j++;
  }
  if (!word_is(q, j, "AS")) return 0;
  j++;
  if (word_is(q, j, "NOT")) j++;
  if (word_is(q, j, "MATERIALIZED")) j++;
  return is_p(q, j, "(");
}

static int statement_at(const Sql *q, size_t i, int depth);

typedef enum { SHORT_BEGIN, SHORT_COMMIT, SHORT_ROLLBACK } ShortKind;

static int short_allowed(const Sql *q, size_t j, size_t k, ShortKind kind, int as_name) {
  switch (kind) {
  case SHORT_BEGIN:
    if (as_name) return 0;
    return (k == 1 && (word_is(q, j, "DEFERRED") || word_is(q, j, "IMMEDIATE") || word_is(q, j, "EXCLUSIVE"))) || word_is(q, j, "TRANSACTION");
  case SHORT_COMMIT:
    return !as_name && k == 1 && word_is(q, j, "TRANSACTION");
  default:
    return as_name || word_is(q, j, "TRANSACTION") || word_is(q, j, "TO") || word_is(q, j, "SAVEPOINT");
  }
}

static int short_statement(const Sql *q, size_t i, ShortKind kind, int depth) {
  size_t j = i + 1;
  while (!at_end(q, j)) {
    if (!short_allowed(q, j, j - i, kind, 0) && !(is_name(q, j) && short_allowed(q, j, j - i, kind, 1))) return 0;
    j++;
  }
  for (size_t k = i; k < j; k++)
    if (q->toks[k].type == T_KEYWORD && !is_upper_word(q, k)) return 0;
  return j >= q->count || j == q->count - 1 || statement_at(q, j + 1, depth + 1);
}

static int statement_at(const Sql *q, size_t i, int depth) {
  /* a script of short statements: past this depth, say it may read as SQL */
  if (depth > 64) return 1;
  if (word_is(q, i, "SELECT")) return select_statement(q, i);
  if (word_is(q, i, "INSERT")) return insert_statement(q, i);
  if (word_is(q, i, "REPLACE")) return insert_target(q, i + 1);
  if (word_is(q, i, "UPDATE")) return update_statement(q, i);
  if (word_is(q, i, "DELETE")) return delete_statement(q, i);
  if (word_is(q, i, "CREATE")) return create_statement(q, i);
  if (word_is(q, i, "DROP")) return drop_statement(q, i);
  if (word_is(q, i, "ALTER")) return alter_statement(q, i);
  if (word_is(q, i, "PRAGMA")) return pragma_statement(q, i);
  if (word_is(q, i, "WITH")) return with_statement(q, i);
  if (word_is(q, i, "EXPLAIN")) {
    size_t j = i + 1;
    if (word_is(q, j, "QUERY") && word_is(q, j + 1, "PLAN")) j += 2;
    return j < q->count && statement_at(q, j, depth + 1);
  }
  if (word_is(q, i, "BEGIN")) return short_statement(q, i, SHORT_BEGIN, depth);
  if (word_is(q, i, "COMMIT") || word_is(q, i, "END")) return short_statement(q, i, SHORT_COMMIT, depth);
  if (word_is(q, i, "ROLLBACK")) return short_statement(q, i, SHORT_ROLLBACK, depth);
  if (word_is(q, i, "SAVEPOINT")) return is_name(q, i + 1) && at_end(q, i + 2);
  if (word_is(q, i, "RELEASE")) {
    size_t j = word_is(q, i + 1, "SAVEPOINT") ? i + 2 : i + 1;
    return is_name(q, j) && at_end(q, j + 1);
  }
  if (word_is(q, i, "ATTACH")) {
    size_t j = word_is(q, i + 1, "DATABASE") ? i + 2 : i + 1;
    for (size_t k = j + 1; k < q->count; k++)
      if (word_is(q, k, "AS")) return is_name(q, k + 1) && at_end(q, k + 2);
    return 0;
  }
  if (word_is(q, i, "DETACH")) {
    size_t j = word_is(q, i + 1, "DATABASE") ? i + 2 : i + 1;
    const Tok *t = tok(q, j);
    return (is_name(q, j) || (t && (t->type == T_STRING || t->type == T_PLACEHOLDER))) && at_end(q, j + 1);
  }
  if (word_is(q, i, "VACUUM") || word_is(q, i, "ANALYZE") || word_is(q, i, "REINDEX")) {
    long k = is_name(q, i + 1) ? qualified_name(q, i + 1) : (long)i + 1;
    if (k < 0) return 0;
    size_t j = (size_t)k;
    return is_upper_word(q, i) && at_end(q, j) && (j + 1 >= q->count || statement_at(q, j + 1, depth + 1));
  }
  return 0;
}

/* ---- looksLikeSql -------------------------------------------------------------------------------- */

/* percentField: `%s`, `%d`, `%(name)s` written without spaces; the index of its last token, or -1 */
static long percent_field(const Sql *q, size_t i) {
#define GLUED(k) ((k) < q->count && (k) >= 1 && q->toks[(k)].start == q->toks[(k) - 1].end)
  const Tok *t = tok(q, i);
  if (!t || !text_is(q, t, "%") || !GLUED(i + 1)) return -1;
  const Tok *next = &q->toks[i + 1];
  if (next->type == T_IDENTIFIER && next->end - next->start == 1 && strchr("sdirf", q->s[next->start])) return (long)i + 1;
  const Tok *s4 = tok(q, i + 4);
  if (is_p(q, i + 1, "(") && GLUED(i + 2) && is_p(q, i + 3, ")") && GLUED(i + 3) && GLUED(i + 4) && s4 && text_is(q, s4, "s")) return (long)i + 4;
  return -1;
#undef GLUED
}

/* templateFieldsAsHoles, in place */
static void template_fields_as_holes(Sql *q) {
  size_t out = 0;
  for (size_t i = 0; i < q->count; i++) {
    Tok t = q->toks[i];
    long pe = percent_field(q, i);
    if (pe > 0) {
      Tok h = {T_HOLE, t.start, q->toks[pe].end};
      q->toks[out++] = h;
      i = (size_t)pe;
      continue;
    }
    if (t.type == T_ERROR && text_is(q, &t, "{")) {
      size_t close = i + 1;
      while (close < q->count && close - i <= 6 &&
             !(q->toks[close].type == T_ERROR && (text_is(q, &q->toks[close], "}") || text_is(q, &q->toks[close], "{"))))
        close++;
      if (close < q->count && text_is(q, &q->toks[close], "}")) {
        Tok h = {T_HOLE, t.start, q->toks[close].end};
        q->toks[out++] = h;
        i = close;
        continue;
      }
    }
    q->toks[out++] = t;
  }
  q->count = out;
}

static int is_title_case(const Sql *q, const Tok *t) {
  int first = q->s[t->start];
  if (!(first >= 'A' && first <= 'Z')) return 0;
  for (size_t k = t->start + 1; k < t->end; k++)
    if (q->s[k] >= 'a' && q->s[k] <= 'z') return 1;
  return 0;
}

static int has_sql_symbols(const Sql *q) {
  for (size_t i = 0; i < q->count; i++) {
    TokType ty = q->toks[i].type;
    if (ty == T_OPERATOR || ty == T_PLACEHOLDER || ty == T_STRING || ty == T_NUMBER || ty == T_BLOB || ty == T_QUOTED_IDENTIFIER) return 1;
    if (ty == T_PUNCTUATION && !text_is(q, &q->toks[i], ".")) return 1;
  }
  return 0;
}

int pgready_looks_like_sql(const uint8_t *s, size_t n) {
  Sql q = {s, n, NULL, 0};
  size_t cap = 0;
  int unsure = 0;
  for (size_t i = 0; i < n;) {
    size_t end = i + 1;
    TokType type = scan(&q, i, &end, &unsure);
    if (end <= i) end = i + 1;
    if (type != T_WHITESPACE && type != T_COMMENT) {
      if (q.count == cap) {
        cap = cap ? cap * 2 : 64;
        Tok *toks = realloc(q.toks, cap * sizeof *toks);
        if (!toks) {
          free(q.toks);
          return 1;
        }
        q.toks = toks;
      }
      Tok t = {type, i, end};
      q.toks[q.count++] = t;
    }
    i = end;
  }
  int result = 1;
  if (!unsure) {
    template_fields_as_holes(&q);
    result = 0;
    if (q.count > 0 && q.toks[0].type == T_KEYWORD) {
      int ok = 1;
      for (size_t i = 0; ok && i < q.count; i++)
        if (q.toks[i].type == T_ERROR && !text_is(&q, &q.toks[i], ":")) ok = 0;
      if (ok && is_p(&q, q.count - 1, ".")) ok = 0;
      for (size_t k = 1; ok && k < q.count; k++) {
        if (q.toks[k].type != T_PLACEHOLDER) continue;
        TokType prev = q.toks[k - 1].type;
        if (is_name(&q, k - 1) || prev == T_NUMBER || prev == T_STRING || is_p(&q, k - 1, ")")) ok = 0;
      }
      if (ok && is_title_case(&q, &q.toks[0]) && !has_sql_symbols(&q)) ok = 0;
      result = ok && statement_at(&q, 0, 0);
    }
  }
  free(q.toks);
  return result;
}
