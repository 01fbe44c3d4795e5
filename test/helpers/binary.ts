// Module bytes for tests, built with the encoder the runtime itself uses
// (src/runtime/encoder/module.ts): one LEB128 and section writer in the tree.
import { encodeCustomSection } from '../../src/runtime/encoder/module.js';

/** Appends a custom section (id 0) named `name` holding `payload` to a module. */
export function withCustomSection(module: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const section = encodeCustomSection(name, payload);
  const out = new Uint8Array(module.length + section.length);
  out.set(module);
  out.set(section, module.length);
  return out;
}
