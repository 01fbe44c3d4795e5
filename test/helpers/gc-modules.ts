// The WebAssembly 3.0 modules the GC / typed-reference / table64 / exceptions tests
// share (runtime and CLI), hand-encoded with gc-binary.ts: what each holds is
// listed above it, with the text format it would be if wabt could write it.
import {
  array,
  code,
  END,
  expr,
  field,
  func,
  I,
  limits,
  module,
  name,
  nameMap,
  nameSection,
  nameSubsection,
  rec,
  ref,
  refNull,
  section,
  struct,
  sub,
  T,
  u32,
  vec,
} from './gc-binary.js';

/** Whether this Node's V8 accepts GC types by default (Node 22+ does; Node 20's V8 11.3 needs a flag). */
export const hasGc = WebAssembly.validate(module(section(1, vec([struct()]))));

/**
 * Whether this V8 accepts a table64 (table limits flag 0x04) by default: Node 26 (V8 14.6) does,
 * Node 20 does not ("invalid table elements limits flags").
 */
export const hasTable64 = WebAssembly.validate(module(section(4, vec([[0x70, ...limits(1, 2, true)]]))));

/** 2^64 - 1: the largest u64, a table64 maximum V8 accepts (it caps growth at its own limit). */
export const U64_MAX = (1n << 64n) - 1n;

/**
 * "shapes": every construct of the brief in one module.
 *
 * (rec (type $point (sub (struct (field $x i32) (field $y (mut i64)))))
 *      (type $point3 (sub final $point (struct (field $x i32) (field $y (mut i64)) (field $tag (mut i8)) (field $w i16)))))
 * (type $bytes (array (mut i8)))
 * (type (array (ref null $point)))                                   ;; 3, no name
 * (type $sig (func (param (ref null $point) anyref eqref i31ref structref arrayref nullref (ref any) (ref $bytes) (ref null 3))
 *                  (result externref funcref exnref nullfuncref nullexternref nullexnref (ref none) (ref noexn) (ref extern))))
 * (type $payload (func (param i32 i64)))
 * (type (func))                                                      ;; 6
 * (import "env" "tab64" (table i64 0 18446744073709551615 (ref null func)))
 * (import "env" "mem64" (memory i64 1 65536))
 * (import "env" "g" (global (mut (ref null $point))))
 * (import "env" "k" (global i64))
 * (import "env" "tag" (tag (type $payload)))
 * (func $f (type $sig) unreachable)
 * (func $thrower (type 6) (throw $own (i32.const 7) (i64.const 8)))
 * (table $structs 1 (ref null $point) (struct.new $point (i32.const 1) (i64.const 2)))
 * (table 0 funcref)
 * (memory 0 1) (memory i64 0)
 * (tag $own (type $payload))
 * (global (ref i31) (ref.i31 (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.sub (i32.const 5) (i32.const 2))))))
 * (global i64 (i64.mul (i64.add (global.get 1) (i64.const 2)) (i64.sub (i64.const 10) (i64.const 3))))
 * (global (ref 3) (array.new_fixed 3 2 (ref.null $point) (ref.null $point)))
 * (global anyref (any.convert_extern (ref.null extern)))
 * (global externref (extern.convert_any (ref.i31 (i32.const 0))))
 * (global (mut (ref null $point)) (struct.new_default $point))
 * (elem $fs func $f) (data $bytes "ab")
 * exports: every function, table, memory, global and tag; a name section with every subsection.
 */
