import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeArtifact } from '../../../src/runtime/engine/artifact.js';
import {
  currentEngine,
  engineMismatch,
  processFlags,
  v8FlagFingerprint,
} from '../../../src/runtime/engine/fingerprint.js';
import { encodeArtifact } from '../../../src/runtime/engine/machine-code.js';
import { packageVersion } from '../../../src/runtime/engine/paths.js';
import { fixture } from '../../helpers/wat.js';

const wasm = await fixture('simple');
const machineCode = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff);

describe('engine fingerprint', () => {
  it('describes this process, once', () => {
    const here = currentEngine();
    expect(here).toMatchObject({
      wasmerTsVersion: packageVersion(),
      nodeVersion: process.versions.node,
      v8Version: process.versions.v8,
      arch: process.arch,
      flagFingerprint: v8FlagFingerprint(),
    });
    expect(here.cpuFingerprint).toMatch(new RegExp(`^${process.arch}-[0-9a-f]{16}$`));
    expect(currentEngine()).toBe(here);
  });

  // The fingerprint names every cache entry: reading /proc/cpuinfo another way must give the same
  // one, or every user's cache would be rewritten. Here with regular expressions, as it was read before.
  it.runIf(process.platform === 'linux' && existsSync('/proc/cpuinfo'))(
    'hashes the CPU’s model name and its sorted feature flags from /proc/cpuinfo (Linux)',
    () => {
      const info = readFileSync('/proc/cpuinfo', 'utf8');
      const model = /^model name\s*:(.*)$/m.exec(info)?.[1]?.trim();
      const features = /^(flags|Features)\s*:(.*)$/m.exec(info)?.[2]?.trim().split(/\s+/).sort().join(' ');
      const description = `${model ?? ''}\n${features ?? ''}`;
      const expected = createHash('sha256').update(description).digest('hex').slice(0, 16);
      expect(model, 'a model name line').toBeDefined();
      expect(currentEngine().cpuFingerprint).toBe(`${process.arch}-${expected}`);
    },
  );

  it('reads the flags Node was started with, then NODE_OPTIONS', () => {
    const saved = process.env.NODE_OPTIONS;
    try {
      process.env.NODE_OPTIONS = ' --wasm-opt   --max-old-space-size=64 ';
      expect(processFlags()).toEqual([...process.execArgv, '--wasm-opt', '--max-old-space-size=64']);
      delete process.env.NODE_OPTIONS;
      expect(processFlags()).toEqual(process.execArgv);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  });

  it('keeps engine fields authentic and names the first mismatch', () => {
    const here = currentEngine();
    const foreign = { ...here, v8Version: '99.0.0', flagFingerprint: 'x' };
    const { header } = decodeArtifact(encodeArtifact({ wasm, machineCode, engine: foreign }));
    expect(header.v8Version).toBe('99.0.0');
    expect(engineMismatch(header)).toMatch(/V8 version 99\.0\.0/);
    expect(engineMismatch({ ...here, flagFingerprint: 'x' })).toMatch(/V8 flags/);
    expect(engineMismatch({ ...here, arch: 'mips' })).toMatch(/architecture mips/);
  });

  it('fingerprints the compile mode and the other code-affecting V8 flags, in any order', () => {
    expect(v8FlagFingerprint([])).toBe('baseline/default');
    expect(v8FlagFingerprint(['--max-old-space-size=100', '--enable-source-maps', '--inspect'])).toBe(
      'baseline/default',
    );
    expect(v8FlagFingerprint(['--wasm-opt'])).toMatch(/^baseline\/[0-9a-f]{16}$/);
    expect(v8FlagFingerprint(['--no-liftoff', '--wasm-lazy-compilation'])).toBe(
      v8FlagFingerprint(['--wasm_lazy_compilation', '--no-liftoff']),
    );
    expect(v8FlagFingerprint(['--no-liftoff'])).toBe('optimizing/default');
    expect(v8FlagFingerprint(['--no-liftoff', '--no-wasm-lazy-compilation', '--wasm-opt'])).toBe(
      `eager/${v8FlagFingerprint(['--wasm-opt']).slice('baseline/'.length)}`,
    );
  });

  it('says which flags an artifact of another compile mode needs, and inspect may ignore the mode', () => {
    const here = currentEngine();
    const rest = here.flagFingerprint.slice(here.flagFingerprint.indexOf('/'));
    const eager = { ...here, flagFingerprint: `eager${rest}` };
    const now = { ...here, flagFingerprint: `baseline${rest}` };
    expect(engineMismatch(eager, now)).toBe(
      'it was compiled for eager processes (node --no-liftoff --no-wasm-lazy-compilation), this one is ' +
        'baseline: `wasmer-ts run` starts Node with those flags',
    );
    expect(engineMismatch(eager, now, { anyTier: true })).toBeNull();
    const other = { ...here, flagFingerprint: 'eager/0123456789abcdef' };
    expect(engineMismatch(other, now, { anyTier: true })).toMatch(/^it was compiled for V8 flags eager\/0123/);
  });
});
