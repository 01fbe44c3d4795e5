// wasmer-ts native addon: reaches V8's compiled-Wasm serialization, which
// neither JS nor N-API exposes.
//
//   serialize(module)        -> Uint8Array | null   CompiledWasmModule::Serialize()
//   wireBytes(module)        -> Uint8Array          the Wasm bytes V8 compiled it from
//   arm(marker, wasm, code, release?) -> true | string  queue a cached load (string = why not);
//                                                   release: detach `wasm` once V8 has its copy
//   status()                 -> { loader, reason, v8, api, sha256, blake3 }
//   sha256(bytes)            -> Uint8Array          32 bytes (sha256.cc)
//   blake3(bytes, kernel?)   -> Uint8Array          32 bytes (blake3.cc); kernel "portable",
//                                                   "avx2" or "avx512" (tests), default the widest
//   serializeValue(v, buf)   -> Uint8Array          V8's structured serialization of v
//   deserializeValue(b, buf) -> value               and back (see SerializeValue)
//   checksum32(bytes)        -> number              bin/bundle-loader.js's FNV-1a checksum
//   setV8Flags(flags)        -> undefined           v8::V8::SetFlagsFromString, as node:v8's
//   setLoading(on)           -> undefined           Isolate::SetIsLoading (SetRAILMode on V8 11-12)
//   detach(bytes)            -> boolean             frees the buffer a Uint8Array covers whole, now
//   collectGarbage()         -> undefined           a full GC now (Isolate::LowMemoryNotification)
//   compileFile(path, params, cachedData) -> { fn, rejected, length, createCachedData } | string
//                                                   a bundle file with V8's code cache (compile-file.cc)
//   statType(path | fd, ids) -> number              lstat/fstat's file type, no Stats object (stat-type.cc)
//   statTypeIn(dir, name, ids) -> number            the same for dir + "/" + name, joined in C++
//   filestat(path | fd, memory, offset) -> number   the same, and a WASI filestat written at offset
//   randomFill(bytes, offset, length) -> number     getrandom(2) into bytes[offset..]: 0 or -errno
//   fileIo(write, fd, bytes, offset, length, position) -> number
//                                                   pwrite(2)/pread(2) of bytes[offset..]: bytes done or -errno
//
// Loading: V8 only accepts serialized code through streaming compilation. JS
// calls arm(marker, ...) and then WebAssembly.compileStreaming(marker). V8
// resolves the marker and calls the isolate's WasmStreamingCallback, which we
// replace with ours: for our marker it hands V8 the code and the wire bytes
// through whichever WasmStreaming API this V8 has (see FeedArmedLoad), and
// sets marker.accepted. If the code is refused, or fails to deserialize, V8
// compiles the wire bytes instead, so the result is always the module for
// `wasm`. Any other compileStreaming call (a fetch Response) goes to Node's
// own callback, found by its exported symbol: if that symbol is missing we
// never install ours, and the loader reports itself unavailable.
//
// The wasmer-ts artifact checks the payload's SHA-256 before arm() is called:
// V8 checks only the payload's header itself. A damaged payload can crash the
// process (measured: a truncated one throws std::bad_alloc on V8 11.3, fails
// "Check failed: 0 == reader->current_size()" or segfaults on V8 14.6) or,
// with a bit flipped in the code, be taken and run.

#include <dlfcn.h>
#include <node.h>
#include <sys/random.h>
#include <unistd.h>
#include <v8.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "blake3.h"
#include "compile-file.h"
#include "js-values.h"
#include "sha256.h"
#include "stat-type.h"

