/**
 * Which proposals a module's code uses: walks every instruction of every code
 * body (https://webassembly.github.io/spec/core/binary/instructions.html) and
 * the proposals' opcode tables (SIMD, threads, exceptions, tail calls, GC,
 * reference types, bulk memory, extended-const...). Opt-in, for `inspect`:
 * `parseModule` skips code bodies by their sizes and never calls this.
 */
import { hex } from '../units.js';
import { readGcImmediates } from './const-expr.js';
import { MAX_BR_TABLE_TARGETS, MAX_CATCH_CLAUSES, MAX_FUNCTION_LOCALS, MAX_FUNCTIONS } from './limits.js';
import { Reader } from './reader.js';
import { SectionId } from './sections.js';
import type { Feature, ModuleInfo } from './types.js';
import { readHeapType, readValType } from './value-types.js';

/** How the immediates of a one-byte opcode are encoded. */
const Imm = {
  Unknown: 0,
  None: 1,
  Block: 2,
  Index: 3,
  BrTable: 4,
  MemArg: 5,
  MemIndex: 6,
  I32: 7,
  I64: 8,
  F32: 9,
  F64: 10,
  SelectTypes: 11,
  HeapType: 12,
  TryTable: 13,
  CallIndirect: 14,
  PrefixFB: 15,
  PrefixFC: 16,
  PrefixFD: 17,
  PrefixFE: 18,
} as const;
type Imm = (typeof Imm)[keyof typeof Imm];

const IMM = new Uint8Array(256);
/** The feature a one-byte opcode implies, as an index into FEATURES (0: none). */
const OP_FEATURE = new Uint8Array(256);
const FEATURES: readonly (Feature | null)[] = [
  null,
  'sign-extension',
  'tail-calls',
  'exceptions',
  'reference-types',
  'gc',
  'multi-value',
];
const F_SIGN_EXT = 1;
const F_TAIL = 2;
const F_EXN = 3;
const F_REF = 4;
const F_GC = 5;

function set(from: number, to: number, imm: Imm, feature = 0): void {
  for (let op = from; op <= to; op++) {
    IMM[op] = imm;
    OP_FEATURE[op] = feature;
  }
}

// MVP control instructions (https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions).
set(0x00, 0x01, Imm.None); // unreachable, nop
set(0x02, 0x04, Imm.Block); // block, loop, if
set(0x05, 0x05, Imm.None); // else
// Exception handling: legacy try/catch/throw/rethrow/delegate/catch_all, and try_table/throw_ref.
set(0x06, 0x06, Imm.Block, F_EXN); // try
set(0x07, 0x08, Imm.Index, F_EXN); // catch tag, throw tag
set(0x09, 0x09, Imm.Index, F_EXN); // rethrow label
set(0x0a, 0x0a, Imm.None, F_EXN); // throw_ref
set(0x0b, 0x0b, Imm.None); // end
set(0x0c, 0x0d, Imm.Index); // br, br_if
set(0x0e, 0x0e, Imm.BrTable);
set(0x0f, 0x0f, Imm.None); // return
set(0x10, 0x10, Imm.Index); // call
set(0x11, 0x11, Imm.CallIndirect);
set(0x12, 0x12, Imm.Index, F_TAIL); // return_call
set(0x13, 0x13, Imm.CallIndirect, F_TAIL); // return_call_indirect
// Typed function references (shipped in V8 together with GC, so reported as 'gc').
set(0x14, 0x14, Imm.Index, F_GC); // call_ref type
set(0x15, 0x15, Imm.Index, F_TAIL); // return_call_ref type (also noted as gc below)
set(0x18, 0x18, Imm.Index, F_EXN); // delegate label
set(0x19, 0x19, Imm.None, F_EXN); // catch_all
// Parametric (https://webassembly.github.io/spec/core/binary/instructions.html#parametric-instructions).
set(0x1a, 0x1b, Imm.None); // drop, select
set(0x1c, 0x1c, Imm.SelectTypes, F_REF); // select t*
set(0x1f, 0x1f, Imm.TryTable, F_EXN);
// Variables and tables.
set(0x20, 0x24, Imm.Index); // local.get/set/tee, global.get/set
set(0x25, 0x26, Imm.Index, F_REF); // table.get, table.set
// Memory: loads and stores 0x28..0x3e take a memarg; memory.size and memory.grow a memory index.
set(0x28, 0x3e, Imm.MemArg);
set(0x3f, 0x40, Imm.MemIndex);
set(0x41, 0x41, Imm.I32);
set(0x42, 0x42, Imm.I64);
set(0x43, 0x43, Imm.F32);
set(0x44, 0x44, Imm.F64);
// Numeric instructions without immediates; 0xc0..0xc4 are the sign-extension proposal.
set(0x45, 0xbf, Imm.None);
set(0xc0, 0xc4, Imm.None, F_SIGN_EXT);
// Reference instructions, and the typed-function-references ones (0xd3..0xd6).
set(0xd0, 0xd0, Imm.HeapType, F_REF); // ref.null
set(0xd1, 0xd1, Imm.None, F_REF); // ref.is_null
set(0xd2, 0xd2, Imm.Index, F_REF); // ref.func
set(0xd3, 0xd3, Imm.None, F_GC); // ref.as_non_null
set(0xd4, 0xd4, Imm.Index, F_GC); // br_on_null
set(0xd5, 0xd5, Imm.None, F_GC); // ref.eq
set(0xd6, 0xd6, Imm.Index, F_GC); // br_on_non_null
set(0xfb, 0xfb, Imm.PrefixFB, F_GC);
set(0xfc, 0xfc, Imm.PrefixFC);
set(0xfd, 0xfd, Imm.PrefixFD);
set(0xfe, 0xfe, Imm.PrefixFE);

