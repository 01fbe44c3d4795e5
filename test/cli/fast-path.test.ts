import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptionsFrom } from '../../src/commands/options.js';
import { commanderRunArguments, createRunCommand, fastRunArguments, type RawOptions } from '../../src/commands/run.js';
import { buildEcho, cli, echoFixtureDir } from './helpers.js';

const ECHO_WASM = buildEcho();

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await echoFixtureDir(ECHO_WASM));
});
afterAll(() => cleanup());

/** What commander's `run` hands its action for `run ARGS...`, given argv as cli.ts gives it. */
function parseWithCommander(args: readonly string[]): { file: string; rest: string[]; raw: RawOptions } {
  let parsed: { file: string; rest: string[]; raw: RawOptions } | undefined;
  const program = new Command('wasmer-ts')
    .version('0.0.0', '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  const run = createRunCommand(Command).action((file: string, rest: string[], raw: RawOptions) => {
    parsed = { file, rest, raw };
  });
  run.copyInheritedSettings(program);
  program.addCommand(run);
  program.parse(['run', ...commanderRunArguments(args)], { from: 'user' });
  if (parsed === undefined) throw new Error('the action did not run');
  return parsed;
}

/** The parse in the terms `runFile` uses it: defaults applied (commander fills in `--compiler auto`), or the error. */
function normal(p: { file: string; rest: readonly string[]; raw: RawOptions }) {
  let options: unknown;
  try {
    options = runOptionsFrom(p.raw, {});
  } catch (error) {
    options = { error: String(error) }; // `--dir a::/d --dir b::/d`, refused by runFile
  }
  return { file: p.file, rest: [...p.rest], invoke: p.raw.invoke, options };
}

const TOKENS = [
  'f.wasm',
  '-',
  '-5',
  '--',
  '--json',
  '--no-cache',
  '--compiler',
  'auto',
  'baseline',
  'fast',
  '--compiler=optimizing',
  '--cache-dir',
  '/tmp',
  '--cache-dir=',
  '--dir',
  '.',
  '.::/sandbox',
  '/no/such/dir',
  '--dir=.::/d',
  '--env',
  'A=1',
  'NOEQUALS',
  '--env=B=2',
  '--forward-env',
  'HOME',
  '--timeout',
  '5s',
  '5',
  '--max-memory',
  '1MiB',
  '--invoke',
  '--invoke=sum',
  '-i',
  'sum',
  '-isum',
  '-x',
  '--bogus',
  '--help',
  '-h',
  '-V',
] as const;

describe('the two parsers agree (in-process)', () => {
  it('for every command line the fast path takes, commander reads the same', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 9 }), (args) => {
        const fast = fastRunArguments(args);
        if (fast === null) return;
        taken++;
        expect(normal(parseWithCommander(args))).toEqual(normal(fast));
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(300); // the property was not vacuous
  });

  it.each([
    [['f.wasm', 'a', '--json']],
    [['--json', '--dir', '.', '--env', 'A=1', '--forward-env', 'HOME', 'f.wasm', '--invoke', 'sum', '1']],
    [['--compiler=baseline', '--no-cache', '--cache-dir', '/tmp', '--timeout', '5s', '--max-memory', '1MiB', 'f.wasm']],
    [['--invoke', 'sum', '--', '-f.wasm', '--', '-1']],
    [['-i', 'sum', 'f.wasm', '--dir', '.']],
  ])('takes %j, as commander does', (args) => {
    const fast = fastRunArguments(args);
    expect(fast).not.toBeNull();
    expect(normal(parseWithCommander(args))).toEqual(normal(fast!));
  });

  it.each([
    [['--help', 'f.wasm'], 'help'],
    [['-V'], 'version'],
    [['--bogus', 'f.wasm'], 'refuses'],
    [['-isum', 'f.wasm'], 'takes'], // a flag group: rare, so commander's alone
    [['--compiler', 'fast', 'f.wasm'], 'refuses'],
    [['--timeout', '5', 'f.wasm'], 'refuses'],
    [['--dir', '/no/such/dir', 'f.wasm'], 'refuses'],
    [['--env', '-V', 'f.wasm'], 'version'], // commander's program takes the -V
    [['--dir'], 'refuses'],
    [['--json'], 'refuses'], // no FILE
  ])('leaves %j to commander, which %s', (args, outcome) => {
    expect(fastRunArguments(args)).toBeNull();
    if (outcome === 'takes') {
      expect(parseWithCommander(args).file).toBe('f.wasm');
    } else {
      let code = '';
      try {
        parseWithCommander(args);
      } catch (error) {
        code = error instanceof CommanderError ? error.code : 'thrown';
      }
      const expected = { help: 'commander.helpDisplayed', version: 'commander.version' }[outcome as 'help'];
      expect(code).toBe(expected ?? (code === '' ? 'nothing thrown' : code));
      expect(code).not.toBe('');
    }
  });

  it('commander refuses what it reports: the errors the fast path leaves to it', () => {
    expect(() => parseWithCommander(['--bogus', 'f.wasm'])).toThrow(CommanderError);
    expect(() => parseWithCommander(['--timeout', '5', 'f.wasm'])).toThrow(/--timeout "5"/);
  });
});

