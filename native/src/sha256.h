// SHA-256 (FIPS 180-4) for the addon's sha256(): the cache hashes every module it
// looks up and every payload it loads, and node:crypto, the alternative, takes 10-20 ms
// to load in a process started with --no-liftoff (Node compiles its JavaScript from
// source under flags other than its build's). Checked against node:crypto in
// test/runtime/engine/hash.test.ts, with and without the CPU's SHA instructions
// (WASMER_TS_SHA_NI=0 in the environment keeps the portable code).
#ifndef WASMER_TS_SHA256_H_
#define WASMER_TS_SHA256_H_

#include <cstddef>
#include <cstdint>

namespace wasmer_ts {

// Writes the 32-byte SHA-256 of data[0, length) to out.
void Sha256(const uint8_t* data, size_t length, uint8_t out[32]);

// Whether Sha256 uses the CPU's SHA instructions (x86-64 SHA-NI): about 1.5 GB/s here,
// as fast as node:crypto, against 160 MB/s for the portable code.
bool Sha256UsesCpuInstructions();

}  // namespace wasmer_ts

#endif  // WASMER_TS_SHA256_H_
