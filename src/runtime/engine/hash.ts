/**
 * SHA-256 for the artifact format, the cache's keys and the engine fingerprint:
 * the plain-JavaScript one of ./sha256.ts for small inputs while node:crypto is
 * not loaded, node:crypto otherwise. node:crypto loads on first use, and
 * synchronously so that the sync API (`Module.serialize`, `decodeArtifact`)
 * stays sync: loading it is a measurable share of a cold start, and a plain
 * `run FILE --invoke` hashes only small inputs (bench/suites/startup.js). Once
 * it is loaded it hashes everything, since it is then the faster of the two.
 */
import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { SMALL_HASH_MAX_BYTES, sha256BytesJs, sha256HexJs } from './sha256.js';

const requireBuiltin = createRequire(import.meta.url);
let cryptoModule: typeof NodeCrypto | undefined;
const nodeCrypto = () => (cryptoModule ??= requireBuiltin('node:crypto') as typeof NodeCrypto);

/** Whether `bytes` goes to the JavaScript SHA-256 rather than node:crypto. */
function hashInJs(bytes: Uint8Array): boolean {
  return cryptoModule === undefined && bytes.length <= SMALL_HASH_MAX_BYTES;
}

/** The SHA-256 of `bytes`, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  if (hashInJs(bytes)) return sha256HexJs(bytes);
  return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of `bytes`: 32 bytes. */
export function sha256(bytes: Uint8Array): Uint8Array {
  if (hashInJs(bytes)) return sha256BytesJs(bytes);
  return nodeCrypto().createHash('sha256').update(bytes).digest();
}
