// `run --invoke` and `call`: the one invocation engine, through the real CLI.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cli, fixtureDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await fixtureDir());
});
afterAll(() => cleanup());

const call = (...args: string[]) => cli(['call', 'types.wasm', ...args], { cwd: dir });

// The full literal grammar is covered in-process by literals.test.ts; these
// check that the CLI wires it to the real call and the real printing.
describe('argument parsing by parameter type', () => {
  it.concurrent.for([
    ['add', ['5', '37'], '42'],
    ['add', ['0xffffffff', '0'], '-1'], // u32 range accepted, wrapped to signed
    ['add64', ['9007199254740993', '0'], '9007199254740993'], // beyond 2^53, exact
    ['f32id', ['7.42'], '7.42'], // shortest f32 form, not 7.420000076293945
    ['f32div', ['1', '3'], '0.33333334'],
    ['f64id', ['1e300'], '1e+300'],
  ] as const)('%s %j prints %s', async ([fn, args, expected], { expect }) => {
    const r = await call(fn, ...args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${expected}\n`);
    expect(r.code).toBe(0);
  });

  it.concurrent('takes -inf and -nan after --', async ({ expect }) => {
    expect((await call('f64id', '--', '-inf')).stdout).toBe('-inf\n');
    expect((await call('f32id', '--', '-nan')).stdout).toBe('nan\n');
  });

  it.concurrent('prints each result of a multi-value function on its own line', async ({ expect }) => {
    const r = await call('swap', '7', '-9');
    expect(r.stdout).toBe('-9\n7\n');
  });

  it.concurrent('prints nothing for a function without results', async ({ expect }) => {
    const r = await call('nothing');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.concurrent('takes v128 as lanes or as one integer and prints it as hex', async ({ expect }) => {
    expect((await call('v', 'i32x4:1,2,3,4')).stdout).toBe('0x00000004000000030000000200000001\n');
    expect((await call('v', '0x0102')).stdout).toBe('0x00000000000000000000000000000102\n');
    expect((await call('v', 'i8x16:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,-1')).stdout).toBe(
      '0xff0e0d0c0b0a09080706050403020100\n',
    );
    expect((await call('v', 'f32x4:1,0,0,0')).stdout).toBe('0x0000000000000000000000003f800000\n');
  });
});

describe('usage errors (exit 2) name the signature', () => {
  it.concurrent('wrong argument count', async ({ expect }) => {
    const r = await call('add', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: add(i32, i32) -> i32 takes 2 arguments, but 1 was given\n');
    expect(r.stdout).toBe('');
  });

  it.concurrent('bad literal', async ({ expect }) => {
    const r = await call('add', '1', 'x12');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: argument 2 of add(i32, i32) -> i32: "x12" is not a valid i32: expected an integer (decimal or 0x hex)\n',
    );
  });

  it.concurrent('unknown export lists the exports and suggests the nearest name', async ({ expect }) => {
    const r = await cli(['run', 'types.wasm', '--invoke', 'ad'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: export "ad" not found in types.wasm (exports: add, add64, f32id, f64id, f32div, swap, v, nothing); did you mean "add"?\n',
    );
  });

  it.concurrent('an export that is not a function', async ({ expect }) => {
    const r = await call('mem');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('export "mem" of types.wasm is a memory, not a function');
  });

  it.concurrent('a module without _start and without --invoke lists what it can call', async ({ expect }) => {
    const r = await cli(['run', 'types.wasm'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "error: types.wasm has no _start function to run; call one of its exports with --invoke FUNCTION [ARGS...]:
        add(i32, i32) -> i32
        add64(i64, i64) -> i64
        f32id(f32) -> f32
        f64id(f64) -> f64
        f32div(f32, f32) -> f32
        swap(i32, i64) -> (i64, i32)
        v(v128) -> v128
        nothing()
      "
    `);
  });

  it.concurrent('a negative-looking non-number is an unknown option, with the hint to use --', async ({ expect }) => {
    const r = await call('f64id', '-inf');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '-inf'\n(add --help for usage)\n");
  });
});

describe('--json', () => {
  it.concurrent('gives types and values, i64 as a string, non-finite floats as strings', async ({ expect }) => {
    const r = await call('swap', '1', '9007199254740993', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      function: 'swap',
      signature: 'swap(i32, i64) -> (i64, i32)',
      results: [
        { type: 'i64', value: '9007199254740993' },
        { type: 'i32', value: 1 },
      ],
      exitCode: null,
      repeat: null,
    });
    const f = await call('f32id', 'inf', '--json');
    expect(JSON.parse(f.stdout).results).toEqual([{ type: 'f32', value: 'inf' }]);
    const g = await call('f32id', '7.42', '--json');
    expect(JSON.parse(g.stdout).results).toEqual([{ type: 'f32', value: 7.42 }]);
  });

  it.concurrent('run --invoke --json has the same shape as call --json', async ({ expect }) => {
    const a = await cli(['run', '--json', 'types.wasm', '--invoke', 'add', '2', '3'], { cwd: dir });
    const b = await call('add', '2', '3', '--json');
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).results).toEqual([{ type: 'i32', value: 5 }]);
  });
});

