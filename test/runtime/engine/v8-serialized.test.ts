// Reading V8's serialized machine code: which functions have TurboFan code.
// Checked against what V8 itself serializes, eagerly (`compile`) and after a
// run that tiered up only some functions.
import { describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../../src/runtime/engine/artifact.js';
import { compileOptimized, encodeArtifact, serializeMachineCode } from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { summarizeMachineCode } from '../../../src/runtime/engine/v8-serialized.js';
import { wat } from '../../helpers/wat.js';
import { waitForTurboFanCode } from '../cache/child.js';

// Two imported functions, so the per-import bytes of V8's header are exercised;
// `hot` runs long enough to be optimized, `cold` runs once, `never` does not run.
const MIXED_WAT = `(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "g" (func $g))
  (memory 1)
  (func $hot (export "hot") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.and (local.get $i) (i32.const 1020)))))
      (local.set $s (i32.xor (i32.mul (local.get $s) (i32.const 16777619)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $s))
  (func $cold (export "cold") (param i32) (result i32) (call $f (local.get 0)))
  (func $never (export "never") (result f64) (call $g) (f64.sqrt (f64.const 2))))`;

const v8 = process.versions.v8;
const isV8Layout = Number.parseInt(v8, 10) === 11;

describe.runIf(nativeStatus().available && isV8Layout)('summarizeMachineCode', () => {
  it('counts every function as TurboFan in an eager compile, and the header records it', async () => {
    const wasm = await wat(MIXED_WAT);
    const { artifact } = await compileOptimized(wasm);
    const { machineCode, header } = decodeArtifact(artifact);
    const summary = summarizeMachineCode(machineCode!, v8, 2);
    expect(summary).toMatchObject({ functions: 3, turbofan: 3, liftoff: 0 });
    expect(summary!.codeBytes).toBeGreaterThan(0);
    expect(summary!.codeBytes).toBeLessThan(machineCode!.length);
    expect(header.machineCodeSummary).toEqual(summary);
  });

  it('tells optimized, run-once and never-run functions apart after a run', async () => {
    const wasm = await wat(MIXED_WAT);
    const module = await WebAssembly.compile(wasm);
    const { exports } = new WebAssembly.Instance(module, { env: { f: (x: number) => x, g: () => {} } });
    (exports.cold as (x: number) => number)(1);
    const hot = exports.hot as (n: number) => number;
    for (let i = 0; i < 500; i++) hot(2000);
    await waitForTurboFanCode(module, wasm);
    const code = serializeMachineCode(module, wasm)!;
    expect(summarizeMachineCode(code, v8, 2)).toMatchObject({ functions: 3, turbofan: 1, liftoff: 1 });
    expect(decodeArtifact(encodeArtifact({ wasm, machineCode: code })).header.machineCodeSummary).toMatchObject({
      functions: 3,
      turbofan: 1,
    });
  });

  it('says unknown (null), never guesses, when the bytes do not fit the layout exactly', async () => {
    const wasm = await wat(MIXED_WAT);
    const code = decodeArtifact((await compileOptimized(wasm)).artifact).machineCode!;
    expect(summarizeMachineCode(code, v8, 2)).not.toBeNull();
    expect(summarizeMachineCode(code, v8, 1)).toBeNull(); // a wrong import count shifts every record
    expect(summarizeMachineCode(code, v8, 3)).toBeNull();
    expect(summarizeMachineCode(code, '12.4.254.21', 2)).toBeNull(); // a layout not checked here
    expect(summarizeMachineCode(code.subarray(0, code.length - 1), v8, 2)).toBeNull();
    const longer = new Uint8Array(code.length + 4);
    longer.set(code);
    expect(summarizeMachineCode(longer, v8, 2)).toBeNull();
    // Flipping any one byte of the total or of a size field breaks the accounting.
    for (let offset = 16; offset < 24; offset++) {
      const copy = code.slice();
      copy[offset]! ^= 0x10;
      expect(summarizeMachineCode(copy, v8, 2), `offset ${offset}`).toBeNull();
    }
    expect(summarizeMachineCode(new Uint8Array(10), v8, 0)).toBeNull();
  });
});
