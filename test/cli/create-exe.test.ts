// `wasmer-ts create-exe` (src/commands/create-exe.ts, src/standalone/app.ts): an
// executable of a WASI program, made with Node's --build-sea. It needs a Node with
// --build-sea (25.5+): the npm CLI on Node 26 (CI's Node 26 run) makes one with
// its own Node; the standalone executable (WASMER_TS_CLI) with `--node`, a plain
// Node of its version. On older Nodes only the refusal is tested.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wat } from '../helpers/wat.js';
import { buildEcho, CLI_NODE, cli, EXE, ROOT } from './helpers.js';

const [major = 0, minor = 0] = CLI_NODE.node.split('.').map(Number);
const HAS_BUILD_SEA = major > 25 || (major === 25 && minor >= 5);
const ECHO_WASM = HAS_BUILD_SEA ? buildEcho() : null;
/** What the executable is built on: the CLI's own Node, or for the standalone executable a plain one of its version. */
const NODE_FLAG =
  EXE === null
    ? []
    : [
        '--node',
        join(
          execFileSync(process.execPath, [join(ROOT, 'scripts/fetch-node.js'), CLI_NODE.node], {
            encoding: 'utf8',
          }).trim(),
          'bin/node',
        ),
      ];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-create-exe-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a made executable with nothing but `env` (no Node anywhere on PATH). */
function runApp(app: string, args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(app, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: '/nonexistent', TMPDIR: dir, ...env },
    timeout: 30_000,
  });
}

describe.runIf(!HAS_BUILD_SEA)(`create-exe on Node ${CLI_NODE.node} (no --build-sea)`, () => {
  it('refuses, saying which Node it needs', async () => {
    writeFileSync(join(dir, 'start.wasm'), await wat('(module (func (export "_start")) (memory (export "memory") 1))'));
    const r = await cli(['create-exe', 'start.wasm', '-o', 'app'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/create-exe needs Node 25\.5 or later \(its --build-sea\); this is Node v\d+/);
  });
});

describe.runIf(HAS_BUILD_SEA && ECHO_WASM !== null)('create-exe (Node with --build-sea; clang and wasi-libc)', () => {
  let app: string;
  beforeAll(async () => {
    writeFileSync(join(dir, 'echo.wasm'), ECHO_WASM ?? new Uint8Array());
    writeFileSync(join(dir, 'data.txt'), 'the data file\n');
    const made = await cli(
      [
        'create-exe',
        'echo.wasm',
        '-o',
        'echo-app',
        '--dir',
        '.::/work',
        '--env',
        'READ=/work/data.txt',
        '--env',
        'EXIT=7',
        ...NODE_FLAG,
      ],
      { cwd: dir, timeoutMs: 120_000 },
    );
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/^wrote echo-app \([\d.]+ MiB: Node v[\d.]+, machine code [\d.]+ (B|KiB)\)\n$/);
    expect(made.code).toBe(0);
    app = join(dir, 'echo-app');
  }, 180_000);

  it("runs the program with its own arguments, the build's --env and --dir, and its exit status", () => {
    const r = runApp(app, ['one', '--two', '--node-options=--x', '--help']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'arg 0: echo',
        'arg 1: one',
        'arg 2: --two',
        'arg 3: --node-options=--x',
        'arg 4: --help',
        'env READ=/work/data.txt',
        'env EXIT=7',
        'file: the data file',
        '',
      ].join('\n'),
    );
    expect(r.status).toBe(7);
  });

  it('uses the machine code compiled into it, and reads no NODE_OPTIONS', () => {
    const r = runApp(app, [], { WASMER_TS_EXE_VERBOSE: '1', NODE_OPTIONS: '--max-old-space-size=1' });
    expect(r.stderr).toMatch(/^wasmer-ts create-exe: echo: machine code used \(\d+ B\)\n$/);
    expect(r.status).toBe(7);
  });

  it('a damaged executable fails with a clear message (exit 4), not a crash', () => {
    const bytes = readFileSync(app);
    // The program's Wasm inside it (in the artifact asset): flip a byte of its code.
    const at = bytes.indexOf(Buffer.from(ECHO_WASM ?? []).subarray(0, 256));
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(Buffer.from(ECHO_WASM ?? []).subarray(0, 256), at + 1)).toBe(-1);
    const damaged = Buffer.from(bytes);
    damaged[at + 200] = (damaged[at + 200] ?? 0) ^ 0xff;
    const copy = join(dir, 'damaged-app');
    writeFileSync(copy, damaged, { mode: 0o755 });
    const r = runApp(copy, []);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^error: .*(damaged|corrupt|SHA-256)/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a copy runs from anywhere: the host directory was made absolute', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'wasmer-ts-create-exe-copy-'));
    try {
      copyFileSync(app, join(elsewhere, 'app'));
      const r = spawnSync(join(elsewhere, 'app'), [], {
        cwd: elsewhere,
        encoding: 'utf8',
        env: { PATH: '/nonexistent' },
      });
      expect(r.stdout).toContain('file: the data file\n');
      expect(r.status).toBe(7);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a module without _start, and a Node of another version, before building anything', async () => {
    writeFileSync(join(dir, 'lib.wasm'), await wat('(module (func (export "f")))'));
    const lib = await cli(['create-exe', 'lib.wasm', '-o', 'lib-app', ...NODE_FLAG], { cwd: dir });
    expect(lib.code).toBe(2);
    expect(lib.stderr).toMatch(/lib\.wasm is not a WASI command: it exports no _start function to run/);
    const other = await cli(['create-exe', 'echo.wasm', '-o', 'x', '--node', '/usr/bin/node'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /--node \/usr\/bin\/node is Node v[\d.]+, but the machine code is compiled by this Node/,
    );
  });
});
