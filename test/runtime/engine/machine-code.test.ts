import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../../src/runtime/engine/artifact.js';
import { currentEngine, v8FlagFingerprint } from '../../../src/runtime/engine/fingerprint.js';
import { sha256Hex } from '../../../src/runtime/engine/hash.js';
import {
  compileOptimized,
  describeArtifact,
  encodeArtifact,
  loadArtifactModule,
} from '../../../src/runtime/engine/machine-code.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { v8FlagsFor } from '../../../src/runtime/engine/tiering.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, kernelWork, OTHER_WAT, runChild } from '../cache/child.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const N = 5000;
const EXPECTED = kernelWork(N);

// Loads each artifact file named on the command line and prints one JSON line per file.
// codeSha256: the SHA-256 of what V8 serializes for the module right after the load, before
// any call. A module compiled from its Wasm has no TurboFan code yet (null), so the payload's
// own hash there means V8 runs the payload and compiled nothing. Only the first load of a
// process says so: V8 shares code between modules of the same bytes in one process.
const LOAD_AND_RUN = `
import { readFileSync } from 'node:fs';
const { loadArtifactModule } = await import(DIST + 'engine/machine-code.js');
const { nativeAddon } = await import(DIST + 'engine/native.js');
const { sha256Hex } = await import(DIST + 'engine/hash.js');
for (const file of process.argv.slice(1)) {
  try {
    const loaded = await loadArtifactModule(new Uint8Array(readFileSync(file)));
    const code = nativeAddon()?.serialize(loaded.module) ?? null;
    const codeSha256 = code === null ? null : sha256Hex(code);
    const { exports } = new WebAssembly.Instance(loaded.module, {});
    console.log(JSON.stringify({ file, result: exports.work(${N}), twice: exports.twice(21), usedMachineCode: loaded.usedMachineCode, notice: loaded.notice, codeSha256 }));
  } catch (error) {
    console.log(JSON.stringify({ file, error: error.code ?? String(error) }));
  }
}
`;

interface Outcome {
  file: string;
  result?: number;
  twice?: number;
  usedMachineCode?: boolean;
  notice?: string | null;
  codeSha256?: string | null;
  error?: string;
}

async function loadInChild(
  files: string[],
  options: { env?: Record<string, string>; execArgv?: string[] } = {},
): Promise<Outcome[]> {
  // compileOptimized's artifacts load (machine code and all) where the eager flags are set, as
  // `wasmer-ts run app.wasmu` sets them; a test that wants other flags says so.
  const child = await runChild(LOAD_AND_RUN, files, { ...options, execArgv: options.execArgv ?? v8FlagsFor('eager') });
  // A crash (signal or abort) inside V8 must fail here, whatever the payload was.
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  const outcomes = child.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Outcome);
  expect(outcomes.map((o) => o.file)).toEqual(files);
  return outcomes;
}

const native = nativeStatus();
let dir: string;
let kernel: Uint8Array;
let other: Uint8Array;
let optimized: Uint8Array;
let machineCode: Uint8Array;

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-mc-'));
  kernel = await wat(KERNEL_WAT);
  other = await wat(OTHER_WAT);
  const compiled = await compileOptimized(kernel);
  optimized = compiled.artifact;
  machineCode = decodeArtifact(optimized).machineCode ?? new Uint8Array();
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('loading without machine code', () => {
  it('compiles a Wasm-only artifact silently', async () => {
    const loaded = await loadArtifactModule(encodeArtifact({ wasm: kernel }));
    expect(loaded.usedMachineCode).toBe(false);
    expect(loaded.notice).toBeNull();
    const { exports } = new WebAssembly.Instance(loaded.module, {});
    expect((exports.work as (n: number) => number)(N)).toBe(EXPECTED);
  });

  it('compileOptimized rejects an invalid module with CompileError and its byte offset', async () => {
    const truncated = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1);
    await expect(compileOptimized(truncated)).rejects.toMatchObject({
      code: 'ERR_COMPILE',
      offset: 8,
      message: expect.stringMatching(/^invalid module: .*\(at byte 0x8\)$/),
    });
  });

  it('describes an artifact without machine code', () => {
    const description = describeArtifact(encodeArtifact({ wasm: kernel }));
    expect(description.hasMachineCode).toBe(false);
    expect(description.machineCodeUsable).toBe(false);
    expect(description.reason).toMatch(/no machine code/);
  });
});

describe('the native addon', () => {
  it('is built wherever a C++ compiler and the Node headers are installed (else tests below are skipped)', () => {
    const hasCompiler = spawnSync('c++', ['--version']).status === 0 && spawnSync('make', ['--version']).status === 0;
    const hasHeaders = existsSync(path.resolve(process.execPath, '../../include/node/node.h'));
    if (hasCompiler && hasHeaders && process.env.WASMER_TS_NATIVE !== '0') {
      expect(native, 'run `node scripts/build-native.js --verbose` to see why').toMatchObject({ available: true });
    } else {
      expect(native.available).toBe(false);
      expect(native.reason).toEqual(expect.any(String));
    }
  });
});

