// `run`: WASI programs (_start) with --dir, --env, --forward-env, program
// arguments, exit codes, --json, --timeout and --max-memory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildEcho, cli, echoFixtureDir } from './helpers.js';

const ECHO_WASM = buildEcho();

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await echoFixtureDir(ECHO_WASM));
  writeFileSync(join(dir, 'data.txt'), 'first line\nsecond line\n');
});
afterAll(() => cleanup());

describe('run a WASI command', () => {
  it.concurrent("exits with the program's proc_exit code, its output unbuffered on stdout", async ({ expect }) => {
    const r = await cli(['run', 'exit7.wasm'], { cwd: dir });
    expect(r).toEqual({ code: 7, stdout: 'hello from wasi\n', stderr: '' });
  });

  it.concurrent('runs .wat text and compiled modules the same way', async ({ expect }) => {
    expect((await cli(['run', 'exit7.wat'], { cwd: dir })).code).toBe(7);
    const out = join(dir, 'exit7.wasmu');
    expect((await cli(['compile', 'exit7.wasm', '-o', out], { cwd: dir })).code).toBe(0);
    const r = await cli(['run', out], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('hello from wasi\n');
  });

  it.concurrent('--json prints only {"exitCode"} on stdout; the program writes to stderr', async ({ expect }) => {
    const r = await cli(['run', '--json', 'exit7.wasm'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual({ exitCode: 7 });
    expect(r.stderr).toBe('hello from wasi\n');
  });

  it.concurrent('--timeout stops a program that runs too long (exit 124)', async ({ expect }) => {
    const r = await cli(['run', '--timeout', '300ms', 'loop.wasm'], { cwd: dir });
    expect(r.code).toBe(124);
    expect(r.stderr).toBe('error: the program ran longer than its time limit of 300 ms and was stopped\n');
  });

  it.concurrent('--max-memory makes memory.grow fail beyond the cap', async ({ expect }) => {
    // 1 page to start; a 256 KiB cap is 4 pages.
    const over = await cli(['call', 'grow.wasm', 'grow', '4', '--max-memory', '256KiB'], { cwd: dir });
    expect(over.stdout).toBe('-1\n');
    const within = await cli(['call', 'grow.wasm', 'grow', '3', '--max-memory', '4pages'], { cwd: dir });
    expect(within.stdout).toBe('1\n');
    const free = await cli(['call', 'grow.wasm', 'grow', '4'], { cwd: dir });
    expect(free.stdout).toBe('1\n');
  });
});

describe.skipIf(ECHO_WASM === null)('WASI flags on a C program (needs clang and wasi-libc)', () => {
  it.concurrent('passes the arguments after FILE, --env, --forward-env and --dir', async ({ expect }) => {
    const r = await cli(
      [
        'run',
        '--dir',
        '.::/sandbox',
        '--env',
        'READ=/sandbox/data.txt',
        '--env',
        'EMPTY=',
        '--forward-env',
        'WASMER_TS_TEST_VAR',
        '--forward-env',
        'WASMER_TS_UNSET_VAR',
        'echo.wasm',
        'one',
        '--two',
        '-3',
      ],
      { cwd: dir, env: { WASMER_TS_TEST_VAR: 'forwarded', SECRET_HOST_VAR: 'leak' } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'arg 0: echo.wasm',
        'arg 1: one',
        'arg 2: --two',
        'arg 3: -3',
        'env WASMER_TS_TEST_VAR=forwarded',
        'env READ=/sandbox/data.txt',
        'env EMPTY=',
        'file: first line',
        '',
      ].join('\n'),
    );
  });

  it.concurrent('sees no directory without --dir and no host variable without --env', async ({ expect }) => {
    const r = await cli(['run', '--env', 'READ=/sandbox/data.txt', 'echo.wasm'], {
      cwd: dir,
      env: { SECRET_HOST_VAR: 'leak' },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('arg 0: echo.wasm\nenv READ=/sandbox/data.txt\ncannot open /sandbox/data.txt\n');
  });

  it.concurrent('--invoke on a WASI module still sets WASI up', async ({ expect }) => {
    const r = await cli(['run', '--env', 'EXIT=5', 'echo.wasm', '--invoke', '_start'], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stdout).toContain('env EXIT=5');
  });
});
