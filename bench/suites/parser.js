// Parser throughput on a generated ~30 MB module (100k functions, 8 MB of data,
// a name section for every function): parseModule and scanCodeFeatures in MB/s,
// with V8's own compile of the same bytes in the same run as a reference.

import { encodeU32 } from '../../dist/runtime/encoder/leb128.js';
import { scanCodeFeatures } from '../../dist/runtime/parser/features.js';
import { parseModule } from '../../dist/runtime/parser/index.js';
import { measure, measureAsync, printTable } from '../lib.js';

export const name = 'parser';

const FUNCTIONS = 100_000;
const DATA_SEGMENTS = 8;
const DATA_SEGMENT_SIZE = 1024 * 1024;

function encodeName(s) {
  const b = [...Buffer.from(s, 'utf8')];
  return [...encodeU32(b.length), ...b];
}

/** Pushes a section (id, size, content) onto `chunks`, content given as arrays or Uint8Arrays. */
function section(chunks, id, parts) {
  const size = parts.reduce((n, p) => n + p.length, 0);
  chunks.push(
    Uint8Array.from([id, ...encodeU32(size)]),
    ...parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))),
  );
}

/** One function body of about 200 bytes: arithmetic, loads/stores, a block with br_if, and a call. */
function functionBody(i) {
  const code = [1, 1, 0x7f]; // one local group: 1 x i32
  for (let k = 0; k < 12; k++) {
    code.push(0x20, 0, 0x41, ...encodeU32((i * 31 + k * 7) & 0x3fff), 0x6a, 0x21, 1); // local.set 1 (local.get 0 + K)
    code.push(0x41, ...encodeU32(k * 8), 0x20, 1, 0x36, 2, ...encodeU32(k * 4)); // i32.store offset=4k
  }
  code.push(0x02, 0x40, 0x20, 1, 0x0d, 0, 0x0b); // block, local.get 1, br_if 0, end
  code.push(0x41, 0, 0x28, 2, 0); // i32.load
  if (i > 0) code.push(0x10, ...encodeU32(i - 1)); // call the previous function on the loaded value
  code.push(0x20, 1, 0x6a, 0x0b); // i32.add, end
  return Uint8Array.from([...encodeU32(code.length), ...code]);
}

function buildModule() {
  const chunks = [Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0])];
  section(chunks, 1, [[1, 0x60, 1, 0x7f, 1, 0x7f]]); // (i32) -> i32
  const fnIndices = new Uint8Array(FUNCTIONS); // all type 0
  section(chunks, 3, [encodeU32(FUNCTIONS), fnIndices]);
  section(chunks, 5, [[1, 0x00, ...encodeU32(DATA_SEGMENTS * 16 + 1)]]); // memory big enough for the data
  const exports = [];
  for (let i = 0; i < FUNCTIONS; i += 100) exports.push(...encodeName(`f${i}`), 0x00, ...encodeU32(i));
  section(chunks, 7, [encodeU32(FUNCTIONS / 100), exports]);
  const bodies = [];
  for (let i = 0; i < FUNCTIONS; i++) bodies.push(functionBody(i));
  section(chunks, 10, [encodeU32(FUNCTIONS), ...bodies]);
  const data = [encodeU32(DATA_SEGMENTS)];
  for (let s = 0; s < DATA_SEGMENTS; s++) {
    const payload = new Uint8Array(DATA_SEGMENT_SIZE).fill(s + 1);
    data.push([0, 0x41, ...encodeU32(s * DATA_SEGMENT_SIZE), 0x0b, ...encodeU32(DATA_SEGMENT_SIZE)], payload);
  }
  section(chunks, 11, data);
  const names = [];
  for (let i = 0; i < FUNCTIONS; i++) names.push(...encodeU32(i), ...encodeName(`function_${i}`));
  const fnNames = [...encodeU32(FUNCTIONS), ...names];
  section(chunks, 0, [encodeName('name'), [1, ...encodeU32(fnNames.length)], fnNames]);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function run() {
  const bytes = buildModule();
  const mb = bytes.length / 1e6;
  if (!WebAssembly.validate(bytes)) throw new Error('the generated benchmark module is not valid');
  const info = parseModule(bytes);
  if (info.codeCount !== FUNCTIONS || info.names.functions.size !== FUNCTIONS) throw new Error('unexpected parse');

  const rate = (ns) => mb / (ns / 1e9);
  const parse = measure(() => parseModule(bytes), { samples: 15, warmup: 3 });
  const scan = measure(() => scanCodeFeatures(bytes, info), { samples: 7, warmup: 2 });
  const compile = await measureAsync(() => WebAssembly.compile(bytes), { samples: 3, warmup: 1 });
  const validate = measure(() => WebAssembly.validate(bytes), { samples: 3, warmup: 1 });
  const row = (what, t) => ({
    what,
    'MB/s (best)': rate(t.min),
    'MB/s (median)': rate(t.median),
    'ms (median)': t.median / 1e6,
  });
  printTable(`parser: ${mb.toFixed(1)} MB module, ${FUNCTIONS} functions, ${DATA_SEGMENTS} MB data`, [
    row('parseModule', parse),
    row('scanCodeFeatures', scan),
    row('WebAssembly.validate (V8)', validate),
    row('WebAssembly.compile (V8)', compile),
  ]);
}
