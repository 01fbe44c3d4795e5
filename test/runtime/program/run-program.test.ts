// runProgram: on the caller's thread, or in a worker with a time limit; memory caps.
// The worker runs the built dist/runtime/program/worker.js (test/global-setup.ts keeps it current).
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  LinkError,
  Module,
  runProgram,
  TimeoutError,
  Trap,
  WasiError,
} from '../../../src/runtime/index.js';
import { wat } from '../../helpers/wat.js';
import { keyValues, wasiFixture } from '../wasi/helpers.js';

const checks = new Module(wasiFixture('checks'));
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

const REACTOR = `(module
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $ready (i32.const 1)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (global.get $ready)))
  (func (export "big") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2)))
  (func (export "bye") (param i32) (result i32)
    (call $exit (local.get 0)) (i32.const 0)))`;

describe('runProgram on the caller thread', () => {
  it('runs a command and returns its exit code and captured output', async () => {
    const r = await runProgram({ module: checks, wasi: { args: ['c', 'exit', '42'], stdout: 'pipe' } });
    expect(r).toMatchObject({ exitCode: 42, results: null });
    const ok = await runProgram({ module: checks, wasi: { args: ['c', 'random'], stdout: 'pipe' } });
    expect(ok.exitCode).toBe(0);
    expect(keyValues(text(ok.stdout)).get('random')).toBe('0');
  });

  it('invokes an export of a reactor after _initialize, with typed args', async () => {
    const module = new Module(await wat(REACTOR));
    expect(await runProgram({ module, invoke: { name: 'add', args: [2, 3] } })).toEqual({ exitCode: 0, results: [6] });
    expect((await runProgram({ module, invoke: { name: 'big', args: [2n ** 40n] } })).results).toEqual([2n ** 41n]);
    // proc_exit inside an invoked export: the exit code, no results.
    expect(await runProgram({ module, invoke: { name: 'bye', args: [9] } })).toEqual({ exitCode: 9, results: null });
  });

  it('throws Trap, LinkError and WasiError as such', async () => {
    await expect(runProgram({ module: checks, wasi: { args: ['c', 'trap'] } })).rejects.toBeInstanceOf(Trap);
    const needsEnv = new Module(await wat('(module (import "env" "f" (func)) (func (export "_start")))'));
    await expect(runProgram({ module: needsEnv })).rejects.toBeInstanceOf(LinkError);
    const noStart = new Module(await wat('(module (func (export "f")))'));
    await expect(runProgram({ module: noStart })).rejects.toMatchObject({ code: 'ERR_WASI_NO_START' });
    await expect(
      runProgram({ module: checks, wasi: { preopens: { '/': '/nonexistent/dir' } } }),
    ).rejects.toBeInstanceOf(WasiError);
  });

  it('rejects bad options with ArgumentError', async () => {
    await expect(runProgram({ module: null as never })).rejects.toBeInstanceOf(ArgumentError);
    await expect(runProgram({ module: checks, timeoutMs: -1 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(runProgram({ module: checks, maxMemoryBytes: Number.NaN })).rejects.toBeInstanceOf(ArgumentError);
  });

  it('caps memory growth: memory.grow returns -1 past maxMemoryBytes', async () => {
    const r = await runProgram({
      module: checks,
      wasi: { args: ['c', 'grow'], stdout: 'pipe' },
      maxMemoryBytes: 4 << 20,
    });
    const v = keyValues(text(r.stdout));
    expect(Number(v.get('pages_before')) + Number(v.get('pages_grown'))).toBe(64);
  });

  it('caps a memory the module imports', async () => {
    const module = new Module(
      await wat(`(module (import "env" "memory" (memory 1))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`),
    );
    expect(
      (await runProgram({ module, maxMemoryBytes: 3 * 65536, invoke: { name: 'grow', args: [2] } })).results,
    ).toEqual([1]);
    expect(
      (await runProgram({ module, maxMemoryBytes: 3 * 65536, invoke: { name: 'grow', args: [3] } })).results,
    ).toEqual([-1]);
  });
});

describe('runProgram in a worker (timeoutMs)', () => {
  it('stops a program that runs past its time limit with TimeoutError', async () => {
    const err = await runProgram({ module: checks, wasi: { args: ['c', 'spin'] }, timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.limitMs).toBe(300);
  });

  it('returns exit codes, captured output and callbacks across the thread boundary', async () => {
    const r = await runProgram({ module: checks, wasi: { args: ['c', 'exit', '7'] }, timeoutMs: 20_000 });
    expect(r.exitCode).toBe(7);
    const seen: string[] = [];
    const piped = await runProgram({
      module: checks,
      wasi: { args: ['c', 'stdio'], stdin: 'abc', stdout: 'pipe', stderr: (c) => seen.push(text(c)) },
      timeoutMs: 20_000,
    });
    expect(text(piped.stdout).startsWith('ABC')).toBe(true);
    expect(seen.join('')).toBe('to stderr\n');
  });

  it('rebuilds Trap and LinkError from the worker', async () => {
    const trap = await runProgram({ module: checks, wasi: { args: ['c', 'trap'] }, timeoutMs: 20_000 }).catch((e) => e);
    expect(trap).toBeInstanceOf(Trap);
    expect(trap.frames.length).toBeGreaterThan(0);
    const needsEnv = new Module(await wat('(module (import "env" "f" (func)) (func (export "_start")))'));
    await expect(runProgram({ module: needsEnv, timeoutMs: 20_000 })).rejects.toBeInstanceOf(LinkError);
  });

  it('invokes an export in the worker and applies the memory cap there', async () => {
    const module = new Module(await wat(REACTOR));
    expect(await runProgram({ module, invoke: { name: 'add', args: [1, 1] }, timeoutMs: 20_000 })).toEqual({
      exitCode: 0,
      results: [3],
    });
    const r = await runProgram({
      module: checks,
      wasi: { args: ['c', 'grow'], stdout: 'pipe' },
      maxMemoryBytes: 2 << 20,
      timeoutMs: 20_000,
    });
    const v = keyValues(text(r.stdout));
    expect(Number(v.get('pages_before')) + Number(v.get('pages_grown'))).toBe(32);
  });
});
