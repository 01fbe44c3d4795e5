/**
 * Builds WebAssembly binaries byte by byte, for the malformed inputs the text
 * format cannot express. Independent of src/ so it does not share its bugs.
 */

/** Unsigned LEB128 of a number up to 2^53. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** A vector: the count, then the items' bytes. */
export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section: id, content size, content. */
export function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

export function custom(sectionName: string, payload: number[]): number[] {
  return section(0, [...name(sectionName), ...payload]);
}

/** `\0asm` and version 1. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function module(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;
export const END = 0x0b;

/** A function type `(params) -> (results)`. */
export function functype(params: number[], results: number[]): number[] {
  return [0x60, ...u32(params.length), ...params, ...u32(results.length), ...results];
}

/** A code body: size, no locals, the instructions, end. */
export function body(instructions: number[]): number[] {
  const content = [0x00, ...instructions, END];
  return [...u32(content.length), ...content];
}

/**
 * Like `wat()` from test/helpers, without wabt's validator: wabt 1.0.39 rejects
 * every shared memory ("memories may not be shared") even with threads on.
 */
export async function watUnchecked(text: string): Promise<Uint8Array> {
  const { default: init } = await import('wabt');
  const w = await init();
  const parsed = w.parseWat('fixture.wat', text, {
    threads: true,
    exceptions: true,
    simd: true,
    relaxed_simd: true,
    memory64: true,
    tail_call: true,
  });
  try {
    parsed.resolveNames();
    return new Uint8Array(parsed.toBinary({ write_debug_names: true }).buffer);
  } finally {
    parsed.destroy();
  }
}