namespace {

using v8::ArrayBuffer;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Global;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Uint8Array;
using v8::Value;
using wasmer_ts::Str;
using wasmer_ts::ThrowType;

using StreamingCallback = void (*)(const FunctionCallbackInfo<Value>&);

// Node's callback: node::wasm_web_api::StartStreamingCompilation (Node 18+).
const char kNodeCallbackSymbol[] =
    "_ZN4node12wasm_web_api25StartStreamingCompilationERKN2v820FunctionCallbackInfoINS1_5ValueEEE";

// The bytes of a Uint8Array given to arm(), not copied: the shared backing store keeps
// them alive (even if JS lets the array go) until the load is done. A copy here was one
// more copy of the Wasm and the machine code during a cache hit's load (peak RSS, issue 10).
struct Bytes {
  std::shared_ptr<v8::BackingStore> store;
  size_t offset = 0;
  size_t length = 0;
  const uint8_t* data() const { return store ? static_cast<const uint8_t*>(store->Data()) + offset : nullptr; }
  size_t size() const { return length; }
  bool empty() const { return length == 0; }
};

struct Pending {
  Isolate* isolate;
  Global<Object> marker;
  Bytes wasm;
  Bytes code;
  // arm(..., release = true): the caller's buffer of `wasm`, detached once V8 has copied the
  // bytes (OnBytesReceived), before Finish deserializes. V8 holds the wire bytes three times
  // while it deserializes (V8 11.3, measured: its stream's buffer, the whole copy it makes of
  // that, and its module's): with the caller's too, a hit of clang (72 MiB) peaked at 424 MB,
  // and at 352 without.
  Global<ArrayBuffer> release;
};

// Detaches `buffer` when the view at `offset`, `length` covers all of it (detaching must not
// take other bytes with it) and it can be detached; returns whether it did.
bool DetachIfWhole(Local<ArrayBuffer> buffer, size_t offset, size_t length) {
  if (offset != 0 || length != buffer->ByteLength() || !buffer->IsDetachable()) return false;
  return buffer->Detach(Local<Value>()).FromMaybe(false);
}

// Detaches the caller's buffer of the wire bytes (arm's `release`), which frees them now
// unless something else holds the backing store: V8 has its own copy from here on.
void ReleaseWasm(Pending& load) {
  if (load.release.IsEmpty()) return;
  Local<ArrayBuffer> buffer = load.release.Get(load.isolate);
  load.release.Reset();
  size_t offset = load.wasm.offset;
  size_t length = load.wasm.length;
  load.wasm = Bytes();  // our reference to the backing store first, so the detach frees it
  DetachIfWhole(buffer, offset, length);
}

std::mutex mutex;                                // guards everything below (worker threads)
std::vector<std::unique_ptr<Pending>> pending;   // loads armed but not yet started
std::vector<Isolate*> installed;                 // isolates whose callback is ours
std::vector<Isolate*> hooked;                    // isolates whose cleanup hook is registered

StreamingCallback NodeCallback() {
  static StreamingCallback cb = reinterpret_cast<StreamingCallback>(dlsym(RTLD_DEFAULT, kNodeCallbackSymbol));
  return cb;
}

Local<Uint8Array> CopyToJs(Isolate* isolate, const uint8_t* data, size_t size) {
  Local<ArrayBuffer> ab = ArrayBuffer::New(isolate, size);
  if (size > 0) std::memcpy(ab->Data(), data, size);
  return Uint8Array::New(ab, 0, size);
}

bool BytesOf(Local<Value> value, Bytes* out) {
  if (!value->IsUint8Array()) return false;
  Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
  out->store = view->Buffer()->GetBackingStore();
  out->offset = view->ByteOffset();
  out->length = view->ByteLength();
  // A detached buffer (or one shrunk under the view) holds none of the bytes the view says.
  return out->store && out->offset + out->length <= out->store->ByteLength();
}

void Serialize(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsWasmModuleObject()) {
    return ThrowType(isolate, "serialize() expects a WebAssembly.Module");
  }
  v8::CompiledWasmModule compiled = info[0].As<v8::WasmModuleObject>()->GetCompiledModule();
  v8::OwnedBuffer buffer = compiled.Serialize();
  if (buffer.size == 0) {
    info.GetReturnValue().SetNull();
    return;
  }
  info.GetReturnValue().Set(CopyToJs(isolate, buffer.buffer.get(), buffer.size));
}

void WireBytes(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsWasmModuleObject()) {
    return ThrowType(isolate, "wireBytes() expects a WebAssembly.Module");
  }
  v8::CompiledWasmModule compiled = info[0].As<v8::WasmModuleObject>()->GetCompiledModule();
  v8::MemorySpan<const uint8_t> span = compiled.GetWireBytesRef();
  info.GetReturnValue().Set(CopyToJs(isolate, span.data(), span.size()));
}

void Sha256(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 1 || !BytesOf(info[0], &bytes)) {
    return ThrowType(isolate, "sha256() expects a Uint8Array");
  }
  uint8_t digest[32];
  wasmer_ts::Sha256(bytes.data(), bytes.size(), digest);
  info.GetReturnValue().Set(CopyToJs(isolate, digest, sizeof digest));
}

