/** WebAssembly text fixtures shared by the parser tests, each showing one part of the binary format. */
import { readFileSync } from 'node:fs';
import { FIXTURES, wat } from '../../helpers/wat.js';
import { watUnchecked } from './binary.js';

function watString(s: string): string {
  return [...new TextEncoder().encode(s)]
    .map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\${b.toString(16)}`))
    .join('');
}

/** Text fixtures, each showing one part of the binary format. */
export const FIXTURE_TEXTS: Record<string, string> = {
  importsOfEveryKind: `(module
    (type $t (func (param i32 i64) (result f32)))
    (import "env" "f" (func $f (type $t)))
    (import "env" "tbl" (table 2 10 funcref))
    (import "env" "ext" (table 1 externref))
    (import "env" "mem" (memory 1 4 shared))
    (import "env" "g32" (global i32))
    (import "env" "g64" (global (mut i64)))
    (import "env" "gf32" (global f32))
    (import "env" "gf64" (global (mut f64)))
    (import "env" "gref" (global externref))
    (import "env" "tag" (tag (param i32)))
    (export "f" (func $f))
    (export "g64" (global 1)))`,
  memory64: `(module (memory (export "m") i64 2 100))`,
  multiValue: `(module
    (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
    (func (export "none")))`,
  globalsOfEveryType: `(module
    (import "env" "base" (global $base i32))
    (global (export "a") i32 (i32.const -1))
    (global (export "b") (mut i64) (i64.const -9223372036854775808))
    (global (export "c") f32 (f32.const 1.5))
    (global (export "d") (mut f64) (f64.const -2.25))
    (global (export "e") v128 (v128.const i32x4 1 2 3 4))
    (global (export "f") externref (ref.null extern))
    (global (export "g") funcref (ref.func $h))
    (global (export "h") i32 (global.get $base))
    (func $h))`,
  extendedConst: `(module
    (import "env" "base" (global $base i32))
    (global (export "x") i32 (i32.add (global.get $base) (i32.mul (i32.const 2) (i32.const 3))))
    (global (export "y") i64 (i64.sub (i64.const 1) (i64.const 3))))`,
  names: `(module $the_module
    (import "env" "log" (func $log (param i32)))
    (func $first (export "first") (call $log (i32.const 1)))
    (func $second))`,
  startAndTables: `(module
    (table $t1 2 funcref)
    (table $t2 3 externref)
    (memory 1)
    (func $init)
    (start $init)
    (export "t2" (table $t2)))`,
  elementSegments: `(module
    (table $t 10 funcref)
    (table $u 10 funcref)
    (func $f) (func $g)
    (elem (i32.const 0) $f $g)
    (elem func $f)
    (elem (table $u) (i32.const 1) func $g)
    (elem declare func $f)
    (elem (i32.const 2) funcref (ref.func $f) (ref.null func))
    (elem funcref (ref.func $g))
    (elem (table $u) (i32.const 3) funcref (ref.null func))
    (elem declare funcref (ref.func $g)))`,
  dataSegments: `(module
    (memory $m 1)
    (data (i32.const 16) "hello")
    (data "passive bytes")
    (data (memory $m) (offset (i32.const 64)) "\\00\\01\\02")
    (func (export "init") (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 4)) (data.drop 1)))`,
  tags: `(module
    (import "env" "imported" (tag $a (param i32)))
    (tag $b (param i64 f64))
    (export "b" (tag $b))
    (export "a" (tag $a))
    (func (export "thrower") (throw $b (i64.const 1) (f64.const 2))))`,
  mutableGlobalExport: `(module (global $g (export "counter") (mut i32) (i32.const 0)))`,
  // The wabt package reads .wat text as Latin-1, so non-ASCII names are written as \hh escapes.
  utf8Names: `(module (func (export "${watString('héllo wörld ✓ 🎉')}")) (memory (export "${watString('mémoire')}") 1))`,
};

/** Fixtures wabt's validator wrongly rejects (shared memories, extended-const), built without it. */
const UNCHECKED = new Set(['importsOfEveryKind', 'extendedConst']);

export async function buildFixtures(): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const [key, text] of Object.entries(FIXTURE_TEXTS)) {
    out[key] = UNCHECKED.has(key) ? await watUnchecked(text) : await wat(text);
  }
  out.simple = new Uint8Array(readFileSync(`${FIXTURES}simple.wasm`));
  return out;
}
