// wasmer-ts native addon: reaches V8's compiled-Wasm serialization, which
// neither JS nor N-API exposes.
//
//   serialize(module)        -> Uint8Array | null   CompiledWasmModule::Serialize()
//   wireBytes(module)        -> Uint8Array          the Wasm bytes V8 compiled it from
//   arm(marker, wasm, code)  -> true | string       queue a cached load (string = why not)
//   status()                 -> { loader, reason, v8 }
//
// Loading: V8 only accepts serialized code through streaming compilation. JS
// calls arm(marker, ...) and then WebAssembly.compileStreaming(marker). V8
// resolves the marker and calls the isolate's WasmStreamingCallback, which we
// replace with ours: for our marker it calls SetCompiledModuleBytes(code) (V8
// checks its 16-byte header: version, CPU features, flag hash), then
// OnBytesReceived(wasm) and Finish(). If the code is refused, or fails to
// deserialize, V8 compiles the wire bytes instead, so the result is always the
// module for `wasm`. Any other compileStreaming call (a fetch Response) goes to
// Node's own callback, found by its exported symbol: if that symbol is missing
// we never install ours, and the loader reports itself unavailable.
//
// The wasmer-ts artifact checks the payload's SHA-256 before arm() is called:
// V8 does not check the payload itself, and a damaged one can crash.

#include <dlfcn.h>
#include <node.h>
#include <v8-version.h>
#include <v8.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// WasmStreaming::SetCompiledModuleBytes left the API in V8 14.3 (replaced by
// SetHasCompiledModuleBytes and a caching callback). Older V8 only.
#if V8_MAJOR_VERSION < 14 || (V8_MAJOR_VERSION == 14 && V8_MINOR_VERSION < 3)
#define WASMER_TS_HAS_LOADER 1
#else
#define WASMER_TS_HAS_LOADER 0
#endif

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

using StreamingCallback = void (*)(const FunctionCallbackInfo<Value>&);

// Node's callback: node::wasm_web_api::StartStreamingCompilation (Node 18+).
const char kNodeCallbackSymbol[] =
    "_ZN4node12wasm_web_api25StartStreamingCompilationERKN2v820FunctionCallbackInfoINS1_5ValueEEE";

struct Pending {
  Isolate* isolate;
  Global<Object> marker;
  std::vector<uint8_t> wasm;
  std::vector<uint8_t> code;
};

std::mutex mutex;                                // guards everything below (worker threads)
std::vector<std::unique_ptr<Pending>> pending;   // loads armed but not yet started
std::vector<Isolate*> installed;                 // isolates whose callback is ours

StreamingCallback NodeCallback() {
  static StreamingCallback cb = reinterpret_cast<StreamingCallback>(dlsym(RTLD_DEFAULT, kNodeCallbackSymbol));
  return cb;
}

Local<String> Str(Isolate* isolate, const char* s) {
  return String::NewFromUtf8(isolate, s).ToLocalChecked();
}

void ThrowType(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(Str(isolate, message)));
}

Local<Uint8Array> CopyToJs(Isolate* isolate, const uint8_t* data, size_t size) {
  Local<ArrayBuffer> ab = ArrayBuffer::New(isolate, size);
  if (size > 0) std::memcpy(ab->Data(), data, size);
  return Uint8Array::New(ab, 0, size);
}

bool BytesOf(Local<Value> value, std::vector<uint8_t>* out) {
  if (!value->IsArrayBufferView()) return false;
  Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
  out->resize(view->ByteLength());
  if (!out->empty()) view->CopyContents(out->data(), out->size());
  return true;
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

#if WASMER_TS_HAS_LOADER
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
  bool accepted = !mine->code.empty() && streaming->SetCompiledModuleBytes(mine->code.data(), mine->code.size());
  Local<Context> context = isolate->GetCurrentContext();
  Local<Object> marker = mine->marker.Get(isolate);
  marker->Set(context, Str(isolate, "accepted"), v8::Boolean::New(isolate, accepted)).FromMaybe(false);
  streaming->OnBytesReceived(mine->wasm.data(), mine->wasm.size());
  // Finish deserializes synchronously (falling back to compiling the wire
  // bytes), so `mine`'s buffers outlive every use V8 makes of them.
  streaming->Finish();
}
#endif

const char* LoaderUnavailableReason() {
#if !WASMER_TS_HAS_LOADER
  return "this V8 has no WasmStreaming::SetCompiledModuleBytes (V8 14.3+); the addon needs an update";
#else
  if (NodeCallback() == nullptr) {
    return "Node's wasm streaming callback symbol was not found, so compileStreaming could not be shared";
  }
  return nullptr;
#endif
}

void Arm(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  const char* reason = LoaderUnavailableReason();
  if (reason != nullptr) {
    info.GetReturnValue().Set(Str(isolate, reason));
    return;
  }
#if WASMER_TS_HAS_LOADER
  if (info.Length() < 3 || !info[0]->IsObject()) {
    return ThrowType(isolate, "arm() expects (marker object, wasm bytes, code bytes)");
  }
  auto entry = std::make_unique<Pending>();
  entry->isolate = isolate;
  entry->marker.Reset(isolate, info[0].As<Object>());
  if (!BytesOf(info[1], &entry->wasm) || !BytesOf(info[2], &entry->code)) {
    return ThrowType(isolate, "arm() expects the wasm and code as Uint8Arrays");
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
#endif
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
  (void)result->Set(context, Str(isolate, "reason"),
                    reason == nullptr ? Local<Value>(v8::Null(isolate)) : Local<Value>(Str(isolate, reason)));
  result->Set(context, Str(isolate, "v8"), Str(isolate, v8::V8::GetVersion())).FromMaybe(false);
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
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  Isolate* isolate = context->GetIsolate();
  NODE_SET_METHOD(exports, "serialize", Serialize);
  NODE_SET_METHOD(exports, "wireBytes", WireBytes);
  NODE_SET_METHOD(exports, "arm", Arm);
  NODE_SET_METHOD(exports, "disarm", Disarm);
  NODE_SET_METHOD(exports, "status", Status);
  node::AddEnvironmentCleanupHook(isolate, Cleanup, isolate);
}
