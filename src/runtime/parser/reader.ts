/**
 * A cursor over one `Uint8Array`: the primitive decoders of the binary format
 * (https://webassembly.github.io/spec/core/binary/values.html). Every read is
 * bounded by `end`; running past it throws `WasmParseError('ERR_UNEXPECTED_EOF')`
 * naming `context` (what was being read), so no caller loop can run forever.
 */
import { type ParseErrorCode, WasmParseError } from '../errors.js';

/**
 * One decoder for every name, made on first use: most names are short ASCII, decoded by hand
 * (TextDecoder loads Node's encoding module). `fatal`, so malformed UTF-8 is an error, as the
 * spec requires; `ignoreBOM`, since a leading U+FEFF is part of the name (an export named
 * "\u{FEFF}" is not ""), as V8 reads it.
 */
let UTF8: InstanceType<typeof TextDecoder> | null = null;

/** Names up to this length are decoded by hand when they are ASCII (most are); longer ones go to TextDecoder. */
const ASCII_FAST_PATH_MAX = 64;

export class Reader {
  readonly bytes: Uint8Array;
  /** Absolute offset of the next byte to read. */
  offset: number;
  /** Absolute offset one past the last readable byte (a section end, or the buffer end). */
  end: number;
  /** What is being read, for error messages ("import section", "code body 3"). */
  context: string;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length, context = 'module') {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
    this.context = context;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  get isAtEnd(): boolean {
    return this.offset >= this.end;
  }

  /** Throws a `WasmParseError` at `offset` (default: the current offset). */
  fail(code: ParseErrorCode, detail: string, offset: number = this.offset): never {
    throw new WasmParseError(code, detail, offset);
  }

  /** The end-of-input error: names the context and, when it is a section, that the section is too short. */
  failEof(what: string, offset: number = this.offset): never {
    const where = this.end < this.bytes.length ? `the ${this.context} ends` : 'the input ends';
    throw new WasmParseError('ERR_UNEXPECTED_EOF', `${where} in the middle of ${what}`, Math.min(offset, this.end));
  }

  readU8(what = 'a byte'): number {
    if (this.offset >= this.end) this.failEof(what);
    return this.bytes[this.offset++]!;
  }

  /** The next byte without consuming it. */
  peekU8(what = 'a byte'): number {
    if (this.offset >= this.end) this.failEof(what);
    return this.bytes[this.offset]!;
  }

  /** `n` bytes as a view into the same buffer (no copy). */
  readBytes(n: number, what = 'bytes'): Uint8Array {
    if (n > this.end - this.offset) this.failEof(what, this.end);
    const start = this.offset;
    this.offset += n;
    return this.bytes.subarray(start, this.offset);
  }

  skip(n: number, what = 'bytes'): void {
    if (n > this.end - this.offset) this.failEof(what, this.end);
    this.offset += n;
  }

  /**
   * Unsigned LEB128, at most 5 bytes; the last byte may use only its low 4 bits
   * (https://webassembly.github.io/spec/core/binary/values.html#integers).
   */
  readU32(what = 'an unsigned 32-bit integer'): number {
    const bytes = this.bytes;
    const offset = this.offset;
    if (offset < this.end) {
      const b = bytes[offset]!;
      if (b < 0x80) {
        this.offset = offset + 1;
        return b;
      }
    }
    return this.readU32Slow(what);
  }

  private readU32Slow(what: string): number {
    const start = this.offset;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.readU8(what);
      if (i === 4) {
        if (b & 0xf0) this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long or sets bits beyond 32`, start);
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return result >>> 0;
    }
    /* c8 ignore next */
    return this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long`, start);
  }

  /** Signed LEB128 of at most 32 bits (`i32.const`). */
  readS32(what = 'a signed 32-bit integer'): number {
    const start = this.offset;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.readU8(what);
      if (i === 4) {
        // 4 value bits remain (28..31); bits 4..6 must repeat the sign bit 3.
        const high = b & 0x78;
        if (b & 0x80 || (high !== 0 && high !== 0x78)) {
          this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long or does not sign-extend to 32 bits`, start);
        }
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
    }
    /* c8 ignore next */
    return this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long`, start);
  }

  /**
   * Signed LEB128 of at most 33 bits, as a number: block types and heap types
   * (https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions).
   */
  readS33(what = 'a block type'): number {
    const bytes = this.bytes;
    const offset = this.offset;
    if (offset < this.end) {
      const b = bytes[offset]!;
      if (b < 0x80) {
        this.offset = offset + 1;
        return b & 0x40 ? b - 0x80 : b;
      }
    }
    const start = offset;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.readU8(what);
      if (i === 4) {
        // 5 value bits remain (28..32); bits 5..6 must repeat the sign bit 4.
        const high = b & 0x70;
        if (b & 0x80 || (high !== 0 && high !== 0x70)) {
          this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long or does not sign-extend to 33 bits`, start);
        }
        result += (b & 0x1f) * scale;
        return b & 0x10 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return b & 0x40 ? result - scale : result;
    }
    /* c8 ignore next */
    return this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long`, start);
  }

  /** Signed LEB128 of at most 64 bits (`i64.const`), as a bigint. */
  readS64(what = 'a signed 64-bit integer'): bigint {
    const start = this.offset;
    this.skipS64(what);
    let result = 0n;
    let shift = 0n;
    let b = 0;
    for (let p = start; p < this.offset; p++) {
      b = this.bytes[p]!;
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    }
    if (b & 0x40 && shift < 64n) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** Checks and skips a signed 64-bit LEB128 without building a bigint. */
  skipS64(what = 'a signed 64-bit integer'): void {
    const start = this.offset;
    for (let i = 0; i < 10; i++) {
      const b = this.readU8(what);
      if (i === 9) {
        // One value bit remains (63); bits 1..6 must repeat it.
        if (b !== 0x00 && b !== 0x7f) {
          this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long or does not sign-extend to 64 bits`, start);
        }
        return;
      }
      if (!(b & 0x80)) return;
    }
  }

  /** Unsigned LEB128 of at most 64 bits, as a bigint. */
  readU64Big(what = 'an unsigned 64-bit integer'): bigint {
    const start = this.offset;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.readU8(what);
      if (i === 9) {
        if (b & 0xfe) this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long or sets bits beyond 64`, start);
        return result | (BigInt(b) << 63n);
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (!(b & 0x80)) return result;
    }
    /* c8 ignore next */
    return this.fail('ERR_BAD_LEB', `${what}: LEB128 is too long`, start);
  }

  /**
   * Unsigned 64-bit LEB128 (memory64 limits) as a number. Values above
   * `Number.MAX_SAFE_INTEGER` throw `ERR_LIMIT`: no valid limit is that large
   * (memory64 caps memories at 2^48 pages).
   */
  readU64(what = 'an unsigned 64-bit integer'): number {
    const start = this.offset;
    const b0 = this.bytes[start];
    if (start < this.end && b0 !== undefined && b0 < 0x80) {
      this.offset = start + 1;
      return b0;
    }
    const value = this.readU64Big(what);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail('ERR_LIMIT', `${what} is ${value}, larger than any valid value (2^53 - 1)`, start);
    }
    return Number(value);
  }

  /** Unsigned 64-bit LEB128 as a number when it is at most `Number.MAX_SAFE_INTEGER`, else as a bigint (exact either way). */
  readU64Exact(what = 'an unsigned 64-bit integer'): number | bigint {
    const start = this.offset;
    const b0 = this.bytes[start];
    if (start < this.end && b0 !== undefined && b0 < 0x80) {
      this.offset = start + 1;
      return b0;
    }
    const value = this.readU64Big(what);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? value : Number(value);
  }

  /** A vector length that cannot exceed the bytes left (each element takes at least `minSize` bytes). */
  readCount(what: string, limit: number, minSize = 1): number {
    const start = this.offset;
    const n = this.readU32('a vector length');
    if (n > limit) {
      this.fail('ERR_LIMIT', `${n} ${what} is more than V8 accepts (${limit})`, start);
    }
    if (n * minSize > this.end - this.offset) {
      this.fail(
        'ERR_UNEXPECTED_EOF',
        `${n} ${what} cannot fit in the ${this.end - this.offset} bytes left in the ${this.context}`,
        start,
      );
    }
    return n;
  }

  /** A name: a byte length then UTF-8 (https://webassembly.github.io/spec/core/binary/values.html#names). */
  readName(what = 'a name', maxLength = Number.MAX_SAFE_INTEGER): string {
    const start = this.offset;
    const length = this.readU32(`the length of ${what}`);
    if (length > maxLength)
      this.fail('ERR_LIMIT', `${what} is ${length} bytes, more than V8 accepts (${maxLength})`, start);
    if (length > this.end - this.offset) this.failEof(what, this.end);
    const from = this.offset;
    const to = from + length;
    this.offset = to;
    return decodeName(this.bytes, from, to, what);
  }
}

/** Decodes UTF-8 bytes `[from, to)` of `bytes` as a name; bad UTF-8 throws `ERR_BAD_UTF8` at `from`. */
export function decodeName(bytes: Uint8Array, from: number, to: number, what = 'a name'): string {
  if (to - from <= ASCII_FAST_PATH_MAX) {
    let i = from;
    while (i < to && bytes[i]! < 0x80) i++;
    // ASCII: one string made from the bytes, where adding a character at a time made one per character.
    if (i === to) return String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
  }
  try {
    UTF8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    return UTF8.decode(bytes.subarray(from, to));
  } catch {
    throw new WasmParseError('ERR_BAD_UTF8', `${what} is not valid UTF-8`, from);
  }
}
