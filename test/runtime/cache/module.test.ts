// Module.serialize / Module.from / Module.deserialize over the artifact format.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../../src/runtime/engine/artifact.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { Module } from '../../../src/runtime/module.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, kernelWork, runChild, waitForTurboFanCode } from './child.js';

const N = 200_000;
let dir: string;
let kernel: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-module-'));
  kernel = await wat(KERNEL_WAT);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('Module and artifacts', () => {
  it('serialize() after a run carries the code V8 optimized; Module.from and Module.deserialize both run it', async () => {
    const module = await Module.compile(kernel);
    const work = module.instantiate().exports.work as (n: number) => number;
    for (let i = 0; i < 100; i++) work(N);
    await waitForTurboFanCode(module.raw, kernel);
    const artifact = module.serialize();
    const { wasm, machineCode } = decodeArtifact(artifact);
    expect(wasm).toEqual(kernel);
    expect(machineCode !== null).toBe(nativeStatus().available);

    const file = path.join(dir, 'serialized.wasmu');
    writeFileSync(file, artifact);
    const script = `
      const { Module } = await import(DIST + 'module.js');
      const { readFileSync } = await import('node:fs');
      const bytes = new Uint8Array(readFileSync(process.argv[1]));
      const notices = [];
      const fromArtifact = await Module.from(bytes, { onNotice: (m) => notices.push(m) });
      const sync = Module.deserialize(bytes);
      console.log(JSON.stringify({
        from: fromArtifact.instantiate().exports.work(${N}),
        sync: sync.instantiate().exports.work(${N}),
        exports: fromArtifact.exports.map((e) => e.name),
        notices,
      }));
    `;
    const plain = await runChild(script, [file]);
    expect(plain.stderr).toBe('');
    expect(JSON.parse(plain.stdout)).toEqual({
      from: kernelWork(N),
      sync: kernelWork(N),
      exports: ['work', 'twice'],
      notices: [],
    });
    if (machineCode !== null) {
      const off = await runChild(script, [file], { env: { WASMER_TS_NATIVE: '0' } });
      const result = JSON.parse(off.stdout);
      expect(result.from).toBe(kernelWork(N));
      expect(result.notices).toEqual([
        'machine code not used (disabled by WASMER_TS_NATIVE=0); compiled from the Wasm bytes instead',
      ]);
    }
  });

  it('Module.from rejects a damaged artifact with a typed ArtifactError', async () => {
    const artifact = (await Module.compile(kernel)).serialize();
    const damaged = artifact.slice();
    damaged[40]! ^= 1;
    await expect(Module.from(damaged)).rejects.toMatchObject({ code: 'ERR_ARTIFACT_CORRUPT' });
    await expect(Module.from(artifact.subarray(0, 30))).rejects.toMatchObject({ code: 'ERR_ARTIFACT_TRUNCATED' });
  });
});
