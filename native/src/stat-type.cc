// statType(path | fd, ids): what lstat(2) (a path) or fstat(2) (an fd) says a file is,
// without the Stats object Node makes of every stat (about 900 bytes of garbage each,
// from a sampling heap profile: 70% of what a WASI path_open made, three stats a call).
//
//   statType(path, ids)  -> the mode's S_IFMT bits, 0 when nothing is there (ENOENT),
//                           or -errno; dev and ino go to ids[0], ids[1] (a Float64Array
//                           of 2, as Node's Stats give them: numbers)
//   statType(fd, ids)    -> the same for an open file descriptor (fstat)
//   statTypeIn(dir, name, ids)
//                        -> statType of dir + "/" + name, joined here: the sandbox's walk
//                           stats each component in the directory it holds, and a JS
//                           string of the joined path (made, then flattened for the call)
//                           was most of what a walk still allocated
//
//   filestat(path | fd, memory, offset)
//                        -> the same number; on success also a WASI preview1 filestat
//                           (64 bytes) at memory[offset]: dev, ino, nlink, size, atim,
//                           mtim, ctim, little-endian, the filetype byte left 0 for the
//                           caller (the mapping lives in src/runtime/wasi/constants.ts).
//                           Node's BigIntStats made a BigInt per field and per is*() call.
//
// The WASI host (src/runtime/wasi/file-type.ts) gives any other error to Node's own
// stat, so its error is Node's.

#include "stat-type.h"

#include "js-values.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace wasmer_ts {

namespace {

// Whether a JS string's UTF-8 has no NUL inside, which would end a C path early (EINVAL,
// for Node's own stat to refuse it).
bool IsWhole(const v8::String::Utf8Value& text) {
  return *text != nullptr && std::strlen(*text) == static_cast<size_t>(text.length());
}

// lstat(2) of a path, of dir + "/" + name (`name` not empty), or fstat(2) of an fd, given
// as JS; 0 on success, else errno.
int StatOf(v8::Isolate* isolate, v8::Local<v8::Value> target, v8::Local<v8::Value> name, struct stat* st) {
  int rc;
  if (target->IsString() && !name.IsEmpty()) {
    v8::String::Utf8Value dir(isolate, target);
    v8::String::Utf8Value leaf(isolate, name);
    if (!IsWhole(dir) || !IsWhole(leaf)) return EINVAL;
    std::string path;
    path.reserve(static_cast<size_t>(dir.length()) + 1 + static_cast<size_t>(leaf.length()));
    path.append(*dir, static_cast<size_t>(dir.length())).append(1, '/').append(*leaf, static_cast<size_t>(leaf.length()));
    rc = lstat(path.c_str(), st);
  } else if (target->IsString()) {
    v8::String::Utf8Value path(isolate, target);
    rc = IsWhole(path) ? lstat(*path, st) : (errno = EINVAL, -1);
  } else {
    rc = fstat(target.As<v8::Int32>()->Value(), st);
  }
  return rc == 0 ? 0 : errno;
}

// Stats info[0] (joined with `name` when given); when that fails, answers the call (0 for
// ENOENT, else -errno) and returns false.
bool StatOrAnswer(const v8::FunctionCallbackInfo<v8::Value>& info, v8::Local<v8::Value> name, struct stat* st) {
  int error = StatOf(info.GetIsolate(), info[0], name, st);
  if (error == 0) return true;
  info.GetReturnValue().Set(error == ENOENT ? 0 : -error);
  return false;
}

void PutU64(uint8_t* at, uint64_t value) {
  for (int i = 0; i < 8; i++) at[i] = static_cast<uint8_t>(value >> (8 * i));
}

// dev and ino, as Node's Stats give them (numbers), into a Float64Array of 2.
void WriteIds(v8::Local<v8::Float64Array> ids, const struct stat& st) {
  double* out = reinterpret_cast<double*>(static_cast<char*>(ids->Buffer()->Data()) + ids->ByteOffset());
  out[0] = static_cast<double>(st.st_dev);
  out[1] = static_cast<double>(st.st_ino);
}

uint64_t Nanoseconds(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

}  // namespace

void Filestat(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 3 || !(info[0]->IsString() || info[0]->IsInt32()) || !info[1]->IsUint8Array() ||
      !info[2]->IsUint32()) {
    return ThrowType(isolate, "filestat() expects a path or an fd, a Uint8Array and an offset");
  }
  v8::Local<v8::Uint8Array> memory = info[1].As<v8::Uint8Array>();
  size_t offset = info[2].As<v8::Uint32>()->Value();
  std::shared_ptr<v8::BackingStore> store = memory->Buffer()->GetBackingStore();
  if (!store || memory->ByteOffset() + memory->ByteLength() > store->ByteLength() || offset + 64 > memory->ByteLength()) {
    return ThrowType(isolate, "filestat(): the 64 bytes at offset are not all in the array");
  }
  struct stat st;
  if (!StatOrAnswer(info, v8::Local<v8::Value>(), &st)) return;
  uint8_t* at = static_cast<uint8_t*>(store->Data()) + memory->ByteOffset() + offset;
  std::memset(at, 0, 64);
  PutU64(at + 0, static_cast<uint64_t>(st.st_dev));
  PutU64(at + 8, static_cast<uint64_t>(st.st_ino));
  PutU64(at + 24, static_cast<uint64_t>(st.st_nlink));
  PutU64(at + 32, static_cast<uint64_t>(st.st_size));
  PutU64(at + 40, Nanoseconds(st.st_atim));
  PutU64(at + 48, Nanoseconds(st.st_mtim));
  PutU64(at + 56, Nanoseconds(st.st_ctim));
  info.GetReturnValue().Set(static_cast<int32_t>(st.st_mode & S_IFMT));
}

void StatType(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !(info[0]->IsString() || info[0]->IsInt32()) || !info[1]->IsFloat64Array() ||
      info[1].As<v8::Float64Array>()->Length() < 2) {
    return ThrowType(isolate, "statType() expects a path or an fd, and a Float64Array of 2");
  }
  struct stat st;
  if (!StatOrAnswer(info, v8::Local<v8::Value>(), &st)) return;
  WriteIds(info[1].As<v8::Float64Array>(), st);
  info.GetReturnValue().Set(static_cast<int32_t>(st.st_mode & S_IFMT));
}

void StatTypeIn(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 3 || !info[0]->IsString() || !info[1]->IsString() || info[1].As<v8::String>()->Length() == 0 ||
      !info[2]->IsFloat64Array() || info[2].As<v8::Float64Array>()->Length() < 2) {
    return ThrowType(isolate, "statTypeIn() expects a directory path, a name and a Float64Array of 2");
  }
  struct stat st;
  if (!StatOrAnswer(info, info[1], &st)) return;
  WriteIds(info[2].As<v8::Float64Array>(), st);
  info.GetReturnValue().Set(static_cast<int32_t>(st.st_mode & S_IFMT));
}

}  // namespace wasmer_ts
