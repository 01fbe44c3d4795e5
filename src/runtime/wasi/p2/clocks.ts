/**
 * `wasi:clocks/monotonic-clock` and `wasi:clocks/wall-clock`. The monotonic clock is
 * `process.hrtime.bigint()` (ns); the wall clock is that plus the offset to
 * `Date.now()` taken once per host, as preview1's clock_time_get does, so that it has
 * nanosecond steps and never jumps backwards within a run.
 */
import { deadlineSource, Pollable } from './poll.js';

/** `datetime`: seconds and nanoseconds since the Unix epoch. */
export interface Datetime {
  readonly seconds: bigint;
  readonly nanoseconds: number;
}

/** A datetime from nanoseconds since the epoch (a negative time is clamped to the epoch: u64 seconds). */
export function datetimeOfNs(ns: bigint): Datetime {
  if (ns < 0n) return { seconds: 0n, nanoseconds: 0 };
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

/** The wall clock now, in ns since the epoch, for a host whose anchor is `anchor` (realtime minus monotonic). */
export function wallNs(anchor: bigint): bigint {
  return anchor + process.hrtime.bigint();
}

const U64_MAX = (1n << 64n) - 1n;

/** The `wasi:clocks/*` interfaces; `anchor` is realtime minus monotonic, in ns. */
export function clockInterfaces(anchor: bigint): Record<string, object> {
  return {
    'wasi:clocks/monotonic-clock': {
      /** `now -> instant` (u64 ns). */
      now: (): bigint => process.hrtime.bigint(),
      /** `resolution -> duration`: hrtime counts nanoseconds. */
      resolution: (): bigint => 1n,
      /** `subscribe-instant(when: instant) -> pollable`: ready from `when` on (at once if it has passed). */
      subscribeInstant: (when: bigint): Pollable => new Pollable(deadlineSource(when)),
      /** `subscribe-duration(when: duration) -> pollable`: ready `when` ns from now. */
      subscribeDuration: (when: bigint): Pollable => {
        const deadline = process.hrtime.bigint() + when;
        return new Pollable(deadlineSource(deadline > U64_MAX ? U64_MAX : deadline));
      },
    },
    'wasi:clocks/wall-clock': {
      /** `now -> datetime`. */
      now: (): Datetime => datetimeOfNs(wallNs(anchor)),
      /** `resolution -> datetime`: one nanosecond, as the monotonic clock it is derived from. */
      resolution: (): Datetime => ({ seconds: 0n, nanoseconds: 1 }),
    },
  };
}