void Blake3(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 1 || !BytesOf(info[0], &bytes)) {
    return ThrowType(isolate, "blake3() expects a Uint8Array");
  }
  wasmer_ts::Blake3Kernel best = wasmer_ts::Blake3BestKernel();
  wasmer_ts::Blake3Kernel kernel = best;
  if (info.Length() > 1 && !info[1]->IsUndefined()) {
    v8::String::Utf8Value name(isolate, info[1]);
    bool known = false;
    for (int k = 0; k <= static_cast<int>(best); k++) {
      auto candidate = static_cast<wasmer_ts::Blake3Kernel>(k);
      if (*name != nullptr && std::strcmp(*name, wasmer_ts::Blake3KernelName(candidate)) == 0) {
        kernel = candidate;
        known = true;
      }
    }
    if (!known) return ThrowType(isolate, "blake3(): that kernel does not run on this CPU");
  }
  uint8_t digest[32];
  wasmer_ts::Blake3(bytes.data(), bytes.size(), digest, kernel);
  info.GetReturnValue().Set(CopyToJs(isolate, digest, sizeof digest));
}

// The checksum bin/bundle-loader.js keeps in the header of each file of its code cache:
// FNV-1a over the bytes as little-endian 32-bit words, then over the last 0-3 bytes one by
// one. The loader's JavaScript one, the same function, ran interpreted in every start:
// 1.7-3.4 ms for the 470 KB a component's run loads; this takes about 0.1.
void Checksum32(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 1 || !BytesOf(info[0], &bytes)) {
    return ThrowType(isolate, "checksum32() expects a Uint8Array");
  }
  const uint8_t* p = bytes.data();
  const size_t words = bytes.size() / 4;
  uint32_t hash = 0x811c9dc5;
  for (size_t i = 0; i < words; i++, p += 4) {
    const uint32_t word = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    hash = (hash ^ word) * 0x01000193u;
  }
  for (size_t i = words * 4; i < bytes.size(); i++, p++) hash = (hash ^ *p) * 0x01000193u;
  info.GetReturnValue().Set(v8::Integer::NewFromUnsigned(isolate, hash));
}

// What node:v8's setFlagsFromString does, without node:v8: under a V8 flag given at start
// Node compiles node:v8's twenty-odd modules from source (its code cache was made under
// other flags), 11 ms of a C hello world's 85 ms start on Node 20, where the CLI turns on
// Wasm inlining before its first compile (src/commands/input.ts). The same rule holds as
// for node:v8: only before any Wasm is compiled.
void SetV8Flags(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsString()) {
    return ThrowType(isolate, "setV8Flags() expects a string");
  }
  v8::String::Utf8Value flags(isolate, info[0]);
  v8::V8::SetFlagsFromString(*flags, flags.length());
}

// V8's ValueSerializer, the structured clone of postMessage, for the parse cache
// (src/runtime/engine/cache/parse-cache.ts): it keeps a graph's shared objects shared,
// and Maps, Sets, bigints, undefined and -0 as they are, and reading it back is native
// code, where a JavaScript decoder runs interpreted in a cold process (2-3 ms for a
// WASI hello world's parse, against well under one). `buffer` (an ArrayBuffer) is
// transferred as id 0: views of it are written as offsets into it, not copied, and
// the views read back are views of the buffer given then. Without a delegate, V8
// throws its own Error for what it cannot write (a function, a symbol), and for data
// it cannot read.
void SerializeValue(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[1]->IsArrayBuffer()) {
    return ThrowType(isolate, "serializeValue() expects a value and an ArrayBuffer");
  }
  v8::ValueSerializer serializer(isolate);
  serializer.TransferArrayBuffer(0, info[1].As<ArrayBuffer>());
  serializer.WriteHeader();
  bool written = false;
  if (!serializer.WriteValue(isolate->GetCurrentContext(), info[0]).To(&written) || !written) return;
  // Allocated with realloc when there is no delegate (include/v8-value-serializer.h).
  std::pair<uint8_t*, size_t> data = serializer.Release();
  Local<Uint8Array> result = CopyToJs(isolate, data.first, data.second);
  std::free(data.first);
  info.GetReturnValue().Set(result);
}

