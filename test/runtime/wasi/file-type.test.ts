// wasi/file-type.ts: a stat's file type, device and inode without a Stats object, through
// the native addon's statType, and through Node's lstatSync/fstatSync without it. Both
// must say what Node's Stats say, on real files, and throw Node's error where it does.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants as fsc,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus } from '../../../src/runtime/engine/native.js';
import {
  filestatInto,
  fstatTypeWith,
  lstatTypeInWith,
  lstatTypeWith,
  statIds,
} from '../../../src/runtime/wasi/file-type.js';
import { wat } from '../../helpers/wat.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-file-type-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'file'), 'x');
  symlinkSync('file', join(dir, 'link'));
  symlinkSync('nowhere', join(dir, 'dangling'));
  spawnSync('mkfifo', [join(dir, 'fifo')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ways = [
  ...(nativeStatus().available ? [['the addon', nativeAddon()?.statType ?? false] as const] : []),
  ['Node’s lstatSync and fstatSync', false] as const,
];

const waysIn = [
  ...(nativeStatus().available ? [['the addon’s statTypeIn', nativeAddon()?.statTypeIn ?? false] as const] : []),
  ['a joined path and lstatType', false] as const,
];

describe.each(waysIn)('lstatTypeIn, with %s', (_how, statTypeIn) => {
  it('gives what lstat of the joined path gives, for every kind of file, and 0 for a missing one', () => {
    for (const name of ['sub', 'file', 'link', 'dangling', 'fifo', 'missing']) {
      const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
      expect({ name, type: lstatTypeInWith(statTypeIn, dir, name) }).toEqual({
        name,
        type: (st?.mode ?? 0) & fsc.S_IFMT,
      });
      if (st !== undefined) expect([...statIds]).toEqual([st.dev, st.ino]);
    }
    expect(lstatTypeInWith(statTypeIn, join(dir, 'sub'), 'missing')).toBe(0);
    expect(lstatTypeInWith(statTypeIn, '/dev', 'null')).toBe(fsc.S_IFCHR);
  });

  it('throws Node’s error for anything but a missing file', () => {
    expect(() => lstatTypeInWith(statTypeIn, join(dir, 'file'), 'below')).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(() => lstatTypeInWith(statTypeIn, dir, 'file\0/etc')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

describe.each(ways)('lstatType and fstatType, with %s', (_how, statType) => {
  it('gives the type, device and inode Node’s Stats give, for every kind of file', () => {
    for (const name of ['sub', 'file', 'link', 'dangling', 'fifo', '.']) {
      const path = join(dir, name);
      const st = lstatSync(path);
      expect({ name, type: lstatTypeWith(statType, path) }).toEqual({ name, type: st.mode & fsc.S_IFMT });
      expect([...statIds]).toEqual([st.dev, st.ino]);
    }
    expect(lstatTypeWith(statType, join(dir, 'link'))).toBe(fsc.S_IFLNK);
    expect(lstatTypeWith(statType, '/dev/null')).toBe(fsc.S_IFCHR);
  });

  it('gives 0 for a missing file, and throws Node’s error for anything else', () => {
    expect(lstatTypeWith(statType, join(dir, 'missing'))).toBe(0);
    expect(lstatTypeWith(statType, join(dir, 'sub', 'missing'))).toBe(0);
    expect(() => lstatTypeWith(statType, `${dir}/file\0/etc`)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => lstatTypeWith(statType, join(dir, 'file', 'below'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });

  it('fstats an open file descriptor, and throws EBADF for a closed one', () => {
    const fd = openSync(join(dir, 'file'), 'r');
    try {
      const st = fstatSync(fd);
      expect(fstatTypeWith(statType, fd)).toBe(fsc.S_IFREG);
      expect([...statIds]).toEqual([st.dev, st.ino]);
    } finally {
      closeSync(fd);
    }
    expect(() => fstatTypeWith(statType, fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});

describe.runIf(nativeStatus().available)('filestatInto: a WASI filestat written from stat(2) (needs the addon)', () => {
  /** The preview1 filestat BigIntStats give (filetype left 0, as filestatInto leaves it). */
  const expected = (st: import('node:fs').BigIntStats) => {
    const out = new DataView(new ArrayBuffer(64));
    out.setBigUint64(0, st.dev, true);
    out.setBigUint64(8, st.ino, true);
    out.setBigUint64(24, st.nlink, true);
    out.setBigUint64(32, st.size, true);
    out.setBigUint64(40, st.atimeNs, true);
    out.setBigUint64(48, st.mtimeNs, true);
    out.setBigUint64(56, st.ctimeNs, true);
    return [...new Uint8Array(out.buffer)];
  };

  it('writes what lstat with bigint: true gives, at the offset and nowhere else, for every kind of file', () => {
    for (const name of ['sub', 'file', 'link', 'fifo']) {
      const path = join(dir, name);
      const memory = new Uint8Array(200).fill(0xaa);
      const type = filestatInto(path, memory, 100);
      const st = lstatSync(path, { bigint: true });
      expect({ name, type }).toEqual({ name, type: Number(st.mode) & fsc.S_IFMT });
      expect([...memory.subarray(100, 164)]).toEqual(expected(st));
      expect(memory.subarray(0, 100).every((b) => b === 0xaa) && memory.subarray(164).every((b) => b === 0xaa)).toBe(
        true,
      );
    }
  });

  it('fstats an fd the same way', () => {
    const fd = openSync(join(dir, 'file'), 'r');
    try {
      const memory = new Uint8Array(64);
      expect(filestatInto(fd, memory, 0)).toBe(fsc.S_IFREG);
      expect([...memory]).toEqual(expected(fstatSync(fd, { bigint: true })));
    } finally {
      closeSync(fd);
    }
  });

  it('writes nothing, and answers 0 for a missing file, -1 for another error (for the caller to ask Node)', () => {
    const memory = new Uint8Array(64).fill(7);
    expect(filestatInto(join(dir, 'missing'), memory, 0)).toBe(0);
    expect(filestatInto(join(dir, 'file', 'below'), memory, 0)).toBe(-1);
    expect(filestatInto(`${dir}/file\0`, memory, 0)).toBe(-1);
    expect(memory.every((b) => b === 7)).toBe(true);
    expect(() => filestatInto(join(dir, 'file'), memory, 1)).toThrow(TypeError);
  });
});

describe('path_filestat_get through the host, with and without the addon', () => {
  /** stat(name) of `name` written at 64: its errno, and the 64 bytes of filestat there. */
  const GUEST = `(module
    (import "wasi_snapshot_preview1" "path_filestat_get"
      (func $stat (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_initialize"))
    (func (export "stat") (param $len i32) (result i32)
      (call $stat (i32.const 3) (i32.const 0) (i32.const 256) (local.get $len) (i32.const 64))))`;

  it.each([
    ['the addon', {}],
    ['Node’s stat (WASMER_TS_NATIVE=0)', { WASMER_TS_NATIVE: '0' }],
  ])('answers NOENT for a missing name and writes what lstat says for a file, with %s', async (_how, env) => {
    const bytes = await wat(GUEST);
    const script = `
      import { Instance, Module, Wasi } from ${JSON.stringify(fileURLToPath(new URL('../../../dist/runtime/index.js', import.meta.url)))};
      const module = new Module(Buffer.from(process.argv[1], 'base64'));
      const wasi = new Wasi({ preopens: { '/': process.argv[2] } });
      const instance = new Instance(module, wasi.getImports(module));
      wasi.initialize(instance);
      const memory = new Uint8Array(instance.raw.exports.memory.buffer);
      const out = {};
      for (const name of ['missing', 'file', 'sub/missing']) {
        memory.set(new TextEncoder().encode(name), 256);
        const errno = instance.raw.exports.stat(name.length);
        out[name] = { errno, bytes: [...memory.subarray(64, 128)] };
      }
      console.log(JSON.stringify(out));`;
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, Buffer.from(bytes).toString('base64'), dir],
      {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { errno: number; bytes: number[] }>;
    const NOENT = 44;
    expect(out.missing?.errno).toBe(NOENT);
    expect(out['sub/missing']?.errno).toBe(NOENT);
    expect(out.file?.errno).toBe(0);
    const st = lstatSync(join(dir, 'file'), { bigint: true });
    const view = new DataView(Uint8Array.from(out.file?.bytes ?? []).buffer);
    expect(view.getBigUint64(0, true)).toBe(st.dev);
    expect(view.getBigUint64(8, true)).toBe(st.ino);
    expect(view.getUint8(16)).toBe(4); // REGULAR_FILE
    expect(view.getBigUint64(32, true)).toBe(st.size);
    expect(view.getBigUint64(48, true)).toBe(st.mtimeNs);
  });
});
