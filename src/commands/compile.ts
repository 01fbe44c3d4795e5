/**
 * `wasmer-ts compile FILE -o OUT`: compiles a module and writes it serialized
 * (`Module.serialize`), so `run`, `call` and `inspect` can load it without
 * converting or re-reading text. Reading and writing go through input.ts.
 */
import { Command } from 'commander';
import { ArgumentError } from '../runtime/errors.js';
import { formatSize } from './format.js';
import { inputLabel, loadModule, writeOutput } from './input.js';
import { addCompileOptions, addJsonOption, type RawRunOptions } from './options.js';
import { printJson } from './print.js';

/** `add.wasm` -> `add.wasmu`; `prog.wat` -> `prog.wasmu`. */
export function defaultOutput(file: string): string {
  return `${file.replace(/\.(wasm|wat|wast)$/i, '')}.wasmu`;
}

export const compileCommand = addJsonOption(
  addCompileOptions(
    new Command('compile')
      .description('Compile a module and write it serialized, ready for run, call and inspect')
      .argument('<file>', '.wasm or .wat file (- for stdin, then -o is required)')
      .option('-o, --output <file>', 'where to write the compiled module (default: FILE with a .wasmu extension)'),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  $ wasmer-ts compile fixtures/simple.wasm -o simple.wasmu
  wrote simple.wasmu (1.1 KiB)
  $ wasmer-ts run simple.wasmu --invoke sum 5 37
  42`,
  )
  .action(
    async (
      file: string,
      raw: Pick<RawRunOptions, 'json' | 'compiler' | 'cacheDir' | 'cache'> & { output?: string },
    ) => {
      if (raw.output === undefined && file === '-') {
        throw new ArgumentError('ERR_INVALID_OPTION', 'compiling stdin needs -o FILE to say where to write');
      }
      const output = raw.output ?? defaultOutput(file);
      const module = await loadModule(file, {
        compiler: raw.compiler ?? 'auto',
        cacheDir: raw.cacheDir ?? null,
        cache: raw.cache !== false,
      });
      const bytes = module.serialize();
      await writeOutput(output, bytes);
      if (raw.json === true) printJson({ input: inputLabel(file), output, size: bytes.byteLength });
      else process.stdout.write(`wrote ${output} (${formatSize(bytes.byteLength)})\n`);
    },
  );
