// `run` of a big module tells V8 the process is loading (src/commands/input.ts, markLoading;
// the native addon's setLoading), so that V8 lets its old generation grow past its limit for
// a while instead of mark-compacting at once: on Node 20, clang's C++ compile ran 8-18
// mark-compacts without it and 3 with it, as node:wasi does. What V8 then does with its
// heap is V8's; these tests check that the addon has the call on this Node and that the CLI
// makes it for a big module only (a probe preloaded with --require records the calls).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus } from '../../src/runtime/engine/native.js';
import { moduleWithCode } from '../helpers/binary.js';
import { BIN, ROOT, SKIP_IN_EXE } from './helpers.js';

/** Wraps each addon's setLoading as the process loads it, and writes its calls out at exit. */
const PROBE = `
const { writeFileSync } = require('node:fs');
const calls = [];
const dlopen = process.dlopen;
process.dlopen = function (module, file, ...rest) {
  const result = dlopen.call(this, module, file, ...rest);
  const addon = module.exports;
  if (typeof addon.setLoading === 'function') {
    const setLoading = addon.setLoading;
    addon.setLoading = (loading) => { calls.push(loading); return setLoading(loading); };
  }
  return result;
};
process.on('exit', () => writeFileSync(process.env.PROBE_OUT, JSON.stringify(calls)));
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-loading-'));
  writeFileSync(join(dir, 'probe.cjs'), PROBE);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The setLoading calls of `wasmer-ts run FILE --invoke f`, which must print 7. */
function loadingCalls(file: string): boolean[] {
  const out = join(dir, `calls-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, [BIN, 'run', '--no-cache', file, '--invoke', 'f'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`, PROBE_OUT: out },
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe('7');
  return JSON.parse(readFileSync(out, 'utf8')) as boolean[];
}

describe.runIf(nativeStatus().available)('loading mode for a big module (needs the native addon)', () => {
  it('the addon of this Node has setLoading, which takes either value', () => {
    const addon = nativeAddon()!;
    expect(typeof addon.setLoading).toBe('function');
    expect(() => {
      addon.setLoading!(true);
      addon.setLoading!(false);
    }).not.toThrow();
  });

  // Not against the standalone executable: the probe needs `node bin/wasmer-ts.js`.
  it.skipIf(SKIP_IN_EXE)(
    "run of a module of 1 MiB or more marks the process as loading, a small one's does not",
    () => {
      const big = join(dir, 'big.wasm');
      writeFileSync(big, moduleWithCode((1 << 20) + 100));
      expect(loadingCalls(big)).toEqual([true]);
      const small = join(dir, 'small.wasm');
      writeFileSync(small, moduleWithCode(100));
      expect(loadingCalls(small)).toEqual([]);
    },
  );
});