/** SIMD opcodes (0xfd prefix) in 0..255 that the proposal leaves unassigned. */
const SIMD_UNASSIGNED = new Set([
  154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238,
]);

/** Value-type bytes, including the single-byte reference types, that can start a block type. */
function isValueTypeByte(b: number): boolean {
  return b >= 0x40 && b <= 0x7f;
}

class CodeScanner {
  readonly r: Reader;
  readonly info: ModuleInfo;
  readonly features: Set<Feature>;

  constructor(bytes: Uint8Array, info: ModuleInfo, features: Set<Feature>) {
    this.r = new Reader(bytes, 0, bytes.length, 'code section');
    this.info = info;
    this.features = features;
  }

  scan(start: number, end: number): void {
    const r = this.r;
    r.offset = start;
    r.end = end;
    const count = r.readCount('function bodies', MAX_FUNCTIONS);
    for (let i = 0; i < count; i++) {
      r.end = end;
      r.context = 'code section';
      const size = r.readU32('a function body size');
      if (size > r.remaining) r.failEof(`function body ${i}`, r.end);
      const bodyEnd = r.offset + size;
      r.end = bodyEnd;
      // The shared type decoders name the context in their messages.
      r.context = `body of function ${this.info.importedFunctionCount + i}`;
      this.scanLocals();
      this.scanInstructions();
      r.offset = bodyEnd;
    }
    r.end = end;
  }

