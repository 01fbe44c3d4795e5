// What a new user met first (issue 11, item 6): each fix in-process on its pure
// function, plus one run of the real binary for the wiring.
import { linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadError } from '../../src/commands/input.js';
import { parseDuration } from '../../src/commands/options.js';
import { checkOutputIsNotInput } from '../../src/commands/output.js';
import { formatError, InFile, jsonError, runCommandHint } from '../../src/commands/report.js';
import { ArgumentError, Trap, WatError } from '../../src/runtime/errors.js';
import { wat } from '../helpers/wat.js';
import { cli, fixtureDir } from './helpers.js';

const WIT = 'rb-eval-string-protect: func(str: string) -> u32';
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await fixtureDir());
  writeFileSync(join(dir, 'prog.wasm'), 'hello world\nthis is not wasm\n');
  writeFileSync(
    join(dir, 'wit.wasm'),
    await wat(`(module (func (export ${JSON.stringify(WIT)}) (result i32) i32.const 7) (func (export "ok")))`),
  );
  writeFileSync(join(dir, 'traps.wasm'), await wat('(module (func (export "boom") unreachable))'));
  linkSync(join(dir, 'traps.wasm'), join(dir, 'hardlink.wasm'));
});
afterAll(() => cleanup());

const inDir = (args: string[]) => cli(args, { cwd: dir });

describe('a text file named .wasm', () => {
  it('is said not to be a binary first, with how it starts', () => {
    const bytes = new TextEncoder().encode('\n  hello world, this line is long\nmore');
    const error = loadError('prog.wasm', bytes, new WatError('invalid WebAssembly text: parseWat failed'));
    expect(error.message).toBe(
      'prog.wasm is not a WebAssembly binary (it starts with "hello world, this line i"…); read as text, ' +
        'it is invalid WebAssembly text: parseWat failed',
    );
    expect(error.error).toBeInstanceOf(WatError);
    // The "read as text" note would repeat it.
    expect(formatError(error)).not.toContain('so it was read as WebAssembly text');
    expect(jsonError(error, 4)).toMatchObject({ code: 'ERR_WAT', file: 'prog.wasm' });
    // A .wat file keeps the text error as it was.
    const text = loadError('prog.wat', bytes, new WatError('invalid WebAssembly text: x'));
    expect(text.message).toBe('prog.wat: invalid WebAssembly text: x');
  });

  it.concurrent.each([['run'], ['validate'], ['inspect'], ['compile']])('%s exits 4 and says so', async (command) => {
    const r = await inDir([command, 'prog.wasm']);
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).toContain(
      'prog.wasm is not a WebAssembly binary (it starts with "hello world"); read as text, it is invalid WebAssembly text',
    );
  });
});