void DeserializeValue(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 2 || !BytesOf(info[0], &bytes) || !info[1]->IsArrayBuffer()) {
    return ThrowType(isolate, "deserializeValue() expects a Uint8Array and an ArrayBuffer");
  }
  Local<Context> context = isolate->GetCurrentContext();
  // The data is read during this call only; `bytes` holds its backing store until then.
  v8::ValueDeserializer deserializer(isolate, bytes.data(), bytes.size());
  deserializer.TransferArrayBuffer(0, info[1].As<ArrayBuffer>());
  bool header = false;
  if (!deserializer.ReadHeader(context).To(&header)) return;
  if (!header) {
    isolate->ThrowException(v8::Exception::Error(Str(isolate, "not V8 serialized data")));
    return;
  }
  Local<Value> value;
  if (!deserializer.ReadValue(context).ToLocal(&value)) return;
  info.GetReturnValue().Set(value);
}

// Two generations of include/v8-wasm.h hand serialized code to a stream:
//
// - V8 11.3 to 13.6 (Node 20, 22, 24): SetCompiledModuleBytes(bytes, size)
//   before the wire bytes. It checks only the code's header (version, CPU
//   features, flag hash) and returns whether that passed; Finish() then
//   deserializes, and if that fails compiles the wire bytes. So `true` means
//   "V8 took the header", not "V8 deserialized it" (with a payload whose
//   SHA-256 we checked, a later failure would be a V8 bug, not damage).
// - V8 14.6 (Node 26; the API changed during V8 14, reportedly in 14.3):
//   SetHasCompiledModuleBytes() before the wire bytes, then
//   Finish(ModuleCachingCallback). V8 calls the callback inside Finish with a
//   ModuleCachingInterface whose SetCachedCompiledModuleBytes deserializes
//   there and then and returns whether it worked: `true` means the module is
//   the deserialized one. The code is read only during that call.
//
// Which one this V8 has is read from the header itself (does WasmStreaming
// declare SetHasCompiledModuleBytes?), not from a version number: the exact
// 14.x that switched is not in any header we build against.
template <typename Streaming, typename = void>
struct HasModuleCachingCallback : std::false_type {};
template <typename Streaming>
struct HasModuleCachingCallback<Streaming, std::void_t<decltype(&Streaming::SetHasCompiledModuleBytes)>>
    : std::true_type {};

constexpr bool kHasModuleCachingCallback = HasModuleCachingCallback<v8::WasmStreaming>::value;

// Gives V8 the armed code and wire bytes and finishes the stream; returns
// whether V8 took the code (see above for what that means on each API).
// Both APIs deserialize inside Finish, so the code outlives every use V8 makes
// of it; the wire bytes are copied by OnBytesReceived, so a released load's
// buffer (ReleaseWasm) can go before Finish.
template <typename Streaming>
bool FeedArmedLoad(Streaming& streaming, Pending& load) {
  if constexpr (HasModuleCachingCallback<Streaming>::value) {
    bool deserialized = false;
    streaming.SetHasCompiledModuleBytes();
    streaming.OnBytesReceived(load.wasm.data(), load.wasm.size());
    ReleaseWasm(load);
    streaming.Finish([&](typename Streaming::ModuleCachingInterface& cache) {
      v8::MemorySpan<const uint8_t> code(load.code.data(), load.code.size());
      deserialized = cache.SetCachedCompiledModuleBytes(code);
    });
    return deserialized;
  } else {
    bool accepted = streaming.SetCompiledModuleBytes(load.code.data(), load.code.size());
    streaming.OnBytesReceived(load.wasm.data(), load.wasm.size());
    ReleaseWasm(load);
    streaming.Finish();
    return accepted;
  }
}

void OurStreamingCallback(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  std::unique_ptr<Pending> mine;
  if (info.Length() >= 1 && info[0]->IsObject()) {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = pending.begin(); it != pending.end(); ++it) {
      if ((*it)->isolate == isolate && (*it)->marker.Get(isolate)->StrictEquals(info[0])) {
        mine = std::move(*it);
        pending.erase(it);
        break;
      }
    }
  }
  if (!mine) {
    // Not ours: a fetch() Response or anything else goes to Node unchanged.
    NodeCallback()(info);
    return;
  }
  std::shared_ptr<v8::WasmStreaming> streaming = v8::WasmStreaming::Unpack(isolate, info.Data());
  bool accepted = FeedArmedLoad(*streaming, *mine);
  Local<Context> context = isolate->GetCurrentContext();
  Local<Object> marker = mine->marker.Get(isolate);
  marker->Set(context, Str(isolate, "accepted"), v8::Boolean::New(isolate, accepted)).FromMaybe(false);
}

