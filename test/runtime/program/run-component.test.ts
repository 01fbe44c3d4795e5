// runProgram on WASI 0.2 command components: fixtures/wasi/checks.c and escape.c,
// built for preview1 and adapted with the official preview1 adapter (`jco new
// --wasi-command`, see fixtures/wasi/build.sh), run with the WASI 0.2 host, here and
// in the worker (timeoutMs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Component,
  createWasiP2Host,
  LinkError,
  Module,
  runProgram,
  TimeoutError,
  Trap,
  WasiError,
} from '../../../src/runtime/index.js';
import { keyValues, WASI_FIXTURES, wasiFixture } from '../wasi/helpers.js';

const component = (path: string) => new Component(readFileSync(path));
const checks = component(`${WASI_FIXTURES}checks.component.wasm`);
const checksModule = new Module(wasiFixture('checks'));
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/components/${name}`, import.meta.url));
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('runProgram on a WASI 0.2 command component', () => {
  it('gives the program its arguments and environment, and nothing of the host', async () => {
    const r = await runProgram({
      component: checks,
      wasi: { args: ['checks', 'args', 'two words'], env: { GREETING: 'hi' }, stdout: 'pipe' },
    });
    expect(r.exitCode).toBe(0);
    const v = keyValues(text(r.stdout));
    expect([v.get('argc'), v.get('argv[1]'), v.get('argv[2]')]).toEqual(['3', 'args', 'two words']);
    expect([v.get('envc'), v.get('env[0]')]).toEqual(['1', 'GREETING=hi']);
    const bare = keyValues(
      text((await runProgram({ component: checks, wasi: { args: ['c', 'args'], stdout: 'pipe' } })).stdout),
    );
    expect(bare.get('envc')).toBe('0');
  });

  it('prints what the same program prints as a core module, for the areas the adapter maps one to one', async () => {
    for (const area of ['args', 'random']) {
      const wasi = { args: ['checks', area], env: { A: '1' }, stdout: 'pipe' as const };
      const core = keyValues(text((await runProgram({ module: checksModule, wasi })).stdout));
      const comp = keyValues(text((await runProgram({ component: checks, wasi })).stdout));
      expect(Object.fromEntries(comp)).toEqual(Object.fromEntries(core));
    }
  });

  it('returns the exit status: 0 for success; the adapter turns every other proc_exit code into exit(err), status 1', async () => {
    expect((await runProgram({ component: checks, wasi: { args: ['c', 'exit', '0'] } })).exitCode).toBe(0);
    // The adapted component imports only wasi:cli/exit's `exit(result)`: 42 never crosses the boundary.
    expect(checks.imports.find((i) => i.name.startsWith('wasi:cli/exit'))?.type).toMatchObject({
      kind: 'instance',
      exports: [{ name: 'exit' }],
    });
    expect((await runProgram({ component: checks, wasi: { args: ['c', 'exit', '42'] } })).exitCode).toBe(1);
    // A program that returns 2 from main (its usage message) ends with exit(err) too.
    const usage = await runProgram({ component: checks, wasi: { args: ['c'], stderr: 'pipe' } });
    expect([usage.exitCode, text(usage.stderr)]).toEqual([1, expect.stringContaining('usage: checks')]);
  });

  it('throws a guest trap as Trap, with the adapter frames', async () => {
    const err = await runProgram({ component: checks, wasi: { args: ['c', 'trap'] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Trap);
    expect((err as Trap).frames.length).toBeGreaterThan(0);
  });

  it('caps every memory of the core modules at maxMemoryBytes', async () => {
    const r = await runProgram({
      component: checks,
      wasi: { args: ['c', 'grow'], stdout: 'pipe' },
      maxMemoryBytes: 4 << 20,
    });
    const v = keyValues(text(r.stdout));
    expect(Number(v.get('pages_before')) + Number(v.get('pages_grown'))).toBe(64);
  });

  it('refuses a component whose imports WASI 0.2 does not provide, naming them', async () => {
    const echo = component(fixture('echo.wasm'));
    const err = await runProgram({ component: echo }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err).toMatchObject({
      code: 'ERR_MISSING_IMPORT',
      message: expect.stringContaining('imports "test:echo/host"'),
    });
  });

  it('refuses a component that is not a command, and invokes one of its functions instead', async () => {
    const add = component(fixture('add.wasm'));
    await expect(runProgram({ component: add })).rejects.toMatchObject({ code: 'ERR_WASI_NO_START' });
    await expect(runProgram({ component: add })).rejects.toBeInstanceOf(WasiError);
    const r = await runProgram({ component: add, invoke: { name: 'add', args: [5, 37] } });
    expect(r).toEqual({ exitCode: 0, results: [42] });
  });

  it('rejects bad options with ArgumentError', async () => {
    await expect(runProgram({ component: checks, module: checksModule })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    await expect(runProgram({ component: checksModule as never })).rejects.toBeInstanceOf(ArgumentError);
    await expect(
      runProgram({ component: checks, wasi: { preopens: { '/': '/nonexistent/dir' } } }),
    ).rejects.toMatchObject({
      code: 'ERR_WASI_PREOPEN',
    });
  });
});

describe('the WASI 0.2 host from the public API', () => {
  it('instantiates a command component by hand and captures what it writes', () => {
    const host = createWasiP2Host({ args: ['checks', 'args', 'by-hand'], stdout: 'pipe' });
    try {
      const exports = checks.instantiate(host.imports).exports as Record<string, { run(): void }>;
      const run = Object.entries(exports).find(([name]) => name.startsWith('wasi:cli/run@0.2.'))?.[1];
      expect(run).toBeDefined();
      run?.run();
      expect(keyValues(host.stdoutText).get('argv[2]')).toBe('by-hand');
    } finally {
      host.dispose();
    }
  });
});

describe('runProgram on a component in a worker (timeoutMs)', () => {
  it('stops a component that runs past its time limit', async () => {
    const err = await runProgram({ component: checks, wasi: { args: ['c', 'spin'] }, timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('returns output, exit codes, traps and the memory cap across the thread boundary', async () => {
    const r = await runProgram({
      component: checks,
      wasi: { args: ['c', 'args', 'x'], stdout: 'pipe' },
      timeoutMs: 30_000,
    });
    expect([r.exitCode, keyValues(text(r.stdout)).get('argv[2]')]).toEqual([0, 'x']);
    await expect(
      runProgram({ component: checks, wasi: { args: ['c', 'trap'] }, timeoutMs: 30_000 }),
    ).rejects.toBeInstanceOf(Trap);
    const capped = await runProgram({
      component: checks,
      wasi: { args: ['c', 'grow'], stdout: 'pipe' },
      maxMemoryBytes: 2 << 20,
      timeoutMs: 30_000,
    });
    const v = keyValues(text(capped.stdout));
    expect(Number(v.get('pages_before')) + Number(v.get('pages_grown'))).toBe(32);
  });
});
