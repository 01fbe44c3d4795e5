import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../../src/runtime/wasi/p2/filesystem.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import type { IoError } from '../../../../src/runtime/wasi/p2/io-streams.js';
import { errorOf, type P2, p2, str, text } from './helpers.js';

let root: string;
let host: WasiP2Host;
let api: P2;
let dir: Descriptor;

/** Open fds are counted in /proc/self/fd (Linux). */
const PROC_FDS = existsSync('/proc/self/fd');
const RW = { read: true, write: true };
const R = { read: true };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wasmer-ts-p2-fs-'));
  writeFileSync(join(root, 'hello.txt'), 'hello world');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'inner.txt'), 'inner');
  symlinkSync('hello.txt', join(root, 'link'));
  host = createWasiP2Host({ preopens: { '/': root } });
  api = p2(host);
  dir = api.preopens.getDirectories()[0]![0];
});
afterEach(() => {
  host.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Everything an input stream gives until it is closed. */
function drain(stream: { blockingRead(len: bigint): Uint8Array }): string {
  let out = '';
  for (;;) {
    try {
      out += str(stream.blockingRead(4n));
    } catch (err) {
      expect((err as { payload?: unknown }).payload).toEqual({ tag: 'closed' });
      return out;
    }
  }
}

function put(stream: { checkWrite(): bigint; write(b: Uint8Array): void }, s: string): void {
  stream.checkWrite();
  stream.write(text(s));
}

describe('wasi:filesystem/preopens', () => {
  it('lists the preopens in order as descriptors with their guest paths', () => {
    const other = mkdtempSync(join(tmpdir(), 'wasmer-ts-p2-fs2-'));
    try {
      const two = createWasiP2Host({ preopens: { '/': root, '/data': other } });
      const list = p2(two).preopens.getDirectories();
      expect(list.map(([, path]) => path)).toEqual(['/', '/data']);
      const [d] = list[1]!;
      expect(d.getType()).toBe('directory');
      expect(d.getFlags()).toEqual({
        read: true,
        write: false,
        fileIntegritySync: false,
        dataIntegritySync: false,
        requestedWriteSync: false,
        mutateDirectory: true,
      });
      d.createDirectoryAt('made');
      expect(existsSync(join(other, 'made'))).toBe(true);
      two.dispose();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('descriptor streams', () => {
  it('creates a file and writes, reads and appends through streams', () => {
    const file = dir.openAt({}, 'new.txt', { create: true }, RW);
    expect(file.getType()).toBe('regular-file');
    const out = file.writeViaStream(0n);
    put(out, 'abcdef');
    out.blockingWriteAndFlush(text('gh'));
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('abcdefgh');
    const mid = file.writeViaStream(2n);
    put(mid, 'XY');
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('abXYefgh');
    const append = file.appendViaStream();
    put(append, '1');
    // The end moves under the append stream: it writes at the end as it is at each write.
    writeFileSync(join(root, 'new.txt'), '0123456789');
    put(append, '!');
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('0123456789!');
    expect(drain(file.readViaStream(0n))).toBe('0123456789!');
    expect(drain(file.readViaStream(7n))).toBe('789!');
    expect(drain(file.readViaStream(100n))).toBe('');
  });

  it.skipIf(!PROC_FDS)(
    'keeps a stream working after its descriptor is dropped, and closes the fd with the last of them',
    () => {
      const fds = () => readdirSync('/proc/self/fd').length;
      const before = fds();
      const file = dir.openAt({}, 'hello.txt', {}, R);
      const stream = file.readViaStream(6n);
      file[Symbol.dispose]();
      expect(str(stream.blockingRead(100n))).toBe('world');
      expect(fds()).toBe(before + 1);
      stream[Symbol.dispose]();
      expect(fds()).toBe(before);
    },
  );

  it('refuses streams the descriptor was not opened for, and streams on a directory', () => {
    const ro = dir.openAt({}, 'hello.txt', {}, R);
    expect(errorOf(() => ro.writeViaStream(0n))).toBe('bad-descriptor');
    expect(errorOf(() => ro.appendViaStream())).toBe('bad-descriptor');
    expect(errorOf(() => ro.write(text('x'), 0n))).toBe('bad-descriptor');
    expect(errorOf(() => ro.setSize(0n))).toBe('bad-descriptor');
    const wo = dir.openAt({}, 'hello.txt', {}, { write: true });
    expect(errorOf(() => wo.readViaStream(0n))).toBe('bad-descriptor');
    expect(errorOf(() => wo.read(1n, 0n))).toBe('bad-descriptor');
    expect(errorOf(() => dir.readViaStream(0n))).toBe('bad-descriptor');
    expect(errorOf(() => dir.write(text('x'), 0n))).toBe('bad-descriptor');
    expect(errorOf(() => dir.advise(0n, 0n, 'normal'))).toBe('bad-descriptor');
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello world');
  });

  it.skipIf(process.platform !== 'linux')('streams through a FIFO in the preopen, which has no positions', () => {
    execFileSync('mkfifo', [join(root, 'fifo')]);
    // Read and write: opening a FIFO for reading only would wait for a writer.
    const fifo = dir.openAt({}, 'fifo', {}, RW);
    expect(fifo.getType()).toBe('fifo');
    expect(dir.statAt({}, 'fifo').type).toBe('fifo');
    put(fifo.writeViaStream(0n), 'through the pipe');
    expect(str(fifo.readViaStream(0n).blockingRead(100n))).toBe('through the pipe');
    // pread has no meaning there.
    expect(errorOf(() => fifo.read(1n, 0n))).toBe('invalid-seek');
  });

  it.skipIf(!existsSync('/dev/full'))('reports a failed file write with its filesystem error code', () => {
    const dev = createWasiP2Host({ preopens: { '/dev': '/dev' } });
    try {
      const d = p2(dev);
      const full = d.preopens.getDirectories()[0]![0].openAt({}, 'full', {}, { write: true });
      const out = full.writeViaStream(0n);
      const failure = errorOf(() => out.blockingWriteAndFlush(text('x'))) as { tag: string; val: IoError };
      expect(failure.tag).toBe('last-operation-failed');
      expect(d.types.filesystemErrorCode(failure.val)).toBe('insufficient-space');
      expect(errorOf(() => out.checkWrite())).toEqual({ tag: 'closed' });
    } finally {
      dev.dispose();
    }
  });
});

describe('descriptor.open-at', () => {
  it('follows each open flag', () => {
    expect(errorOf(() => dir.openAt({}, 'missing', {}, R))).toBe('no-entry');
    expect(errorOf(() => dir.openAt({}, 'hello.txt', { create: true, exclusive: true }, RW))).toBe('exist');
    dir.openAt({}, 'fresh', { create: true, exclusive: true }, RW);
    expect(statSync(join(root, 'fresh')).size).toBe(0);
    dir.openAt({}, 'hello.txt', { create: true }, RW);
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello world');
    expect(errorOf(() => dir.openAt({}, 'hello.txt', { directory: true }, R))).toBe('not-directory');
    expect(dir.openAt({}, 'sub', { directory: true }, R).getType()).toBe('directory');
    expect(errorOf(() => dir.openAt({}, 'sub', { directory: true, create: true }, R))).toBe('invalid');
    expect(errorOf(() => dir.openAt({}, 'sub', {}, RW))).toBe('is-directory');
    expect(errorOf(() => dir.openAt({}, 'sub', { truncate: true }, R))).toBe('is-directory');
    dir.openAt({}, 'hello.txt', { truncate: true }, { write: true });
    expect(statSync(join(root, 'hello.txt')).size).toBe(0);
  });

  it('opens a final symlink only when asked to follow it (else loop, as O_NOFOLLOW)', () => {
    expect(errorOf(() => dir.openAt({}, 'link', {}, R))).toBe('loop');
    expect(drain(dir.openAt({ symlinkFollow: true }, 'link', {}, R).readViaStream(0n))).toBe('hello world');
    // A symlink in the middle of a path is always followed.
    symlinkSync('sub', join(root, 'sublink'));
    expect(drain(dir.openAt({}, 'sublink/inner.txt', {}, R).readViaStream(0n))).toBe('inner');
  });

  it('gives the descriptor flags asked for, and a path ending in / must be a directory', () => {
    const flags = {
      read: true,
      write: true,
      dataIntegritySync: true,
      fileIntegritySync: true,
      requestedWriteSync: true,
    };
    const f = dir.openAt({}, 'hello.txt', {}, flags);
    expect(f.getFlags()).toEqual({ ...flags, mutateDirectory: false });
    f.write(text('synced'), 0n);
    f.syncData();
    f.sync();
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('syncedworld');
    expect(errorOf(() => dir.openAt({}, 'hello.txt/', {}, R))).toBe('not-directory');
    expect(dir.openAt({}, 'sub/', {}, R).getType()).toBe('directory');
    expect(errorOf(() => f.openAt({}, 'x', {}, R))).toBe('not-directory');
    expect(errorOf(() => dir.openAt({}, 'a\0b', {}, R))).toBe('illegal-byte-sequence');
    expect(errorOf(() => dir.openAt({}, 'n'.repeat(300), {}, R))).toBe('name-too-long');
  });

  // As wasmtime gives: the right to change a directory belongs to the preopen, and the
  // preview1 adapter opens every directory without asking for it (68 of the 72 adapted
  // wasi-testsuite programs need this).
  it("gives a directory opened with open-at its parent's right to change it, whatever flags it asked", () => {
    const sub = dir.openAt({}, 'sub', {}, R);
    expect(sub.getFlags().mutateDirectory).toBe(true);
    expect(drain(sub.openAt({}, 'inner.txt', {}, R).readViaStream(0n))).toBe('inner');
    sub.createDirectoryAt('d');
    sub.openAt({}, 'new', { create: true }, RW).write(new TextEncoder().encode('made'), 0n);
    expect(readdirSync(join(root, 'sub')).sort()).toEqual(['d', 'inner.txt', 'new']);
    expect(readFileSync(join(root, 'sub', 'new'), 'utf8')).toBe('made');
    // A file descriptor never has it: directory operations on it are refused.
    const file = dir.openAt({}, 'hello.txt', {}, R);
    expect(file.getFlags().mutateDirectory).toBe(false);
    expect(errorOf(() => file.createDirectoryAt('x'))).toBe('not-directory');
  });
});

describe('descriptor data and metadata', () => {
  it('reads and writes at offsets without a position, zero-filling a gap', () => {
    const f = dir.openAt({}, 'hello.txt', {}, RW);
    expect(f.read(5n, 0n)).toEqual([text('hello'), false]);
    expect(f.read(100n, 6n)).toEqual([text('world'), true]);
    expect(f.read(10n, 11n)).toEqual([new Uint8Array(0), true]);
    expect(f.write(text('!'), 13n)).toBe(1n);
    expect(readFileSync(join(root, 'hello.txt'))).toEqual(Buffer.from('hello world\0\0!'));
    f.setSize(5n);
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello');
    f.setSize(7n);
    expect(readFileSync(join(root, 'hello.txt'))).toEqual(Buffer.from('hello\0\0'));
    f.advise(0n, 10n, 'sequential');
    expect(errorOf(() => f.advise(0n, 10n, 'sideways' as never))).toBe('invalid');
  });

  it('refuses offsets and sizes past what a file position can be', () => {
    const f = dir.openAt({}, 'hello.txt', {}, RW);
    const huge = 1n << 60n;
    expect(errorOf(() => f.readViaStream(huge))).toBe('overflow');
    expect(errorOf(() => f.writeViaStream(huge))).toBe('overflow');
    expect(errorOf(() => f.read(1n, huge))).toBe('overflow');
    expect(errorOf(() => f.write(text('x'), huge))).toBe('overflow');
    expect(errorOf(() => f.setSize(huge))).toBe('file-too-large');
    // A huge length is fine: a read returns what there is.
    expect(f.read((1n << 64n) - 1n, 0n)).toEqual([text('hello world'), true]);
    expect(
      errorOf(() =>
        f.setTimes({ tag: 'timestamp', val: { seconds: (1n << 64n) - 1n, nanoseconds: 0 } }, { tag: 'now' }),
      ),
    ).toBe('invalid');
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello world');
  });

  it('stats descriptors and paths, following a symlink only when asked', () => {
    const st = dir.statAt({}, 'hello.txt');
    const host = lstatSync(join(root, 'hello.txt'), { bigint: true });
    expect(st.type).toBe('regular-file');
    expect(st.size).toBe(11n);
    expect(st.linkCount).toBe(1n);
    expect(st.dataModificationTimestamp).toEqual({
      seconds: host.mtimeNs / 1_000_000_000n,
      nanoseconds: Number(host.mtimeNs % 1_000_000_000n),
    });
    const link = dir.statAt({}, 'link');
    expect(link.type).toBe('symbolic-link');
    expect(link.size).toBe(BigInt('hello.txt'.length));
    expect(dir.statAt({ symlinkFollow: true }, 'link').type).toBe('regular-file');
    expect(dir.stat().type).toBe('directory');
    expect(dir.openAt({}, 'hello.txt', {}, R).stat().size).toBe(11n);
    expect(errorOf(() => dir.statAt({}, 'nope'))).toBe('no-entry');
    expect(errorOf(() => dir.statAt({}, 'hello.txt/x'))).toBe('not-directory');
  });

  it('sets times exactly to the nanosecond, to now, or leaves them', () => {
    const when = { seconds: 1_000_000_000n, nanoseconds: 123_456_789 };
    dir.setTimesAt({}, 'hello.txt', { tag: 'timestamp', val: when }, { tag: 'timestamp', val: when });
    let st = dir.statAt({}, 'hello.txt');
    expect(st.dataAccessTimestamp).toEqual(when);
    expect(st.dataModificationTimestamp).toEqual(when);
    const f = dir.openAt({}, 'hello.txt', {}, RW);
    const before = BigInt(Date.now()) / 1000n;
    f.setTimes({ tag: 'no-change' }, { tag: 'now' });
    st = f.stat();
    expect(st.dataAccessTimestamp).toEqual(when);
    expect(st.dataModificationTimestamp!.seconds).toBeGreaterThanOrEqual(before - 1n);
    expect(
      errorOf(() => f.setTimes({ tag: 'timestamp', val: { seconds: 1n, nanoseconds: 1e9 } }, { tag: 'now' })),
    ).toBe('invalid');
    expect(errorOf(() => dir.openAt({}, 'hello.txt', {}, R).setTimes({ tag: 'now' }, { tag: 'now' }))).toBe(
      'bad-descriptor',
    );
    // Without following, set-times-at changes the link itself, not its target.
    dir.setTimesAt({}, 'link', { tag: 'no-change' }, { tag: 'timestamp', val: { seconds: 5n, nanoseconds: 0 } });
    expect(lstatSync(join(root, 'link')).mtimeMs).toBe(5000);
    expect(dir.statAt({}, 'hello.txt').dataAccessTimestamp).toEqual(when);
  });

  it('tells whether two descriptors are one object, and hashes metadata', () => {
    const a = dir.openAt({}, 'hello.txt', {}, R);
    const b = dir.openAt({ symlinkFollow: true }, 'link', {}, RW);
    const c = dir.openAt({}, 'sub/inner.txt', {}, R);
    expect(a.isSameObject(b)).toBe(true);
    expect(a.isSameObject(c)).toBe(false);
    const hash = a.metadataHash();
    expect(typeof hash.lower).toBe('bigint');
    expect(a.metadataHash()).toEqual(hash);
    expect(dir.metadataHashAt({}, 'hello.txt')).toEqual(hash);
    expect(dir.metadataHashAt({ symlinkFollow: true }, 'link')).toEqual(hash);
    expect(dir.metadataHashAt({}, 'link')).not.toEqual(hash);
    expect(c.metadataHash()).not.toEqual(hash);
    b.write(text('more bytes than before'), 0n);
    expect(a.metadataHash()).not.toEqual(hash);
  });
});

describe('directories and names', () => {
  it('lists a directory without . and .., with each entry type', () => {
    mkdirSync(join(root, 'sub', 'deeper'));
    symlinkSync('inner.txt', join(root, 'sub', 'l'));
    const entries = dir.openAt({}, 'sub', {}, R).readDirectory();
    const seen: { type: string; name: string }[] = [];
    for (let e = entries.readDirectoryEntry(); e !== undefined; e = entries.readDirectoryEntry()) seen.push(e);
    expect(seen.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { type: 'directory', name: 'deeper' },
      { type: 'regular-file', name: 'inner.txt' },
      { type: 'symbolic-link', name: 'l' },
    ]);
    expect(entries.readDirectoryEntry()).toBeUndefined();
    expect(errorOf(() => dir.openAt({}, 'hello.txt', {}, R).readDirectory())).toBe('not-directory');
  });

  it('creates and removes directories', () => {
    dir.createDirectoryAt('a');
    dir.createDirectoryAt('a/b/');
    expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
    expect(errorOf(() => dir.createDirectoryAt('a'))).toBe('exist');
    expect(errorOf(() => dir.createDirectoryAt('x/y'))).toBe('no-entry');
    expect(errorOf(() => dir.removeDirectoryAt('a'))).toBe('not-empty');
    expect(errorOf(() => dir.removeDirectoryAt('hello.txt'))).toBe('not-directory');
    expect(errorOf(() => dir.removeDirectoryAt('.'))).toBe('invalid');
    dir.removeDirectoryAt('a/b');
    dir.removeDirectoryAt('a/');
    expect(existsSync(join(root, 'a'))).toBe(false);
  });

  it('unlinks files, not directories, and a symlink rather than its target', () => {
    dir.unlinkFileAt('link');
    expect(existsSync(join(root, 'hello.txt'))).toBe(true);
    expect(errorOf(() => dir.unlinkFileAt('sub'))).toBe('is-directory');
    expect(errorOf(() => dir.unlinkFileAt('missing'))).toBe('no-entry');
    expect(errorOf(() => dir.unlinkFileAt('hello.txt/'))).toBe('not-directory');
    dir.unlinkFileAt('sub/inner.txt');
    expect(readdirSync(join(root, 'sub'))).toEqual([]);
  });

  it('renames within and across descriptors', () => {
    const sub = dir.openAt({}, 'sub', {}, { read: true, mutateDirectory: true });
    dir.renameAt('hello.txt', sub, 'moved.txt');
    expect(readFileSync(join(root, 'sub', 'moved.txt'), 'utf8')).toBe('hello world');
    sub.renameAt('moved.txt', sub, 'again.txt');
    expect(readdirSync(join(root, 'sub')).sort()).toEqual(['again.txt', 'inner.txt']);
    expect(errorOf(() => dir.renameAt('missing', dir, 'x'))).toBe('no-entry');
    expect(errorOf(() => dir.renameAt('sub', dir, 'sub/inside'))).toBe('invalid');
    expect(errorOf(() => dir.renameAt('link/', dir, 'x'))).toBe('not-directory');
  });

  it('makes hard links to files only', () => {
    dir.linkAt({}, 'hello.txt', dir, 'sub/hard');
    expect(statSync(join(root, 'sub', 'hard')).ino).toBe(statSync(join(root, 'hello.txt')).ino);
    expect(dir.statAt({}, 'hello.txt').linkCount).toBe(2n);
    expect(errorOf(() => dir.linkAt({}, 'sub', dir, 'dirlink'))).toBe('not-permitted');
    expect(errorOf(() => dir.linkAt({}, 'hello.txt', dir, 'sub/inner.txt'))).toBe('exist');
    expect(errorOf(() => dir.linkAt({}, 'missing', dir, 'x'))).toBe('no-entry');
    // Following the source link makes a hard link to its target.
    dir.linkAt({ symlinkFollow: true }, 'link', dir, 'target-link');
    expect(lstatSync(join(root, 'target-link')).isFile()).toBe(true);
    expect(errorOf(() => dir.linkAt({}, 'hello.txt', {} as never, 'x'))).toBe('bad-descriptor');
  });

  it('makes and reads symlinks', () => {
    dir.symlinkAt('sub/inner.txt', 'mine');
    expect(readlinkSync(join(root, 'mine'))).toBe('sub/inner.txt');
    expect(dir.readlinkAt('mine')).toBe('sub/inner.txt');
    expect(drain(dir.openAt({ symlinkFollow: true }, 'mine', {}, R).readViaStream(0n))).toBe('inner');
    expect(errorOf(() => dir.symlinkAt('x', 'hello.txt'))).toBe('exist');
    expect(errorOf(() => dir.readlinkAt('hello.txt'))).toBe('invalid');
    expect(errorOf(() => dir.readlinkAt('missing'))).toBe('no-entry');
    // Dangling is fine as long as it points inside.
    dir.symlinkAt('not-yet', 'dangling');
    expect(errorOf(() => dir.openAt({ symlinkFollow: true }, 'dangling', {}, R))).toBe('no-entry');
    dir.openAt({ symlinkFollow: true }, 'dangling', { create: true }, RW);
    expect(existsSync(join(root, 'not-yet'))).toBe(true);
  });
});

describe('the host', () => {
  it.skipIf(!PROC_FDS)('closes every host fd it opened on dispose', () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const h = createWasiP2Host({ preopens: { '/': root } });
    const d = p2(h).preopens.getDirectories()[0]![0];
    d.openAt({}, 'hello.txt', {}, R).readViaStream(0n);
    d.openAt({}, 'sub', {}, R).openAt({}, 'inner.txt', {}, R);
    expect(fds()).toBeGreaterThan(before + 3);
    h.dispose();
    expect(fds()).toBe(before);
    // Hard links the guest made are ordinary files afterwards.
    linkSync(join(root, 'hello.txt'), join(root, 'h2'));
    expect(readFileSync(join(root, 'h2'), 'utf8')).toBe('hello world');
  });
});
