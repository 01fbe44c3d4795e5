// `run` of a component through the machine-code cache: each core module with enough code
// is an entry keyed by its own bytes, as a module is (src/commands/input.ts). A second run
// loads V8's code from the entries; a damaged entry is refused with a note, never a crash.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponent } from '../../src/runtime/component/parser/index.js';
import { MIN_CODE_BYTES } from '../../src/runtime/engine/cache/index.js';
import { blake3Hex } from '../../src/runtime/engine/hash.js';
import { codeSectionSize } from '../../src/runtime/engine/module-facts.js';
import { nativeStatus } from '../../src/runtime/engine/native.js';
import { cli, ROOT, SKIP_IN_EXE } from './helpers.js';

const CHECKS = join(ROOT, 'fixtures/wasi/checks.component.wasm');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-component-cache-'));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The BLAKE3 hash of each core module of `component` with at least MIN_CODE_BYTES of code, and of the others. */
function coreModuleHashes(component: Uint8Array): { cached: string[]; small: string[] } {
  const modules = parseComponent(component).definitions.flatMap((d) => (d.kind === 'core-module' ? [d.bytes] : []));
  const isBig = (wasm: Uint8Array) => (codeSectionSize(wasm) ?? 0) >= MIN_CODE_BYTES;
  return {
    cached: modules.filter(isBig).map((m) => blake3Hex(m)),
    small: modules.filter((m) => !isBig(m)).map((m) => blake3Hex(m)),
  };
}

/**
 * `checks clocks`: it sleeps 25 ms, so that with the compile the run lasts the 50 ms
 * (MIN_RUN_MS) after which a run fills the cache, on a fast machine too.
 */
async function runChecks(cacheDir: string) {
  const r = await cli(['run', '--cache-dir', cacheDir, CHECKS, 'clocks']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('poll_slept_20ms=1\n');
  return r;
}

describe.skipIf(SKIP_IN_EXE || !nativeStatus().available)('run of a component through the cache', () => {
  it('stores its big core modules, then loads their machine code; a damaged entry is refused', async () => {
    const cacheDir = join(dir, 'cache');
    const { cached, small } = coreModuleHashes(new Uint8Array(readFileSync(CHECKS)));
    // The program and the preview1 adapter; the adapter's two small glue modules skip the cache.
    expect(cached).toHaveLength(2);
    expect(small).toHaveLength(2);

    expect((await runChecks(cacheDir)).stderr).toBe('');
    const entries = () => readdirSync(cacheDir).filter((name) => name.endsWith('.wasmu'));
    const names = entries();
    expect(names.map((name) => name.slice(0, 64)).sort()).toEqual([...cached].sort());
    // `cache ls` (V8's defaults) knows them as this engine's, though Node 20 ran them without Wasm inlining.
    const ls = await cli(['cache', 'ls', '--json', '--cache-dir', cacheDir]);
    const listed = JSON.parse(ls.stdout) as { entries: { currentEngine: boolean; valid: boolean }[] };
    expect(listed.entries.map((e) => [e.valid, e.currentEngine])).toEqual([
      [true, true],
      [true, true],
    ]);

    // A hit marks its entry as used (its mtime) through the handle it read, after V8 took the
    // code; code V8 refused is deleted and written again, as another file.
    const old = new Date('2001-01-01T00:00:00Z');
    const inodes = names.map((name) => {
      utimesSync(join(cacheDir, name), old, old);
      return statSync(join(cacheDir, name)).ino;
    });
    expect((await runChecks(cacheDir)).stderr).toBe('');
    expect(entries()).toEqual(names);
    names.forEach((name, i) => {
      const info = statSync(join(cacheDir, name));
      expect(info.ino).toBe(inodes[i]);
      expect(info.mtimeMs).toBeGreaterThan(old.getTime());
    });

    // A flipped byte in the machine code: the entry is discarded with a note, the run unharmed.
    const damaged = join(cacheDir, names[0] as string);
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 10]! ^= 0x40;
    writeFileSync(damaged, bytes);
    const r = await runChecks(cacheDir);
    expect(r.stderr).toMatch(new RegExp(`^note: cache: discarded ${names[0]} \\(.+\\)\n$`));
  });

  it('keeps the component’s checked parse beside them: later runs read it; a damaged one is noted and written anew', async () => {
    const cacheDir = join(dir, 'parse');
    const first = await cli(['run', '--cache-dir', cacheDir, CHECKS, 'args', 'x']);
    expect([first.code, first.stderr]).toEqual([0, '']);
    const parses = readdirSync(cacheDir).filter((name) => name.endsWith('.wcomp'));
    expect(parses).toHaveLength(1);
    const name = parses[0] as string;
    expect(name).toMatch(new RegExp(`^${blake3Hex(new Uint8Array(readFileSync(CHECKS)))}-[0-9a-f]{16}\\.wcomp$`));
    const entry = join(cacheDir, name);

    // A hit marks the entry as used: it was read, not parsed over and written again.
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(entry, old, old);
    const inode = statSync(entry).ino;
    const second = await cli(['run', '--cache-dir', cacheDir, CHECKS, 'args', 'x']);
    expect([second.code, second.stderr, second.stdout]).toEqual([0, '', first.stdout]);
    expect(statSync(entry).ino).toBe(inode);
    expect(statSync(entry).mtimeMs).toBeGreaterThan(old.getTime());

    const bytes = readFileSync(entry);
    bytes[bytes.length - 10]! ^= 0x40;
    writeFileSync(entry, bytes);
    const third = await cli(['run', '--cache-dir', cacheDir, CHECKS, 'args', 'x']);
    expect([third.code, third.stdout]).toEqual([0, first.stdout]);
    expect(third.stderr).toBe(`note: cache: discarded ${name} (its contents do not match their hash)\n`);
    expect(readFileSync(entry).equals(bytes)).toBe(false);
    expect((await cli(['run', '--cache-dir', cacheDir, CHECKS, 'args', 'x'])).stderr).toBe('');

    // `cache ls` counts it toward the limit, on its own line's end and in --json.
    const size = statSync(entry).size;
    const ls = await cli(['cache', 'ls', '--cache-dir', cacheDir]);
    expect(ls.stdout).toMatch(/ entries and 1 component parse \([0-9.]+ KiB\), .* of the 2\.0 GiB limit in /);
    const listed = JSON.parse((await cli(['cache', 'ls', '--json', '--cache-dir', cacheDir])).stdout) as {
      size: number;
      entries: { size: number }[];
      componentParses: { count: number; size: number };
    };
    expect(listed.componentParses).toEqual({ count: 1, size });
    expect(listed.size).toBe(listed.entries.reduce((n, e) => n + e.size, 0) + size);

    expect((await cli(['cache', 'clean', '--cache-dir', cacheDir])).code).toBe(0);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('takes its size limit as a module does: a bad WASMER_TS_CACHE_MAX_SIZE is a usage error, unless --no-cache', async () => {
    const env = { WASMER_TS_CACHE_MAX_SIZE: 'lots' };
    const bad = await cli(['run', CHECKS, 'args'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/WASMER_TS_CACHE_MAX_SIZE "lots"/);
    expect((await cli(['run', '--no-cache', CHECKS, 'args'], { env })).code).toBe(0);
  });

  it('--no-cache stores nothing', async () => {
    const cacheDir = join(dir, 'unused');
    const r = await cli(['run', '--no-cache', '--cache-dir', cacheDir, CHECKS, 'args']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(() => readdirSync(cacheDir)).toThrow(/ENOENT/);
  });
});
