// bin/bundle-loader.js: the CLI's own JavaScript code cache, which bin/wasmer-ts.js
// uses on every Node. Driven directly here: a start writes the cache, the next one
// uses it as it is,
// and a damaged, foreign or unwritable cache is compiled over, never run or fatal.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeModeFlags } from '../../src/commands/relaunch.js';
import { nativeAddon, nativeStatus } from '../../src/runtime/engine/native.js';
import { wantsEntryInlining } from '../../src/runtime/engine/tiering.js';
import { ROOT, SKIP_IN_EXE } from './helpers.js';

const LOADER = path.join(ROOT, 'bin/bundle-loader.js');
const BUNDLE = path.join(ROOT, 'dist/bundle/cli.cjs');
/** Runs `run fixtures/simple.wasm --invoke sum 5 37` (other arguments: $ARGS) through loadBundle, as bin/wasmer-ts.js does. */
const DRIVER = [
  `const { loadBundle } = require(${JSON.stringify(LOADER)});`,
  `loadBundle(${JSON.stringify(BUNDLE)}, process.env.PROFILE)`,
  `  .cliMain([process.argv[0], 'wasmer-ts', 'run', ${JSON.stringify(path.join(ROOT, 'fixtures/simple.wasm'))}, '--invoke', 'sum', ...JSON.parse(process.env.ARGS ?? '["5", "37"]')])`,
  '  .then((code) => { process.exitCode = code; });',
].join('\n');

