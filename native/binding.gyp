{
  # No -std here: each Node's include/node/common.gypi sets the C++ standard its
  # headers need (gnu++17 for Node 20 and 22; gnu++20 for Node 24 and 26, whose
  # v8config.h stops with "C++20 or later required"). A -std of our own comes
  # after common.gypi's on the command line and would override it.
  "targets": [
    {
      "target_name": "wasmer_ts_native",
      "sources": ["src/addon.cc", "src/blake3.cc", "src/compile-file.cc", "src/sha256.cc", "src/stat-type.cc"],
      "cflags_cc": ["-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "conditions": [
        ["OS=='linux'", { "libraries": ["-ldl"] }],
        ["OS=='mac'", { "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES" } }]
      ]
    }
  ]
}
