/*
 * pgready's Python parser: tree-sitter and tree-sitter-python compiled in (their C sources ship in
 * node_modules), exposed as one call that returns the whole syntax tree as a flat Uint32Array.
 *
 * Why: the tree-sitter npm binding answers one node property per native call (about 100-150 ns
 * each); the analyzer touches every node several times, so most of its time went into the
 * binding. Here a single TSTreeCursor walk writes every node in preorder, and JavaScript reads the
 * array at memory speed (src/lang/python/tree.ts). The tree itself is freed before returning, so
 * no finalizer has to run for memory to come back.
 *
 * Layout, NODE_WORDS words a node, nodes in preorder:
 *   0  symbol (low 16 bits; 0xFFFF is ERROR) | flags << 16 (1 named, 2 missing, 4 has-error)
 *   1  field id of the node in its parent (0: none)
 *   2  start, 3 end: UTF-16 code unit offsets into the text (JavaScript string indices)
 *   4  parent index (0xFFFFFFFF for the root)
 *   5  subtree size: the node and all its descendants
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "tree_sitter/api.h"
#include "looks_like_sql.h"
#include "screen.h"
#include "read_files.h"

#define NODE_WORDS 6

const TSLanguage *tree_sitter_python(void);

typedef struct {
  TSParser *parser;
} Instance;

static void instance_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Instance *inst = data;
  if (inst->parser) ts_parser_delete(inst->parser);
  free(inst);
}

static Instance *instance(napi_env env) {
  Instance *inst = NULL;
  napi_get_instance_data(env, (void **)&inst);
  if (inst) return inst;
  inst = calloc(1, sizeof(Instance));
  if (!inst) return NULL;
  inst->parser = ts_parser_new();
  if (!inst->parser || !ts_parser_set_language(inst->parser, tree_sitter_python())) {
    if (inst->parser) ts_parser_delete(inst->parser);
    free(inst);
    return NULL;
  }
  napi_set_instance_data(env, inst, instance_free, NULL);
  return inst;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

typedef struct {
  uint32_t *words;
  size_t count;
  size_t capacity;
} Nodes;

static int grow(Nodes *nodes) {
  size_t capacity = nodes->capacity ? nodes->capacity * 2 : 4096;
  uint32_t *words = realloc(nodes->words, capacity * NODE_WORDS * sizeof(uint32_t));
  if (!words) return 0;
  nodes->words = words;
  nodes->capacity = capacity;
  return 1;
}

static int flatten(TSTree *tree, Nodes *nodes) {
  TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree));
  uint32_t *stack = NULL;
  size_t depth = 0, stack_capacity = 0;
  int ok = 1;
  for (;;) {
    if (nodes->count == nodes->capacity && !grow(nodes)) {
      ok = 0;
      break;
    }
    TSNode node = ts_tree_cursor_current_node(&cursor);
    uint32_t index = (uint32_t)nodes->count++;
    uint32_t *w = nodes->words + (size_t)index * NODE_WORDS;
    uint32_t flags = (ts_node_is_named(node) ? 1u : 0u) | (ts_node_is_missing(node) ? 2u : 0u) |
                     (ts_node_has_error(node) ? 4u : 0u);
    w[0] = (uint32_t)ts_node_symbol(node) | (flags << 16);
    w[1] = ts_tree_cursor_current_field_id(&cursor);
    w[2] = ts_node_start_byte(node) / 2;
    w[3] = ts_node_end_byte(node) / 2;
    w[4] = depth > 0 ? stack[depth - 1] : 0xFFFFFFFFu;
    w[5] = 1;
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      if (depth == stack_capacity) {
        size_t capacity = stack_capacity ? stack_capacity * 2 : 256;
        uint32_t *grown = realloc(stack, capacity * sizeof(uint32_t));
        if (!grown) {
          ok = 0;
          break;
        }
        stack = grown;
        stack_capacity = capacity;
      }
      stack[depth++] = index;
      continue;
    }
    int done = 0;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) {
        done = 1;
        break;
      }
      uint32_t parent = stack[--depth];
      nodes->words[(size_t)parent * NODE_WORDS + 5] = (uint32_t)(nodes->count - parent);
    }
    if (done) break;
  }
  free(stack);
  ts_tree_cursor_delete(&cursor);
  return ok;
}

/* the flattened tree as a Uint32Array (NULL, with an error thrown, when out of memory); frees nodes */
static napi_value words_array(napi_env env, Nodes *nodes) {
  size_t bytes = nodes->count * NODE_WORDS * sizeof(uint32_t);
  void *data = NULL;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, bytes, &data, &buffer) != napi_ok) {
    free(nodes->words);
    return fail(env, "out of memory");
  }
  memcpy(data, nodes->words, bytes);
  free(nodes->words);
  napi_create_typedarray(env, napi_uint32_array, nodes->count * NODE_WORDS, buffer, 0, &array);
  return array;
}

