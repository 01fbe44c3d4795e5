// report.ts in-process: the error -> exit-code table and the printed form,
// including exit 1 (an internal bug) which no user input should reach.
import { describe, expect, it } from 'vitest';
import { CommanderUsageError, EXIT, exitCodeFor, formatError, InFile } from '../../src/commands/report.js';
import {
  ArgumentError,
  ArtifactError,
  CompileError,
  InputError,
  LinkError,
  TimeoutError,
  Trap,
  WasiError,
  WasiExit,
  WasmParseError,
  WatError,
} from '../../src/runtime/errors.js';

describe('exitCodeFor', () => {
  it.each([
    [new ArgumentError('ERR_NO_EXPORT', 'x'), EXIT.USAGE],
    [new WasiError('ERR_WASI_PREOPEN', 'x'), EXIT.USAGE],
    [new CommanderUsageError("error: unknown option '--x'", 2), EXIT.USAGE],
    [new InputError('ERR_INPUT_NOT_FOUND', 'x', 'a.wasm'), EXIT.INPUT],
    [new WasmParseError('ERR_BAD_MAGIC', 'x', 0), EXIT.INVALID_MODULE],
    [new CompileError('x', 3), EXIT.INVALID_MODULE],
    [new WatError('x'), EXIT.INVALID_MODULE],
    [new ArtifactError('ERR_ARTIFACT_CORRUPT', 'x'), EXIT.INVALID_MODULE],
    [new LinkError('ERR_MISSING_IMPORT', 'x'), EXIT.LINK],
    [new LinkError('ERR_WASI_NO_MEMORY', 'x'), EXIT.LINK],
    [new TimeoutError(5), EXIT.TIMEOUT],
    [new Trap('unreachable', []), EXIT.TRAP],
    [new WasiExit(42), 42],
    [new InFile('a.wasm', new WasmParseError('ERR_BAD_MAGIC', 'x', 0)), EXIT.INVALID_MODULE],
    [new TypeError('a bug'), EXIT.INTERNAL],
    ['a thrown string', EXIT.INTERNAL],
  ])('%s -> %d', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('formatError', () => {
  it('prints a user error on one line with its file, without a stack', () => {
    const text = formatError(new InFile('a.wasm', new WasmParseError('ERR_UNEXPECTED_EOF', 'section ends early', 26)));
    expect(text).toBe('error: a.wasm: section ends early (at byte 0x1a)');
  });

  it('prints the cause chain indented, skipping causes that repeat the message', () => {
    const root = new Error('disk on fire');
    const middle = new LinkError('ERR_LINK', 'cannot link', { cause: root });
    const top = new ArgumentError('ERR_INVALID_OPTION', 'bad setup', { cause: middle });
    expect(formatError(top)).toBe('error: bad setup\n  caused by: cannot link\n    caused by: disk on fire');
    const repeated = new WatError('invalid text: oops', { cause: new Error('oops') });
    expect(formatError(repeated)).toBe('error: invalid text: oops');
  });

  it('prints an internal error with its stack and a request to report it', () => {
    const text = formatError(new TypeError('x is undefined'));
    expect(text.split('\n')[0]).toBe('error: internal error: x is undefined');
    expect(text).toMatch(/\n {4}at /);
    expect(text).toContain('This is a bug in wasmer-ts');
  });

  it('paints only the label', () => {
    const text = formatError(new ArgumentError('ERR_NO_EXPORT', 'nope'), (s) => `<${s}>`);
    expect(text).toBe('<error:> nope');
  });
});
