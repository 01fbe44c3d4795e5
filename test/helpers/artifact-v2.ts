// Artifacts of format version 2 (SHA-256), which wasmer-ts still reads, made from
// format-3 ones for the tests of the readers.
import { readArtifactHeader } from '../../src/runtime/engine/artifact.js';
import { sha256 } from '../../src/runtime/engine/hash.js';

/**
 * A format-3 artifact as format 2 wrote it: the same fields, with SHA-256 for its three
 * hashes (the Wasm's and the machine code's, 16 and 52 bytes before the header checksum's
 * 16-byte summary, and the checksum itself). `wasm`: the Wasm of an artifact that leaves it out.
 */
export function asVersion2(v3: Uint8Array, wasm?: Uint8Array): Uint8Array {
  const { dataOffset, header } = readArtifactHeader(v3);
  const out = v3.slice();
  new DataView(out.buffer).setUint32(8, 2, true);
  const checksumAt = dataOffset - 32;
  const codeHashAt = checksumAt - 16 - 32;
  const wasmHashAt = codeHashAt - 4 - 32;
  const wasmAt = dataOffset;
  const codeAt = dataOffset + (header.hasWasm ? header.wasmByteLength : 0);
  const wasmBytes = header.hasWasm ? v3.subarray(wasmAt, codeAt) : wasm;
  if (wasmBytes === undefined) throw new Error('asVersion2: an artifact without its Wasm needs the Wasm');
  out.set(sha256(wasmBytes), wasmHashAt);
  if (header.machineCodeByteLength > 0) out.set(sha256(v3.subarray(codeAt)), codeHashAt);
  out.set(sha256(out.subarray(0, checksumAt)), checksumAt);
  return out;
}
