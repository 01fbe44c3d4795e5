/**
 * Noticing that a capped memory has reached its cap. V8 has no hook on
 * memory.grow, and a refused grow changes nothing anyone can see: it returns -1
 * to a program that often goes on to trap or hang with no word of why. What can
 * be seen is the memory's size whenever its buffer has been replaced (the WASI
 * host rebuilds its views then anyway, so the check costs its hot paths
 * nothing) and at the end of the run: once the size is the cap, every later
 * grow is refused. A grow refused before the memory reaches the cap exactly
 * (from 60 MiB by 8 MiB under a 64 MiB cap) goes unnoticed.
 */

/** The method of `Wasi` that hands it a watch (a symbol: not part of the public API). */
export const WATCH_MEMORY_CAP: unique symbol = Symbol('wasmer-ts.watchMemoryCap');

/** Reports once, through `onReached(capBytes)`, the first size seen at or above `capBytes`. */
export class MemoryCapWatch {
  private reported = false;
  constructor(
    readonly capBytes: number,
    private readonly onReached: (capBytes: number) => void,
  ) {}

  /** A memory's size in bytes, looked at when its buffer changed or the run ended. */
  check(byteLength: number): void {
    if (this.reported || byteLength < this.capBytes) return;
    this.reported = true;
    this.onReached(this.capBytes);
  }
}
