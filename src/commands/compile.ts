/**
 * `wasmer-ts compile FILE -o OUT`: compiles every function with TurboFan and
 * writes an artifact (src/runtime/engine/artifact.ts) with the Wasm and V8's machine
 * code, so `run` and `call` start without compiling. Reading goes through
 * input.ts, writing through output.ts.
 */
import { Command } from 'commander';
import { nativeStatus } from '../runtime/engine/native.js';
import { ArgumentError } from '../runtime/errors.js';
import { formatSize } from './format.js';
import { inputLabel, readModuleBytes } from './input.js';
import { addCompileOptions, addJsonOption, type RawRunOptions } from './options.js';
import { checkOutput, checkOutputIsNotInput, printJson, writeOutput } from './output.js';
import { printErr, printOut } from './print.js';
import { startProgress } from './progress.js';
import { InFile } from './report.js';

/** `add.wasm` -> `add.wasmu`; `prog.wat` -> `prog.wasmu`. */
export function defaultOutput(file: string): string {
  return `${file.replace(/\.(wasm|wat|wast)$/i, '')}.wasmu`;
}

export const compileCommand = addJsonOption(
  addCompileOptions(
    new Command('compile')
      .description('Compile a module and write it serialized, ready for run, call and inspect')
      .argument('<file>', '.wasm or .wat file (- for stdin, then -o is required)')
      .option(
        '-o, --output <file>',
        'where to write the compiled module, never FILE itself (- for stdout; default: FILE with a .wasmu extension)',
      ),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  $ wasmer-ts compile fixtures/simple.wasm -o simple.wasmu
  wrote simple.wasmu (1.1 KiB, machine code 512 B)
  $ wasmer-ts run simple.wasmu --invoke sum 5 37
  42`,
  )
  .addHelpText('after', () => `\n${machineCodeHelp()}`)
  .action(
    async (
      file: string,
      raw: Pick<RawRunOptions, 'json' | 'compiler' | 'cacheDir' | 'cache'> & { output?: string },
    ) => {
      if (raw.output === undefined && file === '-') {
        throw new ArgumentError('ERR_INVALID_OPTION', 'compiling stdin needs -o FILE to say where to write');
      }
      const output = raw.output ?? defaultOutput(file);
      const label = inputLabel(file);
      // Before the compile, which can take tens of seconds: a bad -o should not wait for it.
      await checkOutputIsNotInput(file, output, defaultOutput(file));
      await checkOutput(output);
      const { wasm } = await readModuleBytes(file);
      // Every function eagerly with TurboFan, saved as machine code when the addon is built (issue 5).
      const { compileOptimized } = await import('../runtime/engine/machine-code.js');
      const stop = startProgress(`optimizing ${label} (${formatSize(wasm.byteLength)}) with TurboFan`);
      const onProgress = (ms: number) => {
        if (!process.stderr.isTTY && ms >= 5000 && ms % 5000 < 1000) {
          printErr(`optimizing ${label} with TurboFan… ${Math.round(ms / 1000)}s\n`);
        }
      };
      let result: Awaited<ReturnType<typeof compileOptimized>>;
      try {
        result = await compileOptimized(wasm, { onProgress });
      } catch (error) {
        throw new InFile(label, error);
      } finally {
        stop();
      }
      if (result.notice !== null) printErr(`note: ${result.notice}\n`);
      const bytes = result.artifact;
      const written = await writeOutput(output, bytes);
      const machineCodeSize = result.machineCodeByteLength;
      const shown = output === '-' ? '<stdout>' : output;
      const summary = { input: label, output: shown, size: bytes.byteLength, machineCodeSize };
      const code = machineCodeSize > 0 ? `, machine code ${formatSize(machineCodeSize)}` : ', Wasm only';
      const line = `wrote ${shown} (${formatSize(bytes.byteLength)}${code})\n`;
      // Written into a pipe or device (-o /dev/stdout): the summary must not follow the artifact there.
      if (written === 'stream') printErr(raw.json === true ? `${JSON.stringify(summary)}\n` : line);
      else if (raw.json === true) printJson(summary);
      else printOut(line);
    },
  );

/** The help's last paragraph: whether this install saves machine code. */
function machineCodeHelp(): string {
  const status = nativeStatus();
  return status.available
    ? 'Machine code: saved (native addon loaded); run/call load it when Node, V8, CPU and flags match, else recompile.'
    : `Machine code: not saved here (${status.reason}); the output holds the Wasm only and runs anywhere.`;
}