export function shapesModule(): Uint8Array {
  const POINT = 0;
  const BYTES = 2;
  const POINTS = 3;
  const SIG = 4;
  const PAYLOAD = 5;
  const EMPTY = 6;
  const types = section(
    1,
    vec([
      rec(
        sub(false, [], struct(field(T.i32), field(T.i64, true))),
        sub(true, [POINT], struct(field(T.i32), field(T.i64, true), field(T.i8, true), field(T.i16))),
      ),
      array(field(T.i8, true)),
      array(field(refNull(POINT))),
      func(
        [
          refNull(POINT),
          T.anyref,
          T.eqref,
          T.i31ref,
          T.structref,
          T.arrayref,
          T.nullref,
          ref('any'),
          ref(BYTES),
          refNull(POINTS),
        ],
        [
          T.externref,
          T.funcref,
          T.exnref,
          T.nullfuncref,
          T.nullexternref,
          T.nullexnref,
          ref('none'),
          ref('noexn'),
          ref('extern'),
        ],
      ),
      func([T.i32, T.i64], []),
      func([], []),
    ]),
  );
  const imports = section(
    2,
    vec([
      [...name('env'), ...name('tab64'), 0x01, ...refNull('func'), ...limits(0, U64_MAX, true)],
      [...name('env'), ...name('mem64'), 0x02, ...limits(1, 65536, true)],
      [...name('env'), ...name('g'), 0x03, ...refNull(POINT), 1],
      [...name('env'), ...name('k'), 0x03, ...T.i64, 0],
      [...name('env'), ...name('tag'), 0x04, 0x00, ...u32(PAYLOAD)],
    ]),
  );
  const functions = section(3, vec([u32(SIG), u32(EMPTY)]));
  const tables = section(
    4,
    vec([
      [0x40, 0x00, ...refNull(POINT), ...limits(1, null, false), ...expr(I.i32(1), I.i64(2), I.structNew(POINT))],
      [...T.funcref, ...limits(0, null, false)],
    ]),
  );
  const memories = section(5, vec([limits(0, 1, false), limits(0, null, true)]));
  const tags = section(13, vec([[0x00, ...u32(PAYLOAD)]]));
  const globals = section(
    6,
    vec([
      [...ref('i31'), 0, ...expr(I.i32(1), I.i32(2), I.i32(5), I.i32(2), I.i32Sub, I.i32Mul, I.i32Add, I.refI31)],
      [...T.i64, 0, ...expr(I.globalGet(1), I.i64(2), I.i64Add, I.i64(10), I.i64(3), I.i64Sub, I.i64Mul)],
      [...ref(POINTS), 0, ...expr(I.refNull(POINT), I.refNull(POINT), I.arrayNewFixed(POINTS, 2))],
      [...T.anyref, 0, ...expr(I.refNull('extern'), I.anyConvertExtern)],
      [...T.externref, 0, ...expr(I.i32(0), I.refI31, I.externConvertAny)],
      [...refNull(POINT), 1, ...expr(I.structNewDefault(POINT))],
    ]),
  );
  const exp = (n: string, kind: number, index: number) => [...name(n), kind, ...u32(index)];
  const exports = section(
    7,
    vec([
      exp('f', 0, 0),
      exp('thrower', 0, 1),
      exp('tab64', 1, 0),
      exp('structs', 1, 1),
      exp('funcs', 1, 2),
      exp('mem64', 2, 0),
      exp('small', 2, 1),
      exp('big', 2, 2),
      exp('g', 3, 0),
      exp('k', 3, 1),
      exp('i31', 3, 2),
      exp('sum', 3, 3),
      exp('pts', 3, 4),
      exp('any', 3, 5),
      exp('ext', 3, 6),
      exp('pt', 3, 7),
      exp('tag', 4, 0),
      exp('own', 4, 1),
    ]),
  );
  const elements = section(9, vec([[0x01, 0x00, ...vec([u32(0)])]])); // passive, elemkind funcref, [$f]
  const bodies = section(10, vec([code([0x00]), code(I.i32(7), I.i64(8), I.throw(1))]));
  const data = section(11, vec([[0x01, ...vec([[0x61], [0x62]])]])); // passive "ab"
  const names = nameSection(
    nameSubsection(0, name('shapes')),
    nameSubsection(
      1,
      nameMap([
        [0, 'f'],
        [1, 'thrower'],
      ]),
    ),
    nameSubsection(
      4,
      nameMap([
        [0, 'point'],
        [1, 'point3'],
        [2, 'bytes'],
        [4, 'sig'],
        [5, 'payload'],
      ]),
    ),
    nameSubsection(5, nameMap([[1, 'structs']])),
    nameSubsection(6, nameMap([[0, 'mem64']])),
    nameSubsection(7, nameMap([[2, 'i31']])),
    nameSubsection(8, nameMap([[0, 'fs']])),
    nameSubsection(9, nameMap([[0, 'bytes']])),
    nameSubsection(
      10,
      vec([
        [
          ...u32(0),
          ...nameMap([
            [0, 'x'],
            [1, 'y'],
          ]),
        ],
        [
          ...u32(1),
          ...nameMap([
            [0, 'x'],
            [1, 'y'],
            [2, 'tag'],
            [3, 'w'],
          ]),
        ],
      ]),
    ),
    nameSubsection(11, nameMap([[1, 'own']])),
  );
  return module(types, imports, functions, tables, memories, tags, globals, exports, elements, bodies, data, names);
}

/**
 * "points": a module that runs on a V8 with GC, for calls with typed references.
 *
 * (type $point (struct (field $x i32) (field $y (mut i64))))
 * (func (export "make") (param i32 i64) (result (ref $point)) (struct.new $point (local.get 0) (local.get 1)))
 * (func (export "getx") (param (ref null $point)) (result i32) (struct.get $point $x (local.get 0)))
 * (table (export "t64") i64 1 18446744073709551615 funcref)
 */
