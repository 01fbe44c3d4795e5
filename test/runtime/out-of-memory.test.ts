// V8's bare "Out of memory: Cannot allocate Wasm memory" RangeError out of
// `new Instance` becomes our OutOfMemoryError. Provoked for real, in a child
// process whose address space `ulimit -v` bounds: V8 reserves about 10 GiB of it
// per Wasm memory, so a few instances held at once use it up in milliseconds
// (without the limit it takes some 13,000 and the whole 128 TiB).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/runtime/', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/runtime/', import.meta.url));
const ADDRESS_SPACE_KIB = 32 * 1024 * 1024; // 32 GiB: room for Node and two or three Wasm memories

/** Runs an ES module body in a node whose address space is limited to `kib`. */
function runLimited(script: string, kib: number, nodeArgs: readonly string[] = []) {
  const built = `${DIST}instance.js`;
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(`${SRC}instance.ts`).mtimeMs) {
    throw new Error(`${built} is missing or stale: run \`npm run build\` first (npm test does)`);
  }
  const body = `const DIST = ${JSON.stringify(`file://${DIST}`)};\n${script}`;
  const r = spawnSync(
    'sh',
    ['-c', `ulimit -v ${kib} && exec "$0" "$@"`, process.execPath, ...nodeArgs, '--input-type=module', '-e', body],
    { encoding: 'utf8' },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('out of memory for a new instance', () => {
  it('is ERR_OUT_OF_MEMORY with a hint, and dropping the instances frees their memory', () => {
    const script = `
      const { Instance, Module, OutOfMemoryError } = await import(DIST + 'index.js');
      // (module (memory 1 2))
      const module = new Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 1, 1, 2]));
      let held = [];
      let error = null;
      try {
        for (let i = 0; i < 100000; i++) held.push(new Instance(module));
      } catch (e) {
        error = e;
      }
      const count = held.length;
      held = [];
      // V8 may release the collected memories on a background thread after gc() returns:
      // on a failure, collect again and let a task run, a bounded number of times.
      let again = 0;
      for (let tries = 0; again < count && tries < 50; ) {
        try {
          held.push(new Instance(module));
          again++;
        } catch {
          tries++;
          globalThis.gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      console.log(JSON.stringify({
        count, again,
        isOutOfMemoryError: error instanceof OutOfMemoryError,
        code: error?.code, message: error?.message,
        cause: error?.cause instanceof RangeError ? error.cause.message : null,
      }));
    `;
    const r = runLimited(script, ADDRESS_SPACE_KIB, ['--expose-gc']);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout);
    // Some instances fit, then the limit is reached: it is the instances held that use it up.
    expect(result.count).toBeGreaterThan(0);
    expect(result.count).toBeLessThan(100000);
    expect(result).toMatchObject({ isOutOfMemoryError: true, code: 'ERR_OUT_OF_MEMORY' });
    expect(result.cause).toMatch(/Out of memory: Cannot allocate Wasm memory for new instance/);
    expect(result.message).toMatch(/^cannot create the instance: V8 could not allocate its Wasm memory \(1\.\.2 pages/);
    expect(result.message).toContain('frees it only when the instance is garbage-collected');
    expect(result.message).toContain('drop references to instances you no longer need');
    // What the hint promises: once the instances are collected, as many fit again.
    expect(result.again).toBe(result.count);
  });
});
