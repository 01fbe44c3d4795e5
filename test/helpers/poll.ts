// Waiting for a condition another process brings about (a cache entry a CLI
// child writes after it exits, V8's background tier-up): poll, never sleep a
// fixed time. The caller asserts what it waited for.
import { setTimeout as delay } from 'node:timers/promises';

/** Polls `check` every `intervalMs` until it is true or `timeoutMs` have passed; returns its last value. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await delay(intervalMs);
  }
}
