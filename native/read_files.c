/*
 * Files read on libuv's thread pool (src/perf/reader.ts), so that the main thread decodes and judges
 * one batch while the next is read:
 *
 * readFiles(paths, python, maxBytes, prefixes, mode): each file read whole with C stdio; a Python
 * file's bytes (after a UTF-8 BOM) go through the prefilter's screen (screen.c). Only the plain
 * case is handled here (plain_kind): a file that cannot be opened or read, or holds more than
 * maxBytes, comes back as null, and the caller reads it again the usual way (readSource), which
 * says why in its own words. A plain file's content hash (contentHash in src/perf/disk-source.ts:
 * the SHA-1 of its prefix, its text and a NUL) is taken here too, and in lazy mode a plain Python
 * file the screen settled is not made a string at all: the caller reads it again if it ever needs
 * the text.
 *
 * searchFiles(paths, lengths, names, modules, packageInit): such files read again, to find which
 * may call one of the factories (the factory search of src/perf/engine.ts, its reaches()). A file whose text has
 * another length now, or is no longer plain, is reported: the caller reads it and checks it by its
 * hash (a file that changed without changing its length is searched as it is now).
 *
 * The hash is OpenSSL's SHA-1, which Node exports to addons.
 */
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#ifndef _WIN32
#include <sys/stat.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "read_files.h"
#include "screen.h"

typedef struct {
  char *path;
  /* what contentHash hashes before the text (the language, the text kind), or NULL: no hash */
  char *prefix;
  size_t prefix_length;
  int python;
  uint8_t *data;
  size_t length;
  int ok;
  uint32_t bits;
  /* PLAIN_*: how complete() hands the bytes over */
  int plain;
  /* bytes to skip (a UTF-8 BOM) */
  size_t skip;
  /* the text's length in UTF-16 code units (plain files) */
  size_t units;
  /* the content hash in hex (plain files with a prefix), else "" */
  char hash[41];
  /* searchFiles: the length in UTF-16 code units the file's text had when it was read first */
  double expected_units;
  /* what fstat showed of the file read, as Node's Stats has it: size, mtimeMs, ctimeMs, ino (has_stat) */
  double stat[4];
  int has_stat;
} Job;

#define READ_LAZY 1     /* settled plain Python files stay unread: their length instead of their text */
#define READ_HASH_ALL 2 /* every plain file is hashed, not only those left unread */

#define PLAIN_NOT 0   /* a Buffer, for decodeSource (src/discover/read.ts) */
#define PLAIN_ASCII 1 /* a string, made from bytes below 0x80 */
#define PLAIN_UTF8 2  /* a string, made from valid UTF-8 */

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  Job *jobs;
  size_t count;
  size_t max_bytes;
  /* readFiles: READ_* bits */
  int mode;
  /* searchFiles: the factories (each a name, its module's name, whether it is a package's), and each file's answer */
  char **names;
  char **modules;
  uint8_t *package_init;
  size_t ref_count;
  uint8_t *found;
} Batch;

#if defined(__APPLE__)
#define MTIME(st) (st).st_mtimespec
#define CTIME(st) (st).st_ctimespec
#else
#define MTIME(st) (st).st_mtim
#define CTIME(st) (st).st_ctim
#endif

/*
 * What fstat shows of the open file, as Node computes its Stats (sec * 1000 + nsec / 1e6, in
 * doubles, as lib/internal/fs/utils.js does), so that a later statSync compares equal: 1, or 0
 * where this is not done (Windows: the C runtime's inode is not libuv's).
 */
static int stat_of(FILE *f, double out[4]) {
#ifdef _WIN32
  (void)f;
  (void)out;
  return 0;
#else
  struct stat st;
  if (fstat(fileno(f), &st) != 0) return 0;
  out[0] = (double)st.st_size;
  out[1] = (double)MTIME(st).tv_sec * 1000 + (double)MTIME(st).tv_nsec / 1e6;
  out[2] = (double)CTIME(st).tv_sec * 1000 + (double)CTIME(st).tv_nsec / 1e6;
  out[3] = (double)st.st_ino;
  return 1;
#endif
}

