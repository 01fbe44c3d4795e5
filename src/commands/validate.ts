/**
 * `wasmer-ts validate FILE... | -`: one line per file, `ok` or the reason with
 * its byte offset. Our parser checks the structure first (precise offsets),
 * then V8 validates everything else (types, instructions).
 */
import { Command } from 'commander';
import { CompileError, WasmerError, WasmParseError } from '../runtime/errors.js';
import { isComponentHead } from '../runtime/parser/sniff.js';
import { inputLabel, readModuleBytes } from './input.js';
import { addJsonOption } from './options.js';
import { printJson } from './output.js';
import { printOut } from './print.js';
import { EXIT, InFile } from './report.js';

/** One file's verdict; the `--json` output is an array of these. */
export interface Verdict {
  readonly file: string;
  readonly valid: boolean;
  /** Present when invalid or unreadable. `offset` is the byte offset in the Wasm binary, when known. */
  readonly error?: { readonly code: string; readonly message: string; readonly offset: number | null };
}

export const validateCommand = addJsonOption(
  new Command('validate')
    .description('Check that files are valid WebAssembly modules or components (.wasm, .wat or compiled)')
    .argument('<files...>', 'files to check; - reads one module from stdin')
    .option('-q, --quiet', 'print only the files that fail'),
)
  .addHelpText(
    'after',
    `
Exit status: 0 when every file is valid, 4 when any is invalid, 3 when any
cannot be read (missing, directory, empty...).

Examples:
  $ wasmer-ts validate fixtures/simple.wasm
  fixtures/simple.wasm: ok
  $ wasmer-ts validate fixtures/components/greet.wasm
  fixtures/components/greet.wasm: ok
  $ wasmer-ts validate --quiet build/*.wasm
  $ cat app.wasm | wasmer-ts validate - --json`,
  )
  .action(async (files: string[], raw: { json?: boolean; quiet?: boolean }) => {
    const verdicts: Verdict[] = [];
    let paint: { ok: (s: string) => string; bad: (s: string) => string } = { ok: (s) => s, bad: (s) => s };
    if (raw.json !== true) {
      const { default: chalk } = await import('chalk');
      if (chalk.level > 0) paint = { ok: chalk.green, bad: chalk.red };
    }
    for (const file of files) {
      const verdict = await validateOne(file);
      verdicts.push(verdict);
      if (raw.json === true || (raw.quiet === true && verdict.valid)) continue;
      printOut(`${verdictLine(verdict, paint)}\n`);
    }
    if (raw.json === true) printJson(verdicts);
    const unreadable = verdicts.some((v) => v.error?.code.startsWith('ERR_INPUT'));
    const invalid = verdicts.some((v) => !v.valid);
    process.exitCode = unreadable ? EXIT.INPUT : invalid ? EXIT.INVALID_MODULE : EXIT.OK;
  });

/** Validates one file. Every user-facing problem becomes a verdict; only bugs throw. */
export async function validateOne(file: string): Promise<Verdict> {
  const label = inputLabel(file);
  try {
    const { wasm } = await readModuleBytes(file);
    if (isComponentHead(wasm)) {
      // Our component parser validates the component; V8 compiles (so validates) each core module.
      const { Component } = await import('../runtime/component/component.js');
      new Component(wasm);
      return { file: label, valid: true };
    }
    const { parseModule } = await import('../runtime/parser/index.js');
    parseModule(wasm);
    if (!WebAssembly.validate(wasm)) {
      // V8 says only "no"; compiling gives its reason and offset as our CompileError.
      const { Module } = await import('../runtime/module.js');
      new Module(wasm);
      return {
        file: label,
        valid: false,
        error: { code: 'ERR_COMPILE', message: 'V8 rejects the module', offset: null },
      };
    }
    return { file: label, valid: true };
  } catch (caught) {
    const error = caught instanceof InFile ? caught.error : caught;
    if (!(error instanceof WasmerError)) throw caught;
    const offset = error instanceof WasmParseError || error instanceof CompileError ? error.offset : null;
    return { file: label, valid: false, error: { code: error.code, message: error.message, offset } };
  }
}

/** `FILE: ok`, `FILE: REASON (at byte 0x1a)`; an unreadable file's message already names it. */
function verdictLine(verdict: Verdict, paint: { ok: (s: string) => string; bad: (s: string) => string }): string {
  if (verdict.valid) return `${verdict.file}: ${paint.ok('ok')}`;
  const error = verdict.error;
  if (error === undefined) return `${verdict.file}: ${paint.bad('invalid')}`;
  // An unreadable file's message, and a .wasm file's that is not a binary, start with the file.
  if (error.code.startsWith('ERR_INPUT')) return paint.bad(error.message);
  if (error.message.startsWith(`${verdict.file} `)) return paint.bad(oneLine(error.message));
  return `${verdict.file}: ${paint.bad(oneLine(error.message))}`;
}

/** The first line of a multi-line reason (wabt's), joined with the next when it ends in a colon. */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = lines[0] ?? '';
  return first.endsWith(':') && lines[1] !== undefined ? `${first} ${lines[1]}` : first;
}