export function pointsModule(): Uint8Array {
  const localGet = (i: number) => [0x20, ...u32(i)];
  return module(
    section(
      1,
      vec([struct(field(T.i32), field(T.i64, true)), func([T.i32, T.i64], [ref(0)]), func([refNull(0)], [T.i32])]),
    ),
    section(3, vec([u32(1), u32(2)])),
    section(4, vec([[...T.funcref, ...limits(1, U64_MAX, true)]])),
    section(
      7,
      vec([
        [...name('make'), 0, 0],
        [...name('getx'), 0, 1],
        [...name('t64'), 1, 0],
      ]),
    ),
    section(
      10,
      vec([
        code(localGet(0), localGet(1), I.structNew(0)),
        code(localGet(0), [0xfb, 0x02, 0x00, 0x00]), // struct.get $point 0
      ]),
    ),
    nameSection(nameSubsection(4, nameMap([[0, 'point']]))),
  );
}

export { END };

/** The reference types `refCallsModule` has an identity function of ("id anyref", "id (ref $point)"...). */
export const REF_CALL_TYPES: Readonly<Record<string, number[]>> = {
  externref: T.externref,
  funcref: T.funcref,
  anyref: T.anyref,
  eqref: T.eqref,
  i31ref: T.i31ref,
  structref: T.structref,
  arrayref: T.arrayref,
  nullref: T.nullref,
  nullfuncref: T.nullfuncref,
  '(ref $point)': ref(0),
  '(ref null $point)': refNull(0),
  '(ref null $arr)': refNull(1),
  '(ref any)': ref('any'),
  '(ref extern)': ref('extern'),
  '(ref func)': ref('func'),
  '(ref null $nine)': refNull(3),
};

/**
 * "refcalls": calls with every reference type, on a V8 with GC.
 *
 * (type $point (struct (field i32)))  (type $arr (array (mut i32)))  (type $other (struct (field i64)))
 * (type $nine (func (result i32)))
 * (func (export "mkpoint") (param i32) (result (ref $point)) (struct.new $point (local.get 0)))
 * (func (export "mkother") (result (ref $other)) (struct.new $other (i64.const 5)))
 * (func (export "mkarr") (result (ref $arr)) (array.new_fixed $arr 2 (i32.const 1) (i32.const 2)))
 * (func (export "nine") (type $nine) (i32.const 9))
 * (func (export "getx") (param $p (ref null $point)) (result i32) (struct.get $point 0 (local.get $p)))
 * (func (export "two") (param $a (ref $point)) (param $b (ref $other)))
 * (func (export "id T") (param T) (result T) (local.get 0))   ;; for each T of REF_CALL_TYPES
 */
export function refCallsModule(): Uint8Array {
  const localGet = (i: number) => [0x20, ...u32(i)];
  const ids = Object.values(REF_CALL_TYPES);
  const base = [
    struct(field(T.i32)),
    array(field(T.i32, true)),
    struct(field(T.i64)),
    func([], [T.i32]),
    func([T.i32], [ref(0)]),
    func([], [ref(2)]),
    func([], [ref(1)]),
    func([refNull(0)], [T.i32]),
    func([ref(0), ref(2)], []),
  ];
  const types = [...base, ...ids.map((t) => func([t], [t]))];
  const fixed = ['mkpoint', 'mkother', 'mkarr', 'nine', 'getx', 'two'];
  const funcTypes = [4, 5, 6, 3, 7, 8, ...ids.map((_, i) => base.length + i)];
  const names = [...fixed, ...Object.keys(REF_CALL_TYPES).map((t) => `id ${t}`)];
  return module(
    section(1, vec(types)),
    section(3, vec(funcTypes.map(u32))),
    section(7, vec(names.map((n, i) => [...name(n), 0, ...u32(i)]))),
    section(
      10,
      vec([
        code(localGet(0), I.structNew(0)),
        code(I.i64(5), I.structNew(2)),
        code(I.i32(1), I.i32(2), I.arrayNewFixed(1, 2)),
        code(I.i32(9)),
        code(localGet(0), [0xfb, 0x02, 0x00, 0x00]), // struct.get $point 0
        code(),
        ...ids.map(() => code(localGet(0))),
      ]),
    ),
    nameSection(
      nameSubsection(
        2,
        vec([
          [...u32(4), ...nameMap([[0, 'p']])],
          [
            ...u32(5),
            ...nameMap([
              [0, 'a'],
              [1, 'b'],
            ]),
          ],
        ]),
      ),
      nameSubsection(
        4,
        nameMap([
          [0, 'point'],
          [1, 'arr'],
          [2, 'other'],
          [3, 'nine'],
        ]),
      ),
    ),
  );
}

/**
 * "exnrefs": functions whose signature holds exnref, which V8 never lets cross to JS
 * (needs V8's exnref: Node 24+).
 *
 * (func (export "take") (param exnref))
 * (func (export "give") (result exnref) (ref.null exn))
 */
export function exnrefModule(): Uint8Array {
  return module(
    section(1, vec([func([T.exnref], []), func([], [T.exnref])])),
    section(3, vec([u32(0), u32(1)])),
    section(
      7,
      vec([
        [...name('take'), 0, 0],
        [...name('give'), 0, 1],
      ]),
    ),
    section(10, vec([code(), code(I.refNull('exn'))])),
  );
}