const char* LoaderUnavailableReason() {
  if (NodeCallback() == nullptr) {
    return "Node's wasm streaming callback symbol was not found, so compileStreaming could not be shared";
  }
  return nullptr;
}

void Arm(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  const char* reason = LoaderUnavailableReason();
  if (reason != nullptr) {
    info.GetReturnValue().Set(Str(isolate, reason));
    return;
  }
  if (info.Length() < 3 || !info[0]->IsObject()) {
    return ThrowType(isolate, "arm() expects (marker object, wasm bytes, code bytes)");
  }
  auto entry = std::make_unique<Pending>();
  entry->isolate = isolate;
  entry->marker.Reset(isolate, info[0].As<Object>());
  if (!BytesOf(info[1], &entry->wasm) || !BytesOf(info[2], &entry->code)) {
    return ThrowType(isolate, "arm() expects the wasm and code as Uint8Arrays");
  }
  if (entry->code.empty()) {
    info.GetReturnValue().Set(Str(isolate, "there is no machine code to load"));
    return;
  }
  // Detached after the feed only if the view covers it whole (DetachIfWhole).
  if (info.Length() >= 4 && info[3]->IsTrue()) {
    entry->release.Reset(isolate, info[1].As<v8::ArrayBufferView>()->Buffer());
  }
  std::lock_guard<std::mutex> lock(mutex);
  bool have = false;
  for (Isolate* i : installed) have = have || i == isolate;
  if (!have) {
    isolate->SetWasmStreamingCallback(OurStreamingCallback);
    installed.push_back(isolate);
  }
  pending.push_back(std::move(entry));
  info.GetReturnValue().Set(true);
}

// A full garbage collection now, its finalizers run before it returns
// (Isolate::LowMemoryNotification). After compileStreaming has loaded a cache hit, V8's
// streaming decoder still holds its copy of the wire bytes (72 MiB for clang) for as long as
// the WasmStreaming object that owns it lives: a managed JS object, whose finalizer runs in a
// task after the GC that finds it dead. A run makes little JS garbage and runs the guest
// without returning to the event loop, so the copy stayed for the whole run (measured: a
// scavenge and a mark-compact in the run freed nothing, this freed 78 MiB).
void CollectGarbage(const FunctionCallbackInfo<Value>& info) {
  info.GetIsolate()->LowMemoryNotification();
}

// Detaches the buffer of a Uint8Array that covers it whole, which frees its memory now
// (unless something else holds the backing store) instead of at the GC that finds it dead.
// For the CLI's copy of a big module once V8 has compiled it: V8 counts a buffer's bytes
// against the old generation's limit until a mark-compact frees them, and a 72 MiB one
// (clang) held through the compile made V8 mark-compact again and again (the CLI ran 7
// mark-compacts where plain node:wasi ran 2). Returns whether it detached the buffer.
void Detach(const FunctionCallbackInfo<Value>& info) {
  bool done = false;
  if (info.Length() >= 1 && info[0]->IsUint8Array()) {
    Local<v8::ArrayBufferView> view = info[0].As<v8::ArrayBufferView>();
    done = DetachIfWhole(view->Buffer(), view->ByteOffset(), view->ByteLength());
  }
  info.GetReturnValue().Set(done);
}

// Whether this V8 has Isolate::SetIsLoading: V8 13.6 and 14.6 (Node 24 and 26) have it and no
// SetRAILMode, V8 11.3 and 12.4 (Node 20 and 22) only SetRAILMode. Read from the header, as
// kHasModuleCachingCallback is.
template <typename I, typename = void>
struct HasSetIsLoading : std::false_type {};
template <typename I>
struct HasSetIsLoading<I, std::void_t<decltype(&I::SetIsLoading)>> : std::true_type {};

// SetRAILMode through its own parameter type, so that v8::RAILMode, gone from the headers
// that have SetIsLoading, is named only where the call exists.
template <typename I, typename Mode>
void SetRailMode(I* isolate, void (I::*)(Mode), bool loading) {
  isolate->SetRAILMode(loading ? Mode::PERFORMANCE_LOAD : Mode::PERFORMANCE_ANIMATION);
}