describe('call --args-json and --repeat', () => {
  it.concurrent('takes numbers and strings (for exact i64 and any literal)', async ({ expect }) => {
    const r = await call('add64', '--args-json', '["9007199254740993", 2]');
    expect(r.stdout).toBe('9007199254740995\n');
    const f = await call('f64id', '--args-json', '["-inf"]');
    expect(f.stdout).toBe('-inf\n');
  });

  it.concurrent('refuses JSON that is not an array, and arguments given twice', async ({ expect }) => {
    const a = await call('add', '--args-json', '{"a":1}');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--args-json "{\\"a\\":1}": expected a JSON array');
    const b = await call('add', '--args-json', '[1,');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('not valid JSON');
    const c = await call('add', '1', '2', '--args-json', '[1,2]');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('not both');
    const d = await call('add', '--args-json', '[1, true]');
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('argument 2 of add(i32, i32) -> i32: true is not a valid i32');
  });

  it.concurrent('--repeat prints the result once and calls per second on stderr', async ({ expect }) => {
    const r = await call('add', '1', '2', '--repeat', '1000');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('3\n');
    expect(r.stderr).toMatch(/^1000 calls in \d+\.\d{3} s: [\d,]+ calls\/s\n$/);
  });

  it.concurrent('--repeat --json reports the timing in the document', async ({ expect }) => {
    const r = await call('add', '1', '2', '--repeat', '50', '--json');
    const doc = JSON.parse(r.stdout);
    expect(doc.repeat.calls).toBe(50);
    expect(doc.repeat.seconds).toBeGreaterThanOrEqual(0);
    expect(doc.repeat.callsPerSecond).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });

  it.concurrent('--repeat 1 times one call', async ({ expect }) => {
    const r = await call('add', '1', '2', '--repeat', '1', '--json');
    expect(JSON.parse(r.stdout).repeat.calls).toBe(1);
  });

  it.concurrent('--repeat with --timeout is a usage error', async ({ expect }) => {
    const r = await call('add', '1', '2', '--repeat', '5', '--timeout', '1s');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --repeat cannot be combined with --timeout or --max-memory\n');
  });

  it.concurrent.for(['0', '-1', '1.5', 'many'] as const)('--repeat %s is a usage error', async (n, { expect }) => {
    const r = await call('add', '1', '2', '--repeat', n);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--repeat');
  });
});

describe('traps, link errors, WASI exits', () => {
  it.concurrent('a trap exits 134 with the reason and the Wasm backtrace', async ({ expect }) => {
    const r = await cli(['call', 'trap.wasm', 'outer'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error: trap: unreachable');
    expect(lines.slice(1).join('\n')).toMatch(/^ {2}0: .*boom.*\n {2}1: .*outer/);
    expect(r.stderr).not.toContain('caused by'); // V8's RuntimeError repeats the reason
    expect(r.stderr).not.toMatch(/\.js:\d+/); // no stack trace of ours
  });

  it.concurrent('division by zero traps', async ({ expect }) => {
    const r = await cli(['run', 'trap.wasm', '--invoke', 'div', '1', '0'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^error: trap: divide by zero/);
  });

  it.concurrent('a missing import exits 5 and names it', async ({ expect }) => {
    const r = await cli(['run', 'link.wasm', '--invoke', 'main'], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: .*env\.log/);
    expect(r.stderr).toContain('the CLI provides only WASI imports');
  });

  it.concurrent('--invoke on a WASI module sets WASI up; proc_exit(n) becomes the exit status', async ({ expect }) => {
    const a = await cli(['run', 'exit7.wasm', '--invoke', 'answer'], { cwd: dir });
    expect(a).toEqual({ code: 0, stdout: '42\n', stderr: '' });
    const q = await cli(['call', 'exit7.wasm', 'quit', '3'], { cwd: dir });
    expect(q.code).toBe(3);
    expect(q.stderr).toBe('');
  });
});

describe('the flagless fast path (no commander) behaves like the full parser', () => {
  it.concurrent.for([['add', '2', '3'], ['swap', '-1', '0x10'], ['nope'], ['add', '1'], ['add', 'x', '1']] as const)(
    'call types.wasm %s ...',
    async (args, { expect }) => {
      const fast = await call(...args);
      const full = await call(...args, '--compiler', 'auto'); // any flag takes the commander path
      expect(full).toEqual(fast);
      const run = await cli(['run', 'types.wasm', '--invoke', ...args], { cwd: dir });
      expect(run).toEqual(fast);
    },
  );
});

describe('compile and cache flags', () => {
  it.concurrent.for(['auto', 'baseline', 'optimizing'] as const)(
    '--compiler %s gives the same results',
    async (choice, { expect }) => {
      const r = await call('add64', '9007199254740993', '2', '--compiler', choice);
      expect(r).toEqual({ code: 0, stdout: '9007199254740995\n', stderr: '' });
    },
  );

  it.concurrent('accepts --no-cache and --cache-dir', async ({ expect }) => {
    expect((await call('add', '1', '2', '--no-cache')).stdout).toBe('3\n');
    const r = await call('add', '1', '2', '--cache-dir', join(dir, 'cache'));
    expect(r).toEqual({ code: 0, stdout: '3\n', stderr: '' });
  });
});

describe('artifacts and text', () => {
  it.concurrent('runs a .wat file directly', async ({ expect }) => {
    const r = await cli(['run', 'types.wat', '--invoke', 'add', '40', '2'], { cwd: dir });
    expect(r.stdout).toBe('42\n');
  });
});