/* a copy of the string's UTF-16 code units (NULL, with an error thrown, when it is not a string) */
static char16_t *utf16_copy(napi_env env, napi_value value, size_t *length, const char *usage) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type != napi_string) {
    fail(env, usage);
    return NULL;
  }
  napi_get_value_string_utf16(env, value, NULL, 0, length);
  char16_t *text = malloc((*length + 1) * sizeof(char16_t));
  if (!text) {
    fail(env, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf16(env, value, text, *length + 1, length);
  return text;
}

/* the text parsed and flattened into nodes; 0 when tree-sitter gave no tree or memory ran out */
static int parse_into(TSParser *parser, const char16_t *text, size_t length, Nodes *nodes) {
  TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, (const char *)text, (uint32_t)(length * 2), TSInputEncodingUTF16LE);
  if (!tree) return 0;
  int ok = flatten(tree, nodes);
  ts_tree_delete(tree);
  if (!ok) {
    free(nodes->words);
    nodes->words = NULL;
  }
  return ok;
}

/* parse(text: string): Uint32Array */
static napi_value parse(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return fail(env, "parse(text) needs a string");
  Instance *inst = instance(env);
  if (!inst) return fail(env, "tree-sitter-python could not be loaded");
  size_t length = 0;
  char16_t *text = utf16_copy(env, argv[0], &length, "parse(text) needs a string");
  if (!text) return NULL;
  Nodes nodes = {0};
  int ok = parse_into(inst->parser, text, length, &nodes);
  free(text);
  if (!ok) return fail(env, "tree-sitter returned no tree, or memory ran out");
  return words_array(env, &nodes);
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char16_t *text;
  size_t length;
  Nodes nodes;
  int ok;
} ParseJob;

/* on a thread of libuv's pool: a parser of its own (a TSParser serves one thread at a time) */
static void parse_execute(napi_env env, void *data) {
  (void)env;
  ParseJob *job = data;
  TSParser *parser = ts_parser_new();
  job->ok = parser && ts_parser_set_language(parser, tree_sitter_python()) && parse_into(parser, job->text, job->length, &job->nodes);
  if (parser) ts_parser_delete(parser);
  free(job->text);
  job->text = NULL;
}

