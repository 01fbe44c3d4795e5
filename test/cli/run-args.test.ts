import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_BOOLEAN_FLAGS, RUN_VALUE_FLAGS } from '../../src/commands/options.js';
import { commanderRunArguments, createRunCommand, findFile, splitAfterFile } from '../../src/commands/run.js';
import { buildEcho, cli, cliOnTerminal, echoFixtureDir, HAS_PTY } from './helpers.js';

const ECHO_WASM = buildEcho();

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await echoFixtureDir(ECHO_WASM));
});
afterAll(() => cleanup());

/** echo.c's output for these program arguments (argv[0] is the file as given), with no variables. */
function echoed(...args: string[]): string {
  return ['echo.wasm', ...args].map((arg, i) => `arg ${i}: ${arg}\n`).join('');
}

describe.skipIf(ECHO_WASM === null)('everything after FILE goes to the program (needs clang and wasi-libc)', () => {
  it.concurrent.for([
    [['-i', '12', '-o', '48']], // icepll's flags, not our -i (--invoke)
    [['--version']],
    [['--help']],
    [['-h', '-V']],
    [['--dir', '.', '--env', 'A=1', '--json', '--timeout', '5']],
    [['--no-cache', '--compiler', 'auto']],
    [['x', '--invoke', 'f']],
    [['a', '--', '--b']], // a later -- is the program's own
    [['-5', '-inf']],
  ] as const)('run echo.wasm %j', async ([args], { expect }) => {
    const r = await cli(['run', 'echo.wasm', ...args], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: echoed(...args), stderr: '' });
  });

  it.concurrent('our flags before FILE still work; the same flag after FILE is the program', async ({ expect }) => {
    const r = await cli(['run', '--env', 'A=1', 'echo.wasm', '--env', 'B=2'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: `${echoed('--env', 'B=2')}env A=1\n`, stderr: '' });
    const json = await cli(['run', 'echo.wasm', '--json'], { cwd: dir });
    expect(json).toEqual({ code: 0, stdout: echoed('--json'), stderr: '' });
  });

  it.concurrent('a -- right after FILE ends our flags: run echo.wasm -- --invoke x', async ({ expect }) => {
    const r = await cli(['run', 'echo.wasm', '--', '--invoke', 'x'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: echoed('--invoke', 'x'), stderr: '' });
    const twice = await cli(['run', 'echo.wasm', '--', '--', 'y'], { cwd: dir });
    expect(twice.stdout).toBe(echoed('--', 'y'));
  });

  it.concurrent('a -- before FILE ends our flags too: nothing after FILE is ours then', async ({ expect }) => {
    const r = await cli(['run', '--env', 'A=1', '--', 'echo.wasm', '--invoke', '_start'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: `${echoed('--invoke', '_start')}env A=1\n`, stderr: '' });
  });

  it.concurrent('--invoke NAME right after FILE is ours, and its exit status passes through', async ({ expect }) => {
    const r = await cli(['run', '--env', 'EXIT=5', 'echo.wasm', '--invoke', '_start'], { cwd: dir });
    expect(r).toEqual({ code: 5, stdout: `${echoed()}env EXIT=5\n`, stderr: '' });
  });
});

describe('--invoke and its arguments', () => {
  it.concurrent.for([
    [['types.wasm', '--invoke', 'add', '5', '37'], '42\n'],
    [['types.wasm', '--invoke=add', '5', '37'], '42\n'],
    [['--invoke', 'add', 'types.wasm', '5', '37'], '42\n'],
    [['-i', 'add', 'types.wasm', '5', '37'], '42\n'],
    [['types.wasm', '--invoke', 'f32id', '-inf'], '-inf\n'], // a literal with "-" needs no -- now
    [['types.wasm', '--invoke', 'f32id', '--', '-inf'], '-inf\n'], // run FILE --invoke f -- -5: the -- is skipped
    [['types.wasm', '--invoke', 'add', '1', '--', '-0x10'], '-15\n'], // wherever it is, as before
    [['--invoke', 'add', 'types.wasm', '--', '1', '2'], '3\n'],
    [['--invoke', 'nope', 'types.wasm', '--invoke', 'add', '1', '2'], '3\n'], // the later one wins
  ] as const)('run %j', async ([args, stdout], { expect }) => {
    expect(await cli(['run', ...args], { cwd: dir })).toEqual({ code: 0, stdout, stderr: '' });
  });

  it.concurrent('our flags after --invoke NAME are arguments of the function', async ({ expect }) => {
    const r = await cli(['run', 'types.wasm', '--invoke', 'add', '5', '37', '--json'], { cwd: dir });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: add(i32, i32) -> i32 takes 2 arguments, but 3 were given\n',
    });
    const before = await cli(['run', '--json', 'types.wasm', '--invoke', 'add', '5', '37'], { cwd: dir });
    expect(JSON.parse(before.stdout).results).toEqual([{ type: 'i32', value: 42 }]);
  });

  it.concurrent('--invoke with no NAME after FILE is the usage error it is before FILE', async ({ expect }) => {
    const after = await cli(['run', 'types.wasm', '--invoke'], { cwd: dir });
    const before = await cli(['run', 'types.wasm', '-i'], { cwd: dir });
    expect(after).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '-i, --invoke <function>' argument missing\n(add --help for usage)\n",
    });
    // `-i` after FILE is the program's: types.wasm has no _start.
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/^error: types\.wasm has no _start function/);
    const missing = await cli(['run', '--invoke'], { cwd: dir });
    expect(missing.stderr).toBe(after.stderr);
  });
});

