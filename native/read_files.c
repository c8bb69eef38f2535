/*
 * readFiles(paths, python, maxBytes): files read and screened on libuv's thread pool, so that the main
 * thread decodes and judges one batch while the next is read (src/perf/reader.ts).
 *
 * Each file is read whole with C stdio; a Python file's bytes (after a UTF-8 BOM) go through the
 * prefilter's screen (screen.c). Only the plain case is handled here: a file that cannot be opened
 * or read, or holds more than maxBytes, comes back as null, and the caller reads it again the usual
 * way (readSource), which says why in its own words.
 */
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "read_files.h"
#include "screen.h"

typedef struct {
  char *path;
  int python;
  uint8_t *data;
  size_t length;
  int ok;
  uint32_t bits;
  /* PLAIN_*: how complete() hands the bytes over */
  int plain;
  /* bytes to skip (a UTF-8 BOM) */
  size_t skip;
} Job;

#define PLAIN_NOT 0   /* a Buffer, for decodeSource (src/discover/read.ts) */
#define PLAIN_ASCII 1 /* a string, made from bytes below 0x80 */
#define PLAIN_UTF8 2  /* a string, made from valid UTF-8 */

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  Job *jobs;
  size_t count;
  size_t max_bytes;
} Batch;

/* the whole file, or 0 when it cannot be read or holds more than max bytes */
static int read_whole(const char *path, size_t max, uint8_t **out, size_t *length) {
  if (!path[0]) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t capacity = 16384, n = 0;
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

/* 1: valid UTF-8 (as TextDecoder decodes it without a replacement), 0 otherwise; *ascii when every byte is < 0x80 */
static int valid_utf8(const uint8_t *s, size_t n, int *ascii) {
  size_t i = 0;
  *ascii = 1;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
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
  }
  return 1;
}

/*
 * Whether decodeSource would decode these bytes as plain UTF-8 (after a UTF-8 BOM) with nothing
 * replaced: no UTF-16 BOM, no NUL in the first 8 KiB, for a Python file no "coding" in its first
 * two lines (a PEP 263 cookie may be there: codingCookie decides), and valid UTF-8. Anything else
 * goes to decodeSource as bytes.
 */
static int plain_kind(const uint8_t *s, size_t n, int python, size_t *skip) {
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
  if (!valid_utf8(s + *skip, n - *skip, &ascii)) return PLAIN_NOT;
  return ascii ? PLAIN_ASCII : PLAIN_UTF8;
}

static void execute(napi_env env, void *data) {
  (void)env;
  Batch *b = data;
  for (size_t i = 0; i < b->count; i++) {
    Job *j = &b->jobs[i];
    j->ok = read_whole(j->path, b->max_bytes, &j->data, &j->length);
    if (!j->ok) continue;
    j->plain = plain_kind(j->data, j->length, j->python, &j->skip);
    if (j->python) {
      size_t skip = j->length >= 3 && j->data[0] == 0xef && j->data[1] == 0xbb && j->data[2] == 0xbf ? 3 : 0;
      j->bits = (uint32_t)pgready_screen(j->data + skip, j->length - skip);
    }
  }
}

static void free_batch(Batch *b) {
  for (size_t i = 0; i < b->count; i++) {
    free(b->jobs[i].path);
    free(b->jobs[i].data);
  }
  free(b->jobs);
  free(b);
}

/*
 * Resolves to [items, bits]: each file's text as a string when it is plain (plain_kind), else its
 * bytes as a Buffer (a copy: memory V8 does not count would go unnoticed until a collection),
 * null when it could not be read; bits as execute() found them.
 */
