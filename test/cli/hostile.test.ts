// Hostile input through the real binary: every bad file, flag value, literal and
// output path gets our one-line message and its documented exit code, never a
// stack trace of ours, a crash or a hang.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { wat } from '../helpers/wat.js';
import { type CliResult, cli, direct } from './helpers.js';

let dir: string;
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

const MODULES = {
  nums: `(module
  (memory (export "mem") 1)
  (global (export "g") i32 (i32.const 1))
  (table (export "tab") 1 funcref)
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "trap") unreachable)
  (func $rec (export "rec") (param i32) (result i32) local.get 0 call $rec))`,
  startTraps: `(module (func $s unreachable) (start $s) (func (export "f")))`,
  needsEnv: `(module (import "env" "log" (func (param i32))) (func (export "_start") i32.const 1 call 0))`,
  unknownWasi: `(module (import "wasi_snapshot_preview1" "no_such_fn" (func)) (memory (export "memory") 1)
  (func (export "_start") call 0))`,
  // V8 does not check a JS import's type: WASI's own table must catch this one.
  mistypedWasi: `(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32))) (memory (export "memory") 1)
  (func (export "_start") i32.const 0 call 0))`,
  noMemory: `(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (func (export "_start")))`,
  // Export and function names that would drive a terminal: colour, carriage return, newline.
  ansiNames: `(module (func (export "evil\\1b[31mRED\\0a\\0dfake: line") unreachable) (func (export "ok")))`,
  // fd_write with a bad iovec pointer: the host call fails with EFAULT (21), no crash.
  badPointer: `(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "badptr") (result i32) i32.const 1 i32.const -8 i32.const 1 i32.const -4 call $w))`,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-hostile-'));
  await Promise.all(
    Object.entries(MODULES).map(async ([name, text]) => writeFileSync(join(dir, `${name}.wasm`), await wat(text))),
  );
  const simple = readFileSync(new URL('../../fixtures/simple.wasm', import.meta.url));
  writeFileSync(join(dir, 'simple.wasm'), simple);
  writeFileSync(join(dir, 'empty.wasm'), new Uint8Array(0));
  writeFileSync(join(dir, 'one.bin'), Uint8Array.of(0x00));
  writeFileSync(
    join(dir, 'random.bin'),
    Uint8Array.from({ length: 256 }, (_, i) => (i * 151 + 7) & 0xff),
  );
  writeFileSync(join(dir, 'magic.wasm'), Uint8Array.of(0x00, 0x61, 0x73, 0x6d));
  writeFileSync(join(dir, 'version2.wasm'), Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0));
  // A type section whose size LEB says 2^32-1 bytes, and one whose count does.
  writeFileSync(
    join(dir, 'huge-size.wasm'),
    Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f),
  );
  writeFileSync(
    join(dir, 'huge-count.wasm'),
    Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f),
  );
  writeFileSync(join(dir, 'syntax.wat'), '(module (func $f (result i32) i32.const 1 i32.add)');
  writeFileSync(join(dir, 'latin1.wat'), Uint8Array.from([0xff, 0xfe, ...Buffer.from('(module)')]));
  writeFileSync(join(dir, 'notes.txt'), 'not a directory\n');
  mkdirSync(join(dir, 'folder'));
  const compiled = await cli(['compile', 'simple.wasm', '-o', 'simple.wasmu'], { cwd: dir });
  expect(compiled.code).toBe(0);
  const artifact = readFileSync(join(dir, 'simple.wasmu'));
  writeFileSync(join(dir, 'truncated.wasmu'), artifact.subarray(0, 300));
  writeFileSync(join(dir, 'stub.wasmu'), artifact.subarray(0, 20));
  for (const [name, at] of [
    ['flip-version', 10],
    ['flip-header', 40],
    ['flip-wasm', 200],
  ] as const) {
    const copy = Uint8Array.from(artifact);
    copy[at] = (copy[at] as number) ^ 0xff;
    writeFileSync(join(dir, `${name}.wasmu`), copy);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: readonly string[], input?: string) =>
  cli(args, input === undefined ? { cwd: dir } : { cwd: dir, input });

