// Small helpers every file of the addon uses to answer JavaScript.
#ifndef WASMER_TS_JS_VALUES_H_
#define WASMER_TS_JS_VALUES_H_

#include <v8.h>

namespace wasmer_ts {

// A JS string of a C string (the addon's own messages and property names: valid UTF-8).
inline v8::Local<v8::String> Str(v8::Isolate* isolate, const char* s) {
  return v8::String::NewFromUtf8(isolate, s).ToLocalChecked();
}

// Throws a TypeError with `message` in JS; the caller returns at once.
inline void ThrowType(v8::Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(Str(isolate, message)));
}

}  // namespace wasmer_ts

#endif  // WASMER_TS_JS_VALUES_H_
