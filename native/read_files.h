#ifndef PGREADY_READ_FILES_H
#define PGREADY_READ_FILES_H
#include <node_api.h>

/* readFiles(paths: string[], python: Uint8Array, maxBytes: number): Promise<[(Buffer | null)[], Uint32Array]> */
napi_value pgready_read_files(napi_env env, napi_callback_info info);

#endif
