import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WasmParseError } from '../../../src/runtime/errors.js';
import { scanCodeFeatures } from '../../../src/runtime/parser/features.js';
import { parseModule } from '../../../src/runtime/parser/index.js';
import type { Feature } from '../../../src/runtime/parser/types.js';
import { wat } from '../../helpers/wat.js';
import { body, END, functype, module, section, u32, vec, watUnchecked } from './binary.js';
import { buildFixtures } from './fixtures.js';

async function featuresOf(text: string, options: { unchecked?: boolean } = {}): Promise<Set<Feature>> {
  const bytes = options.unchecked ? await watUnchecked(text) : await wat(text);
  return new Set(scanCodeFeatures(bytes, parseModule(bytes)));
}

/** Every SIMD and relaxed-SIMD instruction, in opcode order (0xfd 0 .. 0xfd 0x113). */
const SIMD_INSTRUCTIONS =
  `v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s v128.load32x2_u v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat v128.store v128.const i8x16.shuffle i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane f64x2.replace_lane i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane v128.load32_zero v128.load64_zero f32x4.demote_f64x2_zero f64x2.promote_low_f32x4 i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u f64x2.trunc i8x16.avgr_u i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u i16x8.avgr_u i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u i32x4.abs i32x4.neg i32x4.all_true i32x4.bitmask i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add i32x4.sub i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u i64x2.abs i64x2.neg i64x2.all_true i64x2.bitmask i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add i64x2.sub i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u f32x4.abs f32x4.neg f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax f64x2.abs f64x2.neg f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u i8x16.relaxed_swizzle i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u i32x4.relaxed_trunc_f64x2_s_zero i32x4.relaxed_trunc_f64x2_u_zero f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd i8x16.relaxed_laneselect i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max i16x8.relaxed_q15mulr_s i16x8.relaxed_dot_i8x16_i7x16_s i32x4.relaxed_dot_i8x16_i7x16_add_s`.split(
    ' ',
  );

/** The instruction with immediates, in text form (no stack types: the module is built without validation). */
function withImmediates(op: string): string {
  if (op === 'v128.const') return 'v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16';
  if (op === 'i8x16.shuffle') return 'i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15';
  if (/^v128\.(load|store)\d+_lane$/.test(op)) return `${op} offset=300 1`;
  if (/_lane(_[su])?$/.test(op)) return `${op} 1`;
  if (/^v128\.(load|store)/.test(op)) return `${op} offset=70000`;
  return op;
}

