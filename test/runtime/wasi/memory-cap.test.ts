// A program whose memory.grow is refused by the memory cap gets a note of it:
// runProgram's onMemoryCap, called once, in this thread and from the worker, and
// `run --verbose` prints it. The programs are WAT built here: they grow a page at a
// time until memory.grow returns -1, then write a line (a WASI call after the
// growth) or trap (seen only by the check at the end of the run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Module, Trap } from '../../../src/runtime/index.js';
import { runProgram } from '../../../src/runtime/program/run-program.js';
import { cli } from '../../cli/helpers.js';
import { wat } from '../../helpers/wat.js';

const PAGE = 65536;

/** Grows until refused (or `limit` pages more), writes how many pages it has, then `end` (`proc_exit 0` or a trap). */
function grower(end: 'exit' | 'trap', limit = 1_000_000): string {
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $n) (i32.const ${limit})))
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $again)))
    ${
      end === 'exit'
        ? `;; "pages N\\n" for N < 10 at 16, an iovec for it at 0
    (i64.store (i32.const 16) (i64.const 0x0a_30_20_73_65_67_61_70))
    (i32.store8 (i32.const 22) (i32.add (i32.const 48) (memory.size)))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 0))`
        : 'unreachable'
    }))`;
}

let toCap: Module;
let trapsAtCap: Module;
let underCap: Module;
let dir: string;

beforeAll(async () => {
  toCap = new Module(await wat(grower('exit')));
  trapsAtCap = new Module(await wat(grower('trap')));
  underCap = new Module(await wat(grower('exit', 1)));
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-memory-cap-'));
  writeFileSync(join(dir, 'grow.wat'), grower('exit'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runProgram onMemoryCap', () => {
  it.each([
    ['in this thread', {}],
    ['in the worker (timeoutMs)', { timeoutMs: 20_000 }],
  ])('is called once with the cap when the memory grew to it, at the next WASI call, %s', async (_where, limits) => {
    // The order shows who noticed: the host, before the fd_write after the growth (the check
    // at the end of the run would come after the output).
    const events: string[] = [];
    const decoder = new TextDecoder();
    const result = await runProgram({
      module: toCap,
      wasi: { stdout: (chunk) => events.push(`out ${decoder.decode(chunk)}`) },
      maxMemoryBytes: 4 * PAGE,
      onMemoryCap: (capBytes) => events.push(`cap ${capBytes}`),
      ...limits,
    });
    expect(result.exitCode).toBe(0);
    expect(events).toEqual([`cap ${4 * PAGE}`, 'out pages 4\n']);
  });

  it.each([
    ['in this thread', {}],
    ['in the worker (timeoutMs)', { timeoutMs: 20_000 }],
  ])('is called when the program traps at the cap with no WASI call after growing, %s', async (_where, limits) => {
    const caps: number[] = [];
    const run = runProgram({
      module: trapsAtCap,
      maxMemoryBytes: 3 * PAGE + 100, // whole pages: the cap is 3 pages
      onMemoryCap: (capBytes) => caps.push(capBytes),
      ...limits,
    });
    await expect(run).rejects.toBeInstanceOf(Trap);
    expect(caps).toEqual([3 * PAGE]);
  });

  it('is not called while the memory stays under the cap', async () => {
    const caps: number[] = [];
    const result = await runProgram({
      module: underCap,
      wasi: { stdout: 'pipe' },
      maxMemoryBytes: 4 * PAGE,
      onMemoryCap: (capBytes) => caps.push(capBytes),
    });
    expect(new TextDecoder().decode(result.stdout)).toBe('pages 2\n');
    expect(caps).toEqual([]);
  });

  it('must be a function', async () => {
    await expect(runProgram({ module: toCap, onMemoryCap: 5 as never })).rejects.toMatchObject({
      name: 'ArgumentError',
      code: 'ERR_INVALID_OPTION',
      message: 'runProgram: options.onMemoryCap must be a function, got 5 (number)',
    });
  });
});

describe('run --verbose', () => {
  const note = "note: the program's memory reached the --max-memory cap (256 KiB); memory.grow beyond it returns -1\n";

  it.each([
    ['in this thread', []],
    ['in the worker', ['--timeout', '20s']],
  ])('prints the note once when the program reaches --max-memory, %s', async (_where, extra) => {
    const r = await cli(['run', '--verbose', '--max-memory', '4pages', ...extra, 'grow.wat'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'pages 4\n', stderr: note });
  });

  it('prints it for an export called with --invoke too', async () => {
    const r = await cli(['run', '--verbose', '--max-memory', '4pages', 'grow.wat', '--invoke', '_start'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'pages 4\n', stderr: note });
  });

  it('prints nothing without --verbose when stderr is not a terminal', async () => {
    const r = await cli(['run', '--max-memory', '4pages', 'grow.wat'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'pages 4\n', stderr: '' });
  });
});
