import { afterEach, describe, expect, it } from 'vitest';
import { Trap } from '../../../../src/runtime/errors.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { p2 } from './helpers.js';

const hosts: WasiP2Host[] = [];
const api = () => {
  const host = createWasiP2Host();
  hosts.push(host);
  return p2(host);
};
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

const MS = 1_000_000n;

describe('wasi:clocks/monotonic-clock and wasi:io/poll', () => {
  it('makes a 20 ms pollable that is not ready before block() and is after, 20 ms later', () => {
    const { monotonic } = api();
    const started = monotonic.now();
    const pollable = monotonic.subscribeDuration(20n * MS);
    expect(pollable.ready()).toBe(false);
    pollable.block();
    const elapsed = monotonic.now() - started;
    expect(pollable.ready()).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(20n * MS);
    // Atomics.wait sleeps for the time left: a scheduler may add some, but not seconds.
    expect(elapsed).toBeLessThan(2000n * MS);
  });

  it('subscribes to an instant: one past is ready at once, one ahead after it', () => {
    const { monotonic } = api();
    expect(monotonic.subscribeInstant(monotonic.now() - MS).ready()).toBe(true);
    expect(monotonic.subscribeInstant(0n).ready()).toBe(true);
    const when = monotonic.now() + 15n * MS;
    const pollable = monotonic.subscribeInstant(when);
    expect(pollable.ready()).toBe(false);
    pollable.block();
    expect(monotonic.now()).toBeGreaterThanOrEqual(when);
    // A duration past the end of u64 is clamped: never ready, not an error.
    expect(monotonic.subscribeDuration((1n << 64n) - 1n).ready()).toBe(false);
  });

  it('returns the indices of the ready pollables, waiting only for the first', () => {
    const { monotonic, poll } = api();
    const started = monotonic.now();
    const list = [monotonic.subscribeDuration(10_000n * MS), monotonic.subscribeDuration(15n * MS)];
    expect([...poll.poll(list)]).toEqual([1]);
    const elapsed = monotonic.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(15n * MS);
    expect(elapsed).toBeLessThan(5000n * MS);
    const ready = poll.poll([monotonic.subscribeDuration(0n), list[0]!, monotonic.subscribeInstant(0n)]);
    expect(ready).toBeInstanceOf(Uint32Array);
    expect([...ready]).toEqual([0, 2]);
  });

  it('traps on an empty list and on something that is not a pollable', () => {
    const { poll } = api();
    expect(() => poll.poll([])).toThrow(Trap);
    expect(() => poll.poll([{} as never])).toThrow(/element 0 is not a pollable/);
  });

  it('counts time in nanoseconds, forwards only', () => {
    const { monotonic } = api();
    const a = monotonic.now();
    const b = monotonic.now();
    expect(typeof a).toBe('bigint');
    expect(b).toBeGreaterThanOrEqual(a);
    expect(monotonic.resolution()).toBe(1n);
  });
});

describe('wasi:clocks/wall-clock', () => {
  it('tells the time since the epoch as seconds and nanoseconds', () => {
    const { wall } = api();
    const before = BigInt(Date.now());
    const now = wall.now();
    const after = BigInt(Date.now());
    expect(typeof now.seconds).toBe('bigint');
    expect(Number.isInteger(now.nanoseconds)).toBe(true);
    expect(now.nanoseconds).toBeGreaterThanOrEqual(0);
    expect(now.nanoseconds).toBeLessThan(1e9);
    const ms = now.seconds * 1000n + BigInt(Math.floor(now.nanoseconds / 1e6));
    // Anchored to Date.now() once: within a few ms of it.
    expect(ms).toBeGreaterThanOrEqual(before - 5n);
    expect(ms).toBeLessThanOrEqual(after + 5n);
    expect(wall.resolution()).toEqual({ seconds: 0n, nanoseconds: 1 });
  });
});
