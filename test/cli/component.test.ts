// The CLI on components (fixtures/components/*.wasm, run from that directory): call and
// run --invoke with WAVE arguments and results, each exit code of the table that a
// component can give, validate, and inspect (human and --json).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { cli, ROOT } from './helpers.js';

const cwd = join(ROOT, 'fixtures/components');

describe('call and run --invoke on a component', () => {
  it.concurrent('calls a string function with a WAVE argument and prints the result in WAVE', async ({ expect }) => {
    expect(await cli(['call', 'greet.wasm', 'greet', '"world"'], { cwd })).toEqual({
      code: 0,
      stdout: '"Hello, world!"\n',
      stderr: '',
    });
  });

  it.concurrent('goes through commander the same way as the fast path', async ({ expect }) => {
    const r = await cli(['call', 'greet.wasm', 'greet', '"fast"'], { cwd, env: { WASMER_TS_FAST_PATH: '0' } });
    expect(r).toEqual({ code: 0, stdout: '"Hello, fast!"\n', stderr: '' });
  });

  it.concurrent.for([
    ['echo-u64', '18446744073709551615', '18446744073709551615'],
    ['echo-s8', '-5', '-5'],
    ['echo-f32', '0.1', '0.1'],
    ['echo-char', "'🦀'", "'🦀'"],
    ['echo-string', '"tab\\there"', '"tab\\there"'],
    ['echo-bytes', '[1, 2, 255]', '[1, 2, 255]'],
    ['echo-point', '{x: 1, y: -2}', '{x: 1, y: -2}'],
    ['echo-perms', '{read, exec}', '{read, exec}'],
    ['echo-option', 'none', 'none'],
    ['echo-result', 'err(5)', 'err(5)'],
    ['echo-tuple', '(7, "x")', '(7, "x")'],
  ] as const)('%s %s prints %s', async ([name, arg, out], { expect }) => {
    expect(await cli(['call', 'values.wasm', name, arg], { cwd })).toEqual({ code: 0, stdout: `${out}\n`, stderr: '' });
  });

  it.concurrent('prints an err result as err(...) and exits 0', async ({ expect }) => {
    const r = await cli(['run', 'values.wasm', '--invoke', 'divide', '7', '0'], { cwd });
    expect(r).toEqual({ code: 0, stdout: 'err("division by zero")\n', stderr: '' });
    expect((await cli(['call', 'values.wasm', 'divide', '7', '2'], { cwd })).stdout).toBe('ok(3)\n');
  });

  it.concurrent('addresses an interface export as INTERFACE#NAME, with or without its version', async ({ expect }) => {
    for (const name of ['test:values/math@1.0.0#square', 'test:values/math#square', 'test:values/math@1.2.0#square']) {
      expect(await cli(['call', 'values.wasm', name, '9'], { cwd })).toEqual({ code: 0, stdout: '81\n', stderr: '' });
    }
  });

  it.concurrent('gives --json the function, its signature and the WAVE results', async ({ expect }) => {
    const r = await cli(['call', 'values.wasm', 'echo-point', '{x: 3, y: 4}', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      function: 'echo-point',
      signature: expect.stringMatching(/^echo-point: func\(p: .+\) -> .+$/),
      results: ['{x: 3, y: 4}'],
      repeat: null,
    });
  });

  it.concurrent('exits 2 for a value that does not fit, naming the argument', async ({ expect }) => {
    const r = await cli(['call', 'values.wasm', 'echo-u32', '"x"'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*argument 1 \(x: u32\)/);
    const range = await cli(['call', 'values.wasm', 'echo-s8', '200'], { cwd });
    expect(range.code).toBe(2);
  });

  it.concurrent('exits 2 for a wrong argument count and for an unknown export, with a hint', async ({ expect }) => {
    const count = await cli(['call', 'values.wasm', 'echo-u32'], { cwd });
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('takes 1 argument, got 0');
    const unknown = await cli(['call', 'values.wasm', 'echo-strin', '"x"'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "echo-string"?');
  });

  it.concurrent('exits 134 for a guest trap and for a canonical ABI violation, without a stack of ours', async ({
    expect,
  }) => {
    const trap = await cli(['call', 'values.wasm', 'fail'], { cwd });
    expect(trap.code).toBe(134);
    expect(trap.stderr).toMatch(/^error: trap: unreachable/);
    const abi = await cli(['call', 'values.wasm', 'bad-char'], { cwd });
    expect(abi.code).toBe(134);
    expect(abi.stderr).toMatch(/^error: trap: bad-char result: 0xd800 is not a Unicode scalar value/);
    expect(abi.stderr).not.toMatch(/\n\s+at /);
  });

  it.concurrent('exits 5 for a component whose imports are not WASI 0.2, naming them', async ({ expect }) => {
    const r = await cli(['call', 'semver.wasm', 'quadruple', '1'], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      'semver.wasm is a component that imports "test:math/ops@0.2.3" and "offset", which WASI 0.2 does not provide',
    );
    expect(r.stderr).not.toContain('wasi_snapshot_preview1');
  });

  it.concurrent('runs a WASI 0.2 command component with its arguments, environment and exit status', async ({
    expect,
  }) => {
    const checks = join(ROOT, 'fixtures', 'wasi', 'checks.component.wasm');
    const r = await cli(['run', '--env', 'GREETING=hi', checks, 'args', 'two words']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('argv[1]=args\nargv[2]=two words\n');
    expect(r.stdout).toContain('env[0]=GREETING=hi\nenvc=1\n');
    expect((await cli(['run', checks, 'exit', '0'])).code).toBe(0);
    // The adapter turns proc_exit(7) into exit(err): status 1.
    expect((await cli(['run', checks, 'exit', '7'])).code).toBe(1);
    expect((await cli(['run', checks, 'trap'])).code).toBe(134);
    expect((await cli(['run', '--timeout', '300ms', checks, 'spin'])).code).toBe(124);
    const command = await cli(['run', 'wasi-command.wasm'], { cwd });
    expect([command.code, command.stderr]).toEqual([0, '']);
  });

  it.concurrent('run without --invoke lists what a component without wasi:cli/run can be called with', async ({
    expect,
  }) => {
    const r = await cli(['run', 'greet.wasm'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('greet: func(name: string) -> string');
  });

  it.concurrent('keeps core modules as they were', async ({ expect }) => {
    expect(await cli(['call', 'fixtures/simple.wasm', 'sum', '5', '37'])).toEqual({
      code: 0,
      stdout: '42\n',
      stderr: '',
    });
  });
});

describe('validate and inspect on a component', () => {
  it.concurrent('validates components (exit 0) and names what is wrong in a broken one (exit 4)', async ({
    expect,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'component-validate-'));
    const broken = join(dir, 'broken.wasm');
    writeFileSync(broken, readFileSync(join(cwd, 'greet.wasm')).subarray(0, 100));
    const ok = await cli(['validate', 'greet.wasm', 'echo.wasm'], { cwd });
    expect(ok).toEqual({ code: 0, stdout: 'greet.wasm: ok\necho.wasm: ok\n', stderr: '' });
    const bad = await cli(['validate', broken]);
    expect(bad.code).toBe(4);
    expect(bad.stdout).toMatch(/broken\.wasm: .*\(at byte 0x[0-9a-f]+\)\n$/);
  });

  it.concurrent('shows the world as WIT, the core modules and the custom sections', async ({ expect }) => {
    const r = await cli(['inspect', 'greet.wasm'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('greet.wasm: WebAssembly component, 641 B');
    expect(r.stdout).toContain('    export greet: func(name: string) -> string;');
    expect(r.stdout).toMatch(
      /core modules \(1\)\n {2}module 0 at 0xb: 407 B, 0 imports, 5 exports \(memory, realloc, greet, greet-post, frees\)/,
    );
    expect(r.stdout).toContain('custom sections (1)\n  component-name: ');
  });

  it.concurrent('lists the core modules of nested components with where they are', async ({ expect }) => {
    const r = await cli(['inspect', 'nested.wasm', '--json'], { cwd });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { coreModules: { path: number[]; index: number }[] };
    expect(report.coreModules.map((m) => [m.path, m.index])).toEqual([
      [[0], 0],
      [[1], 0],
    ]);
  });

  it.concurrent('gives --json the same structure', async ({ expect }) => {
    const r = await cli(['inspect', 'semver.wasm', '--json'], { cwd });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      file: 'semver.wasm',
      format: 'component',
      size: readFileSync(join(cwd, 'semver.wasm')).byteLength,
      componentName: null,
      imports: [
        { name: 'test:math/ops@0.2.3', kind: 'instance' },
        { name: 'offset', kind: 'func' },
      ],
      exports: [{ name: 'quadruple', kind: 'func' }],
      coreModules: [{ index: 0, path: [], imports: 2, exports: 1, exportNames: ['quadruple'] }],
    });
    expect(report.wit).toContain('import test:math/ops@0.2.3;');
    expect(report.wit).toContain('export quadruple: func(x: u32) -> u32;');
  });
});

describe('types', () => {
  it.concurrent("writes a component's Exports and Imports declarations to stdout", async ({ expect }) => {
    const r = await cli(['types', 'greet.wasm'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('// TypeScript declarations of greet.wasm, by wasmer-ts types');
    expect(r.stdout).toMatch(/export interface Exports \{[^}]*greet\(name: string\): string;/);
    expect(r.stdout).toContain('export interface Imports {');
  });

  it.concurrent("writes a core module's exports to the file -o names", async ({ expect }) => {
    const out = join(mkdtempSync(join(tmpdir(), 'types-')), 'simple.d.ts');
    const r = await cli(['types', 'fixtures/simple.wasm', '-o', out]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain("import type { Global, Memory, Table, Value } from 'wasmer-ts';");
    expect(text).toContain('sum(p0: number | Value, p1: number | Value): number;');
  });

  it.concurrent('exits 4 for an invalid component and 3 for a missing file', async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), 'types-bad-'));
    writeFileSync(join(dir, 'broken.wasm'), readFileSync(join(cwd, 'greet.wasm')).subarray(0, 100));
    const bad = await cli(['types', 'broken.wasm'], { cwd: dir });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/^error: broken\.wasm: .*\(at byte 0x[0-9a-f]+\)/);
    expect((await cli(['types', 'missing.wasm'], { cwd: dir })).code).toBe(3);
  });
});
