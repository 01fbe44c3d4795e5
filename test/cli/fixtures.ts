// WebAssembly text fixtures of the CLI tests, each named for what it shows.
// helpers.ts writes each one as NAME.wat and builds NAME.wasm (with a name section).

export const CLI_FIXTURES = {
  /** One export per value type, multi-value, no results, and a v128 round trip. */
  types: `(module $types
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "f32id") (param f32) (result f32) local.get 0)
  (func (export "f64id") (param f64) (result f64) local.get 0)
  (func (export "f32div") (param f32 f32) (result f32) local.get 0 local.get 1 f32.div)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "v") (param v128) (result v128) local.get 0)
  (func (export "nothing"))
  (memory (export "mem") 1)
  (global (export "g") (mut i32) (i32.const 0)))`,

  /** Traps two calls deep, so the backtrace has two frames with names. */
  trap: `(module $trap
  (func $boom (export "boom") unreachable)
  (func $outer (export "outer") call $boom)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))`,

  /** Needs an import that neither run nor call provides: a link error. */
  link: `(module
  (import "env" "log" (func $log (param i32)))
  (func (export "main") i32.const 1 call $log))`,

  /** A WASI command that writes a line and exits with proc_exit(7); also callable exports. */
  exit7: `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 7)))
  (func (export "answer") (result i32) i32.const 42)
  (func (export "quit") (param i32) local.get 0 call $exit))`,

  /** Never ends: for --timeout. */
  loop: `(module
  (func (export "_start") (loop $l br $l))
  (func (export "spin") (result i32) (loop $l br $l) i32.const 0))`,

  /** memory.grow from the guest: for --max-memory. */
  grow: `(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`,

  /** Every import and export kind, a start function and a module name. */
  kinds: `(module $kinds
  (import "env" "f" (func $f (param i32 f64) (result i64)))
  (import "env" "mem" (memory 1 4))
  (import "env" "tab" (table 2 funcref))
  (import "env" "gi" (global i32))
  (import "env" "gm" (global (mut f32)))
  (func $init)
  (func (export "pair") (result i32 i64) i32.const 1 i64.const 2)
  (table $t (export "table") 1 10 funcref)
  (global (export "counter") (mut i64) (i64.const 0))
  (export "memory" (memory 0))
  (export "f" (func $f))
  (start $init))`,

  /** Proposals visible in headers and in code: SIMD, atomics, bulk memory, multi-value. */
  proposals: `(module
  (memory (export "memory") 1 1)
  (func (export "splat") (param i32) (result v128) local.get 0 i32x4.splat)
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "two") (result i32 i32) i32.const 1 i32.const 2)
  (func (export "load") (param i32) (result i32) local.get 0 i32.atomic.load))`,

  /** A module with no function exports at all. */
  empty: `(module (memory (export "memory") 1))`,
} as const;

export type FixtureName = keyof typeof CLI_FIXTURES;
