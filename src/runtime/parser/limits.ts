/**
 * Every fixed limit of the library, each with where it comes from. Most are
 * V8's, from src/wasm/wasm-limits.h (V8 11.3, Node 20; the `kV8MaxWasm*`
 * names), so that what we reject V8 would reject too, and so that a count in
 * hostile bytes cannot make us allocate without bound. (wasm-tools keeps the
 * same table in crates/wasmparser/src/limits.rs.)
 */

// ---- module structure (wasm-limits.h) ----

/** kV8MaxWasmTypes */
export const MAX_TYPES = 1_000_000;
/** kV8MaxWasmFunctions (imported and defined) */
export const MAX_FUNCTIONS = 1_000_000;
/** kV8MaxWasmImports */
export const MAX_IMPORTS = 1_000_000;
/** kV8MaxWasmExports */
export const MAX_EXPORTS = 1_000_000;
/** kV8MaxWasmGlobals */
export const MAX_GLOBALS = 1_000_000;
/** kV8MaxWasmTags */
export const MAX_TAGS = 1_000_000;
/** kV8MaxWasmDataSegments */
export const MAX_DATA_SEGMENTS = 100_000;
/** kV8MaxWasmTables */
export const MAX_TABLES = 100_000;
/** kV8MaxWasmMemories */
export const MAX_MEMORIES = 100_000;
/** kV8MaxWasmElementSegments */
export const MAX_ELEMENT_SEGMENTS = 10_000_000;
/** kV8MaxWasmTableInitEntries: the elements of one element segment. */
export const MAX_SEGMENT_ELEMENTS = 10_000_000;
// No limit on import and export names: wasm-limits.h defines kV8MaxWasmStringSize
// (100,000), but V8's decoder does not apply it to them (measured on Node 20 and 26:
// a 10,000,000-byte export name compiles); they are bounded by their section.
/** kV8MaxWasmFunctionParams */
export const MAX_FUNCTION_PARAMS = 1_000;
/** kV8MaxWasmFunctionReturns */
export const MAX_FUNCTION_RESULTS = 1_000;
/** kV8MaxWasmFunctionSize: bytes of one function body. */
export const MAX_FUNCTION_SIZE = 7_654_321;
/** kV8MaxWasmStructFields */
export const MAX_STRUCT_FIELDS = 10_000;
/**
 * Not V8's: the GC proposal allows at most one supertype (wasmparser's
 * MAX_WASM_SUPERTYPES is 1) and V8 checks that when it validates. This only
 * bounds the loop that skips them.
 */
export const MAX_SUPERTYPES = 1_000_000;

// ---- code (wasm-limits.h) ----

/** kV8MaxWasmFunctionLocals: locals of one function, parameters excluded. */
export const MAX_FUNCTION_LOCALS = 50_000;
/** kV8MaxWasmFunctionBrTableSize: the targets of one br_table. */
export const MAX_BR_TABLE_TARGETS = 65_520;
/**
 * Not V8's (it has none): the catch clauses of one try_table. Each takes at
 * least two bytes, so the body's size bounds them anyway; this is a sanity cap.
 */
export const MAX_CATCH_CLAUSES = 1_000_000;

// ---- memories and tables ----

/** A WebAssembly page: 64 KiB (https://webassembly.github.io/spec/core/exec/runtime.html#page-size). */
export const PAGE_SIZE = 65536;
/**
 * The most pages a 32-bit memory can have: 2^16 pages of 64 KiB, 4 GiB
 * (https://webassembly.github.io/spec/core/valid/types.html#memory-types;
 * wasm-limits.h kSpecMaxMemory32Pages). V8 allows every one of them.
 */
export const MAX_MEMORY32_PAGES = 65536;
/** kV8MaxWasmTableSize: the elements of one table. */
export const MAX_TABLE_ELEMENTS = 10_000_000;

// ---- inputs ----

/** kV8MaxWasmModuleSize: V8 refuses modules over 1 GiB, so no input file needs more. */
export const MAX_INPUT_BYTES = 1024 ** 3;
