/**
 * Nanosecond file times over Node, whose utimes/futimes/lutimes take float
 * seconds (about 240 ns of precision today): after setting times we remember the
 * exact nanoseconds the guest asked for, keyed by `dev:ino`, and report them for
 * as long as the host still shows the value we wrote.
 */
import type { BigIntStats } from 'node:fs';
import { ERRNO, FSTFLAGS } from './constants.js';

interface TimeOverride {
  readonly atimHost: bigint;
  readonly mtimHost: bigint;
  readonly atim: bigint;
  readonly mtim: bigint;
}

export class FileTimes {
  private readonly overrides = new Map<string, TimeOverride>();

  /** Whether the guest set times on any file: until then the host's times are the ones to report. */
  get any(): boolean {
    return this.overrides.size !== 0;
  }

  /** The access time to report for `st`: the guest's exact one while the host shows what we wrote. */
  atim(st: BigIntStats): bigint {
    // The key is a string made per call: only when the guest has set times at all.
    if (this.overrides.size === 0) return st.atimeNs;
    const o = this.overrides.get(`${st.dev}:${st.ino}`);
    return o !== undefined && o.atimHost === st.atimeNs ? o.atim : st.atimeNs;
  }

  /** The modification time to report for `st`, as `atim`. */
  mtim(st: BigIntStats): bigint {
    if (this.overrides.size === 0) return st.mtimeNs;
    const o = this.overrides.get(`${st.dev}:${st.ino}`);
    return o !== undefined && o.mtimHost === st.mtimeNs ? o.mtim : st.mtimeNs;
  }

  /**
   * fd_filestat_set_times / path_filestat_set_times: sets times with
   * `set(atimeSeconds, mtimeSeconds)` on what `stat` describes, as `fst` (FSTFLAGS)
   * asks, `now` standing for the *_NOW flags. Returns an errno.
   */
  set(
    stat: () => BigIntStats,
    set: (a: number, m: number) => void,
    atim: bigint,
    mtim: bigint,
    fst: number,
    now: bigint,
  ): number {
    if ((fst & ~0xf) !== 0) return ERRNO.INVAL;
    if ((fst & FSTFLAGS.ATIM) !== 0 && (fst & FSTFLAGS.ATIM_NOW) !== 0) return ERRNO.INVAL;
    if ((fst & FSTFLAGS.MTIM) !== 0 && (fst & FSTFLAGS.MTIM_NOW) !== 0) return ERRNO.INVAL;
    const before = stat();
    const a = (fst & FSTFLAGS.ATIM) !== 0 ? atim : (fst & FSTFLAGS.ATIM_NOW) !== 0 ? now : this.atim(before);
    const m = (fst & FSTFLAGS.MTIM) !== 0 ? mtim : (fst & FSTFLAGS.MTIM_NOW) !== 0 ? now : this.mtim(before);
    set(Number(a) / 1e9, Number(m) / 1e9);
    const after = stat();
    this.overrides.set(`${after.dev}:${after.ino}`, {
      atimHost: after.atimeNs,
      mtimHost: after.mtimeNs,
      atim: a,
      mtim: m,
    });
    return ERRNO.SUCCESS;
  }
}