// Tells V8 the embedder is loading (true) or done (false): SetIsLoading, or on V8 11-12 the
// RAIL mode PERFORMANCE_LOAD and back to PERFORMANCE_ANIMATION, V8's default. While loading
// (at most 7 s after the call, V8's own bound), V8 lets the old generation grow past its
// limit on a slow allocation instead of collecting at once. What it is for here: on V8 11 a
// small JS heap (ours, 6-7 MB, beside a big module) gets an old-generation limit a few
// hundred KB above its live size, and the allocations of instantiating clang and of the
// first seconds of its run (feedback, code, V8's tables) made V8 mark-compact on
// allocation failure 8-18 times (6-110 ms of pauses), where node:wasi, with less JS, had 3-5.
template <typename I>
void MarkLoading(I* isolate, bool loading) {
  if constexpr (HasSetIsLoading<I>::value) {
    isolate->SetIsLoading(loading);
  } else {
    SetRailMode(isolate, &I::SetRAILMode, loading);
  }
}

// WASI's random_get from the kernel's generator, as node:wasi's (libuv's uv_random) does,
// where node:crypto's randomFillSync loads some twenty built-in modules on first use, and
// compiles them from source once the CLI has set a V8 flag (their code cache is keyed by
// V8's flags): 4 ms of a clang run that asked for random bytes (CPU profile, Node 26).
// Returns 0, or -errno when the bytes could not all be filled (the range is checked first).
void RandomFill(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 3 || !BytesOf(info[0], &bytes) || !info[1]->IsUint32() || !info[2]->IsUint32()) {
    return ThrowType(isolate, "randomFill() expects a Uint8Array, an offset and a length");
  }
  const size_t offset = info[1].As<v8::Uint32>()->Value();
  const size_t length = info[2].As<v8::Uint32>()->Value();
  if (offset > bytes.size() || length > bytes.size() - offset) {
    return ThrowType(isolate, "randomFill(): the range is outside the Uint8Array");
  }
  uint8_t* at = const_cast<uint8_t*>(bytes.data()) + offset;
  size_t done = 0;
  while (done < length) {
    // getrandom returns at most 32 MiB per call, and may be interrupted by a signal.
    const ssize_t n = getrandom(at + done, length - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      info.GetReturnValue().Set(-errno);
      return;
    }
    done += static_cast<size_t>(n);
  }
  info.GetReturnValue().Set(0);
}

// WASI's file reads and writes (fd_read, fd_write, fd_pread, fd_pwrite on a file), at the
// position the host keeps: fs.writeSync made about 13 bytes of garbage on every call (0.6
// MB over one clang++ compile on Node 22), which node:wasi, whose syscalls are C++, does
// not. Returns the bytes done or -errno; the caller asks Node again for an error it can
// throw with its code.
void FileIo(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Bytes bytes;
  if (info.Length() < 6 || !info[1]->IsInt32() || !BytesOf(info[2], &bytes) || !info[3]->IsUint32() ||
      !info[4]->IsUint32() || !info[5]->IsNumber()) {
    return ThrowType(isolate, "fileIo() expects write, fd, a Uint8Array, an offset, a length and a position");
  }
  const bool write = info[0]->IsTrue();
  const int fd = info[1].As<v8::Int32>()->Value();
  const size_t offset = info[3].As<v8::Uint32>()->Value();
  const size_t length = info[4].As<v8::Uint32>()->Value();
  const double position = info[5].As<v8::Number>()->Value();
  if (offset > bytes.size() || length > bytes.size() - offset) {
    return ThrowType(isolate, "fileIo(): the range is outside the Uint8Array");
  }
  // Up to 2^53, which a JS number holds exactly and off_t more than holds.
  if (!(position >= 0 && position <= 9007199254740992.0) ||
      position != static_cast<double>(static_cast<int64_t>(position))) {
    return ThrowType(isolate, "fileIo(): the position must be a whole number from 0 to 2^53");
  }
  uint8_t* at = const_cast<uint8_t*>(bytes.data()) + offset;
  const off_t where = static_cast<off_t>(position);
  ssize_t n;
  do {
    n = write ? pwrite(fd, at, length, where) : pread(fd, at, length, where);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    info.GetReturnValue().Set(-errno);
  } else {
    info.GetReturnValue().Set(static_cast<uint32_t>(n));
  }
}

void SetLoading(const FunctionCallbackInfo<Value>& info) {
  MarkLoading(info.GetIsolate(), info.Length() >= 1 && info[0]->IsTrue());
}

