// The launcher (the shell part of bin/wasmer-ts.js) and the relaunch of a
// module that wants other V8 flags (src/commands/relaunch.ts). V8's flags are
// fixed when Node starts (src/runtime/engine/tiering.ts), so the launcher picks them
// before Node exists; these tests check what it picks, with a stand-in `node`
// on PATH that prints its arguments, and what really runs, with the real one.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeModeFlags, switchFlags } from '../../src/commands/relaunch.js';
import { encodeU32 } from '../../src/runtime/encoder/leb128.js';
import { nativeStatus } from '../../src/runtime/engine/native.js';
import { AUTO_OPTIMIZING_MAX_CODE_BYTES, v8FlagsFor } from '../../src/runtime/engine/tiering.js';
import { moduleWithCode } from '../helpers/binary.js';
import { wat } from '../helpers/wat.js';
import { BIN, CLI_NODE, direct, pathWithThisNode, ROOT, SKIP_IN_EXE } from './helpers.js';

let dir: string;
let fakeBin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-launcher-'));
  fakeBin = join(dir, 'fake-bin');
  spawnSync('mkdir', [fakeBin]);
  // Prints each argument followed by a NUL byte (an argument cannot hold one), then the launcher's marker.
  writeFileSync(
    join(fakeBin, 'node'),
    '#!/bin/sh\nfor a; do printf "%s\\0" "$a"; done\nprintf "env=%s" "$WASMER_TS_LAUNCHER"\n',
  );
  chmodSync(join(fakeBin, 'node'), 0o755);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** What the launcher starts `node` with for `args`: [node flags, then the rest]. */
function launch(
  args: string[],
  extraEnv: Record<string, string> = {},
  cwd?: string,
): { flags: string[]; rest: string[]; env: string } {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv, PATH: `${fakeBin}:/usr/bin:/bin` },
    ...(cwd === undefined ? {} : { cwd }),
  });
  expect(r.status, r.stderr).toBe(0);
  const argv = r.stdout.split('\0');
  const env = argv.pop() ?? '';
  const script = argv.indexOf(BIN);
  expect(script, r.stdout).toBeGreaterThanOrEqual(0);
  return { flags: argv.slice(0, script), rest: argv.slice(script + 1), env };
}

describe.skipIf(SKIP_IN_EXE)(
  'the launcher starts Node with V8’s defaults and marks it (the npm package: the executable has none)',
  () => {
    it('gives no V8 flag to any command: the CLI sets the tier itself, before it compiles', () => {
      for (const args of [
        ['run', 'app.wasm'],
        ['call', 'app.wasm', 'sum', '1', '2'],
        ['run', 'app.wasmu'],
        ['run', '--compiler', 'baseline', 'app.wasm'],
        ['inspect', 'app.wasm'],
        ['--version'],
        [],
      ]) {
        const launched = launch(args);
        expect(launched.flags, args.join(' ')).toEqual([]);
        expect(launched.env).toBe('env=1');
      }
    });

    it('passes every argument on untouched, and marks the process as launched', () => {
      const args = ['run', 'my app.wasm', '', '*', '$HOME', '--', '-x', "it's", 'a\nb'];
      const { rest, env } = launch(args);
      expect(rest).toEqual(args);
      expect(env).toBe('env=1');
    });
  },
);

