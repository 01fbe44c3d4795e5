// input.ts in-process: readInput's one-line errors and the TTY-only progress spinner.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readInput } from '../../src/commands/input.js';
import { checkOutput, writeOutput } from '../../src/commands/output.js';
import { startProgress } from '../../src/commands/progress.js';
import { errorOfAsync } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInput', () => {
  // The mapping behind "permission denied" (exit 3), whoever runs the suite: as root no
  // real file gives EACCES (errors.test.ts runs the real case as nobody). node:fs is
  // replaced for this one import of input.ts, failing only for the locked path.
  it('EACCES is "PATH: permission denied", an input error (exit 3)', async () => {
    const locked = join(dir, 'locked.wasm');
    writeFileSync(locked, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs')>();
      const denied = (path: unknown) =>
        Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', errno: -13 });
      return {
        ...fs,
        openSync: (path: Parameters<typeof fs.openSync>[0], flags: Parameters<typeof fs.openSync>[1]) => {
          if (path === locked) throw denied(path);
          return fs.openSync(path, flags);
        },
      };
    });
    try {
      const input = await import('../../src/commands/input.js');
      const { exitCodeFor, formatError, EXIT } = await import('../../src/commands/report.js');
      const { InputError } = await import('../../src/runtime/errors.js');
      const error = await errorOfAsync(() => input.readInput(locked), InputError);
      expect(error.code).toBe('ERR_INPUT_UNREADABLE');
      expect(exitCodeFor(error)).toBe(EXIT.INPUT);
      expect(formatError(error)).toBe(`error: ${locked}: permission denied`);
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });

  it('reads a file', async () => {
    writeFileSync(join(dir, 'a.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d));
    expect(await readInput(join(dir, 'a.wasm'))).toEqual(Uint8Array.of(0, 0x61, 0x73, 0x6d));
  });

  it.each([
    ['missing.wasm', 'ERR_INPUT_NOT_FOUND', 'missing.wasm: no such file'],
    ['file.txt/inside.wasm', 'ERR_INPUT_NOT_FOUND', 'no such file (a parent is not a directory)'],
    ['folder', 'ERR_INPUT_IS_DIRECTORY', 'folder is a directory, not a module file'],
    ['empty.wasm', 'ERR_INPUT_EMPTY', 'empty.wasm is empty (0 bytes)'],
  ])('%s: %s', async (name, code, message) => {
    writeFileSync(join(dir, 'file.txt'), 'x');
    mkdirSync(join(dir, 'folder'), { recursive: true });
    writeFileSync(join(dir, 'empty.wasm'), '');
    const error = await readInput(join(dir, name)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InputError', code, path: join(dir, name) });
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('writeOutput', () => {
  it('writes atomically and refuses a directory', async () => {
    // Its own directory: with a shared 'folder', this test run first (--sequence.shuffle)
    // wrote a file there and readInput's mkdirSync('folder') failed with EEXIST.
    const out = join(dir, 'write-output');
    mkdirSync(join(out, 'folder'), { recursive: true });
    await writeOutput(join(out, 'out.bin'), Uint8Array.of(1, 2, 3));
    expect(readFileSync(join(out, 'out.bin'))).toEqual(Buffer.from([1, 2, 3]));
    await expect(writeOutput(join(out, 'folder'), Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ERR_OUTPUT_UNWRITABLE',
    });
  });
});

describe('checkOutput', () => {
  it('accepts a new file in an existing folder and an existing file, creating nothing', async () => {
    const out = join(dir, 'check-output');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'old.bin'), 'x');
    await checkOutput(join(out, 'new.bin'));
    await checkOutput(join(out, 'old.bin'));
    expect(readdirSync(out)).toEqual(['old.bin']);
  });

  it('names the part of the path at fault, before anything is compiled', async () => {
    const out = join(dir, 'check-output-bad');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'file'), 'x');
    const cases: [string, RegExp][] = [
      ['', /output path is empty/],
      [out, /is a directory/],
      [join(out, 'missing', 'x.wasmu'), /directory .*missing does not exist/],
      [join(out, 'file', 'x.wasmu'), /file is not a directory/],
    ];
    for (const [path, message] of cases) {
      await expect(checkOutput(path)).rejects.toMatchObject({ code: 'ERR_OUTPUT_UNWRITABLE', message });
    }
  });
});

describe('startProgress', () => {
  it('says nothing when stderr is not a TTY', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tty = process.stderr.isTTY;
    process.stderr.isTTY = false;
    // Fake timers: well past the delay and many spinner ticks, without waiting for them.
    vi.useFakeTimers();
    try {
      const stop = startProgress('compiling big.wasm', 1);
      vi.advanceTimersByTime(1000);
      expect(vi.getTimerCount()).toBe(0);
      stop();
      expect(write).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
      process.stderr.isTTY = tty;
      write.mockRestore();
    }
  });

  it('on a TTY, spins after the delay and clears its line when stopped', async () => {
    const chunks: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    const tty = process.stderr.isTTY;
    process.stderr.isTTY = true;
    // Fake timers: with real ones, a worker stalled 150 ms on a loaded machine
    // would see the 250 ms wait end before the first 100 ms spinner tick.
    vi.useFakeTimers();
    try {
      const fast = startProgress('quick', 10_000);
      fast(); // finished before the delay: nothing shown
      expect(chunks).toEqual([]);
      const stop = startProgress('compiling big.wasm', 1);
      vi.advanceTimersByTime(250);
      stop();
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks[0]).toMatch(/^\r. compiling big\.wasm… \ds$/);
      expect(chunks.at(-1)).toBe('\r\x1b[K');
    } finally {
      vi.useRealTimers();
      process.stderr.isTTY = tty;
      write.mockRestore();
    }
  });
});
