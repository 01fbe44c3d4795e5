/**
 * BLAKE3 (its hash mode, 32-byte output) in plain JavaScript: what ./hash.ts hashes
 * with while the native addon is not loaded (native/src/blake3.cc, which hashes
 * sixteen chunks at once with AVX-512 and is 20-40 times as fast). The artifact
 * format from version 3 and the cache's keys use BLAKE3, and node:crypto has none.
 *
 * The input is cut into 1 KiB chunks, each hashed one 64-byte block at a time into
 * a chaining value; the chaining values join a stack, merged by parent nodes as the
 * chunk count's low bits say (the specification's incremental hashing, section
 * 5.1.2), so the tree is left-balanced and nothing grows with the input. Checked
 * against @noble/hashes in test/runtime/engine/blake3.test.ts.
 */

const IV = Uint32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);
const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;
const BLOCK_BYTES = 64;
const CHUNK_BYTES = 1024;

/** SCHEDULE[16 r + i]: the message word round r reads at position i (MSG_PERMUTATION applied r times). */
const SCHEDULE = new Uint8Array(7 * 16);
{
  const permutation = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
  for (let i = 0; i < 16; i++) SCHEDULE[i] = i;
  for (let r = 1; r < 7; r++) {
    for (let i = 0; i < 16; i++) SCHEDULE[16 * r + i] = SCHEDULE[16 * (r - 1) + (permutation[i] as number)] as number;
  }
}

/** The compression's state and message, reused by every call (hashing is synchronous). */
const v = new Uint32Array(16);
const m = new Uint32Array(16);
/** The chaining values of the subtrees not merged yet: at most one per bit of the chunk count. */
const stack = new Uint32Array(64 * 8);

function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  let va = (v[a] as number) + (v[b] as number) + x;
  let vd = (v[d] as number) ^ va;
  vd = (vd >>> 16) | (vd << 16);
  let vc = (v[c] as number) + vd;
  let vb = (v[b] as number) ^ vc;
  vb = (vb >>> 12) | (vb << 20);
  va = va + vb + y;
  vd ^= va;
  vd = (vd >>> 8) | (vd << 24);
  vc = vc + vd;
  vb ^= vc;
  v[a] = va;
  v[b] = (vb >>> 7) | (vb << 25);
  v[c] = vc;
  v[d] = vd;
}

/** Compresses the message in `m` into `cv` (the next chaining value, or the hash for the root). */
function compress(cv: Uint32Array, blockLength: number, counter: number, flags: number): void {
  for (let i = 0; i < 8; i++) v[i] = cv[i] as number;
  v[8] = IV[0] as number;
  v[9] = IV[1] as number;
  v[10] = IV[2] as number;
  v[11] = IV[3] as number;
  v[12] = counter >>> 0;
  v[13] = Math.floor(counter / 2 ** 32);
  v[14] = blockLength;
  v[15] = flags;
  for (let r = 0; r < 7 * 16; r += 16) {
    const s = SCHEDULE;
    mix(0, 4, 8, 12, m[s[r] as number] as number, m[s[r + 1] as number] as number);
    mix(1, 5, 9, 13, m[s[r + 2] as number] as number, m[s[r + 3] as number] as number);
    mix(2, 6, 10, 14, m[s[r + 4] as number] as number, m[s[r + 5] as number] as number);
    mix(3, 7, 11, 15, m[s[r + 6] as number] as number, m[s[r + 7] as number] as number);
    mix(0, 5, 10, 15, m[s[r + 8] as number] as number, m[s[r + 9] as number] as number);
    mix(1, 6, 11, 12, m[s[r + 10] as number] as number, m[s[r + 11] as number] as number);
    mix(2, 7, 8, 13, m[s[r + 12] as number] as number, m[s[r + 13] as number] as number);
    mix(3, 4, 9, 14, m[s[r + 14] as number] as number, m[s[r + 15] as number] as number);
  }
  for (let i = 0; i < 8; i++) cv[i] = (v[i] as number) ^ (v[i + 8] as number);
}

/**
 * The chaining value of chunk `counter` (bytes[start, start + length), 1 to 1024 bytes, or
 * none for the empty input) into `cv`; `root` = ROOT for an input of one chunk.
 */
function hashChunk(
  bytes: Uint8Array,
  start: number,
  length: number,
  counter: number,
  root: number,
  cv: Uint32Array,
): void {
  cv.set(IV);
  const blocks = Math.max(1, Math.ceil(length / BLOCK_BYTES));
  for (let b = 0; b < blocks; b++) {
    const from = start + b * BLOCK_BYTES;
    const n = Math.min(BLOCK_BYTES, length - b * BLOCK_BYTES);
    if (n === BLOCK_BYTES) {
      for (let i = 0, j = from; i < 16; i++, j += 4) {
        m[i] =
          (bytes[j] as number) |
          ((bytes[j + 1] as number) << 8) |
          ((bytes[j + 2] as number) << 16) |
          ((bytes[j + 3] as number) << 24);
      }
    } else {
      m.fill(0);
      for (let i = 0; i < n; i++) m[i >> 2] = (m[i >> 2] as number) | ((bytes[from + i] as number) << (8 * (i & 3)));
    }
    const flags = (b === 0 ? CHUNK_START : 0) | (b === blocks - 1 ? CHUNK_END | root : 0);
    compress(cv, n, counter, flags);
  }
}

/** The parent of stack[left, left + 8) and cv[0, 8), into cv. */
function hashParent(left: number, cv: Uint32Array, root: number): void {
  for (let i = 0; i < 8; i++) {
    m[i] = stack[left + i] as number;
    m[i + 8] = cv[i] as number;
  }
  cv.set(IV);
  compress(cv, BLOCK_BYTES, 0, PARENT | root);
}

/** The BLAKE3 hash of `bytes`: 32 bytes. */
export function blake3Js(bytes: Uint8Array): Uint8Array {
  const cv = new Uint32Array(8);
  const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  if (chunks === 1) {
    hashChunk(bytes, 0, bytes.length, 0, ROOT, cv);
  } else {
    let depth = 0;
    for (let c = 0; c < chunks - 1; c++) {
      hashChunk(bytes, c * CHUNK_BYTES, CHUNK_BYTES, c, 0, cv);
      // A parent for every trailing zero bit of the count of chunks done.
      for (let done = c + 1; done % 2 === 0; done /= 2) hashParent(8 * --depth, cv, 0);
      stack.set(cv, 8 * depth++);
    }
    const last = chunks - 1;
    hashChunk(bytes, last * CHUNK_BYTES, bytes.length - last * CHUNK_BYTES, last, 0, cv);
    while (depth > 1) hashParent(8 * --depth, cv, 0);
    hashParent(0, cv, ROOT);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = cv[i] as number;
    out[4 * i] = word;
    out[4 * i + 1] = word >>> 8;
    out[4 * i + 2] = word >>> 16;
    out[4 * i + 3] = word >>> 24;
  }
  return out;
}
