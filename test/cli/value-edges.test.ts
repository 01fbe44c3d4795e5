// The edge cases of the CLI's value parsers, in-process: literals at the limits
// of their types and junk flag values. These were subprocess tests (one CLI
// start each, about 30 s of the suite); the parsers are pure functions, so here
// each case calls the same code the CLI does (the parse functions, commander's
// option definitions of `run` and `call`, report.ts's exit code and message),
// and test/cli/hostile.test.ts keeps a few subprocess cases for the wiring.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { callCommand } from '../../src/commands/call.js';
import { formatValue } from '../../src/commands/format.js';
import { type Callee, parseArgsJson, parseArguments } from '../../src/commands/literals.js';
import { applyRunFlag, type RawRunOptions } from '../../src/commands/options.js';
import { EXIT, exitCodeFor, formatError } from '../../src/commands/report.js';
import { createRunCommand } from '../../src/commands/run.js';
import { ArgumentError } from '../../src/runtime/errors.js';
import type { ValType } from '../../src/runtime/index.js';
import { errorOf } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-value-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const notes = join(dir, 'notes.txt');
writeFileSync(notes, 'not a directory\n');
mkdirSync(join(dir, 'folder'));

/** A function of one parameter of `type`, as `call nums.wasm TYPE LITERAL` has (an identity function). */
const identity = (type: ValType): Callee => ({
  name: type,
  type: { kind: 'func', params: [type], results: [type] },
});
const sum: Callee = { name: 'sum', type: { kind: 'func', params: ['i32', 'i32'], results: ['i32'] } };

/** What the CLI prints for the error `fn` throws, checked to be a usage error (exit 2) with no stack of ours. */
function usageError(fn: () => unknown, label: string): string {
  const error = errorOf(fn, ArgumentError, label);
  expect(exitCodeFor(error), label).toBe(EXIT.USAGE);
  const text = formatError(error);
  expect(text, label).toMatch(/^error: /);
  expect(text, label).not.toMatch(/^ {4}at |internal error/m);
  return text;
}

describe('number literals at the edges', () => {
  const HUGE_HEX = `0x1${'0'.repeat(300)}p-1200`;
  it.each([
    ['i32', '2147483648', '-2147483648'],
    ['i32', '0xffffffff', '-1'],
    ['i64', '9223372036854775808', '-9223372036854775808'],
    ['i64', '-9223372036854775808', '-9223372036854775808'],
    ['f32', '0x1.fffffep127', '3.4028235e+38'],
    ['f64', 'nan', 'nan'],
    ['f64', '0x1p-1074', '5e-324'],
    // Its digits alone overflow a double; the value is exactly 1.
    ['f64', HUGE_HEX, '1'],
    ['f32', HUGE_HEX, '1'],
  ] as const)('%s %s prints %s', (type, literal, printed) => {
    const [value] = parseArguments(identity(type), [literal]);
    expect(formatValue(type, value)).toBe(printed);
  });

  it.each([
    ['i32', '4294967296', 'out of range for i32'],
    ['i32', '-2147483649', 'out of range for i32'],
    ['i64', '18446744073709551616', 'out of range for i64'],
    ['i32', '0x', 'expected an integer'],
    ['i32', '1_000', 'expected an integer'],
    ['i32', '1.0', 'expected an integer'],
    ['i32', '', 'expected an integer'],
    ['f32', 'nan:0x1', 'expected a number'],
    ['f64', '1_000', 'expected a number'],
    ['f32', '1e39', 'out of range for f32'],
    ['f32', '1e309', 'out of range for f32'],
    ['f64', '1e309', 'out of range for f64'],
    ['f64', '0x1p9999', 'out of range for f64'],
  ] as const)('%s %j is a usage error: %s', (type, literal, why) => {
    const text = usageError(() => parseArguments(identity(type), [literal]), `${type} ${literal}`);
    expect(text).toContain(`is not a valid ${type}: ${why}`);
  });
});

/** `run`'s and `call`'s own definitions (commander), parsing `flags` as the CLI does before the action runs. */
function parseWith(command: Command, flags: readonly string[]): void {
  command.exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
  command.parseOptions([...flags]);
}