let dir: string;
let cacheHome: string;
const jsCache = () => path.join(cacheHome, 'wasmer-ts', 'js');

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-bundle-loader-'));
  cacheHome = path.join(dir, 'cache');
  writeFileSync(path.join(dir, 'driver.cjs'), DRIVER);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null } {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete base.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [path.join(dir, 'driver.cjs')], { encoding: 'utf8', env: { ...base, ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The size of a cache file's header (bin/bundle-loader.js). */
const HEADER = 24;

/** How many later starts looked at a cache file for more (its header's last field). */
function looks(bytes: Buffer): number {
  return bytes.readUInt32LE(20);
}

/** A copy of `bytes` with `mask` flipped in byte `at`. */
function flipBit(bytes: Buffer, at: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt8(copy.readUInt8(at) ^ mask, at);
  return copy;
}

/** The cache file of the bundle's `fast` chunk (the big one). */
function fastCacheFile(): string {
  const name = readdirSync(jsCache()).find((f) => f.startsWith('fast-') && f.endsWith('.bin'));
  expect(name, `cache files: ${readdirSync(jsCache()).join(', ')}`).toBeDefined();
  return path.join(jsCache(), name ?? '');
}

const { commandProfile, launchedTier, seenMarker, tierFlags, wantsEarlyInlining } = createRequire(import.meta.url)(
  LOADER,
) as {
  commandProfile(argv: string[], known?: (identity: string) => boolean): string;
  launchedTier(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): string | null;
  seenMarker(dir: string, identity: string): string;
  tierFlags(tier: string, v8Version: string): string[] | null;
  wantsEarlyInlining(profile: string, execArgv: readonly string[], v8Version: string): boolean;
};

/** The profile a `run FILE` in the test cache would use, `known` from the cache's seen markers. */
function profileOf(file: string): string {
  return commandProfile(['node', 'wasmer-ts', 'run', file], (identity) => existsSync(seenMarker(jsCache(), identity)));
}

describe('commandProfile: which code cache a start uses', () => {
  const profile = (...args: string[]) => commandProfile(['node', 'wasmer-ts', ...args]);
  it('is the command, and for run whether it invokes a function', () => {
    expect(profile('run', 'app.wasm', 'x')).toBe('run');
    expect(profile('run', 'simple.wasm', '--invoke', 'sum', '1')).toBe('run-invoke');
    expect(profile('run', '-i', 'sum', 'simple.wasm')).toBe('run-invoke');
    expect(profile('run', '--invoke=sum', 'simple.wasm')).toBe('run-invoke');
    expect(profile('call', 'simple.wasm', 'sum')).toBe('call');
    expect(profile('inspect', 'simple.wasm')).toBe('inspect');
  });
  it('is `run-component` or `call-component` when FILE is a component, found past our options', () => {
    const component = path.join(ROOT, 'fixtures/components/wasi-command.wasm');
    const module = path.join(ROOT, 'fixtures/simple.wasm');
    expect(profile('run', component)).toBe('run-component');
    expect(profile('run', '--dir', '.', '--env', 'A=1', component, '--dir')).toBe('run-component');
    expect(profile('run', '--cache-dir=/tmp', component)).toBe('run-component');
    expect(profile('run', '--', component)).toBe('run-component');
    expect(profile('call', component, 'f')).toBe('call-component');
    // A component no run was seen of: its first run's own profile.
    const identities: string[] = [];
    const first = commandProfile(['node', 'wasmer-ts', 'run', component], (identity) => {
      identities.push(identity);
      return false;
    });
    expect(first).toBe('run-component-first');
    expect(commandProfile(['node', 'wasmer-ts', 'call', component, 'f'], () => false)).toBe('call-component-first');
    // The identity is the file's: device, inode, size and modification time.
    const info = statSync(component);
    expect(identities).toEqual([`${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`]);
    expect(profile('run', module)).toBe('run');
    expect(profile('run', '--dir', component, module)).toBe('run');
    // Not a regular file: nothing is read from it (a FIFO's bytes are the command's).
    const fifo = path.join(tmpdir(), `wasmer-ts-profile-fifo-${process.pid}`);
    spawnSync('mkfifo', [fifo]);
    try {
      expect(profile('run', fifo)).toBe('run');
    } finally {
      rmSync(fifo, { force: true });
    }
    expect(profile('run', '/nonexistent/app.wasm')).toBe('run');
  });

  it('is `other` for anything else, so that no argument names a file', () => {
    expect(profile()).toBe('other');
    expect(profile('--help')).toBe('other');
    expect(profile('../../etc/passwd')).toBe('other');
    // After `--` an --invoke is the program's.
    expect(profile('run', 'app.wasm', '--', '--invoke')).toBe('run');
  });
});

describe('launchedTier and tierFlags: the tier a launched run or call gets before the CLI loads', () => {
  const marked = { WASMER_TS_LAUNCHER: '1' };
  const tier = (args: string[], execArgv: string[] = [], env: NodeJS.ProcessEnv = marked) =>
    launchedTier(['node', 'wasmer-ts', ...args], execArgv, env);

  it('TurboFan on first call for run and call, the eager flags for a .wasmu, nothing for --compiler baseline', () => {
    expect(tier(['run', 'app.wasm'])).toBe('optimizing');
    expect(tier(['call', 'app.wasm', 'sum', '1', '2'])).toBe('optimizing');
    expect(tier(['run', '--compiler', 'optimizing', 'app.wat'])).toBe('optimizing');
    expect(tier(['run', '-', '--invoke', 'f'])).toBe('optimizing');
    expect(tier(['run', 'app.wasmu'])).toBe('eager');
    expect(tier(['call', '--no-cache', 'app.wasmu', 'f'])).toBe('eager');
    expect(tier(['run', '--compiler', 'baseline', 'app.wasm'])).toBeNull();
    expect(tier(['run', '--compiler=baseline', 'app.wasmu'])).toBeNull();
  });

  it('skips the values of our flags to find FILE, and stops at it', () => {
    const args = ['run', '--dir', 'x.wasmu', '--env', 'A=b', '-i', 'main', '--timeout', '5s', 'app.wasm'];
    expect(tier([...args, '--compiler', 'baseline'])).toBe('optimizing');
    expect(tier(['run', '--max-memory', '1MiB', '--cache-dir', 'c.wasmu', 'a.wasmu'])).toBe('eager');
  });

  it('nothing without the launcher’s marker, for another command, or with a tier flag of the process', () => {
    expect(tier(['run', 'app.wasm'], [], {})).toBeNull();
    expect(tier(['run', 'app.wasm'], [], { WASMER_TS_LAUNCHER: '2' })).toBeNull();
    for (const args of [['inspect', 'app.wasm'], ['compile', 'app.wasm'], ['--version'], ['cache', 'ls'], []]) {
      expect(tier(args), args.join(' ')).toBeNull();
    }
    for (const flag of ['--no-liftoff', '--liftoff', '--no_wasm_lazy_compilation', '--wasm-dynamic-tiering=false']) {
      expect(tier(['run', 'app.wasm'], [flag]), flag).toBeNull();
    }
    expect(tier(['run', 'app.wasm'], ['--max-old-space-size=64'])).toBe('optimizing');
  });

  it('sets what relaunch.ts sets for the same mode, on every V8 it knows, and nothing on another', () => {
    for (const major of [11, 12, 13, 14]) {
      for (const mode of ['optimizing', 'eager'] as const) {
        expect(tierFlags(mode, `${major}.1.2.3`), `${major} ${mode}`).toEqual(runtimeModeFlags(mode, major));
      }
    }
    expect(tierFlags('optimizing', '14.6.202.34')).toContain('--no-wasm-deopt');
    expect(tierFlags('optimizing', '10.2.154.26')).toBeNull();
    expect(tierFlags('optimizing', '15.0.1.1')).toBeNull();
  });
});

describe('wantsEarlyInlining: Wasm inlining turned on before the bundle loads (V8 11)', () => {
  // What tiering.ts's wantsEntryInlining says for a module of unknown code size, which the
  // CLI would otherwise decide after the bundle loaded: the two must agree.
  const execArgvs = [
    [],
    ['--no-liftoff'],
    ['--liftoff'],
    ['--no-liftoff', '--liftoff'],
    ['--liftoff', '--no-liftoff'],
    ['--no_liftoff'],
    ['--liftoff=false'],
    ['--no-liftoff', '--no-wasm-lazy-compilation'],
    ['--no-liftoff', '--wasm-lazy-compilation'],
    ['--no-liftoff', '--wasm_lazy_compilation=false'],
    ['--no-liftoff', '--wasm-inlining'],
    ['--no-liftoff', '--no-wasm-inlining'],
    ['--no-liftoff', '--wasm_inlining_budget=10'],
    ['--no-liftoff', '--experimental-wasm-inlining'],
    ['--trace_wasm_inlining', '--no-liftoff'],
    ['--no-liftoff', '--max-old-space-size=64'],
  ];
  it('agrees with tiering.ts for every flag set, on V8 11 and later', () => {
    let on = 0;
    for (const v8 of ['11.3.244.8-node.38', '12.4.254.21-node.33', '14.6.202.24-node.20']) {
      for (const execArgv of execArgvs) {
        const expected = wantsEntryInlining(null, execArgv, v8);
        expect(wantsEarlyInlining('run', execArgv, v8), `${v8} ${execArgv.join(' ')}`).toBe(expected);
        if (expected) on++;
      }
    }
    // Some set turns it on, so the comparison is not of two constant answers.
    expect(on).toBeGreaterThan(0);
  });
  it('for run and call of a module only: not for a component, nor another command', () => {
    const v8 = '11.3.244.8-node.38';
    for (const profile of ['run', 'run-invoke', 'call']) {
      expect(wantsEarlyInlining(profile, ['--no-liftoff'], v8)).toBe(true);
    }
    for (const profile of ['run-component', 'run-component-first', 'call-component', 'inspect', 'other']) {
      expect(wantsEarlyInlining(profile, ['--no-liftoff'], v8)).toBe(false);
    }
  });
});

describe.runIf(nativeStatus().available)(
  'the addon’s compileFile, which the loader compiles with (needs the addon)',
  () => {
    type Compiled = {
      fn: (...args: unknown[]) => unknown;
      rejected: boolean;
      length: number;
      createCachedData(): Uint8Array | null;
    };
    const addon = () =>
      nativeAddon() as unknown as {
        compileFile(file: string, params: string[], cached: Uint8Array | null): Compiled | string;
      };
    const file = (name: string, text: string | Buffer) => {
      const at = path.join(dir, name);
      writeFileSync(at, text);
      return at;
    };

    /**
     * In a new process (V8 14 keeps what a process compiled in its compilation cache, and a
     * second compile of the same source there never looks at the data): compiles `at` with
     * the cache in `cacheFile` (none when missing), calls it with (21, 'b'), and writes the
     * cache it makes after the call to `cacheFile`. Damaged data is the loader's to catch
     * (its checksum): V8 trusts data that passes its own checks, and V8 14 aborts on a
     * flipped bit.
     */
    const compileIn = (at: string, cacheFile: string) => {
      const script = [
        `const { existsSync, readFileSync, writeFileSync } = require('node:fs');`,
        `const addon = require(${JSON.stringify(nativeStatus().path)});`,
        `const cache = existsSync(${JSON.stringify(cacheFile)}) ? readFileSync(${JSON.stringify(cacheFile)}) : null;`,
        `const r = addon.compileFile(${JSON.stringify(at)}, ['a', 'b'], cache);`,
        `const value = r.fn(21, 'b');`,
        `writeFileSync(${JSON.stringify(cacheFile)}, r.createCachedData());`,
        `console.log(JSON.stringify({ value, rejected: r.rejected, length: r.length }));`,
      ].join('\n');
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { value: unknown; rejected: boolean; length: number };
    };

    it('compiles a file as a function body, and takes the code cache it made after a run', () => {
      const at = file('body.js', 'const twice = (x) => 2 * x;\nreturn [twice(a), b];');
      const cacheFile = path.join(dir, 'body.cache');
      const first = compileIn(at, cacheFile);
      expect(first).toEqual({ value: [42, 'b'], rejected: false, length: statSync(at).size });
      expect(readFileSync(cacheFile).length).toBeGreaterThan(100);
      expect(compileIn(at, cacheFile)).toEqual({
        value: [42, 'b'],
        rejected: false,
        length: first.length,
      });
      // Another file's data: refused by V8, and the file compiles from its source.
      const other = file('other.js', 'return [a + 1, b];');
      expect(compileIn(other, cacheFile)).toEqual({ value: [22, 'b'], rejected: true, length: statSync(other).size });
      // And so is data that is not V8's.
      writeFileSync(cacheFile, Buffer.alloc(1000, 7));
      expect(compileIn(at, cacheFile)).toMatchObject({ value: [42, 'b'], rejected: true });
    });

    it('answers why not, for the loader to use node:vm: not ASCII, missing, a folder, a FIFO (without waiting for a writer)', () => {
      expect(addon().compileFile(file('latin1.js', Buffer.from('return "caf\xe9";', 'latin1')), [], null)).toBe(
        'not ASCII',
      );
      // The bundle writes such a character as an escape (scripts/bundle-cli.js), which is ASCII.
      const escaped = addon().compileFile(file('escaped.js', 'return "caf\\u00e9";'), [], null);
      expect(typeof escaped === 'string' ? escaped : escaped.fn()).toBe('caf\u00e9');
      expect(addon().compileFile(file('utf8-raw.js', 'return "café";'), [], null)).toBe('not ASCII');
      expect(addon().compileFile(path.join(dir, 'missing.js'), [], null)).toMatch(/^cannot open: /);
      expect(addon().compileFile(dir, [], null)).toMatch(/not a regular file/);
      const fifo = path.join(dir, 'fifo.js');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      expect(addon().compileFile(fifo, [], null)).toMatch(/not a regular file/);
    });

    it.skipIf(SKIP_IN_EXE)(
      'has every file of the bundle to compile: scripts/bundle-cli.js writes them in ASCII',
      () => {
        const bundle = path.join(ROOT, 'dist/bundle');
        const files = readdirSync(bundle).filter((f) => f.endsWith('.cjs'));
        expect(files.length).toBeGreaterThan(10);
        expect(files.filter((f) => readFileSync(path.join(bundle, f)).some((byte) => byte >= 0x80))).toEqual([]);
      },
    );

    it('throws a syntax error as vm.Script does, and a TypeError for wrong arguments', () => {
      expect(() => addon().compileFile(file('bad.js', 'return (;'), [], null)).toThrow(SyntaxError);
      const compileFile = addon().compileFile as unknown as (...args: unknown[]) => unknown;
      expect(() => compileFile(42, [], null)).toThrow(TypeError);
      expect(() => compileFile(file('ok.js', 'return 1;'), [1], null)).toThrow(TypeError);
      expect(() => compileFile(file('ok2.js', 'return 1;'), [], 'cache')).toThrow(TypeError);
    });
  },
);

describe.skipIf(SKIP_IN_EXE)('the CLI bundle loader with its code cache (the npm package only)', () => {
  it('keeps a cache per command: a second command writes its own, and leaves the first one’s alone', () => {
    expect(start({ PROFILE: 'run-invoke' }).status).toBe(0);
    const first = readdirSync(jsCache()).filter((f) => f.startsWith('fast-'));
    expect(first).toHaveLength(1);
    expect(first[0]).toContain('-run-invoke-');
    const bytes = readFileSync(path.join(jsCache(), first[0] ?? ''));
    expect(start({ PROFILE: 'call' }).status).toBe(0);
    const both = readdirSync(jsCache())
      .filter((f) => f.startsWith('fast-'))
      .sort();
    expect(both).toHaveLength(2);
    expect(both.some((f) => f.includes('-call-'))).toBe(true);
    expect(readFileSync(path.join(jsCache(), first[0] ?? '')).equals(bytes)).toBe(true);
  });

  // The addon's compileFile where it is built, else node:vm's Script, whose cache files are
  // named apart (V8 refuses one's cache for the other's source).
  const compilers = [
    ...(nativeStatus().available ? [['the addon', {}, false] as const] : []),
    ['node:vm (WASMER_TS_NATIVE=0)', { WASMER_TS_NATIVE: '0' }, true] as const,
  ];
  it.each(compilers)(
    'writes a cache file for each bundle file it loaded; the next starts use them, and look for more three times: %s',
    (_how, env, vm) => {
      const first = start(env);
      expect(readdirSync(jsCache()).every((f) => f.endsWith('-vm.bin') === vm)).toBe(true);
      expect(first).toMatchObject({ stdout: '42\n', stderr: '', status: 0 });
      const names = readdirSync(jsCache()).sort();
      expect(names.some((f) => f.startsWith('cli.cjs-'))).toBe(true);
      const file = fastCacheFile();
      const bytes = readFileSync(file);
      // Header (24 bytes) and V8's data, which holds the functions the run compiled: far more than a header.
      expect(bytes.length).toBeGreaterThan(10_000);
      expect(looks(bytes)).toBe(0);

      // The same run again compiles nothing new: each look only counts itself, in place.
      for (let i = 1; i <= 3; i++) {
        expect(start(env)).toMatchObject({ stdout: '42\n', stderr: '', status: 0 });
        // A cache V8 refused, or one that failed our checks, would have been written again.
        expect(readdirSync(jsCache()).sort()).toEqual(names);
        const now = readFileSync(file);
        expect(now.subarray(HEADER).equals(bytes.subarray(HEADER))).toBe(true);
        expect(looks(now)).toBe(i);
      }
      // After three looks the file stays as it is.
      const mtime = statSync(file).mtimeMs;
      const settled = readFileSync(file);
      expect(start(env).status).toBe(0);
      expect(statSync(file).mtimeMs).toBe(mtime);
      expect(readFileSync(file).equals(settled)).toBe(true);
    },
  );

  it('writes a cache file again when a later start of the same command compiled more of it', () => {
    expect(start().status).toBe(0);
    const file = fastCacheFile();
    const before = readFileSync(file);
    // A wrong argument: the same profile (run-invoke), and the error path's functions besides.
    const r = start({ ARGS: '["5", "x"]' });
    expect(r.status).toBe(2);
    const after = readFileSync(file);
    expect(after.length).toBeGreaterThan(before.length);
    expect(looks(after)).toBe(1);
    // And it is a good cache: the first command runs from it unchanged.
    expect(start()).toMatchObject({ stdout: '42\n', status: 0 });
    expect(readFileSync(file).subarray(HEADER).equals(after.subarray(HEADER))).toBe(true);
  });

  const damages: [string, (b: Buffer) => Buffer][] = [
    ['a flipped bit in V8 data', (b: Buffer) => flipBit(b, b.length >> 1, 0x10)],
    ['a flipped bit in the header', (b: Buffer) => flipBit(b, 5, 0x01)],
    ['truncation', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['an empty file', () => Buffer.alloc(0)],
    ['garbage of the same length', (b: Buffer) => Buffer.alloc(b.length, 0x5a)],
  ];
  // The checksum is the native addon's when it is built, else the loader's JavaScript one.
  const checksums: [string, Record<string, string>][] = [
    ['the addon’s checksum (when built)', {}],
    ['the JavaScript checksum (WASMER_TS_NATIVE=0)', { WASMER_TS_NATIVE: '0' }],
  ];
  it.each(checksums.flatMap(([by, env]) => damages.map(([what, damage]) => [what, by, env, damage] as const)))(
    'a cache damaged by %s is compiled over and replaced, with %s',
    (_what, _by, env, damage) => {
      expect(start(env).status).toBe(0);
      const file = fastCacheFile();
      const good = readFileSync(file);
      const bad = damage(good);
      writeFileSync(file, bad);

      const r = start(env);
      expect(r).toMatchObject({ stdout: '42\n', stderr: '', status: 0 });
      const now = readFileSync(file);
      expect(now.equals(bad)).toBe(false);
      // The rewritten file is a good cache again: the start after it uses it as it is.
      expect(start(env).status).toBe(0);
      expect(readFileSync(file).subarray(HEADER).equals(now.subarray(HEADER))).toBe(true);
    },
  );

  it.skipIf(!nativeStatus().available)(
    'sums with the addon’s checksum32 what its JavaScript sums, at every length and alignment, so either reads the other’s files (needs the native addon)',
    () => {
      const { checksum, checksumJs } = createRequire(import.meta.url)(LOADER) as {
        checksum(data: Uint8Array): number;
        checksumJs(data: Uint8Array): number;
      };
      const data = Buffer.from(Array.from({ length: 4200 }, (_, i) => (i * 2654435761) >>> 24));
      const differ: string[] = [];
      for (let length = 0; length < 300; length++) {
        for (const offset of [0, 1, 2, 3]) {
          const view = data.subarray(offset, offset + length);
          if (checksum(view) !== checksumJs(view)) differ.push(`${offset}+${length}`);
        }
      }
      expect(differ).toEqual([]);
      expect(checksum(data)).toBe(checksumJs(data));
      // FNV-1a's offset basis for no bytes, and a value the tests of its files were written with.
      expect(checksum(new Uint8Array(0))).toBe(0x811c9dc5);
      expect(checksum(Buffer.from('abcdefg'))).toBe(checksumJs(Buffer.from('abcdefg')));
    },
  );

  it('a directory where a cache file goes: the run works, and nothing is written there', () => {
    expect(start().status).toBe(0);
    const file = fastCacheFile();
    rmSync(file);
    mkdirSync(file);
    const r = start();
    expect(r).toMatchObject({ stdout: '42\n', stderr: '', status: 0 });
    expect(statSync(file).isDirectory()).toBe(true);
  });

  it('a cache folder that cannot be made (a file in its way): the run works, silently', () => {
    mkdirSync(cacheHome, { recursive: true });
    writeFileSync(path.join(cacheHome, 'wasmer-ts'), 'not a folder');
    const r = start();
    expect(r).toMatchObject({ stdout: '42\n', stderr: '', status: 0 });
  });

  it('a start that writes removes the cache files nobody wrote for a month, and only those', () => {
    mkdirSync(jsCache(), { recursive: true });
    const stale = path.join(jsCache(), 'fast-Rebuilt0.cjs-0.0-x.bin');
    const recent = path.join(jsCache(), 'fast-Another1.cjs-0.0-x.bin');
    const notOurs = path.join(jsCache(), 'notes.txt');
    for (const file of [stale, recent, notOurs]) writeFileSync(file, 'x');
    const monthsAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(stale, monthsAgo, monthsAgo);
    utimesSync(notOurs, monthsAgo, monthsAgo);
    expect(start().status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(notOurs)).toBe(true);
  });

  // The parse cache needs the native addon (its SHA-256 and V8's serializer).
  it.skipIf(!nativeStatus().available)(
    'gives a component’s first run (it parses) its own caches, with the parser’s chunk (lazy-*); later runs never load that chunk',
    () => {
      // A copy, whose modification time the test changes.
      const component = path.join(path.dirname(cacheHome), 'wasi-command.wasm');
      copyFileSync(path.join(ROOT, 'fixtures/components/wasi-command.wasm'), component);
      const run = () => {
        const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
        delete env.NODE_DISABLE_COMPILE_CACHE;
        const r = spawnSync(path.join(ROOT, 'bin/wasmer-ts.js'), ['run', component], { encoding: 'utf8', env });
        expect([r.status, r.stderr]).toEqual([0, '']);
      };
      // `<file>-<profile>-<V8 version>-<flags>.bin`
      const files = (profile: string) =>
        readdirSync(jsCache()).filter((f) => new RegExp(`-${profile}-\\d+\\.`).test(f));
      const markers = () => readdirSync(jsCache()).filter((f) => f.startsWith('seen-'));
      // The first run parses (and writes the parse cache): it loads the parser, writes the
      // caches of its own profile, and marks the component as seen.
      run();
      const first = files('run-component-first');
      expect(first.some((f) => f.startsWith('lazy-parser-'))).toBe(true);
      expect(first.some((f) => f.startsWith('component-'))).toBe(true);
      expect(files('run-component')).toEqual([]);
      expect(markers()).toHaveLength(1);
      // The next run finds the parse cached, under the later runs' profile: it writes the code
      // cache of every file it loaded, and the parser is not among them.
      run();
      const later = files('run-component');
      expect(later.some((f) => f.startsWith('component-'))).toBe(true);
      expect(later.filter((f) => f.startsWith('lazy-'))).toEqual([]);
      expect(files('run-component-first')).toEqual(first);
      // Without its marker the component is new again (as a rebuilt one is: another mtime).
      for (const m of markers()) rmSync(path.join(jsCache(), m));
      expect(profileOf(component)).toBe('run-component-first');
      run();
      expect(markers()).toHaveLength(1);
      expect(profileOf(component)).toBe('run-component');
      utimesSync(component, new Date(), new Date(2020, 0, 1));
      expect(profileOf(component)).toBe('run-component-first');
    },
  );

  it('NODE_DISABLE_COMPILE_CACHE=1 writes no cache, as it does for Node’s own', () => {
    const r = start({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r).toMatchObject({ stdout: '42\n', status: 0 });
    expect(existsSync(jsCache())).toBe(false);
  });
});
