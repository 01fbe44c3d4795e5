/**
 * Strings across the boundary in the three encodings (design/mvp/CanonicalABI.md "Strings"):
 * `utf8`, `utf16` (little-endian code units) and `latin1+utf16`, where the length's top bit
 * tags a UTF-16 string and a clear one means Latin-1 bytes. A JS string is UTF-16, so storing
 * one follows the spec's algorithms for a UTF-16 source, with the same `realloc` calls.
 *
 * A JS string may hold a lone surrogate, which no component string can: UTF-8 gets U+FFFD for
 * it (as `TextEncoder` does), UTF-16 keeps the code unit.
 */
import { CanonicalAbiError } from '../../errors.js';
import type { Cx } from './context.js';
import { badValue, type Plan } from './plan.js';

/** The spec's bound on a string's byte length in memory. */
export const MAX_STRING_BYTE_LENGTH = 2 ** 28 - 1;
/** The latin1+utf16 tag: a length with this bit set counts UTF-16 code units. */
const UTF16_TAG = 0x80000000;

const encoder = new TextEncoder();
/**
 * Up to this many code units, an ASCII string is copied by a loop: on Node 20 a `subarray` plus
 * `encodeInto` costs some 600 ns, a loop over 11 characters some 130 ns. Longer strings go to
 * `encodeInto`, whose bulk copy wins.
 */
const SHORT_STRING = 64;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Made on first use: a UTF-16 TextDecoder holds an ICU converter, which a V8 start-up
// snapshot cannot keep (the standalone executable evaluates this module into one).
let utf16Decoder: { decode(input: Uint8Array): string } | undefined;
function utf16(): { decode(input: Uint8Array): string } {
  utf16Decoder ??= new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
  return utf16Decoder;
}

/** The bytes `[ptr, ptr + length)` as a view TextDecoder accepts (it refuses views of shared memory). */
function decodable(bytes: Uint8Array, ptr: number, length: number): Uint8Array {
  const view = bytes.subarray(ptr, ptr + length);
  return bytes.buffer instanceof ArrayBuffer ? view : view.slice();
}

function latin1(bytes: Uint8Array, ptr: number, length: number): string {
  let s = '';
  // fromCharCode.apply takes the bytes as arguments: chunks keep it below the engine's argument limit.
  for (let at = ptr; at < ptr + length; at += 0x2000) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(at, Math.min(at + 0x2000, ptr + length)) as unknown as number[],
    );
  }
  return s;
}

/**
 * The string at `ptr` with `taggedUnits` (code units, tagged for latin1+utf16), as the guest
 * gave it. Traps: `ERR_CANON_LIMIT` above MAX_STRING_BYTE_LENGTH, `ERR_CANON_ALIGN` for an odd
 * pointer to UTF-16, `ERR_CANON_STRING` out of bounds or badly encoded.
 */
export function loadString(cx: Cx, ptr: number, taggedUnits: number, where: string): string {
  let encoding: 'utf8' | 'utf16' | 'latin1';
  let byteLength: number;
  if (cx.encoding === 'utf8') {
    encoding = 'utf8';
    byteLength = taggedUnits;
  } else if (cx.encoding === 'utf16' || taggedUnits >= UTF16_TAG) {
    encoding = 'utf16';
    byteLength = 2 * (cx.encoding === 'utf16' ? taggedUnits : taggedUnits - UTF16_TAG);
  } else {
    encoding = 'latin1';
    byteLength = taggedUnits;
  }
  if (byteLength > MAX_STRING_BYTE_LENGTH) {
    throw new CanonicalAbiError(
      'ERR_CANON_LIMIT',
      `${where}: a string of ${byteLength} bytes is longer than the canonical ABI allows (${MAX_STRING_BYTE_LENGTH})`,
    );
  }
  if (cx.encoding !== 'utf8' && ptr % 2 !== 0) {
    throw new CanonicalAbiError('ERR_CANON_ALIGN', `${where}: string pointer ${ptr} is not aligned to 2 bytes`);
  }
  if (!cx.fits(ptr, byteLength)) {
    throw new CanonicalAbiError(
      'ERR_CANON_STRING',
      `${where}: a string of ${byteLength} bytes at ${ptr} reaches past the end of memory (${cx.bytes().byteLength} bytes)`,
    );
  }
  const bytes = cx.bytes();
  if (encoding === 'latin1') return latin1(bytes, ptr, byteLength);
  try {
    const decoder = encoding === 'utf8' ? utf8Decoder : utf16();
    return decoder.decode(decodable(bytes, ptr, byteLength));
  } catch (cause) {
    throw new CanonicalAbiError(
      'ERR_CANON_STRING',
      `${where}: the ${byteLength} bytes at ${ptr} are not valid ${encoding === 'utf8' ? 'UTF-8' : 'UTF-16'}`,
      { cause },
    );
  }
}

