#ifndef PGREADY_READ_FILES_H
#define PGREADY_READ_FILES_H
#include <node_api.h>

/* readFiles(paths, python, maxBytes, prefixes?, lazy?): Promise<[items, bits, hashes]> (read_files.c) */
napi_value pgready_read_files(napi_env env, napi_callback_info info);
/* searchFiles(paths, lengths, names, modules, packageInit): Promise<Uint8Array> (read_files.c) */
napi_value pgready_search_files(napi_env env, napi_callback_info info);
/* trimMemory(): the pool threads' free malloc memory given back (read_files.c) */
napi_value pgready_trim_memory(napi_env env, napi_callback_info info);

#endif
