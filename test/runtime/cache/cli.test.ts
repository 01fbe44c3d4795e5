// The cache through the built binary: compile, run of an artifact, the automatic
// cache of run/call, and `cache dir|ls|clean`. One cache directory for the
// file ($XDG_CACHE_HOME below), not test/cli/helpers.ts's fresh one per call:
// these tests need hits. A run fills the cache before it exits (beforeExit), so
// when `cli` returns the entry is there.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifactHeader } from '../../../src/runtime/engine/artifact.js';
import { nativeStatus } from '../../../src/runtime/engine/native.js';
import { CLI_NODE, type CliOptions, cli as runCli } from '../../cli/helpers.js';
import { wat } from '../../helpers/wat.js';
import { KERNEL_WAT, kernelWork } from './child.js';

// Long enough for a run to fill the cache (over MIN_RUN_MS, 50 ms, from the compile on): 30 M
// iterations took 50-100 ms in V8 13.6's TurboFan code (Node 24), so some runs filled nothing.
const N = 100_000_000;
const EXPECTED = `${kernelWork(N)}\n`;
let dir: string;
let kernelFile: string;

/** The shared CLI runner (the launcher in BIN picks V8's flags: artifacts need the eager ones), with this file's cache. */
function cli(args: string[], env: Record<string, string> = {}, options: Omit<CliOptions, 'env'> = {}) {
  return runCli(args, { ...options, env: { XDG_CACHE_HOME: path.join(dir, 'xdg'), ...env } });
}

/** The key `call` of the (small) kernel writes under: the CLI's own, for the flags it starts Node with. */
async function engineKeyOf(cacheDir: string): Promise<string> {
  const r = await cli(['cache', 'dir', '--json', '--cache-dir', cacheDir]);
  return (JSON.parse(r.stdout) as { engineKeys: { optimizing: string } }).engineKeys.optimizing;
}

/** The cache entries (`*.wasmu`) in `cacheDir`; none when it does not exist. */
function wasmuFiles(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.wasmu')) : [];
}

