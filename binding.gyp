# pgready's Python parser addon (native/pyparse.c): tree-sitter and tree-sitter-python compiled from
# the C sources their npm packages ship; -w because those vendored sources warn, not our file.
{
  "targets": [
    {
      "target_name": "pgready_pyparse",
      "sources": [
        "native/pyparse.c",
        "node_modules/tree-sitter/vendor/tree-sitter/lib/src/lib.c",
        "node_modules/tree-sitter-python/src/parser.c",
        "node_modules/tree-sitter-python/src/scanner.c"
      ],
      "include_dirs": [
        "node_modules/tree-sitter/vendor/tree-sitter/lib/include",
        "node_modules/tree-sitter/vendor/tree-sitter/lib/src",
        "node_modules/tree-sitter-python/src"
      ],
      "cflags_c": ["-std=c11", "-O2", "-w"],
      "defines": ["_POSIX_C_SOURCE=200112L", "_DEFAULT_SOURCE", "NAPI_VERSION=8"]
    }
  ]
}