describe.runIf(native.available)('machine code through the native addon', () => {
  it('compileOptimized stores TurboFan code that a fresh process loads and runs correctly', async () => {
    expect(machineCode.length).toBeGreaterThan(0);
    const description = describeArtifact(optimized);
    expect(description).toMatchObject({ hasMachineCode: true, machineCodeUsable: true, reason: null });
    const [outcome] = await loadInChild([save('good.wasmu', optimized)]);
    expect(outcome).toMatchObject({ result: EXPECTED, twice: 42, usedMachineCode: true, notice: null });
    // What V8 holds right after the load is the payload, byte for byte: nothing was compiled.
    expect(outcome?.codeSha256).toBe(sha256Hex(machineCode));
  });

  it('keeps Node’s own compileStreaming of a Response working once the loader is installed', async () => {
    const script = `
      const { loadArtifactModule } = await import(DIST + 'engine/machine-code.js');
      const { readFileSync } = await import('node:fs');
      const loaded = await loadArtifactModule(new Uint8Array(readFileSync(process.argv[1])));
      const wasm = readFileSync(process.argv[2]);
      const fromResponse = await WebAssembly.compileStreaming(new Response(wasm, { headers: { 'content-type': 'application/wasm' } }));
      const { exports } = new WebAssembly.Instance(fromResponse, {});
      console.log(loaded.usedMachineCode, exports.twice(5));
      await WebAssembly.compileStreaming(new Response(wasm)).catch((e) => console.log(e.constructor.name));
    `;
    const child = await runChild(script, [save('resp.wasmu', optimized), save('kernel.wasm', kernel)], {
      execArgv: v8FlagsFor('eager'),
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('true 10\nTypeError\n');
  });

  it('code serialized after a run loads where the flags are the same, and is refused with the reason elsewhere', async () => {
    // A baseline process tiers `work` up, serializes it and saves an artifact; V8 hashes every flag into it.
    const script = `
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { serializeMachineCode } = await import(DIST + 'engine/machine-code.js');
      const { encodeArtifact } = await import(DIST + 'engine/machine-code.js');
      const wasm = new Uint8Array(readFileSync(process.argv[1]));
      const module = await WebAssembly.compile(wasm);
      const { work } = new WebAssembly.Instance(module, {}).exports;
      for (let i = 0; i < 300; i++) work(${N});
      const code = serializeMachineCode(module, wasm);
      writeFileSync(process.argv[2], encodeArtifact({ wasm, machineCode: code }));
      console.log(code !== null && code.length > 0);
    `;
    const out = path.join(dir, 'tiered.wasmu');
    const child = await runChild(script, [save('tier-kernel.wasm', kernel), out], { execArgv: v8FlagsFor('baseline') });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('true\n');
    const [same] = await loadInChild([out], { execArgv: v8FlagsFor('baseline') });
    expect(same).toMatchObject({ result: EXPECTED, usedMachineCode: true, notice: null });
    const [other] = await loadInChild([out], { execArgv: v8FlagsFor('optimizing') });
    expect(other).toMatchObject({ result: EXPECTED, usedMachineCode: false });
    expect(other?.notice).toMatch(/^machine code not used \(it was compiled for baseline processes /);
  });

  it('falls back with a notice when the addon is disabled', async () => {
    const [outcome] = await loadInChild([save('noaddon.wasmu', optimized)], { env: { WASMER_TS_NATIVE: '0' } });
    expect(outcome).toMatchObject({ result: EXPECTED, usedMachineCode: false });
    expect(outcome?.notice).toMatch(/WASMER_TS_NATIVE=0/);
  });

  it('falls back when the artifact was made for another V8, Node, CPU or wasmer-ts', async () => {
    const here = currentEngine();
    const variants = {
      v8: { ...here, v8Version: '10.2.154.26' },
      node: { ...here, nodeVersion: '18.20.0' },
      cpu: { ...here, cpuFingerprint: `${here.arch}-0000000000000000` },
      wasmerTs: { ...here, wasmerTsVersion: '0.0.1' },
      arch: { ...here, arch: here.arch === 'x64' ? 'arm64' : 'x64' },
    };
    const files = Object.entries(variants).map(([name, engine]) =>
      save(`engine-${name}.wasmu`, encodeArtifact({ wasm: kernel, machineCode, engine })),
    );
    const outcomes = await loadInChild(files);
    for (const outcome of outcomes) {
      expect(outcome, outcome.file).toMatchObject({ result: EXPECTED, twice: 42, usedMachineCode: false });
      expect(outcome.notice, outcome.file).toMatch(/^machine code not used \(it was compiled for /);
    }
    expect(outcomes[0]?.notice).toMatch(/V8 version 10\.2\.154\.26/);
  });

  it('falls back when V8 flags differ, recorded or real', async () => {
    const recorded = save(
      'flags.wasmu',
      encodeArtifact({
        wasm: kernel,
        machineCode,
        engine: { ...currentEngine(), flagFingerprint: 'f00dfeedf00dfeed' },
      }),
    );
    const [fromHeader] = await loadInChild([recorded]);
    expect(fromHeader).toMatchObject({ result: EXPECTED, usedMachineCode: false });
    expect(fromHeader?.notice).toMatch(/V8 flags/);
    const [fromProcess] = await loadInChild([save('plain.wasmu', optimized)], {
      execArgv: [...v8FlagsFor('eager'), '--wasm-inlining-budget=4999'],
    });
    expect(fromProcess).toMatchObject({ result: EXPECTED, usedMachineCode: false });
    expect(fromProcess?.notice).toMatch(/V8 flags/);
  });

  it('falls back when V8 itself refuses the payload header', async () => {
    // Bytes 4..8 of V8's serialized module are its version hash; re-encode so our checks pass.
    const tampered = machineCode.slice();
    tampered[5]! ^= 0xff;
    // Recorded for the eager child that loads it, so that only V8's own check can refuse it.
    const engine = { ...currentEngine(), flagFingerprint: v8FlagFingerprint(v8FlagsFor('eager')) };
    const file = save('v8hdr.wasmu', encodeArtifact({ wasm: kernel, machineCode: tampered, engine }));
    const [outcome] = await loadInChild([file]);
    expect(outcome).toMatchObject({ result: EXPECTED, usedMachineCode: false });
    // Compiled from the Wasm (eagerly, under these flags): what V8 holds is its own code, not the payload.
    expect(outcome?.codeSha256).not.toBe(sha256Hex(tampered));
    expect(outcome?.notice).toMatch(/V8 rejected/);
  });

  it('fault injection: truncation, bit flips, swapped Wasm and version fields never crash or give a wrong answer', async () => {
    const bytes = optimized;
    const codeAt = bytes.length - machineCode.length;
    const wasmAt = codeAt - kernel.length;
    const cases: { name: string; bytes: Uint8Array }[] = [];
    // Truncation: every header length, some inside the Wasm, many inside the payload.
    const cuts = new Set<number>();
    for (let n = 0; n < wasmAt; n += 7) cuts.add(n);
    for (let n = wasmAt; n < codeAt; n += Math.max(1, kernel.length >> 3)) cuts.add(n);
    for (let k = 0; k < 40; k++) cuts.add(codeAt + Math.floor((k * machineCode.length) / 40));
    for (const n of cuts) cases.push({ name: `cut-${n}`, bytes: bytes.subarray(0, n) });
    // Bit flips: spread over the file, and densely over the payload (where V8 would trust them).
    const offsets = new Set<number>();
    for (let k = 0; k < 60; k++) offsets.add(Math.floor((k * codeAt) / 60));
    for (let k = 0; k < 120; k++) offsets.add(codeAt + Math.floor((k * machineCode.length) / 120));
    for (const offset of offsets) {
      const flipped = bytes.slice();
      flipped[offset]! ^= 1 << (offset % 8);
      cases.push({ name: `flip-${offset}`, bytes: flipped });
    }
    // The Wasm region swapped for another module's bytes (same length, header untouched).
    const swapped = bytes.slice();
    swapped.set(other.subarray(0, Math.min(other.length, kernel.length)), wasmAt);
    cases.push({ name: 'swap-wasm', bytes: swapped });
    // The format version changed.
    const version = bytes.slice();
    new DataView(version.buffer).setUint32(8, 7, true);
    cases.push({ name: 'format-version', bytes: version });

    const files = cases.map((c) => save(`${c.name}.wasmu`, c.bytes));
    const outcomes = await loadInChild(files);
    let recompiled = 0;
    let typedErrors = 0;
    for (const outcome of outcomes) {
      const name = path.basename(outcome.file);
      if (outcome.error !== undefined) {
        expect(outcome.error, name).toMatch(/^ERR_ARTIFACT_(MAGIC|TRUNCATED|CORRUPT|VERSION)$/);
        typedErrors++;
        continue;
      }
      expect(outcome, name).toMatchObject({ result: EXPECTED, twice: 42, usedMachineCode: false });
      expect(outcome.notice, name).toMatch(/^machine code not used/);
      recompiled++;
    }
    // Damage confined to the payload always ends in a recompile, never an error.
    const payloadCases = outcomes.filter((o) => {
      const m = /-(\d+)\.wasmu$/.exec(o.file);
      return m !== null && Number(m[1]) >= codeAt;
    });
    for (const outcome of payloadCases) expect(outcome.error, outcome.file).toBeUndefined();
    expect(recompiled).toBeGreaterThanOrEqual(150);
    expect(typedErrors).toBeGreaterThan(0);
  });
});

// An artifact made under another Node (so another V8) must be refused in one line and
// compiled from its Wasm, never crash, whether its header says where it came from or claims
// this engine. It needs a second Node: WASMER_TS_OTHER_NODE=/path/to/bin/node (its headers in
// ../include/node, as a release tarball has them), else these tests are skipped. The addon is
// built for that Node in a temporary copy of the package, so native/build stays as it is.
const OTHER_NODE = process.env.WASMER_TS_OTHER_NODE;

// Runs under the other Node: tiers the kernel up, serializes it with that Node's addon, and
// writes two artifacts, one with that Node's engine and one claiming the engine in argv.
const MAKE_FOREIGN = `
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
const { encodeArtifact } = await import(DIST + 'engine/machine-code.js');
const [addonPath, kernelFile, ownFile, claimedFile, claimedEngine] = process.argv.slice(1);
const addon = createRequire(import.meta.url)(addonPath);
const wasm = new Uint8Array(readFileSync(kernelFile));
const module = await WebAssembly.compile(wasm);
const { work } = new WebAssembly.Instance(module, {}).exports;
for (let i = 0; i < 200; i++) work(20000);
let code = null;
for (const deadline = Date.now() + 20000; code === null && Date.now() < deadline; ) {
  code = addon.serialize(module);
  if (code === null) await new Promise((resolve) => setTimeout(resolve, 20));
}
if (code === null) throw new Error('no TurboFan code to serialize after 20 s');
writeFileSync(ownFile, encodeArtifact({ wasm, machineCode: code }));
writeFileSync(claimedFile, encodeArtifact({ wasm, machineCode: code, engine: JSON.parse(claimedEngine) }));
console.log(JSON.stringify({ node: process.versions.node, v8: process.versions.v8, status: addon.status() }));
`;

describe.runIf(native.available && OTHER_NODE !== undefined)('an artifact made by another Node', () => {
  let foreign: { node: string; v8: string; status: { loader: boolean } };
  let ownFile: string;
  let claimedFile: string;

  beforeAll(async () => {
    const other = OTHER_NODE ?? '';
    const copy = path.join(dir, 'other-node');
    for (const part of ['native/binding.gyp', 'native/src', 'scripts/build-native.js']) {
      cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
    }
    const build = spawnSync(other, [path.join(copy, 'scripts/build-native.js'), '--force'], { encoding: 'utf8' });
    const addonPath = path.join(copy, 'native/build/Release/wasmer_ts_native.node');
    if (!existsSync(addonPath)) throw new Error(`building the addon for ${other} failed: ${build.stdout}`);
    const kernelFile = save('foreign-kernel.wasm', kernel);
    ownFile = path.join(dir, 'foreign-own.wasmu');
    claimedFile = path.join(dir, 'foreign-claimed.wasmu');
    const made = await runChild(
      MAKE_FOREIGN,
      [addonPath, kernelFile, ownFile, claimedFile, JSON.stringify(currentEngine())],
      { node: other },
    );
    expect(made.status, made.stderr).toBe(0);
    foreign = JSON.parse(made.stdout);
    if (foreign.v8 === process.versions.v8) {
      throw new Error(`WASMER_TS_OTHER_NODE runs V8 ${foreign.v8}, as this Node does: give a Node of another V8`);
    }
    expect(foreign.status.loader).toBe(true);
  }, 120_000);

  it('is refused in one line naming both Nodes, and its Wasm is compiled', async () => {
    // Both artifacts were made by a baseline process (as this worker is): load them under its flags.
    const [outcome] = await loadInChild([ownFile], { execArgv: v8FlagsFor('baseline') });
    expect(outcome).toMatchObject({ result: EXPECTED, twice: 42, usedMachineCode: false, codeSha256: null });
    expect(outcome?.notice).toBe(
      `machine code not used (it was compiled for Node version ${foreign.node}, this process has ${process.versions.node}); compiled from the Wasm bytes instead`,
    );
  });

  it('is refused by V8 itself when its header claims this engine', async () => {
    const [outcome] = await loadInChild([claimedFile], { execArgv: v8FlagsFor('baseline') });
    expect(outcome).toMatchObject({ result: EXPECTED, twice: 42, usedMachineCode: false, codeSha256: null });
    expect(outcome?.notice).toMatch(/^machine code not used \(V8 rejected it[^\n]*\)[^\n]*$/);
  });
});