describe('scanCodeFeatures', () => {
  it('reports nothing beyond the MVP for MVP code', async () => {
    const features = await featuresOf(`(module (memory 1) (table 2 funcref) (type $t (func (result i32)))
      (func $f (param i32) (result i32) (local i64 f32)
        (block $out (result i32)
          (loop $again
            (br_if $again (i32.eqz (local.get 0)))
            (block (block (br_table 0 1 (local.get 0))))
            (drop (memory.grow (i32.const 1))))
          (if (result i32) (local.get 0)
            (then (i32.load offset=8 (i32.const 0)))
            (else (call_indirect (type $t) (i32.const 1))))
          (f64.store (i32.const 8) (f64.const 1.5))
          (i64.store (i32.const 8) (i64.const -123456789012))
          (i32.add (i32.const -5))
          (call $f)
          (br $out))))`);
    expect([...features]).toEqual([]);
  });

  it.each<[Feature, string]>([
    ['sign-extension', '(func (result i32) (i32.extend8_s (i32.const 1)))'],
    ['saturating-float-to-int', '(func (result i32) (i32.trunc_sat_f32_s (f32.const 1)))'],
    ['bulk-memory', '(memory 1) (func (memory.copy (i32.const 0) (i32.const 1) (i32.const 2)))'],
    ['bulk-memory', '(memory 1) (func (memory.fill (i32.const 0) (i32.const 1) (i32.const 2)))'],
    ['reference-types', '(table 1 funcref) (func (result i32) (ref.is_null (table.get 0 (i32.const 0))))'],
    ['reference-types', '(table 1 funcref) (func (result i32) (table.grow 0 (ref.null func) (i32.const 1)))'],
    [
      'simd',
      '(func (result i32) (i32x4.extract_lane 3 (i32x4.add (v128.const i32x4 1 2 3 4) (i32x4.splat (i32.const 1)))))',
    ],
    ['threads', '(memory 1 1 shared) (func (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))'],
    ['threads', '(memory 1 1 shared) (func (atomic.fence))'],
    ['tail-calls', '(func $f (result i32) (return_call $f))'],
    ['tail-calls', '(type $t (func)) (table 1 funcref) (func (return_call_indirect (type $t) (i32.const 0)))'],
    ['exceptions', '(tag $e (param i32)) (func (throw $e (i32.const 1)))'],
    [
      'exceptions',
      '(tag $e) (func (try (do (throw $e)) (catch $e (rethrow 0)) (catch_all)) (try (do nop) (delegate 0)))',
    ],
    ['multi-value', '(func (result i32) (i32.const 1) (block (param i32) (result i32)))'],
  ])('detects %s in %s', async (feature, fields) => {
    const unchecked = feature === 'threads';
    const features = await featuresOf(`(module ${fields})`, { unchecked });
    expect(features.has(feature)).toBe(true);
  });

  it('decodes every SIMD and relaxed-SIMD instruction with its immediates', async () => {
    expect(SIMD_INSTRUCTIONS).toHaveLength(236 + 20);
    // One flat function of every instruction, then a marker only found if decoding stayed in step.
    const text = `(module (memory 1) (func ${SIMD_INSTRUCTIONS.map(withImmediates).join('\n')}\n i32.extend16_s))`;
    const features = await featuresOf(text, { unchecked: true });
    expect(features.has('simd')).toBe(true);
    expect(features.has('relaxed-simd')).toBe(true);
    expect(features.has('sign-extension')).toBe(true);
  });

  it('decodes atomics: notify, wait, loads, stores and read-modify-writes with memargs', async () => {
    const ops = [
      'memory.atomic.notify offset=4',
      'memory.atomic.wait32 offset=8',
      'memory.atomic.wait64',
      'i32.atomic.load offset=1000',
      'i64.atomic.store32 offset=2',
      'i64.atomic.rmw8.cmpxchg_u',
      'i32.atomic.rmw.xchg offset=99999',
    ];
    const text = `(module (memory 1 1 shared) (func ${ops.join(' ')} i32.extend8_s))`;
    const features = await featuresOf(text, { unchecked: true });
    expect(features.has('threads')).toBe(true);
    expect(features.has('sign-extension')).toBe(true);
  });

  it('finds what clang emitted for C code (see data/features.c), a V8-valid module', () => {
    const bytes = new Uint8Array(readFileSync(new URL('./data/features.wasm', import.meta.url)));
    expect(WebAssembly.validate(bytes)).toBe(true);
    const info = parseModule(bytes);
    expect([...info.features]).toEqual(['threads']); // the shared imported memory
    expect([...scanCodeFeatures(bytes, info)].sort()).toEqual(
      ['bulk-memory', 'saturating-float-to-int', 'sign-extension', 'simd', 'tail-calls', 'threads'].sort(),
    );
  });

  it('includes the features parseModule found in the headers', async () => {
    const bytes = await wat('(module (memory 1) (data "x") (func (param v128)))');
    const info = parseModule(bytes);
    expect(info.features.has('simd')).toBe(true);
    expect(scanCodeFeatures(bytes, info).has('simd')).toBe(true);
  });

  it('handles every text fixture', async () => {
    for (const bytes of Object.values(await buildFixtures())) {
      const info = parseModule(bytes);
      const features = scanCodeFeatures(bytes, info);
      for (const f of info.features) expect(features.has(f)).toBe(true);
    }
  });

  // Hand-made bodies for encodings the text tools do not produce.
  const oneFunction = (instructions: number[], types: number[][] = [functype([], [])]) =>
    module(section(1, vec(types)), section(3, vec([[0]])), section(10, vec([body(instructions)])));

  it('decodes try_table with every catch clause kind, and throw_ref', () => {
    const bytes = oneFunction([
      // try_table (empty block type) with 4 clauses: catch 0 0, catch_ref 0 0, catch_all 0, catch_all_ref 0
      ...[0x1f, 0x40, 4, 0x00, 0, 0, 0x01, 0, 0, 0x02, 0, 0x03, 0],
      ...[0x0b], // end of try_table
      ...[0xd0, 0x69, 0x0a], // ref.null exn, throw_ref
    ]);
    const info = parseModule(bytes);
    expect(scanCodeFeatures(bytes, info).has('exceptions')).toBe(true);
  });

  it('decodes GC instructions', () => {
    const struct = [0x5f, 1, 0x7f, 1]; // struct (field (mut i32))
    const bytes = module(
      section(1, vec([functype([], []), struct])),
      section(3, vec([[0]])),
      section(
        10,
        vec([
          body([
            ...[0xfb, 1, 1], // struct.new_default 1
            ...[0xfb, 2, 1, 0], // struct.get 1 0
            ...[0x1a], // drop
            ...[0xfb, 8, 1, 2], // array.new_fixed 1 2
            ...[0xfb, 22, 0x6e], // ref.cast any
            ...[0xfb, 24, 3, 0, 0x6e, 0x6b], // br_on_cast 3 0 any struct
            ...[0xd5, 0xd3], // ref.eq, ref.as_non_null
            ...[0x14, 0], // call_ref 0
          ]),
        ]),
      ),
    );
    const info = parseModule(bytes);
    expect(info.types.map((t) => t.kind)).toEqual(['func', 'struct']);
    expect(scanCodeFeatures(bytes, info).has('gc')).toBe(true);
  });

  it('reports multi-memory from a memarg memory index and memory.size of memory 1', () => {
    const bytes = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(
        5,
        vec([
          [0, 1],
          [0, 1],
        ]),
      ),
      section(10, vec([body([0x41, 0, 0x28, 0x42, 1, 0, 0x1a, 0x3f, 1, 0x1a])])), // i32.load (memory 1); memory.size 1
    );
    const info = parseModule(bytes);
    expect(info.features.has('multi-memory')).toBe(true);
    expect(scanCodeFeatures(bytes, info).has('multi-memory')).toBe(true);
  });

  it('rejects an unknown opcode with its offset', () => {
    const bytes = oneFunction([0x01, 0x27]);
    const info = parseModule(bytes);
    const at = bytes.length - 2; // 0x27, then end
    expect(() => scanCodeFeatures(bytes, info)).toThrow(expect.objectContaining({ code: 'ERR_BAD_VALUE', offset: at }));
  });

  it.each([
    ['an unassigned SIMD opcode', [0xfd, ...u32(154)]],
    ['an unknown 0xfc opcode', [0xfc, ...u32(99)]],
    ['an unknown atomic opcode', [0xfe, ...u32(5)]],
    ['an unknown GC opcode', [0xfb, ...u32(200)]],
  ])('rejects %s', (_what, instruction) => {
    const bytes = oneFunction(instruction);
    expect(() => scanCodeFeatures(bytes, parseModule(bytes))).toThrow(WasmParseError);
  });

  it('rejects an immediate running past the end of its body', () => {
    // f64.const needs 8 bytes; the body holds 2 more and its end.
    const bytes = oneFunction([0x44, 0, 0]);
    expect(() => scanCodeFeatures(bytes, parseModule(bytes))).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF' }),
    );
  });

  it('rejects more locals than V8 accepts, before reading them', () => {
    // Two local groups of 30,000 i32 each: 60,000 > 50,000.
    const locals = [2, ...u32(30_000), 0x7f, ...u32(30_000), 0x7f];
    const content = [...locals, 0x0b];
    const bytes = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(10, vec([[...u32(content.length), ...content]])),
    );
    expect(() => scanCodeFeatures(bytes, parseModule(bytes))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT' }));
  });

  it('rejects a block type index that is not a type of the module', () => {
    const bytes = oneFunction([0x02, 0x05, 0x0b]);
    expect(() => scanCodeFeatures(bytes, parseModule(bytes))).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_TYPE' }),
    );
  });
});

