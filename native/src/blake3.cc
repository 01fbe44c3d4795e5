// BLAKE3's hash mode as its specification (the BLAKE3 paper, section 2) gives it:
// see blake3.h.
//
// The input is cut into 1 KiB chunks; each chunk is hashed from the key (the IV, in
// hash mode) one 64-byte block at a time into a chaining value (CV), and the CVs are
// combined pairwise by parent nodes into a left-balanced binary tree, whose root is
// compressed with the ROOT flag. Chunks are independent, and so are the parents of one
// level: HashMany hashes N of them at once, lane j of every vector holding input j.
//
// Work comes in aligned subtrees of kGroupChunks chunks (1 MiB), each a whole node of
// the tree whenever input follows it: their chunks and their parents' lower levels go
// through HashMany, the last few levels through the one-lane code. The subtrees, then
// the chunks after the last whole one, join a stack of CVs as the specification's
// incremental hashing does (section 5.1.2): after a subtree of 2^k chunks that brings
// the count to t, ctz(t) - k parents merge the stack's top. Nothing is allocated.
#include "blake3.h"

#include <cstring>
#include <utility>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WASMER_TS_BLAKE3_X86 1
#endif

// A vector wider than the default target's registers, passed or returned by value,
// would change the ABI: every function that takes one is inlined into a caller compiled
// for its width.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#define WASMER_TS_INLINE inline __attribute__((always_inline))