  /** Where we are, for error messages. */
  where(): string {
    return `the ${this.r.context}`;
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#code-section: vec(count valtype). */
  scanLocals(): void {
    const r = this.r;
    const groups = r.readCount('local declarations', MAX_FUNCTION_LOCALS, 2);
    let total = 0;
    for (let i = 0; i < groups; i++) {
      const offset = r.offset;
      total += r.readU32('a local count');
      if (total > MAX_FUNCTION_LOCALS) {
        r.fail('ERR_LIMIT', `more than ${MAX_FUNCTION_LOCALS} locals in ${this.where()}, more than V8 accepts`, offset);
      }
      this.skipValType();
    }
  }

  /** Consumes a value type, noting the proposal it needs. */
  skipValType(): void {
    readValType(this.r, this.features);
  }

  skipHeapType(): void {
    readHeapType(this.r, this.features);
  }

  /** A block type: 0x40 (empty), a value type, or a type index as s33 (multi-value when it has params or several results). */
  skipBlockType(): void {
    const r = this.r;
    const b = r.peekU8('a block type');
    if (b === 0x40) {
      r.offset++;
      return;
    }
    if (isValueTypeByte(b) || b === 0x63 || b === 0x64) {
      this.skipValType();
      return;
    }
    const offset = r.offset;
    const index = r.readS33('a block type');
    if (index < 0) r.fail('ERR_BAD_TYPE', `bad block type ${index} in ${this.where()}`, offset);
    const type = this.info.types[index];
    if (type === undefined || type.kind !== 'func') {
      this.r.fail('ERR_BAD_TYPE', `block type ${index} is not a function type of this module`, offset);
    }
    if (type.params.length > 0 || type.results.length > 1) this.features.add('multi-value');
  }

  /**
   * https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions: align, then (multi-memory)
   * a memory index when bit 6 of align is set, then the offset (u64 under memory64).
   */
  skipMemArg(): void {
    const r = this.r;
    const align = r.readU32('a memory alignment');
    if (align & 0x40) {
      r.readU32('a memory index');
      this.features.add('multi-memory');
    }
    r.readU64Big('a memory offset');
  }

  scanInstructions(): void {
    const r = this.r;
    const bytes = r.bytes;
    const features = this.features;
    while (r.offset < r.end) {
      const offset = r.offset;
      const op = bytes[r.offset++]!;
      const feature = OP_FEATURE[op]!;
      if (feature !== 0) features.add(FEATURES[feature]!);
      switch (IMM[op]) {
        case Imm.None:
          break;
        case Imm.Index:
          r.readU32('an index');
          if (op === 0x15) features.add('gc');
          break;
        case Imm.Block:
          this.skipBlockType();
          break;
        case Imm.BrTable: {
          const n = r.readCount('br_table targets', MAX_BR_TABLE_TARGETS);
          for (let i = 0; i <= n; i++) r.readU32('a branch target');
          break;
        }
        case Imm.MemArg:
          this.skipMemArg();
          break;
        case Imm.MemIndex:
          if (r.readU32('a memory index') !== 0) features.add('multi-memory');
          break;
        case Imm.I32:
          r.readS32('an i32.const value');
          break;
        case Imm.I64:
          r.skipS64('an i64.const value');
          break;
        case Imm.F32:
          r.skip(4, 'an f32.const value');
          break;
        case Imm.F64:
          r.skip(8, 'an f64.const value');
          break;
        case Imm.SelectTypes: {
          const n = r.readCount('select types', 1);
          for (let i = 0; i < n; i++) this.skipValType();
          break;
        }
        case Imm.HeapType:
          this.skipHeapType();
          break;
        case Imm.CallIndirect:
          r.readU32('a type index');
          if (r.readU32('a table index') !== 0) features.add('reference-types');
          break;
        case Imm.TryTable:
          this.skipTryTable();
          break;
        case Imm.PrefixFB:
          this.skipGc(offset);
          break;
        case Imm.PrefixFC:
          this.skipMisc(offset);
          break;
        case Imm.PrefixFD:
          this.skipSimd(offset);
          break;
        case Imm.PrefixFE:
          this.skipAtomic(offset);
          break;
        default:
          r.fail('ERR_BAD_VALUE', `unknown opcode 0x${hex(op)} in ${this.where()}`, offset);
      }
    }
  }

  /** try_table blocktype vec(catch): catch 0x00 tag label, catch_ref 0x01 tag label, catch_all 0x02 label, catch_all_ref 0x03 label. */
  skipTryTable(): void {
    const r = this.r;
    this.skipBlockType();
    const n = r.readCount('try_table catch clauses', MAX_CATCH_CLAUSES, 2);
    for (let i = 0; i < n; i++) {
      const offset = r.offset;
      const kind = r.readU8('a catch clause kind');
      if (kind > 3) r.fail('ERR_BAD_VALUE', `unknown catch clause kind 0x${hex(kind)} (expected 0 to 3)`, offset);
      if (kind < 2) r.readU32('a tag index');
      r.readU32('a label');
    }
  }

  /** 0xfc prefix: saturating truncation (0..7), bulk memory (8..14), reference-types table ops (15..17). */
  skipMisc(offset: number): void {
    const r = this.r;
    const sub = r.readU32('a 0xfc opcode');
    if (sub <= 7) {
      this.features.add('saturating-float-to-int');
      return;
    }
    switch (sub) {
      case 8: // memory.init data mem
        r.readU32('a data index');
        if (r.readU32('a memory index') !== 0) this.features.add('multi-memory');
        break;
      case 9: // data.drop data
        r.readU32('a data index');
        break;
      case 10: // memory.copy mem mem
        if (r.readU32('a memory index') !== 0) this.features.add('multi-memory');
        if (r.readU32('a memory index') !== 0) this.features.add('multi-memory');
        break;
      case 11: // memory.fill mem
        if (r.readU32('a memory index') !== 0) this.features.add('multi-memory');
        break;
      case 12: // table.init elem table
        r.readU32('an element index');
        if (r.readU32('a table index') !== 0) this.features.add('reference-types');
        break;
      case 13: // elem.drop elem
        r.readU32('an element index');
        break;
      case 14: // table.copy table table
        if (r.readU32('a table index') !== 0) this.features.add('reference-types');
        if (r.readU32('a table index') !== 0) this.features.add('reference-types');
        break;
      case 15: // table.grow
      case 16: // table.size
      case 17: // table.fill
        r.readU32('a table index');
        this.features.add('reference-types');
        return;
      default:
        r.fail('ERR_BAD_VALUE', `unknown opcode 0xfc ${sub} in ${this.where()}`, offset);
    }
    this.features.add('bulk-memory');
  }

  /** 0xfd prefix: https://webassembly.github.io/spec/core/binary/instructions.html#vector-instructions, plus relaxed SIMD 0x100..0x113. */
  skipSimd(offset: number): void {
    const r = this.r;
    const sub = r.readU32('a SIMD opcode');
    if (sub <= 11 || sub === 92 || sub === 93) {
      this.skipMemArg(); // loads, load-extends, splat loads, store, load-zero
    } else if (sub === 12 || sub === 13) {
      r.skip(16, sub === 12 ? 'a v128.const value' : 'i8x16.shuffle lanes');
    } else if (sub >= 21 && sub <= 34) {
      r.readU8('a lane index');
    } else if (sub >= 84 && sub <= 91) {
      this.skipMemArg();
      r.readU8('a lane index');
    } else if (sub <= 255) {
      if (SIMD_UNASSIGNED.has(sub)) r.fail('ERR_BAD_VALUE', `unknown opcode 0xfd ${sub} in ${this.where()}`, offset);
    } else if (sub <= 0x113) {
      this.features.add('relaxed-simd');
    } else {
      r.fail('ERR_BAD_VALUE', `unknown opcode 0xfd ${sub} in ${this.where()}`, offset);
    }
    this.features.add('simd');
  }

  /** 0xfe prefix (threads): notify/wait (0..2) and atomic loads, stores and read-modify-writes (0x10..0x4e) take a memarg; atomic.fence a zero byte. */
  skipAtomic(offset: number): void {
    const r = this.r;
    const sub = r.readU32('an atomic opcode');
    if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) {
      this.skipMemArg();
    } else if (sub === 3) {
      const at = r.offset;
      if (r.readU8('the atomic.fence flags') !== 0) r.fail('ERR_BAD_VALUE', 'atomic.fence takes a zero byte', at);
    } else {
      r.fail('ERR_BAD_VALUE', `unknown opcode 0xfe ${sub} in ${this.where()}`, offset);
    }
    this.features.add('threads');
  }

