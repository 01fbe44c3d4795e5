/**
 * `wasmer-ts run FILE [--invoke FN] [ARGS...]`: runs a WASI program's `_start`
 * (exit status = the program's), or calls one export and prints its results.
 */
import { Command } from 'commander';
import { ArgumentError } from '../runtime/errors.js';
import { formatSignature } from './format.js';
import { inputLabel, loadModule } from './input.js';
import { exportedFunctions, invokeAndPrint, wasiOptions } from './invoke.js';
import { addJsonOption, addRunOptions, type RawRunOptions, runOptionsFrom } from './options.js';
import { printJson } from './print.js';

interface RawOptions extends RawRunOptions {
  invoke?: string;
}

export const runCommand = addJsonOption(
  addRunOptions(
    new Command('run')
      .description('Run a WebAssembly program (WASI _start), or call one exported function with --invoke')
      .argument('<file>', '.wasm, .wat, or a module compiled by `wasmer-ts compile`')
      .argument('[args...]', "the function's arguments with --invoke, else the program's arguments")
      .option('-i, --invoke <function>', 'call this exported function instead of _start and print its results'),
  ),
)
  .addHelpText(
    'after',
    `
Arguments of --invoke are parsed by the function's parameter types: i32/i64 in
decimal or 0x hex (negative and unsigned forms both accepted), f32/f64 as 1.5,
-0, 1e10, 0x1.8p3, nan, inf, -inf, v128 as a 128-bit integer or lanes
(i32x4:1,2,3,4). Put literals that start with "-" but are not plain numbers
(-inf, -0x10) after "--". Results print one per line.

Examples:
  $ wasmer-ts run fixtures/simple.wasm --invoke sum 5 37
  42
  $ wasmer-ts run hello.wasm --dir ./data::/data --env GREETING=hi -- --verbose input.txt
  $ wasmer-ts run loop.wasm --timeout 5s --max-memory 256MiB`,
  )
  .action(async (file: string, args: string[], raw: RawOptions) => {
    const options = runOptionsFrom(raw);
    if (raw.invoke !== undefined) {
      await invokeAndPrint(file, raw.invoke, args, options);
      return;
    }

    const module = await loadModule(file, options);
    const label = inputLabel(file);
    const functions = exportedFunctions(module.info);
    if (!functions.some((f) => f.name === '_start')) {
      const list = functions.map((f) => `  ${formatSignature(f.name, f.type)}`).join('\n');
      throw new ArgumentError(
        'ERR_NO_EXPORT',
        `${label} has no _start function to run; call one of its exports with --invoke FUNCTION [ARGS...]` +
          (functions.length === 0 ? ' (it exports no functions)' : `:\n${list}`),
      );
    }
    const { runProgram } = await import('../runtime/wasi/index.js');
    const { exitCode } = await runProgram({
      module,
      wasi: wasiOptions([file, ...args], options),
      ...(options.timeoutMs !== null ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxMemoryBytes !== null ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
      compiler: options.compiler,
    });
    if (options.json) printJson({ exitCode });
    // The program's own status is the command's (WASI proc_exit passes through).
    process.exitCode = exitCode;
  });