/** The same command line through the fast path and through commander: the same result, returned. */
async function bothPaths(args: readonly string[]) {
  const fast = await cli(args, { cwd: dir });
  const slow = await cli(args, { cwd: dir, env: { WASMER_TS_FAST_PATH: '0' } });
  expect(slow).toEqual(fast);
  return fast;
}

describe('the two paths give the same results (subprocesses)', () => {
  it.concurrent.for([
    [['run', 'types.wasm', '--invoke', 'add', '5', '37'], 0],
    [['run', '--json', '--compiler', 'baseline', 'types.wasm', '--invoke', 'swap', '1', '2'], 0],
    [['run', '--no-cache', '-i', 'f32id', 'types.wasm', '-inf'], 0],
    [['run', 'types.wasm', '--invoke', 'add', '1', '2', '--json'], 2], // --json is an argument of add
    [['run', 'types.wasm', '--invoke', 'nope'], 2],
    [['run', '--json', 'types.wasm', '--invoke', 'ad', '1'], 2],
    [['run', 'types.wasm', '--invoke', 'add', 'x', '1'], 2],
    [['run', 'types.wasm', '--invoke'], 2],
    [['run', 'types.wasm'], 2], // no _start
    [['run', '--json', 'missing.wasm'], 3],
    [['run', 'trap.wasm', '--invoke', 'boom'], 134],
    [['run', 'exit7.wasm'], 7],
    [['run', '--json', 'exit7.wasm'], 7],
    [['run', '--max-memory', '256KiB', 'grow.wasm', '--invoke', 'grow', '4'], 0],
    [['run', '--timeout', '200ms', 'loop.wasm'], 124],
    [['run', '--compiler', 'fast', 'types.wasm'], 2], // refused by commander on both paths
    [['run', '--env', 'NOEQUALS', 'exit7.wasm'], 2],
    [['run', '--dir', 'no-such-dir', 'exit7.wasm'], 2],
    [['run', '--bogus', 'exit7.wasm'], 2],
  ] as const)('%j exits %i', async ([args, code], { expect }) => {
    expect((await bothPaths(args)).code).toBe(code);
  });

  it.skipIf(ECHO_WASM === null).concurrent(
    'a WASI program gets the same arguments, variables and files',
    async ({ expect }) => {
      const r = await bothPaths([
        'run',
        '--dir',
        '.::/sandbox',
        '--env',
        'READ=/sandbox/exit7.wat',
        '--env=EXIT=3',
        '--forward-env',
        'WASMER_TS_UNSET_VAR',
        'echo.wasm',
        '-i',
        '12',
        '--dir',
        '--',
        '--json',
      ]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe(
        'arg 0: echo.wasm\narg 1: -i\narg 2: 12\narg 3: --dir\narg 4: --\narg 5: --json\n' +
          'env READ=/sandbox/exit7.wat\nenv EXIT=3\nfile: (module\n',
      );
    },
  );
});