static void parse_complete(napi_env env, napi_status status, void *data) {
  ParseJob *job = data;
  napi_value result = NULL;
  if (status == napi_ok && job->ok) result = words_array(env, &job->nodes);
  else free(job->nodes.words);
  if (result) napi_resolve_deferred(env, job->deferred, result);
  else {
    napi_value message, error, pending;
    bool thrown = false;
    if (napi_is_exception_pending(env, &thrown) == napi_ok && thrown) napi_get_and_clear_last_exception(env, &pending);
    napi_create_string_utf8(env, "parseAsync(): tree-sitter returned no tree, or memory ran out", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

/* parseAsync(text: string): Promise<Uint32Array>, parse() on libuv's thread pool */
static napi_value parse_async(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return fail(env, "parseAsync(text) needs a string");
  ParseJob *job = calloc(1, sizeof *job);
  if (!job) return fail(env, "out of memory");
  job->text = utf16_copy(env, argv[0], &job->length, "parseAsync(text) needs a string");
  if (!job->text) {
    free(job);
    return NULL;
  }
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "pgready.parseAsync", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, parse_execute, parse_complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free(job->text);
    free(job);
    return fail(env, "parseAsync(): could not queue the work");
  }
  return promise;
}

/* names(): [symbolNames: string[], fieldNames: string[]] (index = symbol / field id) */
static napi_value names(napi_env env, napi_callback_info info) {
  (void)info;
  const TSLanguage *language = tree_sitter_python();
  uint32_t symbols = ts_language_symbol_count(language);
  uint32_t fields = ts_language_field_count(language);
  napi_value result, symbol_names, field_names, s;
  napi_create_array_with_length(env, 2, &result);
  napi_create_array_with_length(env, symbols, &symbol_names);
  for (uint32_t i = 0; i < symbols; i++) {
    const char *name = ts_language_symbol_name(language, (TSSymbol)i);
    napi_create_string_utf8(env, name ? name : "", NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, symbol_names, i, s);
  }
  napi_create_array_with_length(env, fields + 1, &field_names);
  for (uint32_t i = 0; i <= fields; i++) {
    const char *name = i == 0 ? "" : ts_language_field_name_for_id(language, (TSFieldId)i);
    napi_create_string_utf8(env, name ? name : "", NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, field_names, i, s);
  }
  napi_set_element(env, result, 0, symbol_names);
  napi_set_element(env, result, 1, field_names);
  return result;
}

/* screen(bytes: Uint8Array): number, the prefilter's native screen (screen.c: SCREEN_* bits) */
static napi_value screen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  bool is_typedarray = false;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typedarray) != napi_ok || !is_typedarray) return fail(env, "screen() takes a Uint8Array");
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL);
  if (type != napi_uint8_array) return fail(env, "screen() takes a Uint8Array");
  napi_value result;
  napi_create_uint32(env, (uint32_t)pgready_screen(data, length), &result);
  return result;
}

/* sqlKeywords(words: string[]): hands the screen SQLite's keywords (looks_like_sql.c), once a process */
static napi_value sql_keywords(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false;
  uint32_t n = 0;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) return fail(env, "sqlKeywords() takes an array of strings");
  napi_get_array_length(env, argv[0], &n);
  char **words = calloc(n ? n : 1, sizeof *words);
  int ok = words != NULL;
  for (uint32_t k = 0; ok && k < n; k++) {
    napi_value item;
    char buf[64];
    size_t len = 0;
    napi_get_element(env, argv[0], k, &item);
    if (napi_get_value_string_utf8(env, item, buf, sizeof buf, &len) != napi_ok || len >= sizeof buf - 1) ok = 0;
    else if (!(words[k] = malloc(len + 1))) ok = 0;
    else memcpy(words[k], buf, len + 1);
  }
  if (ok) ok = pgready_set_sql_keywords((const char *const *)words, n);
  for (uint32_t k = 0; words && k < n; k++) free(words[k]);
  free(words);
  if (!ok) return fail(env, "sqlKeywords(): a word too long, or out of memory");
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

NAPI_MODULE_INIT() {
#define METHOD(name, cb) {name, NULL, cb, NULL, NULL, NULL, napi_enumerable, NULL}
  const napi_property_descriptor methods[] = {
      METHOD("parse", parse),
      METHOD("parseAsync", parse_async),
      METHOD("names", names),
      METHOD("screen", screen),
      METHOD("sqlKeywords", sql_keywords),
      METHOD("readFiles", pgready_read_files),
      METHOD("searchFiles", pgready_search_files),
      METHOD("trimMemory", pgready_trim_memory),
  };
#undef METHOD
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}
