// SHA-256 as FIPS 180-4 section 6.2 gives it: see sha256.h.
#include "sha256.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WASMER_TS_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace wasmer_ts {
namespace {

// The first 32 bits of the fractional parts of the cube roots of the first 64
// primes (FIPS 180-4 4.2.2), computed with integer cube roots: floor(cbrt(p * 2^96)) mod 2^32.
alignas(16) constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The first 32 bits of the fractional parts of the square roots of the first 8 primes (5.3.3).
constexpr uint32_t kInitial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t LoadBigEndian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// `blocks` 64-byte blocks into the state (6.2.2), one at a time: about 160 MB/s here.
void CompressPortable(uint32_t state[8], const uint8_t* data, size_t blocks) {
  for (; blocks > 0; blocks--, data += 64) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = LoadBigEndian(data + 4 * t);
    for (int t = 16; t < 64; t++) {
      uint32_t s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      uint32_t s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
      uint32_t t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[t] + w[t];
      uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

#ifdef WASMER_TS_SHA_NI
// The same with the CPU's SHA extensions (Intel's SHA-NI, also on AMD since Zen): about
// ten times as fast. SHA256RNDS2 does two rounds on the state held as two vectors, ABEF
// and CDGH; SHA256MSG1 and SHA256MSG2 compute the message schedule (6.2.2 step 1) four
// words at a time. Each group g of four rounds takes the schedule words w[4g..4g+3] in
// m[g % 4]: the block's own for g < 4, and for later groups the vector that MSG1 (two
// groups before) and MSG2 (one group before) made from the four before it.
__attribute__((target("sha,ssse3,sse4.1"))) void CompressShaNi(uint32_t state[8], const uint8_t* data,
                                                                size_t blocks) {
  // Each 32-bit word of the block is big-endian.
  const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  // state[0..3] is A B C D and state[4..7] E F G H, lowest lane first: make ABEF and CDGH
  // (A in the highest lane), the operands SHA256RNDS2 takes.
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
  for (; blocks > 0; blocks--, data += 64) {
    const __m128i abefBefore = abef;
    const __m128i cdghBefore = cdgh;
    __m128i m[4];
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
      if (g < 4) {
        m[g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g)), byteSwap);
      }
      const __m128i words = m[g % 4];
      __m128i sum = _mm_add_epi32(words, _mm_load_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
      if (g >= 3 && g < 15) {
        // w[t-7] for the next group's four words, then its sigma-1 part (MSG2).
        __m128i& next = m[(g + 1) % 4];
        next = _mm_add_epi32(next, _mm_alignr_epi8(words, m[(g + 3) % 4], 4));
        next = _mm_sha256msg2_epu32(next, words);
      }
      sum = _mm_shuffle_epi32(sum, 0x0e);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, sum);
      // w[t-16] + sigma-0(w[t-15]) for the group after next (MSG1).
      if (g >= 1 && g < 13) m[(g + 3) % 4] = _mm_sha256msg1_epu32(m[(g + 3) % 4], words);
    }
    abef = _mm_add_epi32(abef, abefBefore);
    cdgh = _mm_add_epi32(cdgh, cdghBefore);
  }
  // Back to A..D and E..H, lowest lane first.
  __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xf0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

bool CpuHasShaNi() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c & (1u << 9)) != 0;
  const bool sse41 = (c & (1u << 19)) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3 && sse41 && (b & (1u << 29)) != 0;
}
#endif

using Compress = void (*)(uint32_t state[8], const uint8_t* data, size_t blocks);

// Chosen once per process. WASMER_TS_SHA_NI=0 keeps the portable one (for its tests).
Compress Chosen() {
  static const Compress chosen = [] {
#ifdef WASMER_TS_SHA_NI
    const char* env = std::getenv("WASMER_TS_SHA_NI");
    if (!(env != nullptr && std::strcmp(env, "0") == 0) && CpuHasShaNi()) return &CompressShaNi;
#endif
    return &CompressPortable;
  }();
  return chosen;
}

}  // namespace

bool Sha256UsesCpuInstructions() {
#ifdef WASMER_TS_SHA_NI
  return Chosen() == &CompressShaNi;
#else
  return false;
#endif
}

void Sha256(const uint8_t* data, size_t length, uint8_t out[32]) {
  const Compress compress = Chosen();
  uint32_t state[8];
  std::memcpy(state, kInitial, sizeof state);
  size_t whole = length - length % 64;
  if (whole > 0) compress(state, data, whole / 64);
  // Padding (5.1.1): a 1 bit, zeros, and the length in bits as 64 bits, big-endian.
  uint8_t tail[128] = {0};
  size_t rest = length - whole;
  if (rest > 0) std::memcpy(tail, data + whole, rest);
  tail[rest] = 0x80;
  size_t tailLength = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(length) * 8;
  for (int i = 0; i < 8; i++) tail[tailLength - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  compress(state, tail, tailLength / 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = static_cast<uint8_t>(state[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(state[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(state[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(state[i]);
  }
}

}  // namespace wasmer_ts