describe('run flags with junk values: exit 2 naming the flag', () => {
  it.each([
    [['--timeout', '0'], '--timeout "0"'],
    [['--timeout=-1s'], '--timeout "-1s"'],
    [['--timeout', '1e999s'], '--timeout "1e999s"'],
    [['--timeout', '0ms'], '--timeout "0ms": the time limit must be at least 1ms'],
    [['--timeout', '99999999h'], 'the time limit must be under 24 days'],
    [['--max-memory', '0'], '--max-memory "0"'],
    [['--max-memory', '1KiB'], 'the cap must be at least one 64KiB page'],
    [['--max-memory', '1e3MiB'], '--max-memory "1e3MiB"'],
    [['--dir', '/nonexistent'], '--dir "/nonexistent": host directory /nonexistent does not exist'],
    [['--dir', notes], `--dir "${notes}": ${notes} is not a directory`],
    [['--dir', '::'], 'expected HOST or HOST::GUEST'],
    [['--env', 'NOEQUALS'], '--env "NOEQUALS": expected NAME=VALUE'],
    [['--env', '=x'], '--env "=x": expected NAME=VALUE'],
    [['--forward-env', ''], '--forward-env "": a variable name must be non-empty'],
  ])('run %j', (flags, message) => {
    // Through commander (`run` with any flag it does not read itself) ...
    expect(usageError(() => parseWith(createRunCommand(Command), flags), flags.join(' '))).toContain(message);
    // ... and through run's fast path (src/cli.ts), which applies the flags without commander.
    const [flag, value] = flags.length === 2 ? flags : (flags[0] as string).split(/=(.*)/s);
    const raw: RawRunOptions = {};
    expect(usageError(() => applyRunFlag(raw, flag as string, value), `fast path ${flags.join(' ')}`)).toContain(
      message,
    );
  });

  it('--compiler with an unknown choice is commander’s usage error; the fast path leaves it to commander', () => {
    const error = errorOf(() => parseWith(createRunCommand(Command), ['--compiler', 'fast']), CommanderError);
    expect(error.message).toContain("argument 'fast' is invalid");
    expect(applyRunFlag({}, '--compiler', 'fast')).toBe(false);
    expect(applyRunFlag({}, '--bogus', 'x')).toBe(false);
  });
});

describe('call flags with junk values: exit 2 naming the flag', () => {
  it.each<[string[], string | RegExp]>([
    [['--repeat', '0'], '--repeat "0"'],
    [['--repeat=-5'], '--repeat "-5"'],
    [['--repeat', 'abc'], '--repeat "abc"'],
    [['--repeat', '1.5'], '--repeat "1.5"'],
    [['--args-json', '{'], '--args-json "{": not valid JSON'],
    [['--args-json', '{}'], '--args-json "{}": expected a JSON array'],
    [['--args-json', '{'.repeat(5000)], /--args-json "\{{50,}\.\.\.: not valid JSON/],
  ])('call %j', (flags, message) => {
    const text = usageError(() => parseWith(callCommand, flags), flags.join(' '));
    if (typeof message === 'string') expect(text).toContain(message);
    else expect(text).toMatch(message);
  });

  // Valid JSON arrays that do not fit sum(i32, i32): refused when the arguments are parsed.
  it.each([
    ['[{}, 1]', '{} is not a valid i32'],
    ['[true, 1]', 'true is not a valid i32'],
    ['[1, 2, 3]', 'takes 2 arguments, but 3 were given'],
    // JSON.stringify of the value for the message overflowed the stack: an internal error.
    [`[${'['.repeat(20000)}${']'.repeat(20000)}, 1]`, '(a deeply nested array) is not a valid i32'],
    ['[1e400, 1]', 'Infinity is not a valid i32: the JSON number is beyond the f64 range'],
  ])('call sum --args-json %j', (json, message) => {
    const label = `--args-json ${json.slice(0, 20)}`;
    expect(usageError(() => parseArguments(sum, parseArgsJson(json)), label)).toContain(message);
  });
});