describe('export names with spaces or punctuation', () => {
  it('are quoted in the message and suggested from their leading word', async () => {
    const r = await inDir(['call', 'wit.wasm', 'rb-eval-string-protect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: export "rb-eval-string-protect" not found in wit.wasm (exports: ${JSON.stringify(WIT)}, ok); did you mean ${JSON.stringify(WIT)}?\n`,
    );
    // The suggestion pastes back as one argument.
    const ok = await inDir(['call', 'wit.wasm', WIT]);
    expect(ok).toMatchObject({ code: 0, stdout: '7\n' });
    const inspect = await inDir(['inspect', 'wit.wasm']);
    expect(inspect.stdout).toContain(`  ${JSON.stringify(WIT)}: func () -> i32\n`);
  });
});

describe('a trap', () => {
  it('names the file in --json and keeps its text', async () => {
    const error = new InFile('traps.wasm', new Trap('unreachable', []), { isBare: true });
    expect(jsonError(error, 134)).toMatchObject({ code: 'ERR_TRAP', file: 'traps.wasm' });
    for (const args of [
      ['call', '--json', 'traps.wasm', 'boom'],
      ['run', '--json', 'traps.wasm', '--invoke', 'boom'],
      ['call', '--json', '--timeout', '5s', 'traps.wasm', 'boom'],
    ]) {
      const r = await inDir(args);
      expect(r.code).toBe(134);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ERR_TRAP', exitCode: 134, file: 'traps.wasm' });
      expect(r.stderr).toMatch(/^error: trap: unreachable/);
    }
  });
});

describe('cache dir', () => {
  it('prints what its help says: the directory, and machine code in --json', async () => {
    const help = await inDir(['cache', 'dir', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('a note on stderr says when machine code cannot be cached here');
    const text = await inDir(['cache', 'dir', '--cache-dir', '/somewhere']);
    expect(text.stdout).toBe('/somewhere\n');
    const json = JSON.parse((await inDir(['cache', 'dir', '--json', '--cache-dir', '/somewhere'])).stdout);
    expect(json).toMatchObject({ dir: '/somewhere', machineCode: expect.any(Boolean) });
    const off = await cli(['cache', 'dir', '--cache-dir', '/somewhere'], { cwd: dir, env: { WASMER_TS_NATIVE: '0' } });
    expect(off).toMatchObject({ code: 0, stdout: '/somewhere\n' });
    expect(off.stderr).toBe('note: machine code is not cached here: disabled by WASMER_TS_NATIVE=0\n');
  });
});

describe('a file given without a command', () => {
  it('gets a hint when the word looks like a module file', () => {
    expect(runCommandHint('prog.wasm', [], false)).toBe('(did you mean: wasmer-ts run prog.wasm?)');
    expect(runCommandHint('app.WAT', ['1', "it's"], false)).toBe(`(did you mean: wasmer-ts run app.WAT 1 'it'\\''s'?)`);
    expect(runCommandHint('program', ['x'], true)).toBe('(did you mean: wasmer-ts run program x?)');
    expect(runCommandHint('runn', [], false)).toBe(null);
  });

  it('exits 2 with the hint', async () => {
    const r = await inDir(['traps.wasm', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: unknown command 'traps.wasm'\n(did you mean: wasmer-ts run traps.wasm a?)\n(add --help for usage)\n",
    );
    expect((await inDir(['lint'])).stderr).not.toContain('did you mean: wasmer-ts run');
  });
});

describe('compile X -o X', () => {
  it('is refused for the same path or a hard link, and allowed otherwise', async () => {
    const input = join(dir, 'traps.wasm');
    await expect(checkOutputIsNotInput(input, input, 'traps.wasmu')).rejects.toThrow(ArgumentError);
    await expect(checkOutputIsNotInput(input, join(dir, 'hardlink.wasm'), 'x')).rejects.toThrow(
      'is the same file as the input',
    );
    await expect(checkOutputIsNotInput(input, join(dir, 'other.wasmu'), 'x')).resolves.toBeUndefined();
    await expect(checkOutputIsNotInput('-', '-', 'x')).resolves.toBeUndefined();
  });

  it('exits 2 and leaves the input alone', async () => {
    const before = readFileSync(join(dir, 'traps.wasm'));
    for (const output of ['traps.wasm', './hardlink.wasm']) {
      const r = await inDir(['compile', 'traps.wasm', '-o', output]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^error: -o .* writing it would destroy the input; give another file \(the default is traps\.wasmu\)\n$/,
      );
    }
    expect(readFileSync(join(dir, 'traps.wasm'))).toEqual(before);
  });
});

describe('--timeout', () => {
  it('refuses everything under 1ms alike and rounds the rest', () => {
    for (const text of ['0.4ms', '0.5ms', '0.9ms', '0.0005s']) {
      expect(() => parseDuration(text)).toThrow(
        `--timeout ${JSON.stringify(text)}: the time limit must be at least 1ms`,
      );
    }
    expect(parseDuration('1ms')).toBe(1);
    expect(parseDuration('1.5ms')).toBe(2);
    expect(parseDuration('0.001s')).toBe(1);
  });

  it('exits 2 naming the smallest limit', async () => {
    const r = await inDir(['call', '--timeout', '0.5ms', 'traps.wasm', 'boom']);
    expect(r).toMatchObject({ code: 2, stderr: 'error: --timeout "0.5ms": the time limit must be at least 1ms\n' });
  });
});