/* the whole file, or 0 when it cannot be read or holds more than max bytes; with `stat`, what fstat showed of it */
static int read_whole(const char *path, size_t max, uint8_t **out, size_t *length, double *stat, int *has_stat) {
  if (!path[0]) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  if (stat) *has_stat = stat_of(f, stat);
  /* reads go straight into the buffer (no stdio buffer between), sized by fstat when it told (one
     byte more, to see the end), so a file is copied once; a file that grew since is read whole all
     the same, the buffer doubled as it fills */
  setvbuf(f, NULL, _IONBF, 0);
  size_t capacity = 16384, n = 0;
  if (stat && *has_stat && stat[0] >= 0 && stat[0] < (double)max) capacity = (size_t)stat[0] + 1;
  uint8_t *buf = malloc(capacity);
  int ok = buf != NULL;
  while (ok) {
    if (n == capacity) {
      if (capacity > max) {
        ok = 0;
        break;
      }
      uint8_t *grown = realloc(buf, capacity * 2);
      if (!grown) {
        ok = 0;
        break;
      }
      buf = grown;
      capacity *= 2;
    }
    size_t got = fread(buf + n, 1, capacity - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) ok = 0;
      break;
    }
  }
  fclose(f);
  if (ok && n > max) ok = 0;
  if (!ok) {
    free(buf);
    return 0;
  }
  *out = buf;
  *length = n;
  return 1;
}

/*
 * 1: valid UTF-8 (as TextDecoder decodes it without a replacement), 0 otherwise; *ascii when every
 * byte is < 0x80, *units the UTF-16 code units of the text
 */
static int valid_utf8(const uint8_t *s, size_t n, int *ascii, size_t *units) {
  size_t i = 0;
  *ascii = 1;
  *units = 0;
  while (i < n) {
    /* ASCII eight bytes at a time (most source text is ASCII) */
    if (n - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        *units += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      (*units)++;
      continue;
    }
    *ascii = 0;
    size_t len;
    uint32_t min;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) len = 2, min = 0x80, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) len = 3, min = 0x800, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) len = 4, min = 0x10000, cp = c & 0x07;
    else return 0;
    if (n - i < len) return 0;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += len;
    *units += len == 4 ? 2 : 1;
  }
  return 1;
}

/*
 * Whether decodeSource would decode these bytes as plain UTF-8 (after a UTF-8 BOM) with nothing
 * replaced: no UTF-16 BOM, no NUL in the first 8 KiB, for a Python file no "coding" in its first
 * two lines (a PEP 263 cookie may be there: codingCookie decides), and valid UTF-8. Anything else
 * goes to decodeSource as bytes.
 */
static int plain_kind(const uint8_t *s, size_t n, int python, size_t *skip, size_t *units) {
  *skip = 0;
  if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) *skip = 3;
  else {
    if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) return PLAIN_NOT;
    if (memchr(s, 0, n < 8192 ? n : 8192)) return PLAIN_NOT;
    if (python) {
      /* the end of the second line (\n, \r or \r\n end a line), or of the text */
      size_t end = 0;
      int lines = 0;
      while (end < n && lines < 2) {
        if (s[end] == '\n' || s[end] == '\r') {
          if (s[end] == '\r' && end + 1 < n && s[end + 1] == '\n') end++;
          lines++;
        }
        end++;
      }
      for (size_t k = 0; k + 6 <= end; k++)
        if (s[k] == 'c' && memcmp(s + k, "coding", 6) == 0) return PLAIN_NOT;
    }
  }
  int ascii;
  if (!valid_utf8(s + *skip, n - *skip, &ascii, units)) return PLAIN_NOT;
  return ascii ? PLAIN_ASCII : PLAIN_UTF8;
}

/* contentHash of a plain file: SHA-1 of prefix, text and a NUL, in hex (1), or 0 when OpenSSL fails */
static int content_hash(const char *prefix, size_t prefix_length, const uint8_t *text, size_t length, char out[41]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) && EVP_DigestUpdate(ctx, prefix, prefix_length) &&
           EVP_DigestUpdate(ctx, text, length) && EVP_DigestUpdate(ctx, "", 1) && EVP_DigestFinal_ex(ctx, md, &md_length) && md_length == 20;
  EVP_MD_CTX_free(ctx);
  if (!ok) return 0;
  static const char hex[] = "0123456789abcdef";
  for (unsigned int k = 0; k < 20; k++) {
    out[2 * k] = hex[md[k] >> 4];
    out[2 * k + 1] = hex[md[k] & 15];
  }
  out[40] = '\0';
  return 1;
}