/** Our failure shape: the exit code, `error: …` on stderr, no JavaScript stack. */
function expectFailure(
  expect: ExpectStatic,
  r: CliResult,
  code: number,
  message: string | RegExp,
  label: string,
): void {
  expect({ label, code: r.code }).toEqual({ label, code });
  expect(r.stderr, label).not.toMatch(/^ {4}at /m);
  expect(r.stderr, label).not.toMatch(/internal error|TypeError|RangeError/);
  // `validate` reports each file's verdict on stdout; every other command on stderr.
  const text = label.startsWith('validate') ? r.stdout : r.stderr;
  if (typeof message === 'string') expect(text, label).toContain(message);
  else expect(text, label).toMatch(message);
}

/**
 * The same input through the subcommands that read a module: all five for the
 * `full` rows, else one that compiles (`run`) and one that only parses (`inspect`),
 * to keep the process count (and the file's time) down.
 */
function commandsFor(file: string, full: boolean): string[][] {
  const all = [
    ['run', file],
    ['inspect', file],
    ['call', file, 'f'],
    ['validate', file],
    ['compile', file, '-o', 'out.wasmu'],
  ];
  return full ? all : all.slice(0, 2);
}

describe('bad module files: the same exit code from every subcommand', () => {
  it.concurrent.for([
    ['empty.wasm', 3, 'empty.wasm is empty (0 bytes)'],
    ['folder', 3, 'folder is a directory, not a module file'],
    ['missing.wasm', 3, 'missing.wasm: no such file'],
    ['one.bin', 4, /one\.bin: .*(magic|ends|fell off end)/],
    ['random.bin', 4, /random\.bin: .*magic/],
    ['magic.wasm', 4, /magic\.wasm: .*(version|4 bytes)/],
    ['version2.wasm', 4, /version2\.wasm: .*version/],
    ['huge-size.wasm', 4, /huge-size\.wasm: .*4294967295/],
    ['huge-count.wasm', 4, /huge-count\.wasm: .*4294967295/],
    ['syntax.wat', 4, /syntax\.wat: invalid WebAssembly text.*\n?.*1:51/],
    ['latin1.wat', 4, /latin1\.wat: .*magic/],
    ['truncated.wasmu', 4, 'truncated.wasmu: artifact is truncated'],
    ['stub.wasmu', 4, 'stub.wasmu: artifact is truncated'],
    ['flip-version.wasmu', 4, /flip-version\.wasmu: artifact format version \d+ is not supported/],
    ['flip-header.wasmu', 4, 'flip-header.wasmu: artifact is corrupt'],
    ['flip-wasm.wasmu', 4, 'flip-wasm.wasmu: artifact is corrupt'],
  ] as const)('%s exits %i', async ([file, code, message], { expect }) => {
    const full = ['empty.wasm', 'one.bin', 'flip-wasm.wasmu'].includes(file);
    const commands = commandsFor(file, full);
    const results = await Promise.all(commands.map((args) => run(args)));
    results.forEach((r, i) => {
      expectFailure(expect, r, code, message, (commands[i] as string[]).join(' '));
    });
  });
});

