// The exit-code table, bad inputs, help and version, colour, and EPIPE: the
// behaviour every subcommand shares, through the real binary.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { IS_ROOT, NOBODY, nobodyCanRun } from '../helpers/users.js';
import { wat } from '../helpers/wat.js';
import { BIN, cli, direct, fixtureDir, ROOT } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await fixtureDir());
  writeFileSync(join(dir, 'empty.wasm'), new Uint8Array(0));
  writeFileSync(join(dir, 'notes.txt'), 'hello world\n');
  writeFileSync(join(dir, 'truncated.wasm'), readFileSync(join(dir, 'types.wasm')).subarray(0, 40));
  writeFileSync(
    join(dir, 'random.bin'),
    Uint8Array.from({ length: 64 }, (_, i) => (i * 89 + 200) & 0xff),
  );
  writeFileSync(join(dir, 'locked.wasm'), readFileSync(join(dir, 'types.wasm')));
  chmodSync(join(dir, 'locked.wasm'), 0o000);
  // Traversable by nobody, who runs the permission case when we are root.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'folder.wasm'));
  // 3000 exports: enough --json output to overflow a pipe that `head` closes early.
  const funcs = Array.from({ length: 3000 }, (_, i) => `(func (export "function_number_${i}"))`).join('\n');
  writeFileSync(join(dir, 'many.wasm'), await wat(`(module ${funcs})`, { names: false }));
});
afterAll(() => cleanup());

const inDir = (args: readonly string[], input?: string | Uint8Array) =>
  cli(args, input === undefined ? { cwd: dir } : { cwd: dir, input });

describe('unreadable input: exit 3, one line naming the path', () => {
  it.concurrent.for([
    ['missing.wasm', 'error: missing.wasm: no such file'],
    ['folder.wasm', 'error: folder.wasm is a directory, not a module file'],
    ['empty.wasm', 'error: empty.wasm is empty (0 bytes): expected a .wasm, .wat or compiled module'],
  ] as const)('%s', async ([file, message], { expect }) => {
    for (const command of [
      ['run', file],
      ['call', file, 'f'],
      ['inspect', file],
      ['compile', file, '-o', 'x.wasmu'],
    ]) {
      const r = await inDir(command);
      expect(r.code, command.join(' ')).toBe(3);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.stdout).toBe('');
    }
  });

  // As root (CI), the CLI runs as nobody: root may read a mode-000 file. input.test.ts
  // checks the EACCES -> "permission denied" mapping in-process.
  it.skipIf(!nobodyCanRun(BIN)).concurrent('permission denied (as root: run as nobody)', async ({ expect }) => {
    const r = await cli(['inspect', 'locked.wasm'], { cwd: dir, ...(IS_ROOT ? { user: NOBODY } : {}) });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('error: locked.wasm: permission denied\n');
  });

  it.concurrent('empty stdin', async ({ expect }) => {
    const r = await inDir(['inspect', '-'], '');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('error: <stdin> is empty (0 bytes): expected a .wasm, .wat or compiled module\n');
  });
});

describe('invalid module: exit 4 with the reason', () => {
  it.concurrent('a text file that is not WebAssembly text', async ({ expect }) => {
    const r = await inDir(['run', 'notes.txt']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: notes\.txt: invalid WebAssembly text: /);
    expect(r.stderr).toContain('(notes.txt is not a WebAssembly binary, so it was read as WebAssembly text)');
  });

  it.concurrent('a truncated module gives the offset', async ({ expect }) => {
    const r = await inDir(['call', 'truncated.wasm', 'add', '1', '2']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: truncated\.wasm: .*\(at byte 0x[0-9a-f]+\)\n$/);
  });

  it.concurrent('binary junk', async ({ expect }) => {
    const r = await inDir(['inspect', 'random.bin']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'error: random.bin: not a WebAssembly binary: it does not start with the magic number \\0asm (at byte 0x0)\n',
    );
  });
});

