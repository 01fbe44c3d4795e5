// BLAKE3 (the hash mode, 32-byte output) for the addon's blake3(): the hash of the
// artifact format from version 3 and of the cache's keys. A cold run of a big module
// hashes all of it to find its entry (clang's 72 MiB: 62 ms of SHA-256 with SHA-NI,
// 8% of the run); BLAKE3's tree of 1 KiB chunks hashes sixteen chunks at once in one
// set of vector registers, 4-6 times as fast on one core. Checked against
// @noble/hashes in test/runtime/engine/blake3.test.ts, with every kernel this CPU runs.
#ifndef WASMER_TS_BLAKE3_H_
#define WASMER_TS_BLAKE3_H_

#include <cstddef>
#include <cstdint>

namespace wasmer_ts {

// The vector widths Blake3 can hash chunks with, widest last: index 0 is the portable
// code (four lanes of 32 bits, which every compiler lowers to what the CPU has).
enum class Blake3Kernel { kPortable = 0, kAvx2 = 1, kAvx512 = 2 };

// The widest kernel this CPU and OS run.
Blake3Kernel Blake3BestKernel();

// "portable", "avx2" or "avx512".
const char* Blake3KernelName(Blake3Kernel kernel);

// Writes the 32-byte BLAKE3 hash of data[0, length) to out, with `kernel` (which must
// not be wider than Blake3BestKernel()).
void Blake3(const uint8_t* data, size_t length, uint8_t out[32], Blake3Kernel kernel);

}  // namespace wasmer_ts

#endif  // WASMER_TS_BLAKE3_H_