  /** 0xfb prefix: GC (https://webassembly.github.io/gc/core/binary/instructions.html). */
  skipGc(offset: number): void {
    const sub = this.r.readU32('a GC opcode');
    if (!readGcImmediates(this.r, sub, this.features)) {
      this.r.fail('ERR_BAD_VALUE', `unknown opcode 0xfb ${sub} in ${this.where()}`, offset);
    }
  }
}

/**
 * Walks every instruction of every code body and reports the proposals the
 * module uses: those `parseModule` found in its headers (`info.features`) plus
 * those only code shows (SIMD instructions, atomics, tail calls, exceptions,
 * sign extension, saturating conversions, bulk memory, multi-value blocks...).
 *
 * @param bytes the module `info` was parsed from.
 * @throws WasmParseError on an unknown opcode or malformed immediate (`ERR_BAD_VALUE`, `ERR_BAD_TYPE`,
 *   `ERR_BAD_LEB`, `ERR_UNEXPECTED_EOF`, `ERR_LIMIT`), with the byte offset. Time is linear in the code size.
 */
export function scanCodeFeatures(bytes: Uint8Array, info: ModuleInfo): ReadonlySet<Feature> {
  const features = new Set<Feature>(info.features);
  const code = info.sections.find((s) => s.id === SectionId.code);
  if (code !== undefined) {
    new CodeScanner(bytes, info, features).scan(code.contentOffset, code.contentOffset + code.size);
  }
  return features;
}