/** The BLAKE3 hash an entry is named by, from @noble/hashes rather than our own code. */
function blake3Hex(bytes: Uint8Array): string {
  return Buffer.from(blake3(bytes)).toString('hex');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-cli-cache-'));
  kernelFile = path.join(dir, 'kernel.wasm');
  writeFileSync(kernelFile, await wat(KERNEL_WAT));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('wasmer-ts cache', () => {
  it('cache dir follows $XDG_CACHE_HOME and --cache-dir', async () => {
    expect((await cli(['cache', 'dir'])).stdout).toBe(`${path.join(dir, 'xdg', 'wasmer-ts')}\n`);
    const json = JSON.parse((await cli(['cache', 'dir', '--json', '--cache-dir', '/somewhere'])).stdout);
    expect(json).toMatchObject({ dir: '/somewhere', machineCode: nativeStatus().available });
  });

  it.runIf(!nativeStatus().available)('without the addon (no machine code to save), run fills nothing', async () => {
    const cacheDir = path.join(dir, 'xdg', 'wasmer-ts');
    const first = await cli(['run', kernelFile, '--invoke', 'work', String(N)]);
    expect(first).toMatchObject({ code: 0, stdout: EXPECTED, stderr: '' });
    expect(wasmuFiles(cacheDir)).toEqual([]);
  });

  it.runIf(nativeStatus().available)(
    'run fills the cache, the next run uses it, ls shows it and clean empties it (needs the native addon)',
    async () => {
      const cacheDir = path.join(dir, 'xdg', 'wasmer-ts');
      const first = await cli(['run', kernelFile, '--invoke', 'work', String(N)]);
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe(EXPECTED);
      expect(wasmuFiles(cacheDir)).toHaveLength(1);
      const second = await cli(['call', kernelFile, 'work', String(N)]);
      expect(second).toMatchObject({ code: 0, stdout: EXPECTED, stderr: '' });
      const listed = JSON.parse((await cli(['cache', 'ls', '--json'])).stdout);
      expect(listed).toMatchObject({ dir: cacheDir, maxSize: 2 * 1024 ** 3 });
      expect(listed.entries).toHaveLength(1);
      const [entry] = listed.entries;
      expect(entry).toMatchObject({
        valid: true,
        problem: null,
        currentEngine: true,
        source: kernelFile,
        moduleName: null,
        wasmIncluded: false,
        lastUsed: entry.modified,
      });
      expect(listed.size).toBe(entry.size);
      expect(entry.machineCodeSize).toBeGreaterThan(0);
      // No copy of the Wasm: the header, then the machine code.
      const { dataOffset } = readArtifactHeader(new Uint8Array(readFileSync(entry.file)));
      expect(entry.size).toBe(dataOffset + entry.machineCodeSize);
      if (CLI_NODE.v8Major === 11) {
        expect(entry.machineCode).toMatchObject({ tier: 'turbofan', functions: 4 });
        expect(entry.machineCode.turbofanFunctions).toBeGreaterThan(0);
      }
      const text = (await cli(['cache', 'ls'])).stdout.split('\n');
      expect(text[0]).toMatch(/^last used +size {2}machine code +module$/);
      expect(text[1]).toMatch(
        new RegExp(
          // Function counts come from V8 11's serialization layout (v8-serialized.ts); other V8s say so.
          `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +[\\d.]+ (B|KiB) {2}TurboFan${
            CLI_NODE.v8Major === 11
              ? ' \\d+ of 4 functions, [\\d.]+ (B|KiB)'
              : ', [\\d.]+ (B|KiB) \\(function counts unknown\\)'
          } +kernel\\.wasm \\(${entry.key.slice(0, 12)}\\)$`,
        ),
      );
      expect(text[2]).toMatch(/^1 entry, .* of the 2\.0 GiB limit in /);
      // An entry is not a module on its own: it names the Wasm it belongs to.
      const direct = await cli(['run', entry.file, '--invoke', 'work', '1']);
      expect(direct.code).toBe(4);
      expect(direct.stderr).toContain(
        `this is a wasmer-ts cache entry: it holds machine code for the Wasm module with BLAKE3 ${entry.wasmHash}`,
      );
      expect((await cli(['cache', 'clean'])).stdout).toMatch(/^removed 1 entry \(/);
      expect(wasmuFiles(cacheDir)).toEqual([]);
    },
  );

  it('--no-cache neither reads nor fills the cache', async () => {
    const cacheDir = path.join(dir, 'nocache');
    const r = await cli(['run', '--no-cache', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)]);
    expect(r.stdout).toBe(EXPECTED);
    // A run saves before it exits (beforeExit): nothing can appear later.
    expect(existsSync(cacheDir)).toBe(false);
  });

  it.runIf(nativeStatus().available)('a damaged cache entry is a miss with a note, never a failure', async () => {
    const cacheDir = path.join(dir, 'damaged');
    expect((await cli(['run', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)])).code).toBe(0);
    const [entry] = wasmuFiles(cacheDir);
    expect(entry).toBeDefined();
    const file = path.join(cacheDir, entry!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 20]! ^= 0x08;
    writeFileSync(file, bytes);
    const r = await cli(['run', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(EXPECTED);
    expect(r.stderr).toMatch(/^note: cache: discarded .* machine code/);
  });

  it.runIf(nativeStatus().available)(
    '--cache-max-size and WASMER_TS_CACHE_MAX_SIZE set the limit; the flag wins; bad values are usage errors',
    async () => {
      const run = (cacheDir: string, extra: string[], env: Record<string, string> = {}) =>
        cli(['run', '--cache-dir', cacheDir, ...extra, kernelFile, '--invoke', 'work', String(N)], env);
      const notSaved = /^note: cache: not saved: the entry would take .*, more than the cache's size limit of 1 B\n$/;
      for (const [extra, env] of [
        [['--cache-max-size', '1B'], {}],
        [[], { WASMER_TS_CACHE_MAX_SIZE: '1B' }],
        [['--cache-max-size', '1B'], { WASMER_TS_CACHE_MAX_SIZE: '2GiB' }],
      ] as const) {
        const cacheDir = path.join(dir, `limit-${Math.random().toString(16).slice(2)}`);
        const r = await run(cacheDir, [...extra], env);
        expect(r.stdout).toBe(`${kernelWork(N)}\n`);
        expect(r.stderr).toMatch(notSaved);
        expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
      }
      const flag = await run(path.join(dir, 'x'), ['--cache-max-size', 'lots']);
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/^error: --cache-max-size "lots": expected a size with a unit: 2GiB, 500MiB/);
      const env = await run(path.join(dir, 'x'), [], { WASMER_TS_CACHE_MAX_SIZE: '5 pages' });
      expect(env.code).toBe(2);
      expect(env.stderr).toMatch(/^error: WASMER_TS_CACHE_MAX_SIZE "5 pages": expected a size with a unit/);
      // The fast path (no flags) reads the variable too.
      const fast = await cli(['call', kernelFile, 'work', '10'], { WASMER_TS_CACHE_MAX_SIZE: '0B' });
      expect(fast.code).toBe(2);
      expect(fast.stderr).toMatch(/^error: WASMER_TS_CACHE_MAX_SIZE "0B": the limit must be at least 1B/);
      expect((await run(path.join(dir, 'x'), ['--no-cache'], { WASMER_TS_CACHE_MAX_SIZE: 'lots' })).code).toBe(0);
    },
  );

  it.runIf(nativeStatus().available)(
    'a run evicts the least recently used entries beyond the limit, and prune applies a new one',
    async () => {
      const cacheDir = path.join(dir, 'lru');
      mkdirSync(cacheDir);
      const key = await engineKeyOf(cacheDir);
      const fake = (n: number, ageS: number) => {
        const file = path.join(cacheDir, `${String(n).repeat(64)}-${key}.wasmu`);
        writeFileSync(file, new Uint8Array(50_000));
        utimesSync(file, Date.now() / 1000 - ageS, Date.now() / 1000 - ageS);
        return path.basename(file);
      };
      const oldest = fake(1, 3000);
      const newer = fake(2, 2000);
      writeFileSync(path.join(cacheDir, 'mine.wasmu'), new Uint8Array(200_000)); // not the cache's: never touched
      const r = await cli([
        'run',
        '--cache-dir',
        cacheDir,
        '--cache-max-size',
        '90KiB',
        kernelFile,
        '--invoke',
        'work',
        String(N),
      ]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      // The entry is written before the process exits (beforeExit), so it is there now.
      const names = readdirSync(cacheDir);
      expect(names).not.toContain(oldest);
      expect(names).toContain(newer);
      expect(names).toContain('mine.wasmu');
      // The two entries are counted; the kernel file's identity record, when it was old enough
      // to get one, goes with them uncounted (it is not an entry).
      const pruned = await cli(['cache', 'prune', '--cache-dir', cacheDir, '--cache-max-size', '1B', '--json']);
      expect(JSON.parse(pruned.stdout)).toMatchObject({ removed: 2, left: 0, maxSize: 1 });
      expect(readdirSync(cacheDir)).toEqual(['mine.wasmu']);
    },
  );

  it.runIf(nativeStatus().available)(
    'a FIFO at the entry name: run does not wait on it, says so on stderr, and ls lists it',
    async () => {
      const cacheDir = path.join(dir, 'fifo');
      mkdirSync(cacheDir);
      const entry = path.join(cacheDir, `${blake3Hex(readFileSync(kernelFile))}-${await engineKeyOf(cacheDir)}.wasmu`);
      expect(spawnSync('mkfifo', [entry]).status).toBe(0);
      const r = await cli(['call', kernelFile, 'work', '1000', '--cache-dir', cacheDir], {}, { timeoutMs: 20_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${kernelWork(1000)}\n`);
      expect(r.stderr).toBe(
        `note: cache: skipped ${path.basename(entry)} (it is a FIFO, not a file the cache wrote); compiled from the Wasm instead\n`,
      );
      const listed = JSON.parse(
        (await cli(['cache', 'ls', '--json', '--cache-dir', cacheDir], {}, { timeoutMs: 20_000 })).stdout,
      );
      expect(listed.entries).toMatchObject([{ valid: false, problem: 'a FIFO, not a file the cache wrote' }]);
      expect((await cli(['cache', 'ls', '--cache-dir', cacheDir], {}, { timeoutMs: 20_000 })).stdout).toContain(
        'damaged: a FIFO, not a file the cache wrote',
      );
    },
  );
});

describe('wasmer-ts compile and artifacts', () => {
  it('compile writes an artifact that run uses; without the addon it recompiles with a note', async () => {
    const out = path.join(dir, 'kernel.wasmu');
    const compiled = await cli(['compile', kernelFile, '-o', out, '--json']);
    expect(compiled.code).toBe(0);
    const report = JSON.parse(compiled.stdout);
    expect(report.output).toBe(out);
    const hasCode = nativeStatus().available;
    expect(report.machineCodeSize > 0).toBe(hasCode);

    const run = await cli(['run', '--no-cache', out, '--invoke', 'work', '1000']);
    expect(run).toMatchObject({ code: 0, stdout: `${kernelWork(1000)}\n`, stderr: '' });
    expect((await cli(['inspect', out])).stdout).toMatch(
      hasCode ? /machine code: .*, usable here/ : /machine code: none/,
    );

    if (hasCode) {
      const off = { WASMER_TS_NATIVE: '0' };
      const fallback = await cli(['run', '--no-cache', out, '--invoke', 'work', '1000'], off);
      expect(fallback.code).toBe(0);
      expect(fallback.stdout).toBe(`${kernelWork(1000)}\n`);
      expect(fallback.stderr).toBe(
        'note: machine code not used (disabled by WASMER_TS_NATIVE=0); compiled from the Wasm bytes instead\n',
      );
      expect((await cli(['inspect', out], off)).stdout).toMatch(/unusable here: disabled by WASMER_TS_NATIVE=0/);
      expect((await cli(['compile', '--help'], off)).stdout).toMatch(/Machine code: not saved here/);
    }
  });
});