describe('the exit-code table', () => {
  it.concurrent.for([
    ['0 success', ['call', 'types.wasm', 'add', '1', '2'], 0],
    ['2 usage', ['call', 'types.wasm', 'nope'], 2],
    ['3 unreadable', ['inspect', 'missing.wasm'], 3],
    ['4 invalid', ['inspect', 'truncated.wasm'], 4],
    ['5 link', ['call', 'link.wasm', 'main'], 5],
    ['124 timeout', ['call', 'loop.wasm', 'spin', '--timeout', '200ms'], 124],
    ['134 trap', ['call', 'trap.wasm', 'boom'], 134],
    ['n = proc_exit(n)', ['run', 'exit7.wasm'], 7],
  ] as const)('%s', async ([_, args, code], { expect }) => {
    const r = await inDir([...args]);
    expect(r.code, r.stderr).toBe(code);
    if (code !== 0 && code !== 7) expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/ at .*\.js:\d+/); // never our stack trace for a user's mistake
  });

  // A memory of 4 GiB to start cannot be had under a 5 GiB address-space limit on any V8:
  // V8 11-13 reserve about 10 GiB per Wasm memory, V8 14 at least its minimum, and Node
  // itself starts and compiles in what is left.
  it.runIf(process.platform === 'linux' && process.arch === 'x64').concurrent.for([
    ['in process', []],
    ['in the --timeout worker', ['--timeout', '10s']],
  ] as const)('6 out of memory (%s)', async ([_, extra], { expect }) => {
    const file = `huge-memory-${extra.length}.wasm`; // one per case: the two run concurrently
    writeFileSync(join(dir, file), await wat('(module (memory 65536) (func (export "f")))'));
    const args = direct(['call', '--no-cache', '--json', ...extra, file, 'f']).flat();
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'ulimit -v 5242880 && exec "$0" "$@"', ...args], { cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(
      /^error: (cannot create the instance: V8 could not allocate its Wasm memory \(|the program's worker thread ran out of memory)/,
    );
    expect(r.stderr).not.toMatch(/ at .*\.js:\d+/);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ERR_OUT_OF_MEMORY', exitCode: 6 });
  });

  it.concurrent('is in --help', async ({ expect }) => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit status:');
    for (const code of ['0', '1', '2', '3', '4', '5', '6', '124', '134', 'n']) {
      expect(r.stdout).toMatch(new RegExp(`^ +${code}  \\S`, 'm'));
    }
  });
});

describe('--json failures', () => {
  it.concurrent('still print one JSON document on stdout, besides the message on stderr', async ({ expect }) => {
    const r = await inDir(['call', 'types.wasm', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: export "nope" not found/);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'ERR_NO_EXPORT', message: expect.stringContaining('nope'), exitCode: 2, file: null, offset: null },
    });
    const bad = JSON.parse((await inDir(['inspect', 'random.bin', '--json'])).stdout);
    expect(bad.error).toMatchObject({ code: 'ERR_BAD_MAGIC', exitCode: 4, file: 'random.bin', offset: 0 });
    const flag = JSON.parse((await inDir(['run', '--bogus', '--json', 'types.wasm'])).stdout);
    expect(flag.error).toMatchObject({ code: 'ERR_USAGE', exitCode: 2 });
    const trap = JSON.parse((await inDir(['call', 'trap.wasm', 'boom', '--json'])).stdout);
    expect(trap.error).toMatchObject({ code: 'ERR_TRAP', exitCode: 134 });
  });
});

describe('usage errors from flags: exit 2', () => {
  it.concurrent.for([
    [['run', '--bogus', 'types.wasm'], "error: unknown option '--bogus'"],
    [['inspect'], "error: missing required argument 'file'"],
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['run', '--compiler', 'fast', 'types.wasm'], "error: option '--compiler <choice>' argument 'fast' is invalid."],
    [['run', '--timeout', '5', 'loop.wasm'], 'error: --timeout "5": expected a number and a unit (500ms, 5s, 2m, 1h)'],
    [['run', '--max-memory', 'lots', 'loop.wasm'], 'error: --max-memory "lots": expected a size with a unit'],
    [
      ['call', 'loop.wasm', 'spin', '--cache-max-size', '5'],
      'error: --cache-max-size "5": expected a size with a unit',
    ],
    [['cache', 'ls', '--cache-max-size', '0B'], 'error: --cache-max-size "0B": the limit must be at least 1B'],
    [['run', '--env', 'NOEQUALS', 'exit7.wasm'], 'error: --env "NOEQUALS": expected NAME=VALUE'],
    [
      ['run', '--dir', '/no/such/dir', 'exit7.wasm'],
      'error: --dir "/no/such/dir": host directory /no/such/dir does not exist',
    ],
    [['compile', '-'], 'error: compiling stdin needs -o FILE to say where to write'],
  ] as const)('%j', async ([args, message], { expect }) => {
    const r = await inDir(args);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stdout).toBe('');
  });

  it.concurrent('no command at all shows the help on stderr', async ({ expect }) => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: wasmer-ts');
  });
});

describe('help and version', () => {
  it.concurrent('--version prints the package version', async ({ expect }) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = await cli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  // Each command's --help, with its examples: test/cli/golden.test.ts.
});

describe('colour and pipes', () => {
  it.concurrent('piped output has no escape codes; FORCE_COLOR turns them on', async ({ expect }) => {
    const plain = await inDir(['call', 'types.wasm', 'nope']);
    expect(plain.stderr).not.toContain('\x1b[');
    const forced = await cli(['call', 'types.wasm', 'nope'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(/^\x1b\[31m\x1b\[1merror:/);
    const inspect = await inDir(['inspect', 'types.wasm']);
    expect(inspect.stdout).not.toContain('\x1b[');
  });

  it.concurrent('stays quiet when the reader closes stdout early (EPIPE)', async ({ expect }) => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(...direct(['inspect', 'many.wasm', '--json']), { cwd: dir });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      child.stdout.once('data', () => child.stdout.destroy()); // like `| head -c 1`
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