describe.skipIf(SKIP_IN_EXE || CLI_NODE.v8Major !== 11)('the CLI turns Wasm inlining on, on V8 11 (Node 20)', () => {
  /** How many calls V8 inlined in `run --no-cache FILE args`, started by the real launcher (`node` traces inlining). */
  function inlinedCalls(file: string, args: readonly string[] = ['args'], env: Record<string, string> = {}): number {
    const tracing = join(dir, 'tracing-bin');
    spawnSync('mkdir', ['-p', tracing]);
    // A flag naming inlining that is not one of the user's inlining choices (tiering.ts).
    writeFileSync(join(tracing, 'node'), `#!/bin/sh\nexec '${process.execPath}' --trace_wasm_inlining "$@"\n`);
    chmodSync(join(tracing, 'node'), 0o755);
    const r = spawnSync(BIN, ['run', '--no-cache', resolve(ROOT, file), ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${tracing}:${process.env.PATH ?? ''}`,
        XDG_CACHE_HOME: join(dir, 'cache'),
        ...env,
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.match(/: inlining!\]/g)?.length ?? 0;
  }

  /**
   * A binary module with 26 bytes of code, in which V8 inlines $add into $run when inlining
   * is on (a binary: text would be built by wabt's own Wasm, traced too).
   */
  async function smallModule(): Promise<string> {
    const file = join(dir, 'inlining.wasm');
    const bytes = await wat(`(module
      (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "run") (param i32) (result i32) (local i32)
        (loop $l local.get 1 local.get 0 call $add local.set 1
          local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)
        local.get 1))`);
    writeFileSync(file, bytes);
    return file;
  }

  it('for a module run for TurboFan', () => {
    expect(inlinedCalls('fixtures/wasi/checks.wasm')).toBeGreaterThan(0);
  });

  it("not for a component (a hello world's run took 30-43 ms with it, 18 ms without)", () => {
    expect(inlinedCalls('fixtures/wasi/checks.component.wasm')).toBe(0);
  });

  it.runIf(nativeStatus().available)(
    'for a module of any size with the addon: it sets the flag before the CLI loads, at no cost',
    async () => {
      expect(inlinedCalls(await smallModule(), ['--invoke', 'run', '1000'])).toBeGreaterThan(0);
    },
  );

  it('not for a module relaunched with V8’s defaults: its own inlining flag stays in the first process', () => {
    // $run calls $add2, which calls $add: once $add2 is hot, V8 tiers it up to TurboFan, which
    // inlines $add when inlining is on. Over 1 MiB of code, so the launcher's first process
    // relaunches it with V8's defaults; that child had inherited the flag the bundle loader set.
    const big = join(dir, 'big-calls.wasm');
    writeFileSync(big, moduleWithCalls(AUTO_OPTIMIZING_MAX_CODE_BYTES + 1000));
    expect(inlinedCalls(big, ['--invoke', 'run', '3000000'])).toBe(0);
    // The same module run with the flag does inline: the count can tell.
    const r = spawnSync(
      process.execPath,
      ['--wasm-inlining', '--trace-wasm-inlining', BIN, 'run', '--no-cache', big, '--invoke', 'run', '3000000'],
      { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/: inlining!\]/g)?.length ?? 0).toBeGreaterThan(0);
  });

  it('without the addon, not for a module with less than 1 KiB of code: it would load node:v8 for nothing', async () => {
    const noAddon = { WASMER_TS_NATIVE: '0' };
    expect(inlinedCalls(await smallModule(), ['--invoke', 'run', '1000'], noAddon)).toBe(0);
    expect(inlinedCalls('fixtures/wasi/checks.wasm', ['args'], noAddon)).toBeGreaterThan(0);
  });
});

/**
 * A module exporting `run(n)`, which adds n, n-1, ... 1 through `$add2(a, b)`, which calls
 * `$add(a, b)`, and a function of `size` bytes of `nop`s besides: code of any size with calls
 * worth inlining.
 */
function moduleWithCalls(size: number): Uint8Array {
  const body = (bytes: number[]) => [...encodeU32(bytes.length), ...bytes];
  const pad = new Array<number>(size + 2).fill(0x01);
  pad[0] = 0x00; // no locals
  pad[size + 1] = 0x0b; // end
  const code = [
    ...encodeU32(4),
    ...body([0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b]), // $add: a + b
    ...body([0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0b]), // $add2: call $add
    // $run (local $acc i32): loop { acc = add2(acc, n); n = n - 1; br_if n } acc
    ...body([
      0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x10, 0x01, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22,
      0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b,
    ]),
    ...body(pad),
  ];
  const section = (id: number, content: number[]) => [id, ...encodeU32(content.length), ...content];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // (i32 i32) -> i32, (i32) -> i32, () -> ()
    ...section(1, [3, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0, 0]),
    ...section(3, [4, 0, 0, 1, 2]),
    ...section(7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 2]),
    ...section(10, code),
  ]);
}

/**
 * Runs the CLI as the launcher starts it (V8's defaults, the marker; `launcherFlags` for a
 * process given flags at start), tracing V8's compiles. The executable starts with the
 * flags baked into it and marks itself.
 */
function asLaunched(
  args: string[],
  env: Record<string, string> = { WASMER_TS_LAUNCHER: '1' },
  launcherFlags: readonly string[] = [],
) {
  const flags = SKIP_IN_EXE ? [] : launcherFlags;
  const r = spawnSync(...direct(args, [...flags, '--trace-wasm-compilation-times']), {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, ...env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  const tiers = [...r.stdout.matchAll(/^Compiled function \S+#0 using (\w+)/gm)].map((m) => m[1]);
  const output = r.stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('Compiled function'))
    .join('\n');
  return { status: r.status, signal: r.signal, stderr: r.stderr, tiers, output };
}

describe('a module that wants other flags gets them: switched in process before any compile, or relaunched', () => {
  let small: string;
  let big: string;

  beforeAll(() => {
    small = join(dir, 'small.wasm');
    big = join(dir, 'big.wasm');
    writeFileSync(small, moduleWithCode(100));
    writeFileSync(big, moduleWithCode(AUTO_OPTIMIZING_MAX_CODE_BYTES + 1000));
  });

  it('a module over the auto limit runs with Liftoff, its result and status unchanged', () => {
    const run = asLaunched(['run', '--no-cache', big, '--invoke', 'f']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.output).toBe('7');
    expect(run.tiers[0]).toBe('Liftoff');
  });

  it('a small module stays in the first process, with TurboFan', () => {
    const run = asLaunched(['run', '--no-cache', small, '--invoke', 'f']);
    expect(run.status).toBe(0);
    expect(run.output).toBe('7');
    expect(run.tiers).toEqual(['TurboFan']);
  });

  it('--compiler optimizing keeps a big module in TurboFan', () => {
    const run = asLaunched(['run', '--no-cache', '--compiler', 'optimizing', big, '--invoke', 'f']);
    expect(run.output).toBe('7');
    expect(run.tiers).toEqual(['TurboFan']);
  });

  it.skipIf(SKIP_IN_EXE)(
    'switches the other way too: a small module in a process still at V8’s defaults gets TurboFan, in it',
    () => {
      // NODE_DISABLE_COMPILE_CACHE=1: the bundle loader, which sets the tier before the CLI loads,
      // keeps no code cache and leaves V8's flags alone; the CLI sets them before its compile.
      const run = asLaunched(['run', '--no-cache', small, '--invoke', 'f'], {
        WASMER_TS_LAUNCHER: '1',
        NODE_DISABLE_COMPILE_CACHE: '1',
      });
      expect(run.stderr).toBe('');
      expect(run.output).toBe('7');
      expect(run.tiers).toEqual(['TurboFan']);
    },
  );

  it.skipIf(SKIP_IN_EXE)(
    'each switch leaves V8 in the state of a start with the flags, in the one process: to TurboFan, back to the defaults, to eager',
    async () => {
      // A preload that logs, as each process exits, its pid and the flag hash V8 puts in code caches.
      const log = join(dir, 'processes.log');
      const probe = join(dir, 'probe.cjs');
      writeFileSync(
        probe,
        `process.on('exit', () => { const h = new (require('node:vm').Script)('0').createCachedData().readUInt32LE(12);
          require('node:fs').appendFileSync(${JSON.stringify(log)}, process.pid + ' ' + h + '\\n'); });`,
      );
      const hashOf = (flags: readonly string[], args: string[], env: Record<string, string> = {}) => {
        rmSync(log, { force: true });
        const run = asLaunched(args, { WASMER_TS_LAUNCHER: '1', ...env }, ['--require', probe, ...flags]);
        // The artifact's machine code was made without the trace flag, which V8's hash covers too.
        expect(run.stderr.replace(/^note: machine code not used \(V8 rejected it: .*\n/m, '')).toBe('');
        const lines = readFileSync(log, 'utf8').trim().split('\n');
        expect(lines, 'one process: nothing relaunched').toHaveLength(1);
        return { run, hash: lines[0]?.split(' ')[1] };
      };
      // The references: processes given the flags at start, unmarked, so that nothing switches
      // (bin/bundle-loader.js turns Wasm inlining on for both on V8 11, the same way).
      const unmarked = { WASMER_TS_LAUNCHER: '0' };
      const atStart = {
        baseline: hashOf([], ['run', '--no-cache', big, '--invoke', 'f'], unmarked).hash,
        optimizing: hashOf(v8FlagsFor('optimizing'), ['run', '--no-cache', small, '--invoke', 'f'], unmarked).hash,
      };
      expect(atStart.optimizing).not.toBe(atStart.baseline);
      // The launcher's start: the loader sets TurboFan on first call; a big module is set back.
      const small1 = hashOf([], ['run', '--no-cache', small, '--invoke', 'f']);
      expect(small1.run.tiers).toEqual(['TurboFan']);
      expect(small1.hash).toBe(atStart.optimizing);
      const big1 = hashOf([], ['run', '--no-cache', big, '--invoke', 'f']);
      expect(big1.run.output).toBe('7');
      expect(big1.run.tiers[0]).toBe('Liftoff');
      expect(big1.hash).toBe(atStart.baseline);
      // A process given --no-liftoff at start, as the launcher did until 2026-12-03, switched back.
      const big2 = hashOf(v8FlagsFor('optimizing'), ['run', '--no-cache', big, '--invoke', 'f']);
      expect(big2.run.tiers[0]).toBe('Liftoff');
      expect(big2.hash).toBe(atStart.baseline);
      // An artifact not named .wasmu: the eager flags its machine code was compiled under.
      const artifact = join(dir, 'small.artifact');
      const compiled = spawnSync(...direct(['compile', small, '-o', artifact]), { encoding: 'utf8', cwd: ROOT });
      expect(compiled.status, compiled.stderr).toBe(0);
      const eagerAtStart = hashOf(v8FlagsFor('eager'), ['run', '--no-cache', artifact, '--invoke', 'f'], unmarked);
      const eager = hashOf([], ['run', '--no-cache', artifact, '--invoke', 'f']);
      expect(eager.run.output).toBe('7');
      expect(eager.hash).toBe(eagerAtStart.hash);
      expect(eager.hash).not.toBe(atStart.optimizing);
    },
  );

  it.skipIf(SKIP_IN_EXE)(
    'a switched run fills the cache entry that a run started with V8’s defaults looks up: the engine keys agree',
    () => {
      // $add and $add2 are hot (200 million calls): V8 tiers one or both up to TurboFan, which the
      // entry keeps. So many that the run outlasts the 50 ms below which a Liftoff run fills no
      // entry (cache/index.ts, MIN_RUN_MS): $run's loop stays in Liftoff (no on-stack replacement).
      const calls = join(dir, 'big-calls-cached.wasm');
      writeFileSync(calls, moduleWithCalls(AUTO_OPTIMIZING_MAX_CODE_BYTES + 1000));
      const cacheDir = mkdtempSync(join(dir, 'entries-'));
      const entries = () => readdirSync(cacheDir).filter((name) => name.endsWith('.wasmu'));
      const args = ['run', '--cache-dir', cacheDir, calls, '--invoke', 'run', '200000000'];
      const first = asLaunched(args);
      expect(first.stderr).toBe('');
      const filled = entries();
      expect(filled).toHaveLength(1);
      // A switched run, and one started with V8's defaults and no marker (nothing switched there):
      // an entry is named by its engine key, so a key of their own would be a second entry.
      for (const env of [{ WASMER_TS_LAUNCHER: '1' }, { WASMER_TS_LAUNCHER: '0' }]) {
        const again = asLaunched(args, env);
        expect(again.stderr).toBe('');
        expect(again.output).toBe(first.output);
        expect(entries()).toEqual(filled);
      }
    },
  );

  it('passes the exit status and errors of a switched command through', () => {
    const missing = asLaunched(['run', '--no-cache', big, '--invoke', 'nope']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/export "nope" not found/);
    expect(missing.stderr.match(/not found/g)).toHaveLength(1);
  });

  it('never switches or relaunches without the marker, or twice: the flags Node was given stay', () => {
    // The executable always has the marker (it starts with known flags): only "twice" applies.
    for (const env of SKIP_IN_EXE ? [{ WASMER_TS_LAUNCHER: '2' }] : [{}, { WASMER_TS_LAUNCHER: '2' }]) {
      const run = asLaunched(['run', '--no-cache', big, '--invoke', 'f'], env, v8FlagsFor('optimizing'));
      expect(run.output).toBe('7');
      expect(run.tiers).toEqual(['TurboFan']);
    }
  });

  it.skipIf(SKIP_IN_EXE)('the real launcher runs the README quickstart with the real node (npm package only)', () => {
    const r = spawnSync(BIN, ['run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, PATH: pathWithThisNode() },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42\n');
  });
});

describe('switchFlags: what a switch in process sets, and when the command is relaunched instead', () => {
  const v8 = '11.3.244.8';
  const reset = ['--liftoff', '--wasm-lazy-compilation', '--wasm-dynamic-tiering'];

  it('resets the tier flags, undoes what the CLI added, then sets the mode with what it implies at start', () => {
    expect(switchFlags(['--no-liftoff', '--wasm-inlining'], 'baseline', ['--wasm-inlining'], v8)).toEqual([
      ...reset,
      '--no-wasm-inlining',
      '--no-experimental-wasm-inlining',
    ]);
    expect(switchFlags(['--no-liftoff', '--max-old-space-size=100'], 'eager', [], v8)).toEqual([
      ...reset,
      '--no-liftoff',
      '--no-wasm-dynamic-tiering',
      '--no-wasm-lazy-compilation',
    ]);
    expect(switchFlags([], 'optimizing', [], '13.6.233.17', false)).toEqual([
      ...reset,
      '--no-liftoff',
      '--no-wasm-dynamic-tiering',
      '--wasm-lazy-compilation',
    ]);
  });

  it('on V8 14 also sets --wasm-deopt, which --no-liftoff turns off at start only', () => {
    const v14 = '14.6.202.34';
    expect(switchFlags(['--no-liftoff'], 'baseline', [], v14, false)).toEqual([...reset, '--wasm-deopt']);
    expect(switchFlags([], 'optimizing', [], v14, false)).toEqual([
      ...reset,
      '--wasm-deopt',
      '--no-liftoff',
      '--no-wasm-dynamic-tiering',
      '--no-wasm-deopt',
      '--wasm-lazy-compilation',
    ]);
    expect(runtimeModeFlags('eager', 14)).toEqual([
      '--no-liftoff',
      '--no-wasm-dynamic-tiering',
      '--no-wasm-deopt',
      '--no-wasm-lazy-compilation',
    ]);
  });

  it('relaunches in the executable on V8 12+, on another V8, beside a codegen flag of the user, or with an added flag it cannot undo', () => {
    expect(switchFlags(['--no-liftoff'], 'baseline', [], '14.6.202.34', true)).toBeNull();
    expect(switchFlags(['--no-liftoff'], 'baseline', [], '15.1.1.1', false)).toBeNull();
    expect(switchFlags(['--no-liftoff'], 'baseline', [], '10.2.154.26', false)).toBeNull();
    expect(switchFlags(['--no-liftoff', '--liftoff-only'], 'baseline', [], v8)).toBeNull();
    expect(switchFlags(['--no-liftoff', '--wasm-inlining'], 'baseline', [], v8)).toBeNull();
    expect(switchFlags(['--no-liftoff', '--turbo-inlining'], 'baseline', ['--turbo-inlining'], v8)).toBeNull();
  });
});
