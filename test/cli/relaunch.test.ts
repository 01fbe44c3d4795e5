import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wantedCompileMode, wantedCompileModeOfFile } from '../../src/commands/relaunch.js';
import { encodeCustomSection } from '../../src/runtime/encoder/module.js';
import { AUTO_OPTIMIZING_MAX_CODE_BYTES, type CompilerChoice } from '../../src/runtime/engine/tiering.js';
import { Module } from '../../src/runtime/module.js';
import { moduleWithCode } from '../helpers/binary.js';

const CHOICES: CompilerChoice[] = ['auto', 'optimizing', 'baseline'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-relaunch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the tier a module file wants, read from its section headers', () => {
  it('agrees with the whole bytes for modules, artifacts, text and damaged input', async () => {
    const small = moduleWithCode(100);
    const big = moduleWithCode(AUTO_OPTIMIZING_MAX_CODE_BYTES + 1000);
    // 20 KiB of custom section before the code: the code section header lies past the bytes read at once.
    const far = moduleWithCode(
      AUTO_OPTIMIZING_MAX_CODE_BYTES + 1000,
      encodeCustomSection('pad', new Uint8Array(20_000)),
    );
    const inputs: Record<string, Uint8Array> = {
      small,
      big,
      far,
      artifact: (await Module.from(small)).serialize(),
      text: new TextEncoder().encode('(module (func (export "f")))'),
      truncatedHeader: big.subarray(0, 24),
      sectionPastTheEnd: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 0xff, 0x7f]),
      empty: new Uint8Array(0),
    };
    const seen = new Set<string | null>();
    for (const [name, bytes] of Object.entries(inputs)) {
      const file = join(dir, `${name}.wasm`);
      writeFileSync(file, bytes);
      for (const choice of CHOICES) {
        const wanted = wantedCompileModeOfFile(file, choice);
        expect(wanted, `${name}, ${choice}`).toBe(wantedCompileMode(bytes, choice));
        seen.add(wanted);
      }
    }
    expect(wantedCompileModeOfFile(join(dir, 'far.wasm'), 'auto')).toBe('baseline');
    expect(wantedCompileModeOfFile(join(dir, 'small.wasm'), 'auto')).toBe('optimizing');
    expect([...seen].sort()).toEqual(['baseline', 'eager', 'optimizing', null].sort());
  });

  it('says nothing for a missing file or a FIFO, and never opens the FIFO (that would wait for a writer)', () => {
    expect(wantedCompileModeOfFile(join(dir, 'missing.wasm'), 'auto')).toBeNull();
    const fifo = join(dir, 'fifo.wasm');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const choice of CHOICES) expect(wantedCompileModeOfFile(fifo, choice)).toBeNull();
  });
});
