import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Trap } from '../../../../src/runtime/errors.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { BLOCKING_WRITE_MAX, IoError, WRITE_BUDGET } from '../../../../src/runtime/wasi/p2/io-streams.js';
import { errorOf, p2, str, text } from './helpers.js';

let dir: string;
const hosts: WasiP2Host[] = [];
const make = (...args: Parameters<typeof createWasiP2Host>) => {
  const host = createWasiP2Host(...args);
  hosts.push(host);
  return host;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-p2-io-'));
});
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('input-stream', () => {
  it('reads what is asked at most, skips, and is closed at the end', () => {
    const input = p2(make({ stdin: new Uint8Array([1, 2, 3, 4, 5, 6, 7]) })).stdin.getStdin();
    expect(input.read(0n)).toEqual(new Uint8Array(0));
    expect(input.read(2n)).toEqual(new Uint8Array([1, 2]));
    expect(input.skip(2n)).toBe(2n);
    expect(input.blockingSkip(1n)).toBe(1n);
    expect(input.blockingRead(1n << 62n)).toEqual(new Uint8Array([6, 7]));
    expect(errorOf(() => input.read(5n))).toEqual({ tag: 'closed' });
    expect(errorOf(() => input.skip(5n))).toEqual({ tag: 'closed' });
    // A closed stream is closed for good, and its pollable is ready.
    expect(errorOf(() => input.read(0n))).toEqual({ tag: 'closed' });
    expect(input.subscribe().ready()).toBe(true);
  });

  // A FIFO opened read-write (so that the test can write into it) is the guest's stdin:
  // a non-blocking read of an empty pipe returns nothing, and its pollable is not ready.
  it.skipIf(process.platform !== 'linux')(
    'does not wait in read on an empty pipe, and its pollable says when data came',
    () => {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
      try {
        const api = p2(make({ stdin: { fd } }));
        const input = api.stdin.getStdin();
        const pollable = input.subscribe();
        expect(pollable.ready()).toBe(false);
        expect(input.read(10n)).toEqual(new Uint8Array(0));
        // poll with a 30 ms clock: only the clock is ready.
        const started = process.hrtime.bigint();
        expect([...api.poll.poll([pollable, api.monotonic.subscribeDuration(30_000_000n)])]).toEqual([1]);
        expect(process.hrtime.bigint() - started).toBeGreaterThanOrEqual(30_000_000n);
        writeSync(fd, 'typed');
        expect(pollable.ready()).toBe(true);
        expect([...api.poll.poll([pollable])]).toEqual([0]);
        expect(str(input.read(10n))).toBe('typed');
        writeSync(fd, 'more');
        pollable.block();
        expect(str(input.blockingRead(10n))).toBe('more');
      } finally {
        closeSync(fd);
      }
    },
  );
});

describe('output-stream', () => {
  it('grants a permit with check-write, and a write beyond it traps', () => {
    const host = make({ stdout: 'pipe' });
    const out = p2(host).stdout.getStdout();
    // No permit yet: the WIT says write without check-write traps.
    expect(() => out.write(text('x'))).toThrow(Trap);
    expect(out.checkWrite()).toBe(BigInt(WRITE_BUDGET));
    out.write(new Uint8Array(WRITE_BUDGET - 1));
    out.write(text('y'));
    expect(() => out.write(text('z'))).toThrow(/check-write permitted 0/);
    expect(out.checkWrite()).toBe(BigInt(WRITE_BUDGET));
    expect(() => out.write(new Uint8Array(WRITE_BUDGET + 1))).toThrow(Trap);
    out.flush();
    out.blockingFlush();
    expect(host.stdout.length).toBe(WRITE_BUDGET);
    expect(host.stdout[WRITE_BUDGET - 1]).toBe(0x79);
    expect(out.subscribe().ready()).toBe(true);
  });

  it('takes up to 4096 bytes in blocking-write-and-flush and traps above, writing nothing', () => {
    const host = make({ stdout: 'pipe' });
    const out = p2(host).stdout.getStdout();
    out.blockingWriteAndFlush(new Uint8Array(BLOCKING_WRITE_MAX).fill(0x61));
    expect(() => out.blockingWriteAndFlush(new Uint8Array(BLOCKING_WRITE_MAX + 1))).toThrow(Trap);
    expect(() => out.blockingWriteZeroesAndFlush(BigInt(BLOCKING_WRITE_MAX + 1))).toThrow(Trap);
    expect(host.stdout.length).toBe(4096);
    // The stream is still usable: a trap is the guest's end, not the stream's.
    out.blockingWriteZeroesAndFlush(3n);
    expect(host.stdout.length).toBe(4099);
    expect([...host.stdout.subarray(4095)]).toEqual([0x61, 0, 0, 0]);
  });

  it('writes zeroes under the same permit as write', () => {
    const host = make({ stdout: 'pipe' });
    const out = p2(host).stdout.getStdout();
    expect(() => out.writeZeroes(1n)).toThrow(Trap);
    out.checkWrite();
    out.writeZeroes(5n);
    expect(() => out.writeZeroes(BigInt(WRITE_BUDGET))).toThrow(Trap);
    expect(host.stdout).toEqual(new Uint8Array(5));
  });

  it('splices from an input stream until it is closed', () => {
    const host = make({ stdin: 'spliced text', stdout: 'pipe' });
    const api = p2(host);
    const input = api.stdin.getStdin();
    const out = api.stdout.getStdout();
    expect(out.splice(input, 7n)).toBe(7n);
    expect(out.blockingSplice(input, 100n)).toBe(5n);
    expect(errorOf(() => out.splice(input, 1n))).toEqual({ tag: 'closed' });
    expect(host.stdoutText).toBe('spliced text');
    expect(() => out.splice({} as never, 1n)).toThrow(Trap);
  });

  it('reports a failed write as last-operation-failed with an error, then closed', () => {
    // A host fd open only for reading: write(2) fails with EBADF.
    const path = join(dir, 'ro');
    closeSync(openSync(path, 'w'));
    const fd = openSync(path, 'r');
    try {
      const api = p2(make({ stdout: { fd } }));
      const out = api.stdout.getStdout();
      const failure = errorOf(() => out.blockingWriteAndFlush(text('x'))) as { tag: string; val: IoError };
      expect(failure.tag).toBe('last-operation-failed');
      expect(failure.val).toBeInstanceOf(IoError);
      expect(failure.val.toDebugString()).toMatch(/^write failed: .*EBADF/);
      expect(api.types.filesystemErrorCode(failure.val)).toBe('bad-descriptor');
      expect(errorOf(() => out.checkWrite())).toEqual({ tag: 'closed' });
      expect(errorOf(() => out.flush())).toEqual({ tag: 'closed' });
      expect(out.subscribe().ready()).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});

describe('wasi:io/error', () => {
  it('is the Error resource of wasi:io/error', () => {
    expect((make().imports['wasi:io/error'] as { Error: unknown }).Error).toBe(IoError);
  });
});