/* reads the job's file and sorts it: plain or not, and its length when plain */
static void read_job(Job *j, size_t max_bytes) {
  j->ok = read_whole(j->path, max_bytes, &j->data, &j->length, j->stat, &j->has_stat);
  if (j->ok) j->plain = plain_kind(j->data, j->length, j->python, &j->skip, &j->units);
}

/* the content hash of a plain job with a prefix (else none: hash "") */
static void hash_job(Job *j) {
  if (j->ok && j->plain != PLAIN_NOT && j->prefix && !content_hash(j->prefix, j->prefix_length, j->data + j->skip, j->length - j->skip, j->hash)) j->hash[0] = '\0';
}

/* whether complete() leaves the job unread: a plain Python file the screen settled, with its hash */
static int left_unread(const Batch *b, const Job *j) { return (b->mode & READ_LAZY) && j->ok && j->plain != PLAIN_NOT && j->python && j->bits == 0; }

static void execute(napi_env env, void *data) {
  (void)env;
  Batch *b = data;
  for (size_t i = 0; i < b->count; i++) {
    Job *j = &b->jobs[i];
    read_job(j, b->max_bytes);
    if (j->ok && j->python) {
      size_t skip = j->length >= 3 && j->data[0] == 0xef && j->data[1] == 0xbb && j->data[2] == 0xbf ? 3 : 0;
      j->bits = (uint32_t)pgready_screen(j->data + skip, j->length - skip);
    }
    if ((b->mode & READ_HASH_ALL) || left_unread(b, j)) hash_job(j);
  }
}

static void free_batch(Batch *b) {
  for (size_t i = 0; b->jobs && i < b->count; i++) {
    free(b->jobs[i].path);
    free(b->jobs[i].prefix);
    free(b->jobs[i].data);
  }
  for (size_t k = 0; k < b->ref_count; k++) {
    free(b->names[k]);
    free(b->modules[k]);
  }
  free(b->names);
  free(b->modules);
  free(b->package_init);
  free(b->found);
  free(b->jobs);
  free(b);
}

static void reject(napi_env env, napi_deferred deferred, const char *text) {
  napi_value message, error, pending;
  bool thrown = false;
  if (napi_is_exception_pending(env, &thrown) == napi_ok && thrown) napi_get_and_clear_last_exception(env, &pending);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_reject_deferred(env, deferred, error);
}

/*
 * Resolves to [items, bits, hashes, stats]: each file's text as a string when it is plain (plain_kind),
 * its length in UTF-16 code units when it is left unread (lazy), else its bytes as a Buffer (a copy:
 * memory V8 does not count would go unnoticed until a collection), null when it could not be read;
 * bits as execute() found them; the content hash of each plain file hashed, else undefined; four
 * numbers a file of what fstat showed of it when it was read (stat_of), NaN where there are none.
 */
