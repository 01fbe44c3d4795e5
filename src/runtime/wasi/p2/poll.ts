/**
 * `wasi:io/poll`: pollables and `poll`. Calls from the guest into the host are
 * synchronous, so waiting means blocking this thread: with `Atomics.wait` (stdio.ts's
 * `sleepMs`) until the earliest clock deadline, never a busy loop. A source without a
 * deadline (stdin on a pipe or a terminal) is asked again every few milliseconds.
 */
import { Trap } from '../../errors.js';
import { sleepMs } from '../stdio.js';

/** What a pollable waits for. */
export interface PollSource {
  /** Whether the event has happened (data to read, the deadline passed, ...). Never blocks. */
  ready(): boolean;
  /**
   * The monotonic time (ns, `process.hrtime.bigint()`) at which the source becomes
   * ready by itself, or null when only asking `ready()` again can tell.
   */
  readonly deadline: bigint | null;
}

/** A source that is always ready: files, output streams, anything that never waits. */
export const ALWAYS_READY: PollSource = { ready: () => true, deadline: null };

/** Longest sleep between two looks at a source without a deadline. */
const RECHECK_MS = 10;

/** `pollable`: made by `subscribe` (streams) and `subscribe-*` (monotonic clock). */
export class Pollable {
  /** @internal */
  readonly source: PollSource;

  /** @internal Made by the host only. */
  constructor(source: PollSource) {
    this.source = source;
  }

  /** `ready`: whether `block` would return at once. */
  ready(): boolean {
    return this.source.ready();
  }

  /** `block`: returns once the pollable is ready. */
  block(): void {
    waitFor([this.source]);
  }
}

/** Sources whose ready() is true, by index; blocks until there is at least one. */
function waitFor(sources: readonly PollSource[]): number[] {
  for (;;) {
    const ready: number[] = [];
    let earliest: bigint | null = null;
    let undated = false;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i]!;
      if (s.ready()) ready.push(i);
      else if (s.deadline === null) undated = true;
      else if (earliest === null || s.deadline < earliest) earliest = s.deadline;
    }
    if (ready.length > 0) return ready;
    // Milliseconds to the earliest deadline, rounded up so that we wake after it, not just before.
    let ms = earliest === null ? RECHECK_MS : Math.ceil(Number(earliest - process.hrtime.bigint()) / 1e6);
    if (undated) ms = Math.min(ms, RECHECK_MS);
    sleepMs(Math.max(ms, 1));
  }
}

/**
 * `poll(in: list<borrow<pollable>>) -> list<u32>`: the indices of the ready pollables,
 * after blocking until at least one is. The WIT says an empty list traps (it could never
 * return): a `Trap`, as does an element that is not a `Pollable`.
 */
export function poll(pollables: readonly Pollable[]): Uint32Array {
  if (pollables.length === 0) throw new Trap('wasi:io/poll.poll: the list of pollables is empty', []);
  const sources = pollables.map((p, i) => {
    if (!(p instanceof Pollable)) throw new Trap(`wasi:io/poll.poll: element ${i} is not a pollable`, []);
    return p.source;
  });
  return Uint32Array.from(waitFor(sources));
}

/** A source ready from monotonic time `deadline` (ns) on. */
export function deadlineSource(deadline: bigint): PollSource {
  return { ready: () => process.hrtime.bigint() >= deadline, deadline };
}
