/**
 * Constant expressions (https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions),
 * read by the module parser for global initializers, segment offsets, element expressions and table
 * initializers; and the immediates of the GC instructions (0xfb prefix), which constant expressions
 * share with the code scanner.
 */
import { hex } from '../units.js';
import type { Reader } from './reader.js';
import type { Feature } from './types.js';
import { readHeapType } from './value-types.js';

/**
 * Consumes the immediates of GC instruction 0xfb `sub`
 * (https://webassembly.github.io/gc/core/binary/instructions.html). Returns false, having read
 * nothing, for an opcode the proposal does not define.
 */
export function readGcImmediates(r: Reader, sub: number, features: Set<Feature>): boolean {
  switch (sub) {
    case 0: // struct.new
    case 1: // struct.new_default
    case 6: // array.new
    case 7: // array.new_default
    case 11: // array.get
    case 12: // array.get_s
    case 13: // array.get_u
    case 14: // array.set
    case 16: // array.fill
      r.readU32('a type index');
      return true;
    case 2: // struct.get
    case 3: // struct.get_s
    case 4: // struct.get_u
    case 5: // struct.set
    case 8: // array.new_fixed type n
    case 9: // array.new_data type data
    case 10: // array.new_elem type elem
    case 17: // array.copy type type
    case 18: // array.init_data type data
    case 19: // array.init_elem type elem
      r.readU32('a type index');
      r.readU32(sub === 8 ? 'an array length' : 'an index');
      return true;
    case 15: // array.len
    case 26: // any.convert_extern
    case 27: // extern.convert_any
    case 28: // ref.i31
    case 29: // i31.get_s
    case 30: // i31.get_u
      return true;
    case 20: // ref.test
    case 21: // ref.test null
    case 22: // ref.cast
    case 23: // ref.cast null
      readHeapType(r, features);
      return true;
    case 24: // br_on_cast flags label ht ht
    case 25: {
      // br_on_cast_fail
      const at = r.offset;
      if (r.readU8('cast flags') > 3) r.fail('ERR_BAD_VALUE', 'br_on_cast flags must be 0 to 3', at);
      r.readU32('a label');
      readHeapType(r, features);
      readHeapType(r, features);
      return true;
    }
    default:
      return false;
  }
}

/** The GC instructions a constant expression may use: the allocations and the conversions. */
function isConstantGcOpcode(sub: number): boolean {
  return sub === 0 || sub === 1 || sub === 6 || sub === 7 || sub === 8 || sub === 0x1a || sub === 0x1b || sub === 0x1c;
}

/**
 * Skips a constant expression by decoding it: t.const, ref.null, ref.func, global.get, the
 * extended-const arithmetic, v128.const, and the GC allocations. Stops after its `end`; every
 * instruction consumes at least one byte, so the loop is bounded by the reader's end.
 * `what` names the expression in messages ("a global initializer").
 */
export function readConstExpr(r: Reader, features: Set<Feature>, what: string): void {
  for (;;) {
    const offset = r.offset;
    const op = r.readU8('a constant expression (missing its end 0x0b)');
    switch (op) {
      case 0x0b:
        return;
      case 0x41:
        r.readS32('an i32.const value');
        break;
      case 0x42:
        r.skipS64('an i64.const value');
        break;
      case 0x43:
        r.skip(4, 'an f32.const value');
        break;
      case 0x44:
        r.skip(8, 'an f64.const value');
        break;
      case 0x23:
        r.readU32('a global index');
        break;
      case 0xd0:
        readHeapType(r, features);
        features.add('reference-types');
        break;
      case 0xd2:
        r.readU32('a function index');
        features.add('reference-types');
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        features.add('extended-const');
        break;
      case 0xfd: {
        const sub = r.readU32('a SIMD opcode');
        if (sub !== 12)
          r.fail('ERR_BAD_VALUE', `${what}: SIMD opcode 0xfd ${sub} is not allowed in a constant expression`, offset);
        r.skip(16, 'a v128.const value');
        features.add('simd');
        break;
      }
      case 0xfb: {
        const sub = r.readU32('a GC opcode');
        features.add('gc');
        if (!isConstantGcOpcode(sub))
          r.fail('ERR_BAD_VALUE', `${what}: GC opcode 0xfb ${sub} is not allowed in a constant expression`, offset);
        readGcImmediates(r, sub, features);
        break;
      }
      default:
        r.fail('ERR_BAD_VALUE', `${what}: opcode 0x${hex(op)} is not allowed in a constant expression`, offset);
    }
  }
}