static void complete(napi_env env, napi_status status, void *data) {
  Batch *b = data;
  napi_value items, hashes, bits_buffer, bits, result, undefined;
  void *bits_data = NULL;
  napi_get_undefined(env, &undefined);
  int ok = status == napi_ok && napi_create_array_with_length(env, b->count, &items) == napi_ok &&
           napi_create_array_with_length(env, b->count, &hashes) == napi_ok &&
           napi_create_arraybuffer(env, b->count * sizeof(uint32_t), &bits_data, &bits_buffer) == napi_ok;
  for (size_t i = 0; ok && i < b->count; i++) {
    Job *j = &b->jobs[i];
    napi_value value, hash = undefined;
    napi_status made;
    ((uint32_t *)bits_data)[i] = j->bits;
    const char *text = (const char *)j->data + j->skip;
    size_t length = j->length - j->skip;
    if (!j->ok) made = napi_get_null(env, &value);
    else if (left_unread(b, j) && j->hash[0]) made = napi_create_double(env, (double)j->units, &value);
    else if (j->plain == PLAIN_ASCII) made = napi_create_string_latin1(env, text, length, &value);
    else if (j->plain == PLAIN_UTF8) made = napi_create_string_utf8(env, text, length, &value);
    else made = napi_create_buffer_copy(env, j->length, j->data, NULL, &value);
    if (made != napi_ok) {
      /* too long for a string, say: the caller reads the file itself and says why */
      bool pending = false;
      napi_value ignored;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ignored);
      made = napi_get_null(env, &value);
    } else if (j->ok && j->plain != PLAIN_NOT && j->hash[0] && napi_create_string_latin1(env, j->hash, 40, &hash) != napi_ok) ok = 0;
    if (made != napi_ok) ok = 0;
    if (ok) {
      napi_set_element(env, items, (uint32_t)i, value);
      napi_set_element(env, hashes, (uint32_t)i, hash);
    }
    free(j->data);
    j->data = NULL;
  }
  napi_value stats_buffer, stats;
  void *stats_data = NULL;
  if (ok) ok = napi_create_arraybuffer(env, b->count * 4 * sizeof(double), &stats_data, &stats_buffer) == napi_ok &&
               napi_create_typedarray(env, napi_float64_array, b->count * 4, stats_buffer, 0, &stats) == napi_ok;
  for (size_t i = 0; ok && i < b->count; i++)
    for (int k = 0; k < 4; k++) ((double *)stats_data)[i * 4 + k] = b->jobs[i].ok && b->jobs[i].has_stat ? b->jobs[i].stat[k] : NAN;
  if (ok) ok = napi_create_typedarray(env, napi_uint32_array, b->count, bits_buffer, 0, &bits) == napi_ok &&
               napi_create_array_with_length(env, 4, &result) == napi_ok;
  if (ok) {
    napi_set_element(env, result, 0, items);
    napi_set_element(env, result, 1, bits);
    napi_set_element(env, result, 2, hashes);
    napi_set_element(env, result, 3, stats);
    napi_resolve_deferred(env, b->deferred, result);
  } else reject(env, b->deferred, "readFiles(): out of memory");
  napi_delete_async_work(env, b->work);
  free_batch(b);
}

/* a JavaScript string as a malloc'ed UTF-8 copy (*length bytes), or NULL */
static char *utf8_copy(napi_env env, napi_value value, size_t *length) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return NULL;
  char *out = malloc(len + 1);
  if (out) napi_get_value_string_utf8(env, value, out, len + 1, &len);
  if (length) *length = len;
  return out;
}

/* element i of an array of strings, copied (NULL when it is not a string or memory ran out) */
static char *element_copy(napi_env env, napi_value array, uint32_t i, size_t *length) {
  napi_value item;
  if (napi_get_element(env, array, i, &item) != napi_ok) return NULL;
  return utf8_copy(env, item, length);
}

static int is_array(napi_env env, napi_value value, uint32_t *length) {
  bool yes = false;
  if (napi_is_array(env, value, &yes) != napi_ok || !yes) return 0;
  napi_get_array_length(env, value, length);
  return 1;
}

/*
 * A batch of jobs for paths[] (and prefixes[], when given: same length), or NULL with a TypeError
 * thrown. A path with a NUL in it would open another file: such a job fails (the caller reads it
 * itself).
 */
static Batch *new_batch(napi_env env, napi_value paths, napi_value prefixes, const char *usage) {
  uint32_t n = 0, np = 0;
  napi_valuetype type;
  napi_typeof(env, prefixes, &type);
  int with_prefixes = type != napi_undefined;
  if (!is_array(env, paths, &n) || (with_prefixes && (!is_array(env, prefixes, &np) || np != n))) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  Batch *b = calloc(1, sizeof *b);
  if (b) b->jobs = calloc(n ? n : 1, sizeof *b->jobs);
  if (!b || !b->jobs) {
    free(b);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  b->count = n;
  for (uint32_t i = 0; i < n; i++) {
    Job *j = &b->jobs[i];
    size_t len = 0;
    j->path = element_copy(env, paths, i, &len);
    if (j->path && strlen(j->path) != len) j->path[0] = '\0';
    if (with_prefixes) j->prefix = element_copy(env, prefixes, i, &j->prefix_length);
    if (!j->path || (with_prefixes && !j->prefix)) {
      free_batch(b);
      napi_throw_type_error(env, NULL, usage);
      return NULL;
    }
  }
  return b;
}

static napi_value queue(napi_env env, Batch *b, const char *name, napi_async_execute_callback execute_cb, napi_async_complete_callback complete_cb) {
  napi_value promise, resource;
  napi_create_promise(env, &b->deferred, &promise);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource);
  if (napi_create_async_work(env, NULL, resource, execute_cb, complete_cb, b, &b->work) != napi_ok || napi_queue_async_work(env, b->work) != napi_ok) {
    free_batch(b);
    napi_throw_error(env, NULL, "could not queue the work");
    return NULL;
  }
  return promise;
}

