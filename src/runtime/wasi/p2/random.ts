/**
 * `wasi:random/random`, `wasi:random/insecure` and `wasi:random/insecure-seed`, all
 * from node:crypto's CSPRNG (the insecure ones may be secure too). node:crypto is
 * loaded on first use, as preview1's random_get does: it pulls in some twenty built-in
 * modules that most programs never need.
 */

import { requireBuiltin } from '../../builtin.js';
import { Trap } from '../../errors.js';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

/** node:crypto, loaded on first use. */
export function nodeCrypto(): Crypto {
  crypto ??= requireBuiltin<Crypto>('node:crypto');
  return crypto;
}

/**
 * The most bytes one `get-random-bytes` call returns. The WIT gives the call no error
 * result, and the canonical ABI could not lower a list of 4 GiB into a 32-bit memory
 * anyway: asking for more is a `Trap` rather than an allocation that fails later.
 */
export const MAX_RANDOM_BYTES = 1 << 28;

function randomBytes(len: bigint, what: string): Uint8Array {
  if (len > BigInt(MAX_RANDOM_BYTES)) {
    throw new Trap(`wasi:random/${what}: ${len} bytes asked, more than the ${MAX_RANDOM_BYTES} one call returns`, []);
  }
  const bytes = new Uint8Array(Number(len));
  nodeCrypto().randomFillSync(bytes);
  return bytes;
}

function randomU64(): bigint {
  const word = new BigUint64Array(1);
  nodeCrypto().randomFillSync(word);
  return word[0]!;
}

/** The `wasi:random/*` interfaces. The insecure seed is drawn once per host, as the WIT intends (hash-map keys). */
export function randomInterfaces(): Record<string, object> {
  let seed: [bigint, bigint] | undefined;
  return {
    'wasi:random/random': {
      /** `get-random-bytes(len: u64) -> list<u8>`. */
      getRandomBytes: (len: bigint): Uint8Array => randomBytes(len, 'random.get-random-bytes'),
      /** `get-random-u64 -> u64`. */
      getRandomU64: randomU64,
    },
    'wasi:random/insecure': {
      getInsecureRandomBytes: (len: bigint): Uint8Array => randomBytes(len, 'insecure.get-insecure-random-bytes'),
      getInsecureRandomU64: randomU64,
    },
    'wasi:random/insecure-seed': {
      /** `insecure-seed -> tuple<u64, u64>`: the same pair for the whole run. */
      insecureSeed: (): [bigint, bigint] => {
        seed ??= [randomU64(), randomU64()];
        return [seed[0], seed[1]];
      },
    },
  };
}