describe('errors in flags before FILE are what they were', () => {
  it.concurrent('an unknown flag before FILE fails even if the program was given --help', async ({ expect }) => {
    const r = await cli(['run', '--bogus', 'types.wasm', '--help'], { cwd: dir });
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--bogus'\n(add --help for usage)\n" });
  });

  it.concurrent('--json before FILE still makes a failure a JSON document; after FILE it does not', async ({
    expect,
  }) => {
    const before = await cli(['run', '--json', 'nothing.wasm'], { cwd: dir });
    expect(JSON.parse(before.stdout).error).toMatchObject({ code: 'ERR_INPUT_NOT_FOUND', exitCode: 3 });
    const after = await cli(['run', 'nothing.wasm', '--json'], { cwd: dir });
    expect(after.code).toBe(3);
    expect(after.stdout).toBe('');
  });

  it.concurrent('help and version before FILE are ours', async ({ expect }) => {
    const help = await cli(['run', '--help'], { cwd: dir });
    expect(help.stdout).toContain('everything after FILE goes to the program');
    const version = await cli(['run', '-V', 'types.wasm', '--invoke', 'add', '1', '2'], { cwd: dir });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe.skipIf(!HAS_PTY || ECHO_WASM === null)('the note on a terminal (python3 pty, clang, wasi-libc)', () => {
  const note = (flag: string, owner = 'the program') =>
    `note: ${flag} after FILE goes to ${owner}; put wasmer-ts flags before FILE`;
  const notes = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('note:'));

  it.concurrent('names the first flag of ours after FILE, once', async ({ expect }) => {
    const r = await cliOnTerminal(['run', 'echo.wasm', '--dir', '.', '--env', 'A=1', '--dir', '/'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toEqual([note('--dir')]);
    expect(r.stdout).toBe(echoed('--dir', '.', '--env', 'A=1', '--dir', '/'));
  });

  it.concurrent.for([
    [['-i', '12'], '-i'],
    [['x', '--timeout=5s'], '--timeout'],
    [['--version'], '--version'],
    [['--no-cache'], '--no-cache'],
  ] as const)('run echo.wasm %j notes %s', async ([args, flag], { expect }) => {
    const r = await cliOnTerminal(['run', 'echo.wasm', ...args], { cwd: dir });
    expect(notes(r.stderr)).toEqual([note(flag)]);
    expect(r.stdout).toBe(echoed(...args));
  });

  it.concurrent.for([
    [['run', 'echo.wasm', '--', '--dir', '.']], // the user said so with --
    [['run', '--', 'echo.wasm', '--dir', '.']],
    [['run', 'echo.wasm', 'a', '--', '--dir', '.']], // after the program's own --
    [['run', 'echo.wasm', '-x', '--directory']], // not flags of ours
    [['run', '--env', 'A=1', 'echo.wasm']],
  ] as const)('%j: no note', async ([args], { expect }) => {
    const r = await cliOnTerminal(args, { cwd: dir });
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toEqual([]);
  });

  it.concurrent('says "the function" with --invoke', async ({ expect }) => {
    const r = await cliOnTerminal(['run', 'types.wasm', '--invoke', 'add', '1', '2', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(notes(r.stderr)).toEqual([note('--json', 'the function')]);
  });

  it.concurrent('is the same through commander (WASMER_TS_FAST_PATH=0)', async ({ expect }) => {
    const args = ['run', '--env', 'A=1', 'echo.wasm', '--env', 'B=2'];
    const fast = await cliOnTerminal(args, { cwd: dir });
    const slow = await cliOnTerminal(args, { cwd: dir, env: { WASMER_TS_FAST_PATH: '0' } });
    expect(notes(fast.stderr)).toEqual([note('--env')]);
    expect(slow).toEqual(fast);
  });

  it.concurrent('is not printed when stderr is not a terminal', async ({ expect }) => {
    const r = await cli(['run', 'echo.wasm', '--dir', '.'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: echoed('--dir', '.'), stderr: '' });
  });
});

describe('the argv scan (in-process)', () => {
  it('knows the flags of run exactly as commander defines them', () => {
    const run = createRunCommand(Command);
    const valued = run.options.filter((o) => o.required).flatMap((o) => [o.short, o.long]);
    const bare = run.options.filter((o) => !o.required && !o.optional).flatMap((o) => [o.short, o.long]);
    expect(new Set(valued.filter((f) => f !== undefined))).toEqual(new Set(['-i', '--invoke', ...RUN_VALUE_FLAGS]));
    expect(new Set(bare.filter((f) => f !== undefined))).toEqual(new Set(RUN_BOOLEAN_FLAGS));
    // `--dir <host[::guest]>` reads as optional too, but commander takes `required` first.
    expect(run.options.some((o) => o.optional && !o.required)).toBe(false);
  });

  it.each([
    [['f.wasm', 'a'], { index: 0, afterDashes: false, unknown: null }],
    [['--dir', 'x', '--json', 'f.wasm', '--dir'], { index: 3, afterDashes: false, unknown: null }],
    [['--dir=x', '-isum', '--no-cache', 'f.wasm'], { index: 3, afterDashes: false, unknown: null }],
    [['--env', '--json', 'f.wasm'], { index: 2, afterDashes: false, unknown: null }], // a value, as for commander
    [['-5'], { index: 0, afterDashes: false, unknown: null }], // a negative number is an operand
    [['-'], { index: 0, afterDashes: false, unknown: null }],
    [['--json', '--', '-f.wasm', '--x'], { index: 2, afterDashes: true, unknown: null }],
    [['--bogus', 'f.wasm', '--help'], { index: 1, afterDashes: false, unknown: '--bogus' }],
    [['--json=1', 'f.wasm'], { index: 1, afterDashes: false, unknown: '--json=1' }],
    [['--help', 'f.wasm'], null],
    [['-hx', 'f.wasm'], null],
    [['--bogus', '-V', 'f.wasm'], null],
    [['--dir'], null],
    [['--json'], null],
    [['--'], null],
  ])('findFile(%j)', (args, expected) => {
    expect(findFile(args)).toEqual(expected);
  });

  it.each([
    [
      ['f.wasm', '--dir', 'x'],
      ['--', 'f.wasm', '--dir', 'x'],
    ],
    [
      ['--json', 'f.wasm', '--invoke', 'g', '1'],
      ['--json', '--', 'f.wasm', '--invoke', 'g', '1'],
    ],
    [
      ['--json', '--', 'f.wasm', '--invoke'],
      ['--json', '--', 'f.wasm', '--', '--invoke'],
    ],
    [['--bogus', 'f.wasm', '--help'], ['--bogus']],
    [
      ['-h', 'f.wasm', '--dir'],
      ['-h', 'f.wasm', '--dir'],
    ],
  ])('commanderRunArguments(%j)', (args, expected) => {
    expect(commanderRunArguments(args)).toEqual(expected);
  });

  it.each([
    [[], false, { invoke: undefined, args: [], strayFlag: null }],
    [['--invoke', 'f', '1', '--', '-2'], false, { invoke: 'f', args: ['1', '-2'], strayFlag: null }],
    [['--invoke=f', '--json'], false, { invoke: 'f', args: ['--json'], strayFlag: '--json' }],
    [['1', '--', '2'], true, { invoke: undefined, args: ['1', '2'], strayFlag: null }],
    [['1', '--', '2'], false, { invoke: undefined, args: ['1', '--', '2'], strayFlag: null }],
    [['--', '--invoke', 'f'], false, { invoke: undefined, args: ['--invoke', 'f'], strayFlag: null }],
    [
      ['-x', '--dir=/', '--env', 'A=1'],
      false,
      { invoke: undefined, args: ['-x', '--dir=/', '--env', 'A=1'], strayFlag: '--dir' },
    ],
    [['a', '--', '--dir'], false, { invoke: undefined, args: ['a', '--', '--dir'], strayFlag: null }],
  ])('splitAfterFile(%j, invoking %s)', (rest, invoking, expected) => {
    expect(splitAfterFile(rest, invoking)).toEqual(expected);
  });
});
