# pgready's Python parser addon (native/pyparse.c): tree-sitter and tree-sitter-python compiled from
# the C sources their npm packages ship, found wherever npm put those packages (hoisted or not);
# -w because those vendored sources warn, not our file.
{
  "variables": {
    "ts_dir": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('tree-sitter/package.json')))\")",
    "tsp_dir": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('tree-sitter-python/package.json')))\")"
  },
  "targets": [
    {
      "target_name": "pgready_pyparse",
      "sources": [
        "native/pyparse.c",
        "native/screen.c",
        "native/looks_like_sql.c",
        "native/read_files.c",
        "<(ts_dir)/vendor/tree-sitter/lib/src/lib.c",
        "<(tsp_dir)/src/parser.c",
        "<(tsp_dir)/src/scanner.c"
      ],
      "include_dirs": [
        "<(ts_dir)/vendor/tree-sitter/lib/include",
        "<(ts_dir)/vendor/tree-sitter/lib/src",
        "<(tsp_dir)/src"
      ],
      "cflags_c": ["-std=c11", "-O2", "-w"],
      "defines": ["_POSIX_C_SOURCE=200112L", "_DEFAULT_SOURCE", "NAPI_VERSION=8"]
    }
  ]
}
