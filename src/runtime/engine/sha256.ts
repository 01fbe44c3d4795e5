/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, for small inputs only: the cache
 * key, header and payload checks of a small module, and the engine fingerprint.
 * Loading node:crypto costs more start-up than this code takes for a small
 * input in a cold process (it runs interpreted, so its cost grows quickly with
 * the input), hence the threshold below: inputs up to it are hashed here, larger
 * ones by the native addon or node:crypto (./hash.ts dispatches, and keeps using
 * node:crypto once it is loaded; bench/suites/startup.js measures the start-up this protects).
 * Checked against node:crypto in test/runtime/engine/sha256.test.ts.
 */

/** Inputs up to this many bytes are hashed here; larger ones by the addon or node:crypto (./hash.ts). */
export const SMALL_HASH_MAX_BYTES = 1024;

const K = new Uint32Array(64);
const H0 = new Uint32Array(8);

/** The first 32 bits of the fractional part of `x`. */
function fraction32(x: number): number {
  return Math.floor((x - Math.floor(x)) * 2 ** 32) >>> 0;
}

{
  // K: cube roots of the first 64 primes; H0: square roots of the first 8.
  let count = 0;
  for (let n = 2; count < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (!prime) continue;
    if (count < 8) H0[count] = fraction32(Math.sqrt(n));
    K[count++] = fraction32(Math.cbrt(n));
  }
}

/** The SHA-256 of `bytes`, lowercase hex (the same string node:crypto gives). */
export function sha256HexJs(bytes: Uint8Array): string {
  let hex = '';
  for (const word of sha256Words(bytes)) hex += word.toString(16).padStart(8, '0');
  return hex;
}

/** The SHA-256 of `bytes`: 32 bytes (the same node:crypto's `digest()` gives). */
export function sha256BytesJs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  const words = sha256Words(bytes);
  for (let i = 0; i < 8; i++) view.setUint32(4 * i, words[i] as number);
  return out;
}

function sha256Words(bytes: Uint8Array): Uint32Array {
  // Rotations are written out rather than called: this runs mostly in V8's
  // interpreter, where a call per rotation doubled the time.
  const length = bytes.length;
  const padded = new Uint8Array((((length + 8) >> 6) + 1) << 6);
  padded.set(bytes);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(length / 2 ** 29));
  view.setUint32(padded.length - 4, (length << 3) >>> 0);
  const h = H0.slice();
  const w = new Int32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0, j = block; i < 16; i++, j += 4) {
      w[i] =
        ((padded[j] as number) << 24) |
        ((padded[j + 1] as number) << 16) |
        ((padded[j + 2] as number) << 8) |
        (padded[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h[0] as number;
    let b = h[1] as number;
    let c = h[2] as number;
    let d = h[3] as number;
    let e = h[4] as number;
    let f = h[5] as number;
    let g = h[6] as number;
    let k = h[7] as number;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] as number) + a;
    h[1] = (h[1] as number) + b;
    h[2] = (h[2] as number) + c;
    h[3] = (h[3] as number) + d;
    h[4] = (h[4] as number) + e;
    h[5] = (h[5] as number) + f;
    h[6] = (h[6] as number) + g;
    h[7] = (h[7] as number) + k;
  }
  return h;
}
