// The parse cache (src/runtime/engine/cache/parse-cache.ts): a component's checked parse
// beside its core modules' machine code. A hit gives back the same AST; an entry that
// does not check out is deleted with a notice; one that is not a regular file of a sane
// size is skipped with a notice and left alone, promptly (those run in a child with a
// time limit, so a regression fails the test instead of hanging it); entries share the
// cache's size limit, eviction and `clean`.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponent } from '../../../src/runtime/component/parser/index.js';
import { ModuleCache } from '../../../src/runtime/engine/cache/index.js';
import { ParseCache } from '../../../src/runtime/engine/cache/parse-cache.js';
import { blake3Hex } from '../../../src/runtime/engine/hash.js';
import { nativeSerializer } from '../../../src/runtime/engine/native.js';
import { componentFixture } from '../component/parser/fixtures.js';
import { DIST } from './child.js';

const STAMP = '0123456789abcdef';
/** The addon's V8 serializer, which writes and reads the entries; null without the addon. */
const V8 = nativeSerializer();
const NO_ADDON = V8 === null;
/** The options every cache here is made with. */
const base = (more: { onNotice?: (m: string) => void; maxBytes?: number } = {}) => ({
  stamp: STAMP,
  v8: V8 as NonNullable<typeof V8>,
  ...more,
});
let root: string;
let counter = 0;
const bytes = componentFixture('resources');

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-parse-cache-'));
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** A fresh cache directory, a cache over it that records its notices, and the entry's file. */
function fresh(options: { maxBytes?: number } = {}) {
  const dir = path.join(root, `cache-${counter++}`);
  mkdirSync(dir);
  const notices: string[] = [];
  const cache = new ParseCache(dir, base({ onNotice: (m) => notices.push(m), ...options }));
  return { dir, cache, notices, file: cache.fileFor(blake3Hex(bytes)) };
}

/** The cache with the entry of `bytes` written. */
function filled() {
  const f = fresh();
  f.cache.save(bytes, parseComponent(bytes));
  expect(existsSync(f.file)).toBe(true);
  return f;
}

