// A call of numbers through the glue must cost about a core call: no arrays or objects per
// call. Checked by counting V8's scavenges (young-generation GCs, printed by --trace-gc) in a
// child process running the built dist/, over three rounds of 300,000 calls, the fewest in a
// round counting: a numeric call in each direction and a call taking a short string get none;
// one returning a tuple, which must allocate the array it returns, gets some (so the count can
// tell them apart).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wat } from '../../../helpers/wat.js';

const ABI = fileURLToPath(new URL('../../../../dist/runtime/component/abi/index.js', import.meta.url));

const GUEST = `(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 16))
  (func (export "len") (param i32 i32) (result i32) (local.get 1))
  (func (export "pair") (param i32) (result i32)
    (i32.store (i32.const 64) (local.get 0)) (i32.store (i32.const 68) (i32.const 1)) (i32.const 64))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (call $inc (local.get $acc)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc)))`;

/** Calls measured per case: enough that an allocation of a few bytes per call fills the young generation. */
const N = 300_000;

const SCRIPT = `
const N = ${N};
import { ComponentState, liftFunction } from ${JSON.stringify(ABI)};
// What a component's instantiation lowers an import with (it builds lowerFunction's glue on the first call).
import { lowerFunctionOnFirstCall } from ${JSON.stringify(ABI.replace(/index\.(ts|js)$/, 'function.$1'))};
const u32 = { kind: 'u32' };
const fn = (params, result) => ({ kind: 'func', params: params.map((type, i) => ({ name: 'p' + i, type })), result, isAsync: false });
const state = new ComponentState();
let exports;
const ctx = { stringEncoding: 'utf8', state, memory: () => exports.memory, realloc: (a, b, c, d) => exports.realloc(a, b, c, d) };
const inc = lowerFunctionOnFirstCall(fn([u32], u32), (x) => (x + 1) & 0x3ff, ctx, 'inc');
const module = new WebAssembly.Module(Buffer.from(process.argv[1], 'base64'));
exports = new WebAssembly.Instance(module, { host: { inc } }).exports;
const add = liftFunction(fn([u32, u32], u32), exports.add, ctx, 'add');
const len = liftFunction(fn([{ kind: 'string' }], u32), exports.len, ctx, 'len');
const loop = liftFunction(fn([u32], u32), exports.loop, ctx, 'loop');
const pair = liftFunction(fn([u32], { kind: 'tuple', types: [u32, u32] }), exports.pair, ctx, 'pair');
const run = {
  add: () => { let acc = 0; for (let i = 0; i < N; i++) acc += add(i & 1023, 1); return acc; },
  len: () => { let acc = 0; for (let i = 0; i < N; i++) acc += len('hello'); return acc; },
  import: () => loop(N),
  pair: () => { let acc = 0; for (let i = 0; i < N; i++) acc += pair(i & 1023)[1]; return acc; },
}[process.argv[2]];
run();
for (let round = 0; round < 3; round++) {
  globalThis.gc();
  console.log('BEGIN');
  const result = run();
  console.log('END ' + result);
}
`;

/**
 * The fewest scavenges V8 ran during one of three rounds of N measured calls of `which`, and
 * the result they computed. V8 still compiling the loop (or the glue) in a round can fill the
 * young generation once (seen on Nodes 24 and 26 in CI); a later round has nothing left to
 * compile, while an allocation per call shows in every round (about 18 in the pair case).
 */
function scavenges(bytes: Uint8Array, which: string): { count: number; result: number } {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--trace-gc', '--input-type=module', '-e', SCRIPT, Buffer.from(bytes).toString('base64'), which],
    { encoding: 'utf8' },
  );
  const rounds = out.split('BEGIN').slice(1);
  expect(rounds).toHaveLength(3);
  const counts = rounds.map((round) => (round.slice(0, round.indexOf('END')).match(/Scavenge/g) ?? []).length);
  const end = /END (\d+)/.exec(out);
  return { count: Math.min(...counts), result: Number(end?.[1]) };
}

describe('allocation per call', () => {
  it('allocates nothing for a call of numbers in either direction or of a short string', async () => {
    const bytes = await wat(GUEST);
    const add = scavenges(bytes, 'add');
    let expected = 0;
    for (let i = 0; i < N; i++) expected += (i & 1023) + 1;
    expect(add.result).toBe(expected);
    expect(add.count).toBe(0);
    const viaImport = scavenges(bytes, 'import');
    expect(viaImport.result).toBe(N % 1024);
    expect(viaImport.count).toBe(0);
    const len = scavenges(bytes, 'len');
    expect(len.result).toBe(5 * N);
    expect(len.count).toBe(0);
    const pair = scavenges(bytes, 'pair');
    expect(pair.result).toBe(N);
    expect(pair.count).toBeGreaterThan(5);
  }, 90_000);
});
