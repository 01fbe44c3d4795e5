// compileFile(path, params, cachedData): what bin/bundle-loader.js did with node:vm, a
// file of the CLI's bundle compiled as the body of a function, taking V8's code cache,
// without node:vm. Under a V8 flag given at start (the launcher's --no-liftoff) Node's
// own code cache of node:vm is refused, and loading the module compiled it from source:
// 1.7-2.6 ms of a 27 ms `node -e 0` (Node 20). The source is read here, kept outside
// V8's heap as an external string (the bundle is ASCII: scripts/bundle-cli.js), not
// read by JavaScript and decoded into a 250 KB string in the old generation.
//
//   compileFile(path, params, cachedData | null)
//       -> { fn, rejected, length, createCachedData() }   fn: the compiled function;
//          rejected: V8 refused cachedData; length: the source's length; createCachedData():
//          V8's code cache of fn with everything compiled of it by then (Uint8Array or null)
//       -> string                                         why not (the loader uses node:vm)
//
// A string answer is for what the loader can do another way: a file it cannot read, or
// one that is not ASCII. A syntax error throws, as vm.Script's does.

#include "compile-file.h"

#include "js-values.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace wasmer_ts {

namespace {

using v8::ArrayBuffer;
using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::ScriptCompiler;
using v8::String;
using v8::Uint8Array;
using v8::Value;

// The file's bytes, owned by the string V8 makes of them and freed with it.
class FileSource : public String::ExternalOneByteStringResource {
 public:
  explicit FileSource(std::unique_ptr<char[]> data, size_t length) : data_(std::move(data)), length_(length) {}
  const char* data() const override { return data_.get(); }
  size_t length() const override { return length_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t length_;
};

// Reads a whole regular file into `out`; false and `why` on failure.
bool ReadWhole(const char* path, std::unique_ptr<char[]>* out, size_t* length, std::string* why) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *why = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size <= 0 || info.st_size > (64 << 20)) {
    close(fd);
    *why = "not a regular file of 1 byte to 64 MiB";
    return false;
  }
  size_t size = static_cast<size_t>(info.st_size);
  std::unique_ptr<char[]> data(new char[size]);
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, data.get() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(fd);
  if (done != size) {
    *why = "the file changed while it was read";
    return false;
  }
  for (size_t i = 0; i < size; i++) {
    if (static_cast<unsigned char>(data[i]) >= 0x80) {
      *why = "not ASCII";
      return false;
    }
  }
  *out = std::move(data);
  *length = size;
  return true;
}

// createCachedData() of one compileFile result: its data is the function compileFile made,
// so only a function V8 compiled with CompileFunction ever reaches CreateCodeCacheForFunction
// (which CHECKs it was).
void CreateCachedData(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  Local<Function> fn = info.Data().As<Function>();
  std::unique_ptr<ScriptCompiler::CachedData> cache(ScriptCompiler::CreateCodeCacheForFunction(fn));
  if (!cache || cache->length <= 0) {
    info.GetReturnValue().SetNull();
    return;
  }
  size_t size = static_cast<size_t>(cache->length);
  Local<ArrayBuffer> buffer = ArrayBuffer::New(isolate, size);
  std::memcpy(buffer->Data(), cache->data, size);
  info.GetReturnValue().Set(Uint8Array::New(buffer, 0, size));
}

}  // namespace

void CompileFile(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 3 || !info[0]->IsString() || !info[1]->IsArray() ||
      !(info[2]->IsNull() || info[2]->IsUint8Array())) {
    return ThrowType(isolate, "compileFile() expects a path, an array of parameter names and a Uint8Array or null");
  }
  Local<Context> context = isolate->GetCurrentContext();
  String::Utf8Value path(isolate, info[0]);
  std::unique_ptr<char[]> data;
  size_t length = 0;
  std::string why;
  if (*path == nullptr || !ReadWhole(*path, &data, &length, &why)) {
    info.GetReturnValue().Set(Str(isolate, why.empty() ? "no path" : why.c_str()));
    return;
  }
  Local<v8::Array> names = info[1].As<v8::Array>();
  std::vector<Local<String>> params;
  for (uint32_t i = 0; i < names->Length(); i++) {
    Local<Value> name;
    if (!names->Get(context, i).ToLocal(&name) || !name->IsString()) {
      return ThrowType(isolate, "compileFile() expects parameter names as strings");
    }
    params.push_back(name.As<String>());
  }
  Local<String> source_text;
  if (!String::NewExternalOneByte(isolate, new FileSource(std::move(data), length)).ToLocal(&source_text)) return;

  // The cached data stays the caller's (BufferNotOwned): the Uint8Array outlives the compile.
  ScriptCompiler::CachedData* cached = nullptr;
  std::shared_ptr<v8::BackingStore> keep;
  if (info[2]->IsUint8Array()) {
    Local<Uint8Array> view = info[2].As<Uint8Array>();
    keep = view->Buffer()->GetBackingStore();
    if (!keep || view->ByteOffset() + view->ByteLength() > keep->ByteLength()) {
      return ThrowType(isolate, "compileFile(): the cached data's buffer is detached");
    }
    cached = new ScriptCompiler::CachedData(static_cast<const uint8_t*>(keep->Data()) + view->ByteOffset(),
                                            static_cast<int>(view->ByteLength()),
                                            ScriptCompiler::CachedData::BufferNotOwned);
  }
#if V8_MAJOR_VERSION >= 12
  v8::ScriptOrigin origin(info[0]);
#else
  v8::ScriptOrigin origin(isolate, info[0]);
#endif
  // Source owns `cached` from here.
  ScriptCompiler::Source source(source_text, origin, cached);
  ScriptCompiler::CompileOptions options =
      cached == nullptr ? ScriptCompiler::kNoCompileOptions : ScriptCompiler::kConsumeCodeCache;
  Local<Function> fn;
  if (!ScriptCompiler::CompileFunction(context, &source, params.size(), params.data(), 0, nullptr, options)
           .ToLocal(&fn)) {
    return;  // the SyntaxError is pending
  }
  bool rejected = cached != nullptr && source.GetCachedData()->rejected;
  Local<Function> create;
  if (!Function::New(context, CreateCachedData, fn).ToLocal(&create)) return;
  Local<Object> result = Object::New(isolate);
  if (result->Set(context, Str(isolate, "fn"), fn).IsNothing() ||
      result->Set(context, Str(isolate, "rejected"), v8::Boolean::New(isolate, rejected)).IsNothing() ||
      result->Set(context, Str(isolate, "length"), v8::Number::New(isolate, static_cast<double>(length)))
          .IsNothing() ||
      result->Set(context, Str(isolate, "createCachedData"), create).IsNothing()) {
    return;
  }
  info.GetReturnValue().Set(result);
}

}  // namespace wasmer_ts
