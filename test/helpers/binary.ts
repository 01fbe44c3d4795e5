// Module bytes for tests, built with the encoder the runtime itself uses
// (src/runtime/encoder/module.ts): one LEB128 and section writer in the tree.
import { encodeU32 } from '../../src/runtime/encoder/leb128.js';
import { encodeCustomSection, encodeSection } from '../../src/runtime/encoder/module.js';

/** Appends a custom section (id 0) named `name` holding `payload` to a module. */
export function withCustomSection(module: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const section = encodeCustomSection(name, payload);
  const out = new Uint8Array(module.length + section.length);
  out.set(module);
  out.set(section, module.length);
  return out;
}

/**
 * A module exporting `f() -> 7` whose one body is `size` bytes of `nop`s: code of any size,
 * valid. `before` (whole sections) goes ahead of its code section.
 */
export function moduleWithCode(size: number, before: readonly number[] = []): Uint8Array {
  const body = new Uint8Array(size + 4).fill(0x01); // nop
  body[0] = 0x00; // no locals
  body.set([0x41, 0x07, 0x0b], size + 1); // i32.const 7, end
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...encodeSection(1, [1, 0x60, 0, 1, 0x7f]), // () -> i32
    ...encodeSection(3, [1, 0]),
    ...encodeSection(7, [1, 1, 0x66, 0x00, 0]), // export "f"
    ...before,
    ...encodeSection(10, [1, ...encodeU32(body.length), ...body]),
  ]);
}