// Drops armed loads that were never started (compileStreaming threw first).
void Disarm(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsObject()) return;
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    if ((*it)->isolate == isolate && (*it)->marker.Get(isolate)->StrictEquals(info[0])) {
      pending.erase(it);
      return;
    }
  }
}

void Status(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  Local<Object> result = Object::New(isolate);
  const char* reason = LoaderUnavailableReason();
  result->Set(context, Str(isolate, "loader"), v8::Boolean::New(isolate, reason == nullptr)).FromMaybe(false);
  result
      ->Set(context, Str(isolate, "reason"),
            reason == nullptr ? Local<Value>(v8::Null(isolate)) : Local<Value>(Str(isolate, reason)))
      .FromMaybe(false);
  result->Set(context, Str(isolate, "v8"), Str(isolate, v8::V8::GetVersion())).FromMaybe(false);
  // Which WasmStreaming API the loader uses (see FeedArmedLoad), for tests and bug reports.
  const char* api = kHasModuleCachingCallback ? "ModuleCachingCallback" : "SetCompiledModuleBytes";
  result->Set(context, Str(isolate, "api"), Str(isolate, api)).FromMaybe(false);
  const char* sha = wasmer_ts::Sha256UsesCpuInstructions() ? "sha-ni" : "portable";
  result->Set(context, Str(isolate, "sha256"), Str(isolate, sha)).FromMaybe(false);
  const char* blake3 = wasmer_ts::Blake3KernelName(wasmer_ts::Blake3BestKernel());
  result->Set(context, Str(isolate, "blake3"), Str(isolate, blake3)).FromMaybe(false);
  info.GetReturnValue().Set(result);
}

void Cleanup(void* arg) {
  Isolate* isolate = static_cast<Isolate*>(arg);
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = pending.begin(); it != pending.end();) {
    if ((*it)->isolate == isolate) {
      it = pending.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = installed.begin(); it != installed.end();) {
    it = *it == isolate ? installed.erase(it) : it + 1;
  }
  // A later isolate at the same address (a new worker thread) registers its own hook.
  hooked.erase(std::remove(hooked.begin(), hooked.end(), isolate), hooked.end());
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  // Context::GetIsolate() is gone from V8 14's include/v8-context.h; the
  // isolate loading this addon is the current one on every V8 we support.
  Isolate* isolate = Isolate::GetCurrent();
  NODE_SET_METHOD(exports, "serialize", Serialize);
  NODE_SET_METHOD(exports, "wireBytes", WireBytes);
  NODE_SET_METHOD(exports, "arm", Arm);
  NODE_SET_METHOD(exports, "disarm", Disarm);
  NODE_SET_METHOD(exports, "detach", Detach);
  NODE_SET_METHOD(exports, "collectGarbage", CollectGarbage);
  NODE_SET_METHOD(exports, "status", Status);
  NODE_SET_METHOD(exports, "sha256", Sha256);
  NODE_SET_METHOD(exports, "blake3", Blake3);
  NODE_SET_METHOD(exports, "serializeValue", SerializeValue);
  NODE_SET_METHOD(exports, "deserializeValue", DeserializeValue);
  NODE_SET_METHOD(exports, "checksum32", Checksum32);
  NODE_SET_METHOD(exports, "setV8Flags", SetV8Flags);
  NODE_SET_METHOD(exports, "setLoading", SetLoading);
  NODE_SET_METHOD(exports, "compileFile", wasmer_ts::CompileFile);
  NODE_SET_METHOD(exports, "statType", wasmer_ts::StatType);
  NODE_SET_METHOD(exports, "statTypeIn", wasmer_ts::StatTypeIn);
  NODE_SET_METHOD(exports, "filestat", wasmer_ts::Filestat);
  NODE_SET_METHOD(exports, "randomFill", RandomFill);
  NODE_SET_METHOD(exports, "fileIo", FileIo);
  // Loaded twice in one process (bin/bundle-loader.js for its checksum, then the runtime),
  // the init runs twice; Node aborts on a cleanup hook registered twice.
  std::lock_guard<std::mutex> lock(mutex);
  if (std::find(hooked.begin(), hooked.end(), isolate) == hooked.end()) {
    hooked.push_back(isolate);
    node::AddEnvironmentCleanupHook(isolate, Cleanup, isolate);
  }
}
