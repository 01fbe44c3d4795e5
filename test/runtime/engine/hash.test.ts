import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HASH_MAX_BYTES, sha256, sha256Hex } from '../../../src/runtime/engine/hash.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { SMALL_HASH_MAX_BYTES } from '../../../src/runtime/engine/sha256.js';
import { runChild } from '../cache/child.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Prints, at exit, which of node:crypto's modules the process loaded (Node's own list). */
const CRYPTO_PROBE = `data:text/javascript,${encodeURIComponent(
  `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|fs)$/.test(m))) + '\\n'));`,
)}`;

function loadedBy(stderr: string): string[] {
  const line = /^LOADED (.*)$/m.exec(stderr);
  expect(line, stderr).not.toBeNull();
  return JSON.parse(line?.[1] ?? '[]') as string[];
}

describe('SHA-256 dispatch', () => {
  it('gives node:crypto’s digest on both sides of both thresholds', () => {
    const lengths = [0, 55, 64, SMALL_HASH_MAX_BYTES, SMALL_HASH_MAX_BYTES + 1, 100_000];
    for (const length of [...lengths, NATIVE_HASH_MAX_BYTES, NATIVE_HASH_MAX_BYTES + 1]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
      const reference = createHash('sha256').update(bytes).digest();
      expect(sha256Hex(bytes), `length ${length}`).toBe(reference.toString('hex'));
      expect(Buffer.from(sha256(bytes)).equals(reference), `length ${length}`).toBe(true);
    }
  });

  it.skipIf(!nativeStatus().available)(
    'hashes a medium input with the addon once it is loaded, node:crypto only a large one, then every input (needs the native addon)',
    async () => {
      const result = await runChild(
        `
        const { sha256Hex } = await import(DIST + 'engine/hash.js');
        const { nativeStatus } = await import(DIST + 'engine/native.js');
        const crypto = () => process.moduleLoadList.includes('NativeModule crypto');
        if (!nativeStatus().available) throw new Error('no addon in the child');
        const small = sha256Hex(new Uint8Array(${SMALL_HASH_MAX_BYTES}));
        const afterSmall = { crypto: crypto() };
        const medium = sha256Hex(new Uint8Array(${NATIVE_HASH_MAX_BYTES}));
        const afterMedium = { crypto: crypto() };
        sha256Hex(new Uint8Array(${NATIVE_HASH_MAX_BYTES + 1}));
        const afterLarge = { crypto: crypto() };
        console.log(JSON.stringify({ small, medium, afterSmall, afterMedium, afterLarge, again: sha256Hex(new Uint8Array(${SMALL_HASH_MAX_BYTES})) }));
        `,
      );
      expect(result.stderr).toBe('');
      const seen = JSON.parse(result.stdout) as { small: string };
      expect(seen).toEqual({
        small: createHash('sha256').update(new Uint8Array(SMALL_HASH_MAX_BYTES)).digest('hex'),
        medium: createHash('sha256').update(new Uint8Array(NATIVE_HASH_MAX_BYTES)).digest('hex'),
        afterSmall: { crypto: false },
        afterMedium: { crypto: false },
        afterLarge: { crypto: true },
        again: seen.small,
      });
    },
  );

  it('uses node:crypto for a medium input when the addon is off (WASMER_TS_NATIVE=0)', async () => {
    const result = await runChild(
      `
      const { sha256Hex } = await import(DIST + 'engine/hash.js');
      const { nativeStatus } = await import(DIST + 'engine/native.js');
      if (nativeStatus().available) throw new Error('the addon loaded despite WASMER_TS_NATIVE=0');
      const hex = sha256Hex(new Uint8Array(${SMALL_HASH_MAX_BYTES + 1}));
      console.log(JSON.stringify({ hex, crypto: process.moduleLoadList.includes('NativeModule crypto') }));
      `,
      [],
      { env: { WASMER_TS_NATIVE: '0' } },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      hex: createHash('sha256')
        .update(new Uint8Array(SMALL_HASH_MAX_BYTES + 1))
        .digest('hex'),
      crypto: true,
    });
  });
});

describe('start-up of a plain call', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-hash-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('never loads node:crypto for `run FILE --invoke`, cache lookup included', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        CRYPTO_PROBE,
        path.join(ROOT, 'bin/wasmer-ts.js'),
        'run',
        'fixtures/simple.wasm',
        '--invoke',
        'sum',
        '5',
        '37',
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home } },
    );
    expect(result.stdout).toBe('42\n');
    expect(result.status).toBe(0);
    // node:fs proves the probe sees what the process loads.
    expect(loadedBy(result.stderr)).toEqual(['NativeModule fs']);
  });
});