describe.skipIf(NO_ADDON)('ParseCache (needs the native addon: its V8 serializer writes the entries)', () => {
  it('misses, then after a save gives back the parse, named by the component’s hash, the stamp and V8', () => {
    const { cache, file, notices } = fresh();
    expect(cache.load(bytes)).toBeNull();
    const ast = parseComponent(bytes);
    cache.save(bytes, ast);
    const stampAndV8 = blake3Hex(Buffer.from(`${STAMP} ${process.versions.v8}`)).slice(0, 16);
    expect(path.basename(file)).toBe(`${blake3Hex(bytes)}-${stampAndV8}.wcomp`);
    const loaded = new ParseCache(path.dirname(file), base()).load(bytes);
    expect(loaded).not.toBeNull();
    expect(loaded).not.toBe(ast);
    expect(loaded).toStrictEqual(ast);
    expect(notices).toEqual([]);
    // Another build's stamp does not read it; other bytes have another entry.
    expect(new ParseCache(path.dirname(file), { ...base(), stamp: 'fedcba9876543210' }).load(bytes)).toBeNull();
    expect(cache.load(componentFixture('add'))).toBeNull();
  });

  it('reads an entry back for the same bytes read into another place (a small file’s Buffer lies in Node’s pool)', () => {
    const { cache } = fresh();
    const pooled = Buffer.alloc(bytes.length + 100);
    pooled.set(bytes, 37);
    const inPool = pooled.subarray(37, 37 + bytes.length);
    cache.save(inPool, parseComponent(inPool));
    const loaded = cache.load(new Uint8Array(bytes));
    expect(loaded).toStrictEqual(parseComponent(new Uint8Array(bytes)));
  });

  it('marks a hit as just used, for eviction', () => {
    const { cache, file } = filled();
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(cache.load(bytes)).not.toBeNull();
    expect(Date.now() - lstatSync(file).mtimeMs).toBeLessThan(60_000);
  });

  const damage: [string, (entry: Buffer) => Buffer, RegExp][] = [
    ['a flipped bit in the text', (e) => flip(e, e.length - 10), /do not match their hash/],
    ['a flipped bit in the hash', (e) => flip(e, 30), /do not match their hash/],
    ['a truncated file', (e) => e.subarray(0, e.length - 100), /do not match their hash/],
    ['a file cut inside its first line', (e) => e.subarray(0, 40), /not a parse cache entry of this version/],
    [
      'another version’s first line',
      (e) => Buffer.concat([Buffer.from('wasmer-ts parse 1 '), e.subarray(18)]),
      /of this version/,
    ],
    [
      'a base that is not a number',
      (e) => Buffer.concat([e.subarray(0, 83), Buffer.from('x'), e.subarray(84)]),
      /of this version/,
    ],
    [
      'a sound hash over data that is not V8’s',
      () => {
        const junk = Buffer.from('not serialized data at all');
        return Buffer.concat([Buffer.from(`wasmer-ts parse 3 ${blake3Hex(junk)} 0\n`), junk]);
      },
      /./,
    ],
    ['an empty file', () => Buffer.alloc(0), /not a parse cache entry/],
  ];
  it.each(damage)('deletes an entry with %s, with a notice, and misses', (_what, hurt, why) => {
    const { dir, file } = filled();
    writeFileSync(file, hurt(readFileSync(file)));
    const notices: string[] = [];
    const cache = new ParseCache(dir, base({ onNotice: (m) => notices.push(m) }));
    expect(cache.load(bytes)).toBeNull();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^cache: discarded ${path.basename(file)} \\(`));
    expect(notices[0]).toMatch(why);
    expect(existsSync(file)).toBe(false);
    // The next save writes it anew.
    cache.save(bytes, parseComponent(bytes));
    expect(cache.load(bytes)).not.toBeNull();
  });

  it('deletes an entry whose text is sound but not this component’s parse', () => {
    const { dir, file } = filled();
    const other = componentFixture('add');
    const otherFile = new ParseCache(dir, base()).fileFor(blake3Hex(other));
    new ParseCache(dir, base()).save(other, parseComponent(other));
    writeFileSync(file, readFileSync(otherFile));
    const notices: string[] = [];
    expect(new ParseCache(dir, base({ onNotice: (m) => notices.push(m) })).load(bytes)).toBeNull();
    expect(notices.join()).toMatch(/not the parse of a component of this size/);
    expect(existsSync(file)).toBe(false);
  });

  it('counts toward the size limit: eviction removes the least recently used entries, and clean all', async () => {
    const { dir, cache, file } = filled();
    const other = componentFixture('add');
    cache.save(other, parseComponent(other));
    const otherFile = cache.fileFor(blake3Hex(other));
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const modules = new ModuleCache(dir);
    await modules.evict(readFileSync(otherFile).length);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(otherFile)).toBe(true);
    expect(await modules.clean()).toMatchObject({ removed: 1 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not save an entry larger than the size limit', () => {
    const { cache, file } = fresh({ maxBytes: 1000 });
    cache.save(bytes, parseComponent(bytes));
    expect(existsSync(file)).toBe(false);
  });
});

describe.skipIf(NO_ADDON)(
  'ParseCache and files the cache did not write (in a child, with a time limit; needs the native addon)',
  () => {
    const lookUp = (dir: string, maxBytes?: number) => {
      const script = `
      import { readFileSync } from 'node:fs';
      import { ParseCache } from ${JSON.stringify(path.join(DIST, 'engine/cache/parse-cache.js'))};
      import { nativeSerializer } from ${JSON.stringify(path.join(DIST, 'engine/native.js'))};
      const notices = [];
      const cache = new ParseCache(${JSON.stringify(dir)}, { stamp: ${JSON.stringify(STAMP)}, v8: nativeSerializer(), onNotice: (m) => notices.push(m)${maxBytes === undefined ? '' : `, maxBytes: ${maxBytes}`} });
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(componentFile)}));
      console.log(JSON.stringify({ hit: cache.load(bytes) !== null, notices }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.error, 'the lookup did not finish').toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { hit: boolean; notices: string[] };
    };
    let componentFile: string;
    beforeAll(() => {
      componentFile = path.join(root, 'resources.wasm');
      writeFileSync(componentFile, bytes);
    });

    const hostile: [string, (file: string) => void, RegExp][] = [
      ['a FIFO', (f) => spawnSync('mkfifo', [f]), /it is a FIFO/],
      ['a symlink to /dev/zero', (f) => symlinkSync('/dev/zero', f), /symbolic link/],
      ['a directory', (f) => mkdirSync(f), /it is a directory/],
    ];
    it.each(hostile)('skips %s at the entry’s name with a notice and leaves it', (_what, make, why) => {
      const { dir, file } = fresh();
      make(file);
      const r = lookUp(dir);
      expect(r.hit).toBe(false);
      expect(r.notices).toHaveLength(1);
      expect(r.notices[0]).toMatch(why);
      expect(r.notices[0]).toMatch(/parsed the component instead/);
      expect(lstatSync(file, { throwIfNoEntry: false })).toBeDefined();
    });

    it('skips an entry larger than the size limit with a notice and leaves it', () => {
      const { dir, file } = filled();
      const r = lookUp(dir, 1000);
      expect(r).toEqual({ hit: false, notices: [expect.stringMatching(/larger than the cache's size limit/)] });
      expect(existsSync(file)).toBe(true);
      // Within the limit, the same entry is a hit from the built library too.
      expect(lookUp(dir)).toEqual({ hit: true, notices: [] });
    });
  },
);

function flip(entry: Buffer, at: number): Buffer {
  const copy = Buffer.from(entry);
  copy[at] = (copy[at] as number) ^ 0x10;
  return copy;
}
