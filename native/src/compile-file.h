// compileFile: a file of the CLI's bundle compiled with V8's code cache (compile-file.cc).
#ifndef WASMER_TS_COMPILE_FILE_H_
#define WASMER_TS_COMPILE_FILE_H_

#include <v8.h>

namespace wasmer_ts {

void CompileFile(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace wasmer_ts

#endif  // WASMER_TS_COMPILE_FILE_H_
