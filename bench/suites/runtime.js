// Runtime overhead: our export wrappers and host-function imports against the
// raw V8 calls in the same run, and `slice` through a memory view against a raw
// Uint8Array slice. Ratios near 1.0 mean wasmer-ts adds nothing on hot paths.
import { Instance, Memory, Module } from '../../dist/runtime/index.js';
import { measure, printTable } from '../lib.js';

export const name = 'runtime';

const CALLS = 1_000_000;

const WAT = `(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "sum64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "mulf") (param f64 f64) (result f64) local.get 0 local.get 1 f64.mul)
  (func (export "callHost") (param i32) (result i32) local.get 0 call $host))`;

/**
 * A fresh timing loop per case (`new Function` gives it its own feedback), so the
 * call site stays monomorphic and one case's types don't slow the next.
 */
function loop(fn, a, b) {
  const args = b === undefined ? 'a' : 'a, b';
  return new Function(
    'fn',
    'a',
    'b',
    'CALLS',
    `return () => { let acc; for (let i = 0; i < CALLS; i++) acc = fn(${args}); return acc; };`,
  )(fn, a, b, CALLS);
}

export async function run() {
  const host = (x) => x + 1;
  const module = await Module.compile(WAT);
  const ours = new Instance(module, { env: { host } }).exports;
  const raw = new WebAssembly.Instance(new WebAssembly.Module(module.bytes), { env: { host } }).exports;
  const opts = { samples: 15, warmup: 3 };
  const rows = [];
  const cases = [
    ['sum(5, 37) i32', 'sum', 5, 37],
    ['sum64(5n, 37n) i64', 'sum64', 5n, 37n],
    ['mulf(1.5, 2.25) f64', 'mulf', 1.5, 2.25],
    ['callHost(41) via import', 'callHost', 41, undefined],
  ];
  for (const [label, fn, a, b] of cases) {
    // Interleave the two sides so drift (thermal, GC) hits both alike.
    const r1 = measure(loop(raw[fn], a, b), opts);
    const o1 = measure(loop(ours[fn], a, b), opts);
    const r2 = measure(loop(raw[fn], a, b), opts);
    const o2 = measure(loop(ours[fn], a, b), opts);
    const rawNs = Math.min(r1.median, r2.median) / CALLS;
    const oursNs = Math.min(o1.median, o2.median) / CALLS;
    rows.push({ case: label, 'raw ns/call': rawNs, 'wasmer-ts ns/call': oursNs, ratio: oursNs / rawNs });
  }
  printTable('runtime: call overhead (median of 15 x 1M calls)', rows);

  const MIB = 1 << 20;
  const memory = new Memory({ minimum: (64 * MIB) / 65536 });
  const bytes = new Uint8Array(memory.buffer);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 0xff;
  const view = memory.uint8View();
  const unaligned = memory.uint16View(1);
  // Element access: indexing goes through a Proxy, get() does not, `array` is the live typed array.
  const N = 1 << 20;
  const reader = (body) =>
    new Function('v', 'N', `return () => { let acc = 0; for (let i = 0; i < N; i++) acc += ${body}; return acc; };`);
  const rawArray = new Uint8Array(memory.buffer);
  const access = [
    ['raw Uint8Array[i]', reader('v[i]')(rawArray, N)],
    ['view.array[i]', reader('v.array[i]')(view, N)],
    ['view.get(i)', reader('v.get(i)')(view, N)],
    ['view[i] (Proxy)', reader('v[i]')(view, N)],
  ].map(([label, fn]) => [label, measure(fn, { samples: 9, warmup: 2 }).median / N]);
  const rawAccess = access[0][1];
  printTable(
    'runtime: reading 1M bytes one by one',
    access.map(([label, ns]) => ({ case: label, 'ns/element': ns, ratio: ns / rawAccess })),
  );

  // 64 MiB copies are dominated by allocation and GC: interleave the three
  // sides over several rounds and keep each one's best median.
  const sliceOpts = { samples: 5, warmup: 1 };
  const best = { raw: Infinity, view: Infinity, unaligned: Infinity };
  for (let round = 0; round < 3; round++) {
    best.raw = Math.min(best.raw, measure(() => new Uint8Array(memory.buffer).slice(0, 64 * MIB), sliceOpts).median);
    best.view = Math.min(best.view, measure(() => view.slice(0, 64 * MIB), sliceOpts).median);
    best.unaligned = Math.min(best.unaligned, measure(() => unaligned.slice(0, 32 * MIB - 1), sliceOpts).median);
  }
  const rawSlice = { median: best.raw };
  const viewSlice = { median: best.view };
  const unalignedSlice = { median: best.unaligned };
  const ms = (ns) => ns / 1e6;
  printTable('runtime: slice of 64 MiB', [
    { case: 'raw Uint8Array.slice', ms: ms(rawSlice.median), ratio: 1 },
    { case: 'memory.uint8View().slice', ms: ms(viewSlice.median), ratio: viewSlice.median / rawSlice.median },
    {
      case: 'memory.uint16View(1).slice (unaligned)',
      ms: ms(unalignedSlice.median),
      ratio: unalignedSlice.median / rawSlice.median,
    },
  ]);
}
