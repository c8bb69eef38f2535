#ifndef PGREADY_CHARS_H
#define PGREADY_CHARS_H
/*
 * Byte classes the screen (screen.c) and its SQL tokenizer (looks_like_sql.c) share. A character
 * outside ASCII is one or more bytes >= 0x80, each of which counts as a word character, as a UTF-16
 * unit >= 0x80 does in the JavaScript they port. -1 (past the end) is in no class.
 */
static inline int is_alpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
/* JavaScript's \s on ASCII (SQLite's whitespace too, where \v only continues a run) */
static inline int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
/* [\w$\u0080-\uffff]: what continues a word of SQL (SQLite's IdChar) */
static inline int is_word(int c) { return c >= 0 && (is_alpha(c) || is_digit(c) || c == '_' || c == '$' || c >= 0x80); }
/* what may start one */
static inline int is_word_start(int c) { return c >= 0 && (is_alpha(c) || c == '_' || c >= 0x80); }

#endif