describe('devices, FIFOs and pipes as input: no hang, no unbounded read', () => {
  it.concurrent.for([
    ['run', '/dev/zero'],
    ['inspect', '/dev/zero'],
    ['validate', '/dev/urandom'],
    ['compile', '/dev/zero', '-o', 'zero.wasmu'],
    ['call', '/dev/urandom', 'f'],
  ] as const)('%s %s stops at the first bytes that cannot be a module: exit 4', async (args, { expect }) => {
    expectFailure(expect, await run(args), 4, /magic/, args.join(' '));
  });

  it.concurrent('an endless stream of zeros on stdin: exit 4', async ({ expect }) => {
    const r = await new Promise<CliResult>((resolve, reject) => {
      const zero = openSync('/dev/zero', 'r');
      const child = spawn(...direct(['validate', '-']), { cwd: dir, stdio: [zero, 'pipe', 'pipe'] });
      closeSync(zero);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (b: Buffer) => {
        stdout += b;
      });
      child.stderr?.on('data', (b: Buffer) => {
        stderr += b;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectFailure(expect, r, 4, '<stdin>: not a WebAssembly binary', 'validate - < /dev/zero');
  });

  it.concurrent("a file over V8's 1 GiB module limit is refused before reading: exit 3", async ({ expect }) => {
    const big = join(dir, 'big.wasm');
    // Sparse: no disk space or time is spent on it.
    closeSync(openSync(big, 'w'));
    truncateSync(big, 1100 * 1024 * 1024);
    try {
      for (const args of [
        ['inspect', big],
        ['run', big],
      ]) {
        expectFailure(expect, await run(args), 3, 'big.wasm is larger than 1 GiB', args.join(' '));
      }
    } finally {
      rmSync(big);
    }
  });

  it.concurrent('/dev/null is an empty input: exit 3', async ({ expect }) => {
    expectFailure(
      expect,
      await run(['inspect', '/dev/null']),
      3,
      'error: /dev/null is empty (0 bytes)',
      'inspect /dev/null',
    );
  });

  (hasMkfifo ? it.concurrent : it.skip)(
    'a FIFO is read once its writer has written and closed it',
    async ({ expect }) => {
      const fifo = join(dir, 'in.fifo');
      spawnSync('mkfifo', [fifo]);
      const pending = run(['call', fifo, 'sum', '5', '6']);
      // Opening a FIFO for writing waits (on libuv's thread pool) until the CLI has
      // opened it for reading: no sleep needed to be sure the reader came first.
      const writer = await open(fifo, 'w');
      await writer.writeFile(readFileSync(join(dir, 'simple.wasm')));
      await writer.close();
      const r = await pending;
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('11\n');
      expect(r.code).toBe(0);
    },
  );
});

// The tables of literals and junk flag values are in-process (value-edges.test.ts);
// these cases check the wiring: a bad value through the real binary is exit 2 with
// the flag named, on the fast path and through commander, for run and call.
describe('bad values through the binary: exit 2 naming the flag or the literal', () => {
  it.concurrent.for<[string[], number, string]>([
    [['call', 'nums.wasm', 'i32', '--', '4294967296'], 2, 'is not a valid i32: out of range for i32'],
    [['run', '--timeout', '0', 'simple.wasm', '--invoke', 'sum', '1', '2'], 2, '--timeout "0"'],
    [['run', '--compiler', 'fast', 'simple.wasm', '--invoke', 'sum', '1', '2'], 2, "argument 'fast' is invalid"],
    [['run', '--bogus', 'simple.wasm', '--invoke', 'sum', '1', '2'], 2, "unknown option '--bogus'"],
    [['call', 'simple.wasm', 'sum', '--repeat', '0'], 2, '--repeat "0"'],
    [['call', 'simple.wasm', 'sum', '--args-json', '[1, 2, 3]'], 2, 'takes 2 arguments, but 3 were given'],
  ])('%j', async ([args, code, message], { expect }) => {
    const r = await run(args);
    expectFailure(expect, r, code, message, args.join(' '));
    expect(r.stdout).toBe('');
  });

  it.concurrent('a literal at the edge prints its value', async ({ expect }) => {
    const r = await run(['call', 'nums.wasm', 'f64', '--', `0x1${'0'.repeat(300)}p-1200`]);
    expect(r).toEqual({ code: 0, stdout: '1\n', stderr: '' });
  });

  it.concurrent('--json failures also print one JSON document with the code', async ({ expect }) => {
    const r = await run(['call', 'simple.wasm', 'sum', '--repeat', '0', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ERR_INVALID_OPTION', exitCode: 2 });
  });
});

describe('exports, imports and traps', () => {
  it.concurrent.for([
    [['call', 'nums.wasm', 'nope'], 2, 'export "nope" not found in nums.wasm (exports: i32, i64, f32, f64, trap, rec)'],
    [['call', 'nums.wasm', 'toString'], 2, 'export "toString" not found'],
    [['call', 'nums.wasm', '__proto__'], 2, 'export "__proto__" not found'],
    [['call', 'nums.wasm', 'mem'], 2, 'export "mem" of nums.wasm is a memory, not a function'],
    [['call', 'nums.wasm', 'g'], 2, 'export "g" of nums.wasm is a global, not a function'],
    [['run', 'nums.wasm', '--invoke', 'tab'], 2, 'export "tab" of nums.wasm is a table, not a function'],
    [['run', 'nums.wasm'], 2, 'nums.wasm has no _start function to run'],
    [['call', 'nums.wasm', 'i32'], 2, 'takes 1 argument, but none were given'],
    [['call', 'nums.wasm', 'trap'], 134, 'error: trap: unreachable'],
    [['call', 'nums.wasm', 'rec', '1'], 134, 'error: trap: call stack exhausted'],
    [['call', 'startTraps.wasm', 'f'], 134, 'error: trap: unreachable'],
    [['run', 'needsEnv.wasm'], 5, 'missing import env.log: func (i32) -> ()'],
    [['run', 'unknownWasi.wasm'], 5, 'missing import wasi_snapshot_preview1.no_such_fn'],
    [['run', 'mistypedWasi.wasm'], 5, 'import wasi_snapshot_preview1.fd_write is declared as func (i32) -> ()'],
    [['run', '--timeout', '5s', 'mistypedWasi.wasm'], 5, 'but WASI defines it as func (i32, i32, i32, i32) -> i32'],
    [['call', 'mistypedWasi.wasm', '_start'], 5, 'is declared as func (i32) -> ()'],
    [['run', 'noMemory.wasm'], 5, 'the module does not export a memory named "memory", which WASI needs'],
    [['run', '--timeout', '5s', 'noMemory.wasm'], 5, 'the module does not export a memory named "memory"'],
  ] as const)('%j exits %i', async ([args, code, message], { expect }) => {
    expectFailure(expect, await run(args), code, message, args.join(' '));
  });

  it.concurrent('a host call given a bad pointer returns EFAULT to the guest', async ({ expect }) => {
    const r = await run(['call', 'badPointer.wasm', 'badptr']);
    expect(r).toEqual({ code: 0, stdout: '21\n', stderr: '' });
  });
});

describe('the cache commands on a directory that is not a cache', () => {
  it.concurrent("cache clean --cache-dir . leaves the user's own .wasmu and .tmp files alone", async ({ expect }) => {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'app.wasmu'), readFileSync(join(dir, 'simple.wasmu')));
    writeFileSync(join(project, 'notes.tmp'), 'keep me');
    const ls = await cli(['cache', 'ls', '--cache-dir', '.'], { cwd: project });
    expect(ls).toMatchObject({ code: 0, stdout: 'no cached modules in .\n' });
    const clean = await cli(['cache', 'clean', '--cache-dir', '.'], { cwd: project });
    expect(clean).toMatchObject({ code: 0, stdout: 'removed 0 entries (0 B)\n' });
    expect(readFileSync(join(project, 'notes.tmp'), 'utf8')).toBe('keep me');
    expect(statSync(join(project, 'app.wasmu')).size).toBe(statSync(join(dir, 'simple.wasmu')).size);
  });

  it.concurrent.for([['ls'], ['clean'], ['dir']] as const)(
    'cache %s --cache-dir FILE does not fail',
    async ([sub], { expect }) => {
      const r = await run(['cache', sub, '--cache-dir', 'notes.txt']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    },
  );
});

describe('names that are terminal escapes', () => {
  const escaped = 'evil\\x1b[31mRED\\x0a\\x0dfake: line';
  it.concurrent.for([
    [['inspect', 'ansiNames.wasm'], 0, 'stdout'],
    [['call', 'ansiNames.wasm', 'nope'], 2, 'stderr'],
    [['run', 'ansiNames.wasm'], 2, 'stderr'],
  ] as const)('%j prints control characters as \\xNN', async ([args, code, stream], { expect }) => {
    const r = await run(args);
    expect(r.code).toBe(code);
    expect(r[stream]).toContain(escaped);
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\r]/);
  });

  it.concurrent('inspect --json keeps the exact name (JSON escapes it)', async ({ expect }) => {
    const r = await run(['inspect', '--json', 'ansiNames.wasm']);
    expect(JSON.parse(r.stdout).exports[0].name).toBe('evil\u001b[31mRED\n\rfake: line');
  });
});

describe('output paths', () => {
  it.concurrent.for([
    ['', 'the output path is empty: give a file name to -o'],
    ['folder', 'folder is a directory: give a file name to -o'],
    ['nowhere/x.wasmu', 'cannot write nowhere/x.wasmu: directory nowhere does not exist'],
    ['notes.txt/x.wasmu', 'cannot write notes.txt/x.wasmu: notes.txt is not a directory'],
  ] as const)('compile -o %j exits 3', async ([output, message], { expect }) => {
    expectFailure(expect, await run(['compile', 'simple.wasm', '-o', output]), 3, `error: ${message}\n`, output);
  });

  it.concurrent('compile -o SYMLINK writes through the link and leaves it a link', async ({ expect }) => {
    writeFileSync(join(dir, 'target.wasmu'), 'old');
    symlinkSync('target.wasmu', join(dir, 'link.wasmu'));
    const r = await run(['compile', 'simple.wasm', '-o', 'link.wasmu']);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.wasmu')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.wasmu'))).toEqual(readFileSync(join(dir, 'simple.wasmu')));
  });

  (hasMkfifo ? it.concurrent : it.skip)(
    'compile -o FIFO writes into the pipe and leaves the FIFO in place',
    async ({ expect }) => {
      const fifo = join(dir, 'out.fifo');
      spawnSync('mkfifo', [fifo]);
      const received = new Promise<number>((resolve, reject) => {
        let size = 0;
        createReadStream(fifo)
          .on('data', (chunk) => {
            size += chunk.length;
          })
          .on('end', () => resolve(size))
          .on('error', reject);
      });
      const r = await run(['compile', 'simple.wasm', '-o', fifo]);
      expect(r.code).toBe(0);
      // The summary goes to stderr: stdout may be where the artifact went (-o /dev/stdout).
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`wrote ${fifo}`);
      expect(await received).toBe(statSync(join(dir, 'simple.wasmu')).size);
      expect(statSync(fifo).isFIFO()).toBe(true);
    },
  );

  it('compile -o - writes the artifact to stdout (pipeable into run -) and the summary to stderr', () => {
    const compiled = spawnSync(...direct(['compile', 'simple.wasm', '-o', '-']), { cwd: dir });
    expect(compiled.status).toBe(0);
    expect(compiled.stderr.toString()).toMatch(/^wrote <stdout> \(\d+ B/);
    // An artifact (the same magic and format as a compiled file), not text.
    expect(compiled.stdout.subarray(0, 12)).toEqual(readFileSync(join(dir, 'simple.wasmu')).subarray(0, 12));
    expect(existsSync(join(dir, '-'))).toBe(false);
    const ran = spawnSync(...direct(['run', '-', '--invoke', 'sum', '5', '37']), {
      cwd: dir,
      input: compiled.stdout,
    });
    expect(ran.stdout.toString()).toBe('42\n');
  });
});
