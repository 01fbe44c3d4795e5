/**
 * poll_oneoff: clock and fd subscriptions, with its own sleep loop (calls from
 * Wasm into the host are synchronous, so waiting means blocking the thread).
 */
import { fstatSync } from 'node:fs';
import { CLOCK, ERRNO, EVENTTYPE, RIGHTS, SUBCLOCKFLAGS_ABSTIME } from './constants.js';
import type { FdEntry, FdTable } from './fd-table.js';
import { EVENT, type GuestMemory, type SubscriptionLayout } from './guest-memory.js';
import { sleepMs } from './stdio.js';

/** Process CPU time in ns (Node has no per-thread clock: thread time is the process's). */
export function cpuTimeNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * Events are written straight into the guest's output array as subscriptions are
 * read (no arrays or records of ours): first the ones ready now; if there are none,
 * it sleeps until the earliest clock while re-checking the waiting inputs, then
 * writes what fired. Deadlines are kept in nanoseconds as numbers on the monotonic
 * clock (exact below 2^53 ns, about 104 days; sleeping needs no more).
 * `anchorNs` is realtime minus monotonic, as clock_time_get reports realtime.
 */
export function pollOneoff(
  mem: GuestMemory,
  fds: FdTable,
  layout: SubscriptionLayout,
  anchorNs: number,
  signedIn: number,
  signedOut: number,
  signedCount: number,
  neventsPtr: number,
): number {
  // Unsigned, as in check(): a count of 2^31 or more must not read as negative (then as no work).
  const count = signedCount >>> 0;
  if (count === 0) return ERRNO.INVAL;
  const inPtr = mem.checkArray(signedIn, count, layout.size);
  const outPtr = mem.checkArray(signedOut, count, EVENT.size);
  const neventsAt = mem.check(neventsPtr, 4);
  const dv = mem.dv;
  const start = Number(process.hrtime.bigint());
  let ready = 0;
  let earliest = Number.POSITIVE_INFINITY;
  let clocks = 0;
  let waiting = 0;
  for (let i = 0; i < count; i++) {
    const sub = inPtr + i * layout.size;
    const type = dv.getUint8(sub + layout.tag);
    if (type === EVENTTYPE.CLOCK) {
      const deadline = clockDeadline(mem, layout, sub, start, anchorNs);
      if (deadline === null) ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.INVAL, type, 0);
      else {
        clocks++;
        if (deadline < earliest) earliest = deadline;
      }
    } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
      const entry = fds.find(dv.getUint32(sub + layout.fd, true));
      if (entry === undefined) ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.BADF, type, 0);
      else if ((entry.rightsBase & RIGHTS.POLL_FD_READWRITE) === 0)
        ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.NOTCAPABLE, type, 0);
      else {
        const nbytes = readiness(entry, type);
        if (nbytes === null) waiting++;
        else ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.SUCCESS, type, nbytes);
      }
    } else {
      ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.INVAL, type, 0);
    }
  }
  if (ready === 0 && (clocks > 0 || waiting > 0)) {
    // Sleep until the earliest clock, checking waiting inputs every few milliseconds.
    for (;;) {
      if (waiting > 0) {
        for (let i = 0; i < count; i++) {
          const sub = inPtr + i * layout.size;
          if (dv.getUint8(sub + layout.tag) !== EVENTTYPE.FD_READ) continue;
          const entry = fds.find(dv.getUint32(sub + layout.fd, true));
          if (entry === undefined || (entry.rightsBase & RIGHTS.POLL_FD_READWRITE) === 0) continue;
          const nbytes = readiness(entry, EVENTTYPE.FD_READ);
          if (nbytes !== null)
            ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.SUCCESS, EVENTTYPE.FD_READ, nbytes);
        }
      }
      if (ready > 0) break;
      const left = (earliest - Number(process.hrtime.bigint())) / 1e6;
      if (left <= 0) break;
      sleepMs(waiting === 0 ? left : Math.min(left, 10));
    }
  }
  if (clocks > 0) {
    const now = Number(process.hrtime.bigint());
    for (let i = 0; i < count && earliest <= now; i++) {
      const sub = inPtr + i * layout.size;
      if (dv.getUint8(sub + layout.tag) !== EVENTTYPE.CLOCK) continue;
      // The deadline again, from the same subscription: fired if it is not in the future.
      const deadline = clockDeadline(mem, layout, sub, start, anchorNs);
      if (deadline !== null && deadline <= now)
        ready = writeEvent(mem, layout, outPtr, ready, sub, ERRNO.SUCCESS, EVENTTYPE.CLOCK, 0);
    }
  }
  dv.setUint32(neventsAt, ready, true);
  return ERRNO.SUCCESS;
}

/**
 * A clock subscription's deadline on the monotonic clock, in ns, or null for an unknown
 * clock. A relative timeout counts from `start` (when poll_oneoff began); an absolute one
 * is moved from its clock to the monotonic one. Realtime is the anchor plus monotonic
 * (as clock_time_get reports it); a CPU-time deadline is taken as that much wall time.
 */
function clockDeadline(
  mem: GuestMemory,
  layout: SubscriptionLayout,
  sub: number,
  start: number,
  anchorNs: number,
): number | null {
  const dv = mem.dv;
  const id = dv.getUint32(sub + layout.clockId, true);
  if (id > CLOCK.THREAD_CPUTIME) return null;
  const timeout = mem.getU64(sub + layout.timeout);
  if ((dv.getUint16(sub + layout.flags, true) & SUBCLOCKFLAGS_ABSTIME) === 0) return start + timeout;
  if (id === CLOCK.REALTIME) return timeout - anchorNs;
  if (id === CLOCK.MONOTONIC) return timeout;
  return start + (timeout - cpuTimeNs());
}

/**
 * Bytes ready for an fd_read/fd_write subscription (0 when only "ready" is known), or
 * null when a read would wait (a pipe or terminal stdin with nothing in it yet). Files,
 * directories and output streams are always ready, as Linux's poll says for files.
 */
function readiness(entry: FdEntry, type: number): number | null {
  if (type !== EVENTTYPE.FD_READ) return 0;
  if (entry.input?.poll !== undefined) return entry.input.poll();
  if (entry.kind === 'file') {
    const size = fstatSync(entry.hostFd!).size;
    return size > entry.position ? size - entry.position : 0;
  }
  return 0;
}

/** Writes event number `index` for subscription `sub` (its userdata copied as two u32s); returns index + 1. */
function writeEvent(
  mem: GuestMemory,
  layout: SubscriptionLayout,
  outPtr: number,
  index: number,
  sub: number,
  error: number,
  type: number,
  nbytes: number,
): number {
  const dv = mem.dv;
  const o = outPtr + index * EVENT.size;
  mem.u8.fill(0, o, o + EVENT.size);
  dv.setUint32(o + EVENT.userdata, dv.getUint32(sub + layout.userdata, true), true);
  dv.setUint32(o + EVENT.userdata + 4, dv.getUint32(sub + layout.userdata + 4, true), true);
  dv.setUint16(o + EVENT.error, error, true);
  dv.setUint8(o + EVENT.type, type);
  mem.setU64(o + EVENT.nbytes, nbytes);
  return index + 1;
}
