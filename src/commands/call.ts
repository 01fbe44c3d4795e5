/**
 * `wasmer-ts call FILE FUNCTION [ARGS...]`: the invocation engine of `run --invoke`,
 * plus `--args-json` and `--repeat` (calls per second).
 */
import { Command } from 'commander';
import { ArgumentError } from '../runtime/errors.js';
import { invokeAndPrint } from './invoke.js';
import { parseArgsJson } from './literals.js';
import { addJsonOption, addRunOptions, type RawRunOptions, runOptionsFrom } from './options.js';

interface RawOptions extends RawRunOptions {
  argsJson?: unknown[];
  repeat?: number;
}

const MAX_REPEAT = 1e9;

function parseRepeat(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_REPEAT)) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `--repeat ${JSON.stringify(text)}: expected a whole number of calls from 1 to ${MAX_REPEAT}`,
    );
  }
  return n;
}

export const callCommand = addJsonOption(
  addRunOptions(
    new Command('call')
      .description('Call one exported function and print its results')
      .argument('<file>', '.wasm, .wat, or a module compiled by `wasmer-ts compile`')
      .argument('<function>', "the exported function to call (a component interface's as INTERFACE#NAME)")
      .argument(
        '[args...]',
        'its arguments, parsed by its parameter types (WAVE literals for a component; see `run --help`)',
      )
      .option(
        '--args-json <json>',
        'the arguments as a JSON array instead: numbers, or strings for any literal',
        parseArgsJson,
      )
      .option('--repeat <n>', 'call it N times and report calls per second (on stderr, or in the JSON)', parseRepeat),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  $ wasmer-ts call fixtures/simple.wasm sum 5 37
  42
  $ wasmer-ts call math.wasm mul64 --args-json '["9007199254740993", 2]'
  $ wasmer-ts call fixtures/simple.wasm sum 1 2 --repeat 1000000 --json
  $ wasmer-ts call fixtures/components/greet.wasm greet '"world"'
  "Hello, world!"
  $ wasmer-ts call fixtures/components/values.wasm 'test:values/math@1.0.0#square' 9
  81

A component's arguments are WAVE literals, one per argument, and its result
prints in WAVE; an interface's function is INTERFACE#NAME (see \`run --help\`).`,
  )
  .action(async (file: string, name: string, args: string[], raw: RawOptions) => {
    if (raw.argsJson !== undefined && args.length > 0) {
      throw new ArgumentError(
        'ERR_INVALID_OPTION',
        'give the arguments either on the command line or with --args-json, not both',
      );
    }
    await invokeAndPrint(file, name, raw.argsJson ?? args, runOptionsFrom(raw), raw.repeat);
  });
