// statType, statTypeIn and filestat: stat(2) results without a Stats object (stat-type.cc).
#ifndef WASMER_TS_STAT_TYPE_H_
#define WASMER_TS_STAT_TYPE_H_

#include <v8.h>

namespace wasmer_ts {

void StatType(const v8::FunctionCallbackInfo<v8::Value>& info);
void StatTypeIn(const v8::FunctionCallbackInfo<v8::Value>& info);
void Filestat(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace wasmer_ts

#endif  // WASMER_TS_STAT_TYPE_H_