#define READ_USAGE "readFiles(paths: string[], python: Uint8Array, maxBytes: number, prefixes?: string[], mode?: number)"

napi_value pgready_read_files(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  for (size_t k = argc; k < 5; k++) napi_get_undefined(env, &argv[k]);
  bool is_typed = false;
  double max = 0;
  int32_t mode = 0;
  napi_valuetype mode_type;
  napi_typeof(env, argv[4], &mode_type);
  if (argc < 3 || napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed || napi_get_value_double(env, argv[2], &max) != napi_ok || max < 0 ||
      (mode_type != napi_undefined && napi_get_value_int32(env, argv[4], &mode) != napi_ok)) {
    napi_throw_type_error(env, NULL, READ_USAGE);
    return NULL;
  }
  Batch *b = new_batch(env, argv[0], argv[3], READ_USAGE);
  if (!b) return NULL;
  napi_typedarray_type type;
  size_t flags_length = 0;
  void *flags = NULL;
  napi_get_typedarray_info(env, argv[1], &type, &flags_length, &flags, NULL, NULL);
  if (type != napi_uint8_array || flags_length < b->count) {
    free_batch(b);
    napi_throw_type_error(env, NULL, READ_USAGE);
    return NULL;
  }
  b->max_bytes = max > (double)SIZE_MAX ? SIZE_MAX : (size_t)max;
  /* a file is left unread only with its hash (complete): the caller checks it by that when it reads it */
  b->mode = mode;
  for (size_t i = 0; i < b->count; i++) b->jobs[i].python = ((uint8_t *)flags)[i] != 0;
  return queue(env, b, "pgready.readFiles", execute, complete);
}

/* whether byte c continues an identifier (JavaScript's [\w\u0080-\uffff], as UTF-8 bytes) */
static int identifier_byte(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80; }

/* whether the text holds the word with no identifier character on either side */
static int has_word(const uint8_t *s, size_t n, const char *word, size_t w) {
  if (w == 0 || w > n) return 0;
  const uint8_t first = (uint8_t)word[0];
  for (size_t i = 0; i + w <= n;) {
    const uint8_t *hit = memchr(s + i, first, n - w + 1 - i);
    if (!hit) return 0;
    size_t at = (size_t)(hit - s);
    if (memcmp(s + at, word, w) == 0 && (at == 0 || !identifier_byte(s[at - 1])) && (at + w == n || !identifier_byte(s[at + w]))) return 1;
    i = at + 1;
  }
  return 0;
}

#define SEARCH_NONE 0
#define SEARCH_FOUND 1
#define SEARCH_CHANGED 2

/* whether the text holds `needle` anywhere */
static int has_bytes(const uint8_t *s, size_t n, const char *needle) {
  size_t w = strlen(needle);
  if (w == 0 || w > n) return w == 0;
  for (size_t i = 0; i + w <= n;) {
    const uint8_t *hit = memchr(s + i, (uint8_t)needle[0], n - w + 1 - i);
    if (!hit) return 0;
    if (memcmp(hit, needle, w) == 0) return 1;
    i = (size_t)(hit - s) + 1;
  }
  return 0;
}

/*
 * reaches() of src/perf/engine.ts: the text names the factory as a whole identifier, and the module
 * defining it, or (a factory of a package's __init__.py) imports relatively.
 */
static int reaches(const uint8_t *s, size_t n, const char *name, const char *module, int package_init) {
  if (!has_word(s, n, name, strlen(name))) return 0;
  return (module[0] && has_word(s, n, module, strlen(module))) || (package_init && has_bytes(s, n, "from ."));
}

