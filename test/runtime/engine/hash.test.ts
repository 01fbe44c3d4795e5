import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HASH_MAX_BYTES, sha256, sha256Hex } from '../../../src/runtime/engine/hash.js';
import { nativeAddon, nativeStatus } from '../../../src/runtime/engine/native.js';
import { SMALL_HASH_MAX_BYTES } from '../../../src/runtime/engine/sha256.js';
import { runChild } from '../cache/child.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Prints, at exit, which of node:crypto's modules the process loaded (Node's own list). */
const CRYPTO_PROBE = `data:text/javascript,${encodeURIComponent(
  `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|fs)$/.test(m))) + '\\n'));`,
)}`;

/** How this process's addon hashes, or null without one. */
function nativeSha(): string | null {
  return nativeAddon()?.status().sha256 ?? null;
}

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

  /** Hashes three sizes in a child with the addon, and says which loaded node:crypto. */
  const dispatchInChild = (env: Record<string, string>) =>
    runChild(
      `
      const { sha256Hex } = await import(DIST + 'engine/hash.js');
      const { nativeAddon, nativeStatus } = await import(DIST + 'engine/native.js');
      const crypto = () => process.moduleLoadList.includes('NativeModule crypto');
      if (!nativeStatus().available) throw new Error('no addon in the child');
      const implementation = nativeAddon().status().sha256;
      const small = sha256Hex(new Uint8Array(${SMALL_HASH_MAX_BYTES}));
      const afterSmall = { crypto: crypto() };
      const medium = sha256Hex(new Uint8Array(${NATIVE_HASH_MAX_BYTES}));
      const afterMedium = { crypto: crypto() };
      const large = sha256Hex(new Uint8Array(${4 * NATIVE_HASH_MAX_BYTES + 1}));
      const afterLarge = { crypto: crypto() };
      console.log(JSON.stringify({ implementation, small, medium, large, afterSmall, afterMedium, afterLarge }));
      `,
      [],
      { env },
    );
  const digests = {
    small: createHash('sha256').update(new Uint8Array(SMALL_HASH_MAX_BYTES)).digest('hex'),
    medium: createHash('sha256').update(new Uint8Array(NATIVE_HASH_MAX_BYTES)).digest('hex'),
    large: createHash('sha256')
      .update(new Uint8Array(4 * NATIVE_HASH_MAX_BYTES + 1))
      .digest('hex'),
  };

  it.skipIf(!nativeStatus().available)(
    'without the CPU’s SHA instructions (WASMER_TS_SHA_NI=0), hashes up to the threshold with the addon and a larger input with node:crypto (needs the native addon)',
    async () => {
      const result = await dispatchInChild({ WASMER_TS_SHA_NI: '0' });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        implementation: 'portable',
        ...digests,
        afterSmall: { crypto: false },
        afterMedium: { crypto: false },
        afterLarge: { crypto: true },
      });
    },
  );

  it.skipIf(!nativeStatus().available || nativeSha() !== 'sha-ni')(
    'with the CPU’s SHA instructions, hashes every input with the addon and never loads node:crypto (needs the native addon and a CPU with SHA-NI)',
    async () => {
      const result = await dispatchInChild({});
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        implementation: 'sha-ni',
        ...digests,
        afterSmall: { crypto: false },
        afterMedium: { crypto: false },
        afterLarge: { crypto: false },
      });
    },
  );

  it.skipIf(!nativeStatus().available)(
    'gives node:crypto’s digest from both of the addon’s implementations, at every length around the block boundaries and on views at odd offsets (needs the native addon)',
    async () => {
      const script = `
        const { createHash } = await import('node:crypto');
        const { nativeAddon, nativeStatus } = await import(DIST + 'engine/native.js');
        if (!nativeStatus().available) throw new Error('no addon in the child');
        const addon = nativeAddon();
        const data = new Uint8Array(200_003).map((_, i) => (i * 131 + (i >> 8) * 7) & 0xff);
        const lengths = [...Array.from({ length: 300 }, (_, n) => n), 4095, 4096, 4097, 65_536, 199_999];
        const wrong = [];
        for (const length of lengths) {
          for (const offset of [0, 1, 3]) {
            const view = data.subarray(offset, offset + length);
            const hex = Buffer.from(addon.sha256(view)).toString('hex');
            if (hex !== createHash('sha256').update(view).digest('hex')) wrong.push(offset + '+' + length);
          }
        }
        console.log(JSON.stringify({ implementation: addon.status().sha256, checked: lengths.length * 3, wrong }));
      `;
      const seen = [];
      for (const env of [{ WASMER_TS_SHA_NI: '0' }, {}]) {
        const result = await runChild(script, [], { env });
        expect(result.stderr).toBe('');
        seen.push(JSON.parse(result.stdout));
      }
      expect(seen).toEqual([
        { implementation: 'portable', checked: 915, wrong: [] },
        { implementation: nativeSha(), checked: 915, wrong: [] },
      ]);
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