/** Traps `ERR_CANON_LIMIT` when a string would take more than MAX_STRING_BYTE_LENGTH bytes. */
function checkLength(byteLength: number, where: string): void {
  if (byteLength > MAX_STRING_BYTE_LENGTH) {
    throw new CanonicalAbiError(
      'ERR_CANON_LIMIT',
      `${where}: a string of ${byteLength} bytes is longer than the canonical ABI allows (${MAX_STRING_BYTE_LENGTH})`,
    );
  }
}

/**
 * Writes `value` into memory allocated with the guest's realloc, in the function's encoding.
 * Returns the pointer; the (tagged) length is left in `cx.units`, so no pair is allocated.
 */
export function storeString(cx: Cx, value: string, where: string): number {
  const n = value.length;
  if (cx.encoding === 'utf8') {
    // UTF-8 takes at least a byte per code unit: check that now, the exact length once encoded.
    checkLength(n, where);
    // First assume ASCII (one byte per code unit), as the spec does, and check it while copying.
    let ptr = cx.allocate(1, n, where);
    if (n <= SHORT_STRING) {
      const bytes = cx.bytes();
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        bytes[ptr + i] = c;
      }
      if (i === n) {
        cx.units = n;
        return ptr;
      }
    } else {
      const first = encoder.encodeInto(value, cx.bytes().subarray(ptr, ptr + n));
      if (first.read === n) {
        cx.units = first.written;
        return ptr;
      }
    }
    const worst = 3 * n;
    ptr = cx.realloc(ptr, n, 1, worst, where);
    const { written } = encoder.encodeInto(value, cx.bytes().subarray(ptr, ptr + worst));
    checkLength(written, where);
    if (written < worst) ptr = cx.realloc(ptr, worst, 1, written, where);
    cx.units = written;
    return ptr;
  }
  if (cx.encoding === 'utf16') {
    checkLength(2 * n, where);
    const ptr = cx.allocate(2, 2 * n, where);
    const view = cx.view();
    for (let i = 0; i < n; i++) view.setUint16(ptr + 2 * i, value.charCodeAt(i), true);
    cx.units = n;
    return ptr;
  }
  // latin1+utf16: Latin-1 while every code unit fits a byte, else inflate to UTF-16 and tag.
  checkLength(n, where);
  let ptr = cx.allocate(2, n, where);
  let bytes = cx.bytes();
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) break;
    bytes[ptr + i] = c;
  }
  if (i === n) {
    cx.units = n;
    return ptr;
  }
  checkLength(2 * n, where);
  ptr = cx.realloc(ptr, n, 2, 2 * n, where);
  bytes = cx.bytes();
  // Backwards, so no byte is overwritten before it is moved.
  for (let j = i - 1; j >= 0; j--) {
    bytes[ptr + 2 * j] = bytes[ptr + j] as number;
    bytes[ptr + 2 * j + 1] = 0;
  }
  const view = cx.view();
  for (let k = i; k < n; k++) view.setUint16(ptr + 2 * k, value.charCodeAt(k), true);
  cx.units = (n | UTF16_TAG) >>> 0;
  return ptr;
}

/** The plan of `string` at `where`. */
export function stringPlan(where: string): Plan {
  const check = (value: unknown): string => {
    if (typeof value !== 'string') throw badValue('ERR_ARG_TYPE', where, 'a string', value);
    return value;
  };
  return {
    flat: ['i32', 'i32'],
    size: 8,
    align: 4,
    lowerFlat(cx, value, out, at) {
      out[at] = storeString(cx, check(value), where);
      out[at + 1] = cx.units;
    },
    liftFlat: (cx, src, at) => loadString(cx, (src[at] as number) >>> 0, (src[at + 1] as number) >>> 0, where),
    store(cx, value, p) {
      const ptr = storeString(cx, check(value), where);
      const view = cx.view();
      view.setUint32(p, ptr, true);
      view.setUint32(p + 4, cx.units, true);
    },
    load(cx, p) {
      const view = cx.view();
      return loadString(cx, view.getUint32(p, true), view.getUint32(p + 4, true), where);
    },
  };
}