static void search_execute(napi_env env, void *data) {
  (void)env;
  Batch *b = data;
  for (size_t i = 0; i < b->count; i++) {
    Job *j = &b->jobs[i];
    j->python = 1;
    read_job(j, b->max_bytes);
    if (!j->ok || j->plain == PLAIN_NOT || (double)j->units != j->expected_units) b->found[i] = SEARCH_CHANGED;
    else {
      b->found[i] = SEARCH_NONE;
      for (size_t k = 0; k < b->ref_count && b->found[i] == SEARCH_NONE; k++)
        if (reaches(j->data + j->skip, j->length - j->skip, b->names[k], b->modules[k], b->package_init[k])) b->found[i] = SEARCH_FOUND;
    }
    free(j->data);
    j->data = NULL;
  }
}

/* resolves to a Uint8Array: for each file 0 (reaches none of the factories), 1 (one) or 2 (not plain UTF-8 now, another length, or unreadable) */
static void search_complete(napi_env env, napi_status status, void *data) {
  Batch *b = data;
  napi_value buffer, array;
  void *out = NULL;
  if (status == napi_ok && napi_create_arraybuffer(env, b->count, &out, &buffer) == napi_ok &&
      napi_create_typedarray(env, napi_uint8_array, b->count, buffer, 0, &array) == napi_ok) {
    if (b->count) memcpy(out, b->found, b->count);
    napi_resolve_deferred(env, b->deferred, array);
  } else reject(env, b->deferred, "searchFiles(): out of memory");
  napi_delete_async_work(env, b->work);
  free_batch(b);
}

#define SEARCH_USAGE "searchFiles(paths: string[], lengths: Float64Array, names: string[], modules: string[], packageInit: Uint8Array)"

napi_value pgready_search_files(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t nn = 0, nm = 0;
  bool is_typed = false, is_typed_init = false;
  if (argc < 5 || napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed || !is_array(env, argv[2], &nn) || !is_array(env, argv[3], &nm) ||
      nn != nm || napi_is_typedarray(env, argv[4], &is_typed_init) != napi_ok || !is_typed_init) {
    napi_throw_type_error(env, NULL, SEARCH_USAGE);
    return NULL;
  }
  napi_value no_prefixes;
  napi_get_undefined(env, &no_prefixes);
  Batch *b = new_batch(env, argv[0], no_prefixes, SEARCH_USAGE);
  if (!b) return NULL;
  napi_typedarray_type type, init_type;
  size_t n_lengths = 0, n_init = 0;
  void *lengths = NULL, *init = NULL;
  napi_get_typedarray_info(env, argv[1], &type, &n_lengths, &lengths, NULL, NULL);
  napi_get_typedarray_info(env, argv[4], &init_type, &n_init, &init, NULL, NULL);
  b->max_bytes = SIZE_MAX;
  b->found = calloc(b->count ? b->count : 1, 1);
  b->names = calloc(nn ? nn : 1, sizeof *b->names);
  b->modules = calloc(nn ? nn : 1, sizeof *b->modules);
  b->package_init = calloc(nn ? nn : 1, 1);
  int ok = type == napi_float64_array && n_lengths == b->count && init_type == napi_uint8_array && n_init == nn && b->found && b->names &&
           b->modules && b->package_init;
  for (uint32_t k = 0; ok && k < nn; k++) {
    b->ref_count++;
    b->names[k] = element_copy(env, argv[2], k, NULL);
    b->modules[k] = element_copy(env, argv[3], k, NULL);
    b->package_init[k] = ((uint8_t *)init)[k] != 0;
    ok = b->names[k] && b->modules[k];
  }
  for (size_t i = 0; ok && i < b->count; i++) b->jobs[i].expected_units = ((double *)lengths)[i];
  if (!ok) {
    free_batch(b);
    napi_throw_type_error(env, NULL, SEARCH_USAGE);
    return NULL;
  }
  return queue(env, b, "pgready.searchFiles", search_execute, search_complete);
}

/*
 * trimMemory(): gives the memory the thread pool's malloc arenas hold free back to the system
 * (glibc's malloc_trim; elsewhere nothing). Each pool thread that read and screened files allocated
 * in an arena of its own, and glibc kept what they freed to the end of the run, where large runs
 * peak: giving it back took 16,000 dense files from 222-224 to 215-217 MB.
 */
napi_value pgready_trim_memory(napi_env env, napi_callback_info info) {
  (void)info;
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}
