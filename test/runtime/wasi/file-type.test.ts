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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus } from '../../../src/runtime/engine/native.js';
import { filestatInto, fstatTypeWith, lstatTypeWith, statIds } from '../../../src/runtime/wasi/file-type.js';

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

  it('writes nothing and answers -1 for a missing file or another error, for the caller to ask Node', () => {
    const memory = new Uint8Array(64).fill(7);
    expect(filestatInto(join(dir, 'missing'), memory, 0)).toBe(-1);
    expect(filestatInto(join(dir, 'file', 'below'), memory, 0)).toBe(-1);
    expect(filestatInto(`${dir}/file\0`, memory, 0)).toBe(-1);
    expect(memory.every((b) => b === 7)).toBe(true);
    expect(() => filestatInto(join(dir, 'file'), memory, 1)).toThrow(TypeError);
  });
});
