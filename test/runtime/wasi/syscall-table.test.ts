// The one syscall table (syscalls.ts) against what the host provides: the same
// names in each namespace, each import's arity equal to its signature's, and the
// import type check applied to every one of them (none skipped for a missing entry).
import { describe, expect, it } from 'vitest';
import { LinkError, Module } from '../../../src/runtime/index.js';
import { WASI_PREVIEW1, WASI_UNSTABLE, Wasi } from '../../../src/runtime/wasi/index.js';
import { PREVIEW1_ONLY, SYSCALLS, type SyscallName, wasiSignature } from '../../../src/runtime/wasi/syscalls.js';
import { wat } from '../../helpers/wat.js';

const NAMES = Object.keys(SYSCALLS) as SyscallName[];

function watType(name: SyscallName): string {
  const sig = wasiSignature(name)!;
  const params = sig.params.length === 0 ? '' : ` (param ${sig.params.join(' ')})`;
  const results = sig.results.length === 0 ? '' : ` (result ${sig.results.join(' ')})`;
  return `(func${params}${results})`;
}

describe('the syscall table', () => {
  it('is what the host provides in both namespaces, with each import taking its signature’s parameters', async () => {
    const imports = NAMES.flatMap((name) => [
      `(import "${WASI_PREVIEW1}" "${name}" ${watType(name)})`,
      ...(PREVIEW1_ONLY.has(name) ? [] : [`(import "${WASI_UNSTABLE}" "${name}" ${watType(name)})`]),
    ]);
    const module = new Module(await wat(`(module ${imports.join(' ')} (memory (export "memory") 1))`));
    const provided = new Wasi().getImports(module);
    const preview1 = provided[WASI_PREVIEW1]!;
    const unstable = provided[WASI_UNSTABLE]!;
    expect(Object.keys(preview1).sort()).toEqual([...NAMES].sort());
    expect(Object.keys(unstable).sort()).toEqual(NAMES.filter((n) => !PREVIEW1_ONLY.has(n)).sort());
    for (const ns of [preview1, unstable]) {
      for (const [name, fn] of Object.entries(ns)) {
        expect(typeof fn, name).toBe('function');
        expect((fn as (...args: never[]) => unknown).length, name).toBe(SYSCALLS[name as SyscallName].length);
      }
    }
  });

  it.each(NAMES)('checks the declared type of %s against the table', async (name) => {
    // Declared with one i32 parameter too many: never WASI's type for any function.
    const sig = wasiSignature(name)!;
    const wrong = `(func (param ${[...sig.params, 'i32'].join(' ')})${sig.results.length ? ' (result i32)' : ''})`;
    const module = new Module(
      await wat(`(module (import "${WASI_PREVIEW1}" "${name}" ${wrong}) (memory (export "memory") 1))`),
    );
    expect(() => new Wasi().getImports(module)).toThrow(LinkError);
    expect(() => new Wasi().getImports(module)).toThrow(
      expect.objectContaining({
        code: 'ERR_IMPORT_TYPE',
        message: expect.stringContaining(`${WASI_PREVIEW1}.${name}`),
      }),
    );
  });

  it('gives no signature for a name it does not have (a missing import, reported by the link)', () => {
    expect(wasiSignature('fd_frobnicate')).toBeNull();
    expect(wasiSignature('toString')).toBeNull();
  });
});