describe('one type decoder for the parser and the code scanner', () => {
  it('notes gc for the two-byte reference forms, in signatures and in code alike', () => {
    // (ref func) needs typed function references, which V8 ships with GC.
    const refFunc = [0x64, 0x70];
    const refExtern = [0x64, 0x6f];
    const bytes = module(
      section(1, vec([[0x60, 1, ...refFunc, 0]])), // (func (param (ref func)))
      section(3, vec([[0]])),
      section(10, vec([[5, 1, 1, ...refExtern, END]])), // one local (ref extern), then end
    );
    const info = parseModule(bytes);
    expect(info.types[0]).toEqual({ kind: 'func', params: ['(ref func)'], results: [] });
    expect(info.features.has('gc')).toBe(true);
    const withoutSignature = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(10, vec([[5, 1, 1, ...refExtern, END]])),
    );
    const plain = parseModule(withoutSignature);
    expect(plain.features.has('gc')).toBe(false);
    const inCode = scanCodeFeatures(withoutSignature, plain);
    expect(inCode.has('gc')).toBe(true);
    expect(inCode.has('reference-types')).toBe(true);
  });

  it('notes the proposal of the heap type ref.null names, in a constant expression and in code', () => {
    const ANYREF = 0x6e;
    const NOEXN = 0x74;
    const global = module(section(6, vec([[ANYREF, 0, 0xd0, ANYREF, END]]))); // (global anyref (ref.null any))
    expect(parseModule(global).features.has('gc')).toBe(true);
    const code = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(10, vec([body([0xd0, NOEXN, 0x1a])])),
    );
    const features = scanCodeFeatures(code, parseModule(code)); // (drop (ref.null noexn))
    expect(features.has('exceptions')).toBe(true);
  });

  it('reports a bad value type in a body with the function it is in, and the parser with its section', () => {
    // A body of 4 bytes: one local group of one local of the unknown type 0x01, then end.
    const bad = module(
      section(1, vec([functype([], [])])),
      section(3, vec([[0]])),
      section(10, vec([[4, 1, 1, 0x01, END]])),
    );
    const info = parseModule(bad);
    const error = (() => {
      try {
        scanCodeFeatures(bad, info);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(WasmParseError);
    expect((error as WasmParseError).code).toBe('ERR_BAD_TYPE');
    expect((error as WasmParseError).message).toMatch(/unknown value type 0x01 in the body of function 0/);
    const inSignature = module(section(1, vec([[0x60, 1, 0x01, 0]])));
    expect(() => parseModule(inSignature)).toThrow(/unknown value type 0x01 in the type section/);
  });
});
