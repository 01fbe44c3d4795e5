// statType(path | fd, ids): what lstat(2) (a path) or fstat(2) (an fd) says a file is,
// without the Stats object Node makes of every stat (about 900 bytes of garbage each,
// from a sampling heap profile: 70% of what a WASI path_open made, three stats a call).
//
//   statType(path, ids)  -> the mode's S_IFMT bits, 0 when nothing is there (ENOENT),
//                           or -errno; dev and ino go to ids[0], ids[1] (a Float64Array
//                           of 2, as Node's Stats give them: numbers)
//   statType(fd, ids)    -> the same for an open file descriptor (fstat)
//
// The WASI host (src/runtime/wasi/file-type.ts) gives any other error to Node's own
// stat, so its error is Node's.

#include "stat-type.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace wasmer_ts {

void StatType(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !(info[0]->IsString() || info[0]->IsInt32()) || !info[1]->IsFloat64Array() ||
      info[1].As<v8::Float64Array>()->Length() < 2) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "statType() expects a path or an fd, and a Float64Array of 2")));
    return;
  }
  struct stat st;
  int rc;
  if (info[0]->IsString()) {
    v8::String::Utf8Value path(isolate, info[0]);
    // A NUL inside would end the path early: EINVAL, for Node's lstat to refuse it.
    bool whole = *path != nullptr && std::strlen(*path) == static_cast<size_t>(path.length());
    rc = whole ? lstat(*path, &st) : (errno = EINVAL, -1);
  } else {
    rc = fstat(info[0].As<v8::Int32>()->Value(), &st);
  }
  if (rc != 0) {
    info.GetReturnValue().Set(errno == ENOENT ? 0 : -errno);
    return;
  }
  v8::Local<v8::Float64Array> ids = info[1].As<v8::Float64Array>();
  double* out = reinterpret_cast<double*>(static_cast<char*>(ids->Buffer()->Data()) + ids->ByteOffset());
  out[0] = static_cast<double>(st.st_dev);
  out[1] = static_cast<double>(st.st_ino);
  info.GetReturnValue().Set(static_cast<int32_t>(st.st_mode & S_IFMT));
}

}  // namespace wasmer_ts