static void complete(napi_env env, napi_status status, void *data) {
  Batch *b = data;
  napi_value items, bits_buffer, bits, result;
  void *bits_data = NULL;
  int ok = status == napi_ok && napi_create_array_with_length(env, b->count, &items) == napi_ok &&
           napi_create_arraybuffer(env, b->count * sizeof(uint32_t), &bits_data, &bits_buffer) == napi_ok;
  for (size_t i = 0; ok && i < b->count; i++) {
    Job *j = &b->jobs[i];
    napi_value value;
    napi_status made;
    ((uint32_t *)bits_data)[i] = j->bits;
    const char *text = (const char *)j->data + j->skip;
    size_t length = j->length - j->skip;
    if (!j->ok) made = napi_get_null(env, &value);
    else if (j->plain == PLAIN_ASCII) made = napi_create_string_latin1(env, text, length, &value);
    else if (j->plain == PLAIN_UTF8) made = napi_create_string_utf8(env, text, length, &value);
    else made = napi_create_buffer_copy(env, j->length, j->data, NULL, &value);
    if (made != napi_ok) {
      /* too long for a string, say: the caller reads the file itself and says why */
      bool pending = false;
      napi_value ignored;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ignored);
      made = napi_get_null(env, &value);
    }
    if (made != napi_ok) ok = 0;
    else napi_set_element(env, items, (uint32_t)i, value);
    free(j->data);
    j->data = NULL;
  }
  if (ok) ok = napi_create_typedarray(env, napi_uint32_array, b->count, bits_buffer, 0, &bits) == napi_ok &&
               napi_create_array_with_length(env, 2, &result) == napi_ok;
  if (ok) {
    napi_set_element(env, result, 0, items);
    napi_set_element(env, result, 1, bits);
    napi_resolve_deferred(env, b->deferred, result);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, "readFiles(): out of memory", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, b->deferred, error);
  }
  napi_delete_async_work(env, b->work);
  free_batch(b);
}

napi_value pgready_read_files(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false, is_typed = false;
  double max = 0;
  if (argc < 3 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed || napi_get_value_double(env, argv[2], &max) != napi_ok || max < 0) {
    napi_throw_type_error(env, NULL, "readFiles(paths: string[], python: Uint8Array, maxBytes: number)");
    return NULL;
  }
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  napi_typedarray_type type;
  size_t flags_length = 0;
  void *flags = NULL;
  napi_get_typedarray_info(env, argv[1], &type, &flags_length, &flags, NULL, NULL);
  if (type != napi_uint8_array || flags_length < n) {
    napi_throw_type_error(env, NULL, "readFiles(): python must be a Uint8Array with a flag a path");
    return NULL;
  }
  Batch *b = calloc(1, sizeof *b);
  if (b) b->jobs = calloc(n ? n : 1, sizeof *b->jobs);
  if (!b || !b->jobs) {
    free(b);
    napi_throw_error(env, NULL, "readFiles(): out of memory");
    return NULL;
  }
  b->count = n;
  b->max_bytes = max > (double)SIZE_MAX ? SIZE_MAX : (size_t)max;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    size_t len = 0;
    napi_get_element(env, argv[0], i, &item);
    if (napi_get_value_string_utf8(env, item, NULL, 0, &len) != napi_ok || !(b->jobs[i].path = malloc(len + 1))) {
      free_batch(b);
      napi_throw_type_error(env, NULL, "readFiles(): paths must be strings");
      return NULL;
    }
    napi_get_value_string_utf8(env, item, b->jobs[i].path, len + 1, &len);
    /* a path with a NUL in it would open another file: such a job fails (the caller reads it itself) */
    if (strlen(b->jobs[i].path) != len) b->jobs[i].path[0] = '\0';
    b->jobs[i].python = ((uint8_t *)flags)[i] != 0;
  }
  napi_value promise, name;
  napi_create_promise(env, &b->deferred, &promise);
  napi_create_string_utf8(env, "pgready.readFiles", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, execute, complete, b, &b->work) != napi_ok || napi_queue_async_work(env, b->work) != napi_ok) {
    free_batch(b);
    napi_throw_error(env, NULL, "readFiles(): could not queue the work");
    return NULL;
  }
  return promise;
}
