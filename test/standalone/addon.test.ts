// The standalone executable (src/standalone/) writes its native addon out of itself before loading
// it (src/standalone/addon.ts): into a directory only this user can write, and
// only a copy whose SHA-256 matches is ever returned for loading.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractAddon, privateDirectory } from '../../src/standalone/addon.js';
import { nodeOptionsFor } from '../../src/standalone/embedding.js';

const root = mkdtempSync(join(tmpdir(), 'wasmer-ts-addon-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const addon = new TextEncoder().encode('pretend this is an ELF shared object');
const hash = createHash('sha256').update(addon).digest('hex');

let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

describe('extractAddon', () => {
  it('writes a private copy once and then reuses it, compared with the asset, not written again', () => {
    const dir = freshDir();
    const first = extractAddon(() => addon, hash, dir);
    const { path } = first as { path: string };
    expect(first).toEqual({ path: join(dir, `native-${hash.slice(0, 16)}.node`) });
    expect(readFileSync(path)).toEqual(Buffer.from(addon));
    const written = statSync(path).mtimeMs;
    const inode = statSync(path).ino;
    expect(extractAddon(() => addon, hash, dir)).toEqual(first);
    expect(statSync(path).ino).toBe(inode);
    expect(statSync(path).mtimeMs).toBe(written);
  });

  it('replaces a copy of the same length with one byte changed', () => {
    const dir = freshDir();
    const { path } = extractAddon(() => addon, hash, dir) as { path: string };
    const damaged = Buffer.from(addon);
    damaged.writeUInt8(damaged.readUInt8(5) ^ 1, 5);
    writeFileSync(path, damaged);
    expect(extractAddon(() => addon, hash, dir)).toEqual({ path });
    expect(readFileSync(path)).toEqual(Buffer.from(addon));
  });

  it('replaces a copy that was changed on disk instead of loading it', () => {
    const dir = freshDir();
    const { path } = extractAddon(() => addon, hash, dir) as { path: string };
    writeFileSync(path, 'swapped');
    expect(extractAddon(() => addon, hash, dir)).toEqual({ path });
    expect(readFileSync(path)).toEqual(Buffer.from(addon));
  });

  it('refuses an asset whose hash does not match (a damaged executable)', () => {
    const result = extractAddon(() => new TextEncoder().encode('something else'), hash, freshDir());
    expect(result).toEqual({ reason: 'the native addon inside this executable is damaged (hash mismatch)' });
  });

  it('refuses a directory open to other users, and a symbolic link', () => {
    const open = freshDir();
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    expect(extractAddon(() => addon, hash, open)).toEqual({
      reason: `the native addon was not written out: ${open} is open to other users (mode 755)`,
    });
    const target = freshDir();
    mkdirSync(target, { mode: 0o700 });
    const link = freshDir();
    symlinkSync(target, link);
    expect(extractAddon(() => addon, hash, link)).toEqual({
      reason: `the native addon was not written out: ${link} is a symbolic link`,
    });
  });

  it('puts the directory in $XDG_RUNTIME_DIR when there is one, else the temp directory, per user', () => {
    const uid = process.getuid?.() ?? 0;
    expect(privateDirectory({ XDG_RUNTIME_DIR: '/run/user/7' })).toBe(`/run/user/7/wasmer-ts-${uid}`);
    expect(privateDirectory({})).toBe(join(tmpdir(), `wasmer-ts-${uid}`));
  });
});

describe('nodeOptionsFor (the flags of a child of the executable)', () => {
  const baked = ['--no-liftoff'];
  it('turns a baked flag the child must not have back to its default', () => {
    expect(nodeOptionsFor([], baked)).toBe('--liftoff');
    expect(nodeOptionsFor(['--trace-wasm-compilation-times'], baked)).toBe('--liftoff --trace-wasm-compilation-times');
  });
  it('keeps the baked flags the child wants, and adds the rest', () => {
    expect(nodeOptionsFor(['--no-liftoff', '--no-wasm-lazy-compilation'], baked)).toBe(
      '--no-liftoff --no-wasm-lazy-compilation',
    );
    expect(nodeOptionsFor(['--no-liftoff'], baked)).toBe('--no-liftoff');
  });
  it('quotes a flag with a space or a quote as NODE_OPTIONS reads it', () => {
    expect(nodeOptionsFor(['--title=a b', '--x="y"'], [])).toBe('"--title=a b" "--x=\\"y\\""');
  });
});