namespace wasmer_ts {
namespace {

constexpr uint32_t kIv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};
constexpr uint32_t kChunkStart = 1;
constexpr uint32_t kChunkEnd = 2;
constexpr uint32_t kParent = 4;
constexpr uint32_t kRoot = 8;
constexpr size_t kBlockLength = 64;
constexpr size_t kChunkLength = 1024;
constexpr size_t kBlocksPerChunk = kChunkLength / kBlockLength;

constexpr int kGroupLog2 = 10;
constexpr size_t kGroupChunks = size_t{1} << kGroupLog2;

// The message word each round reads at each position: round 0 in order, every later
// round the one before it permuted (the specification's MSG_PERMUTATION).
struct Schedule {
  uint8_t word[7][16];
};
constexpr Schedule MakeSchedule() {
  constexpr uint8_t kPermutation[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  Schedule s{};
  for (int i = 0; i < 16; i++) s.word[0][i] = static_cast<uint8_t>(i);
  for (int r = 1; r < 7; r++) {
    for (int i = 0; i < 16; i++) s.word[r][i] = s.word[r - 1][kPermutation[i]];
  }
  return s;
}
constexpr Schedule kSchedule = MakeSchedule();

inline uint32_t LoadLittleEndian(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

inline void StoreLittleEndian(uint8_t* p, uint32_t x) {
  p[0] = static_cast<uint8_t>(x);
  p[1] = static_cast<uint8_t>(x >> 8);
  p[2] = static_cast<uint8_t>(x >> 16);
  p[3] = static_cast<uint8_t>(x >> 24);
}

// V is uint32_t (one lane) or a vector of them: the same arithmetic either way.
template <typename V>
WASMER_TS_INLINE V Rotr(const V& x, int n) {
  return (x >> n) | (x << (32 - n));
}

template <typename V>
WASMER_TS_INLINE void Mix(V v[16], int a, int b, int c, int d, const V& x, const V& y) {
  v[a] = v[a] + v[b] + x;
  v[d] = Rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = Rotr(v[b] ^ v[c], 12);
  v[a] = v[a] + v[b] + y;
  v[d] = Rotr(v[d] ^ v[a], 8);
  v[c] = v[c] + v[d];
  v[b] = Rotr(v[b] ^ v[c], 7);
}

// The seven rounds of the compression function on the state v, message m.
template <typename V>
WASMER_TS_INLINE void Rounds(V v[16], const V m[16]) {
  for (int r = 0; r < 7; r++) {
    const uint8_t* s = kSchedule.word[r];
    Mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    Mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    Mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    Mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    Mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    Mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    Mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    Mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
}

// One compression: cv becomes the first eight output words (the next chaining value,
// or for the root the hash).
void Compress(uint32_t cv[8], const uint32_t m[16], uint32_t block_length, uint64_t counter, uint32_t flags) {
  uint32_t v[16] = {
      cv[0],  cv[1],  cv[2],  cv[3],  cv[4],
      cv[5],  cv[6],  cv[7],  kIv[0], kIv[1],
      kIv[2], kIv[3], static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), block_length,
      flags,
  };
  Rounds(v, m);
  for (int i = 0; i < 8; i++) cv[i] = v[i] ^ v[i + 8];
}

// The chaining value of chunk `counter`, `length` bytes (1 to 1024, or 0 for the empty
// input); with `root` = kRoot, the hash of an input of one chunk.
void HashChunk(const uint8_t* p, size_t length, uint64_t counter, uint32_t root, uint32_t cv[8]) {
  std::memcpy(cv, kIv, sizeof kIv);
  size_t blocks = length == 0 ? 1 : (length + kBlockLength - 1) / kBlockLength;
  for (size_t b = 0; b < blocks; b++) {
    size_t n = length - b * kBlockLength < kBlockLength ? length - b * kBlockLength : kBlockLength;
    uint8_t block[kBlockLength] = {};
    if (n > 0) std::memcpy(block, p + b * kBlockLength, n);
    uint32_t m[16];
    for (int i = 0; i < 16; i++) m[i] = LoadLittleEndian(block + 4 * i);
    uint32_t flags = (b == 0 ? kChunkStart : 0) | (b == blocks - 1 ? kChunkEnd | root : 0);
    Compress(cv, m, static_cast<uint32_t>(n), counter, flags);
  }
}

// A parent's chaining value from its children's, `root` = kRoot for the root.
void HashParent(const uint32_t left[8], const uint32_t right[8], uint32_t root, uint32_t out[8]) {
  uint32_t m[16];
  std::memcpy(m, left, 32);
  std::memcpy(m + 8, right, 32);
  std::memcpy(out, kIv, sizeof kIv);
  Compress(out, m, kBlockLength, 0, kParent | root);
}

void LoadWords(const uint8_t* p, uint32_t* words, int count) {
  for (int i = 0; i < count; i++) words[i] = LoadLittleEndian(p + 4 * i);
}

void StoreWords(uint8_t* p, const uint32_t* words, int count) {
  for (int i = 0; i < count; i++) StoreLittleEndian(p + 4 * i, words[i]);
}

template <int N>
struct Lanes {
  typedef uint32_t V __attribute__((vector_size(4 * N)));
};

#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WASMER_TS_BLAKE3_SHUFFLE 1
#endif
#endif

#ifdef WASMER_TS_BLAKE3_SHUFFLE
// Where element c of the result of Interleave<N, D, kHigh> comes from (N + k: from b).
constexpr int InterleaveIndex(int n, int d, bool high, int c) {
  if (high) return (c & d) != 0 ? n + c : c + d;
  return (c & d) != 0 ? n + c - d : c;
}

// One stage of a transpose: with a = row i and b = row i + D (bit D of i clear), the
// elements whose row and column differ in bit D change places.
template <int N, int D, bool kHigh, typename V, int... C>
WASMER_TS_INLINE V Interleave(const V& a, const V& b, std::integer_sequence<int, C...>) {
  return __builtin_shufflevector(a, b, InterleaveIndex(N, D, kHigh, C)...);
}

template <int N, int D, typename V>
WASMER_TS_INLINE void TransposeStage(V rows[N]) {
  if constexpr (D >= 1) {
    for (int i = 0; i < N; i++) {
      if ((i & D) != 0) continue;
      V low = Interleave<N, D, false>(rows[i], rows[i + D], std::make_integer_sequence<int, N>());
      V high = Interleave<N, D, true>(rows[i], rows[i + D], std::make_integer_sequence<int, N>());
      rows[i] = low;
      rows[i + D] = high;
    }
    TransposeStage<N, D / 2>(rows);
  }
}
#endif

// m[w], lane j = word w of the block at inputs[j] + offset.
template <int N, typename V>
WASMER_TS_INLINE void LoadTransposed(const uint8_t* const* inputs, size_t offset, V m[16]) {
#ifdef WASMER_TS_BLAKE3_SHUFFLE
  // N words of each input at a time, as a row of an N x N matrix, transposed in registers.
  for (int part = 0; part < 16 / N; part++) {
    V rows[N];
    for (int j = 0; j < N; j++) std::memcpy(&rows[j], inputs[j] + offset + 4 * N * part, sizeof(V));
    TransposeStage<N, N / 2>(rows);
    for (int w = 0; w < N; w++) m[N * part + w] = rows[w];
  }
#else
  alignas(64) uint32_t words[16][N];
  for (int j = 0; j < N; j++) {
    for (int w = 0; w < 16; w++) words[w][j] = LoadLittleEndian(inputs[j] + offset + 4 * w);
  }
  std::memcpy(m, words, sizeof words);
#endif
}

// Hashes N inputs at once, each `blocks` whole blocks: input j's chaining value goes to
// out + 32 j (little-endian words). Its counter is counter + j for chunks (`step` 1),
// counter for parents (`step` 0). Every input is read before out is written, so out may
// be the first input.
template <int N>
WASMER_TS_INLINE void HashMany(const uint8_t* const* inputs, size_t blocks, uint64_t counter, uint64_t step,
                               uint32_t flags, uint32_t flags_start, uint32_t flags_end, uint8_t* out) {
  using V = typename Lanes<N>::V;
  V h[8];
  for (int i = 0; i < 8; i++) h[i] = V{} + kIv[i];
  V counter_low, counter_high;
  for (int j = 0; j < N; j++) {
    uint64_t c = counter + step * static_cast<uint64_t>(j);
    counter_low[j] = static_cast<uint32_t>(c);
    counter_high[j] = static_cast<uint32_t>(c >> 32);
  }
  for (size_t b = 0; b < blocks; b++) {
    V m[16];
    LoadTransposed<N>(inputs, b * kBlockLength, m);
    uint32_t f = flags | (b == 0 ? flags_start : 0) | (b == blocks - 1 ? flags_end : 0);
    V v[16] = {
        h[0],           h[1],           h[2],           h[3],           h[4],
        h[5],           h[6],           h[7],           V{} + kIv[0],   V{} + kIv[1],
        V{} + kIv[2],   V{} + kIv[3],   counter_low,    counter_high,   V{} + uint32_t{kBlockLength},
        V{} + f,
    };
    Rounds(v, m);
    for (int i = 0; i < 8; i++) h[i] = v[i] ^ v[i + 8];
  }
  for (int j = 0; j < N; j++) {
    for (int i = 0; i < 8; i++) StoreLittleEndian(out + 32 * j + 4 * i, h[i][j]);
  }
}

// `count` chunks of whole 1 KiB from `data` (chunk `counter` first), or (kChunks
// false) `count` parents of consecutive CV pairs from `data`: their CVs to out, N at a
// time, then 4, then one.
template <int N, bool kChunks>
WASMER_TS_INLINE void HashAll(const uint8_t* data, size_t count, uint64_t counter, uint8_t* out) {
  constexpr size_t kStride = kChunks ? kChunkLength : 2 * 32;
  constexpr size_t kBlocks = kChunks ? kBlocksPerChunk : 1;
  constexpr uint32_t kFlags = kChunks ? 0 : kParent;
  constexpr uint32_t kStart = kChunks ? kChunkStart : 0;
  constexpr uint32_t kEnd = kChunks ? kChunkEnd : 0;
  constexpr uint64_t kStep = kChunks ? 1 : 0;
  size_t i = 0;
  const uint8_t* inputs[N];
  for (; i + N <= count; i += N) {
    for (int j = 0; j < N; j++) inputs[j] = data + (i + j) * kStride;
    HashMany<N>(inputs, kBlocks, counter + i * kStep, kStep, kFlags, kStart, kEnd, out + 32 * i);
  }
  if (N > 4) {
    for (; i + 4 <= count; i += 4) {
      for (int j = 0; j < 4; j++) inputs[j] = data + (i + j) * kStride;
      HashMany<4>(inputs, kBlocks, counter + i * kStep, kStep, kFlags, kStart, kEnd, out + 32 * i);
    }
  }
  // Fewer than four are left.
  for (int left = static_cast<int>(count - i); left > 0; left--, i++) {
    uint32_t cv[8];
    if (kChunks) {
      HashChunk(data + i * kStride, kChunkLength, counter + i, 0, cv);
    } else {
      uint32_t pair[16];
      LoadWords(data + i * kStride, pair, 16);
      HashParent(pair, pair + 8, 0, cv);
    }
    StoreWords(out + 32 * i, cv, 8);
  }
}

// The CV of the kGroupChunks whole chunks at data, the first being chunk `counter`.
template <int N>
WASMER_TS_INLINE void HashGroup(const uint8_t* data, uint64_t counter, uint8_t cvs[kGroupChunks * 32],
                                uint32_t out[8]) {
  HashAll<N, true>(data, kGroupChunks, counter, cvs);
  for (size_t count = kGroupChunks / 2; count >= 1; count /= 2) HashAll<N, false>(cvs, count, 0, cvs);
  LoadWords(cvs, out, 8);
}

using GroupFn = void (*)(const uint8_t*, uint64_t, uint8_t*, uint32_t*);
using ChunksFn = void (*)(const uint8_t*, size_t, uint64_t, uint8_t*);

void GroupPortable(const uint8_t* data, uint64_t counter, uint8_t* cvs, uint32_t* out) {
  HashGroup<4>(data, counter, cvs, out);
}
void ChunksPortable(const uint8_t* data, size_t count, uint64_t counter, uint8_t* out) {
  HashAll<4, true>(data, count, counter, out);
}

#ifdef WASMER_TS_BLAKE3_X86
__attribute__((target("avx2"))) void GroupAvx2(const uint8_t* data, uint64_t counter, uint8_t* cvs,
                                               uint32_t* out) {
  HashGroup<8>(data, counter, cvs, out);
}
__attribute__((target("avx2"))) void ChunksAvx2(const uint8_t* data, size_t count, uint64_t counter,
                                                uint8_t* out) {
  HashAll<8, true>(data, count, counter, out);
}
__attribute__((target("avx512f"))) void GroupAvx512(const uint8_t* data, uint64_t counter, uint8_t* cvs,
                                                    uint32_t* out) {
  HashGroup<16>(data, counter, cvs, out);
}
__attribute__((target("avx512f"))) void ChunksAvx512(const uint8_t* data, size_t count, uint64_t counter,
                                                     uint8_t* out) {
  HashAll<16, true>(data, count, counter, out);
}
#endif

// The incremental hash's stack of subtree CVs: at most one per bit of the chunk count.
struct CvStack {
  uint32_t cv[64][8];
  int depth = 0;
  uint64_t chunks = 0;

  // A subtree of 2^k chunks, with more input after it.
  void Push(const uint32_t subtree[8], int k) {
    chunks += uint64_t{1} << k;
    uint32_t merged[8];
    std::memcpy(merged, subtree, 32);
    for (int merges = __builtin_ctzll(chunks) - k; merges > 0; merges--) {
      depth--;
      HashParent(cv[depth], merged, 0, merged);
    }
    std::memcpy(cv[depth++], merged, 32);
  }
};

}  // namespace

Blake3Kernel Blake3BestKernel() {
#ifdef WASMER_TS_BLAKE3_X86
  // These check the OS saves the registers too (XGETBV), not only CPUID.
  if (__builtin_cpu_supports("avx512f")) return Blake3Kernel::kAvx512;
  if (__builtin_cpu_supports("avx2")) return Blake3Kernel::kAvx2;
#endif
  return Blake3Kernel::kPortable;
}

const char* Blake3KernelName(Blake3Kernel kernel) {
  switch (kernel) {
    case Blake3Kernel::kAvx512:
      return "avx512";
    case Blake3Kernel::kAvx2:
      return "avx2";
    case Blake3Kernel::kPortable:
      break;
  }
  return "portable";
}

void Blake3(const uint8_t* data, size_t length, uint8_t out[32], Blake3Kernel kernel) {
  uint32_t cv[8];
  if (length <= kChunkLength) {
    HashChunk(data, length, 0, kRoot, cv);
    StoreWords(out, cv, 8);
    return;
  }
  GroupFn group = GroupPortable;
  ChunksFn chunks = ChunksPortable;
#ifdef WASMER_TS_BLAKE3_X86
  if (kernel == Blake3Kernel::kAvx512) {
    group = GroupAvx512;
    chunks = ChunksAvx512;
  } else if (kernel == Blake3Kernel::kAvx2) {
    group = GroupAvx2;
    chunks = ChunksAvx2;
  }
#else
  (void)kernel;
#endif
  alignas(64) uint8_t cvs[kGroupChunks * 32];
  CvStack stack;
  const uint64_t total = (length + kChunkLength - 1) / kChunkLength;  // > 1
  uint64_t done = 0;
  // Whole groups with input after them, then the chunks before the last one.
  for (; done + kGroupChunks < total; done += kGroupChunks) {
    group(data + done * kChunkLength, done, cvs, cv);
    stack.Push(cv, kGroupLog2);
  }
  const size_t rest = static_cast<size_t>(total - 1 - done);
  chunks(data + done * kChunkLength, rest, done, cvs);
  for (size_t i = 0; i < rest; i++) {
    LoadWords(cvs + 32 * i, cv, 8);
    stack.Push(cv, 0);
  }
  done = total - 1;
  HashChunk(data + done * kChunkLength, length - done * kChunkLength, done, 0, cv);
  // The root is the parent of the stack's bottom entry and everything to its right.
  while (stack.depth > 1) {
    stack.depth--;
    HashParent(stack.cv[stack.depth], cv, 0, cv);
  }
  HashParent(stack.cv[0], cv, kRoot, cv);
  StoreWords(out, cv, 8);
}

}  // namespace wasmer_ts
