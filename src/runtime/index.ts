// Components (the component model): the class, its instances, the host's and the guest's
// shapes, and the resolved types as a namespace (their names, FuncType and ExternType among
// them, are also the core parser's).
export {
  Component,
  type ComponentCustomSection,
  type ComponentSource,
  type CoreModuleSummary,
} from './component/component.js';
export type { ComponentExports } from './component/exports.js';
export type { ComponentImports } from './component/imports.js';
export { ComponentInstance } from './component/instance.js';
export type { Producers } from './component/producers.js';
export type * as ComponentTypes from './component/types.js';
export { formatWave, parseWave } from './component/wave.js';
export {
  type ArtifactHeader,
  type DecodeArtifactOptions,
  type DecodedArtifact,
  decodeArtifact,
  type EngineFingerprint,
  isArtifact,
  type LenientDecodedArtifact,
  type MachineCodeSummary,
} from './engine/artifact.js';
export {
  type CacheEntry,
  DEFAULT_CACHE_MAX_BYTES,
  defaultCacheDir,
  ModuleCache,
  type ModuleCacheOptions,
  saveToCache,
} from './engine/cache/index.js';
export {
  type ArtifactDescription,
  compileOptimized,
  describeArtifact,
  encodeArtifact,
  loadArtifactModule,
} from './engine/machine-code.js';
export { type NativeStatus, nativeStatus } from './engine/native.js';
export type { CompileMode, CompilerChoice, Tier } from './engine/tiering.js';
export { COMPILER_CHOICES, processTier, v8FlagsFor } from './engine/tiering.js';
// The error classes and their code types; errors.ts's translation helpers stay internal.
export {
  ArgumentError,
  type ArgumentErrorCode,
  ArtifactError,
  type ArtifactErrorCode,
  CanonicalAbiError,
  type CanonicalAbiErrorCode,
  CompileError,
  InputError,
  type InputErrorCode,
  LinkError,
  type LinkErrorCode,
  OutOfMemoryError,
  type ParseErrorCode,
  ResultError,
  TimeoutError,
  Trap,
  type TrapFrame,
  WasiError,
  WasiExit,
  WasmException,
  WasmerError,
  WasmParseError,
  WatError,
} from './errors.js';
export { Global, type GlobalDescriptor } from './global.js';
export {
  type ExportedFunction,
  type Exports,
  type ExportValue,
  type Imports,
  Instance,
  type InstanceOptions,
} from './instance.js';
export {
  type AddressType,
  type ExportDescriptor,
  ExportKind,
  type FieldDescriptor,
  type FunctionExport,
  type FunctionType,
  type GlobalExport,
  type ImportDescriptor,
  ImportKind,
  type MemoryExport,
  type TableExport,
  type TagExport,
  type TypeDescriptor,
} from './kinds.js';
export { type IndexedView, Memory, type MemoryDescriptor, MemoryView } from './memory.js';
export { Module, type ModuleOptions, type WasmSource } from './module.js';
export { PAGE_SIZE } from './parser/limits.js';
export type * from './parser/types.js';
export { type RunProgramOptions, type RunProgramResult, runProgram } from './program/run-program.js';
export { Table, type TableDescriptor } from './table.js';
export { Tag, type TagDescriptor } from './tag.js';
export { type NumericType, Value } from './value.js';
export * from './wasi/index.js';
export { createWasiP2Host, WasiP2Host } from './wasi/p2/host.js';
export { watToWasm } from './wat.js';
