/**
 * Every error the library throws. Each class carries a stable `code`: tests and
 * users match on `code`, never on message text. The CLI maps classes to exit
 * codes in `src/commands/report.ts`.
 */
import { hex } from './units.js';

/** Base class of every error thrown by wasmer-ts. */
export class WasmerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export type ParseErrorCode =
  | 'ERR_UNEXPECTED_EOF'
  | 'ERR_BAD_MAGIC'
  | 'ERR_BAD_VERSION'
  | 'ERR_BAD_LEB'
  | 'ERR_BAD_SECTION'
  | 'ERR_SECTION_ORDER'
  | 'ERR_SECTION_SIZE'
  | 'ERR_BAD_TYPE'
  | 'ERR_BAD_UTF8'
  | 'ERR_BAD_VALUE'
  | 'ERR_LIMIT'
  | 'ERR_COUNT_MISMATCH'
  /** Components: an index past the end of its index space. */
  | 'ERR_BAD_INDEX'
  /** Components: a definition whose type does not match what its use requires. */
  | 'ERR_TYPE_MISMATCH'
  /** Components: two names in one scope that are not strongly unique. */
  | 'ERR_DUPLICATE_NAME'
  /** Components: an import or export name that is not a valid extern name. */
  | 'ERR_BAD_NAME'
  /** Components: any other validation rule of design/mvp/Binary.md broken (the message says which). */
  | 'ERR_INVALID';

/**
 * The module does not compile: V8 refused it (`ERR_COMPILE`, a validation error), or, as the
 * subclass `WasmParseError`, our parser found the bytes malformed (a `ParseErrorCode`). So
 * `error instanceof CompileError` holds for every invalid module. `offset` is the byte offset
 * when V8 gives one (always for a parse error).
 */
export class CompileError extends WasmerError {
  declare readonly code: 'ERR_COMPILE' | ParseErrorCode;
  readonly offset: number | null;
  constructor(message: string, offset: number | null, options?: { cause?: unknown });
  /** @internal */
  constructor(message: string, offset: number | null, options: { cause?: unknown } | undefined, code: ParseErrorCode);
  constructor(
    message: string,
    offset: number | null,
    options?: { cause?: unknown },
    code: 'ERR_COMPILE' | ParseErrorCode = 'ERR_COMPILE',
  ) {
    super(code, message, options);
    this.offset = offset;
  }
}

/** The bytes are not a well-formed WebAssembly binary (a `CompileError` too). `offset` is where reading failed. */
export class WasmParseError extends CompileError {
  declare readonly code: ParseErrorCode;
  declare readonly offset: number;
  readonly detail: string;
  constructor(code: ParseErrorCode, detail: string, offset: number) {
    super(`${detail} (at byte 0x${hex(offset, 1)})`, offset, undefined, code);
    this.detail = detail;
  }
}

/** V8's error message without the API prefix: `WebAssembly.Module(): reason` is `reason`. */
export function withoutV8Prefix(message: string): string {
  return message.replace(/^WebAssembly\.\w+\(\): /, '');
}

const V8_OFFSET = /@\+(\d+)\s*$/;

/**
 * V8's compile error message (`WebAssembly.Module(): reason @+123`) as our `CompileError`:
 * `invalid module: reason (at byte 0x7b)`, with the offset from V8's `@+123` suffix.
 */
export function compileErrorFrom(message: string, cause?: unknown): CompileError {
  const at = V8_OFFSET.exec(message);
  const offset = at === null ? null : Number(at[1]);
  const reason = withoutV8Prefix(message).replace(V8_OFFSET, '').trim();
  const where = offset === null ? '' : ` (at byte 0x${hex(offset, 1)})`;
  return new CompileError(`invalid module: ${reason}${where}`, offset, cause === undefined ? {} : { cause });
}

/** A `WebAssembly.CompileError` as our `CompileError` (its `cause`); anything else unchanged. */
export function toCompileError(e: unknown): unknown {
  return e instanceof WebAssembly.CompileError ? compileErrorFrom(e.message, e) : e;
}

export type LinkErrorCode =
  | 'ERR_MISSING_IMPORT'
  | 'ERR_IMPORT_TYPE'
  | 'ERR_LINK'
  /** The module imports WASI but exports no memory named "memory" for it to use. */
  | 'ERR_WASI_NO_MEMORY';

/** Instantiation failed because of the imports: one is missing or has the wrong type. */
export class LinkError extends WasmerError {
  declare readonly code: LinkErrorCode;
  constructor(code: LinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** One frame of a Wasm backtrace. */
export interface TrapFrame {
  readonly functionIndex: number | null;
  readonly functionName: string | null;
  readonly moduleOffset: number | null;
}

/**
 * The guest trapped (unreachable, out-of-bounds access, division by zero, stack
 * overflow...). `reason` is V8's description, `frames` the Wasm part of the stack.
 */
export class Trap extends WasmerError {
  declare readonly code: 'ERR_TRAP' | CanonicalAbiErrorCode;
  readonly reason: string;
  readonly frames: readonly TrapFrame[];
  constructor(reason: string, frames: readonly TrapFrame[], options?: { cause?: unknown });
  /** @internal */
  constructor(
    reason: string,
    frames: readonly TrapFrame[],
    options: { cause?: unknown } | undefined,
    code: CanonicalAbiErrorCode,
  );
  constructor(
    reason: string,
    frames: readonly TrapFrame[],
    options?: { cause?: unknown },
    code: 'ERR_TRAP' | CanonicalAbiErrorCode = 'ERR_TRAP',
  ) {
    const where = frames.length > 0 ? `\n${frames.map(formatFrame).join('\n')}` : '';
    super(code, `trap: ${reason}${where}`, options);
    this.reason = reason;
    this.frames = frames;
  }
}

function formatFrame(frame: TrapFrame, i: number): string {
  const name = frame.functionName ?? (frame.functionIndex === null ? '<unknown>' : `func[${frame.functionIndex}]`);
  const at = frame.moduleOffset === null ? '' : ` @ 0x${frame.moduleOffset.toString(16)}`;
  return `  ${i}: ${name}${at}`;
}

export type CanonicalAbiErrorCode =
  /** A string the guest passed is not valid UTF-8 / UTF-16, or is out of bounds. */
  | 'ERR_CANON_STRING'
  /** A `char` that is not a Unicode scalar value (a surrogate or above 0x10FFFF). */
  | 'ERR_CANON_CHAR'
  /** A pointer or a list that reaches past the end of the guest's memory. */
  | 'ERR_CANON_BOUNDS'
  /** A pointer that is not aligned as its type requires. */
  | 'ERR_CANON_ALIGN'
  /** A variant, enum, option or result discriminant, or a bool, out of range; flags with unknown bits. */
  | 'ERR_CANON_DISCRIMINANT'
  /** A resource handle that is not in its table, of the wrong type, still lent, or dropped twice. */
  | 'ERR_CANON_HANDLE'
  /** The guest was entered when the spec forbids it (re-entrance, a call during post-return). */
  | 'ERR_CANON_REENTRANCE'
  /** A list or string larger than the canonical ABI allows. */
  | 'ERR_CANON_LIMIT';

/**
 * A component broke a rule of the canonical ABI (design/mvp/CanonicalABI.md): the
 * spec says these trap, so this is a `Trap` (the CLI's exit 134), with a code that
 * names the rule and a message that names the function and the value.
 */
export class CanonicalAbiError extends Trap {
  declare readonly code: CanonicalAbiErrorCode;
  constructor(code: CanonicalAbiErrorCode, reason: string, options?: { cause?: unknown }) {
    super(reason, [], options, code);
  }
}

/**
 * A component function returned `err(payload)` from a `result` return type: thrown by
 * the function's JS wrapper, with the lifted `payload` (undefined for `result<T>`'s bare err).
 * Not a failure of ours: the CLI prints it as a result (`err(...)`) and exits 0.
 */
export class ResultError extends WasmerError {
  declare readonly code: 'ERR_RESULT';
  readonly payload: unknown;
  constructor(payload: unknown, message = 'the function returned an error result') {
    super('ERR_RESULT', message);
    this.payload = payload;
  }
}

/**
 * A WebAssembly exception (exception handling: a Wasm `throw`, or a `WebAssembly.Exception` a host
 * function threw) that no Wasm frame caught reached JS. `exception` is V8's object (also the `cause`):
 * rethrow it from a host function for Wasm to catch it by its tag again. `tag`, `tagName`, `parameters`
 * and `payload` are known when the tag is one an instance exports or imports, or a `Tag` made in JS;
 * a tag the module keeps to itself cannot be named from JS, so then they are null. V8 records no stack
 * for an exception a Wasm `throw` creates, so `frames` is empty for those.
 */
/** What a `WasmException` carries besides its message: its own fields, as declared below. */
type WasmExceptionFields = Pick<WasmException, 'exception' | 'tag' | 'tagName' | 'parameters' | 'payload' | 'frames'>;

export class WasmException extends WasmerError {
  declare readonly code: 'ERR_WASM_EXCEPTION';
  /** V8's exception; null only on an error rebuilt from a worker thread's data. */
  readonly exception: WebAssembly.Exception | null;
  /** V8's tag of the exception, or null when it is none we know. */
  readonly tag: WebAssembly.Tag | null;
  /** The export or import name the tag is known by (`error`, `env.error`), or null (unknown, or made in JS). */
  readonly tagName: string | null;
  /** The tag's parameter types, or null when the tag is unknown. */
  readonly parameters: readonly string[] | null;
  /**
   * The payload, one value per parameter, converted as V8 converts results (i64 as bigint); null when
   * the tag is unknown or a parameter type cannot reach JS (v128, exnref).
   */
  readonly payload: readonly unknown[] | null;
  /** The Wasm frames of the exception's stack: only an exception made in JS with `traceStack: true` has one. */
  readonly frames: readonly TrapFrame[];

  constructor(fields: WasmExceptionFields, message?: string) {
    super(
      'ERR_WASM_EXCEPTION',
      message ?? wasmExceptionMessage(fields),
      fields.exception === null ? {} : { cause: fields.exception },
    );
    this.exception = fields.exception;
    this.tag = fields.tag;
    this.tagName = fields.tagName;
    this.parameters = fields.parameters;
    this.payload = fields.payload;
    this.frames = fields.frames;
  }

  /** Whether the exception has `tag` (a `Tag` or V8's `WebAssembly.Tag`). */
  is(tag: WebAssembly.Tag | { readonly raw: WebAssembly.Tag }): boolean {
    const raw = tag instanceof WebAssembly.Tag ? tag : tag.raw;
    return this.exception?.is(raw) ?? false;
  }
}

function wasmExceptionMessage(e: WasmExceptionFields): string {
  const where = e.frames.length > 0 ? `\n${e.frames.map(formatFrame).join('\n')}` : '';
  if (e.parameters === null) {
    return (
      'uncaught Wasm exception with a tag this module neither exports nor imports, so JS cannot read its ' +
      `payload (export the tag to see it)${where}`
    );
  }
  const tag = `tag${e.tagName === null ? '' : ` ${e.tagName}`} (${e.parameters.join(', ')})`;
  const payload =
    e.payload === null
      ? ', payload not readable from JS (v128 or exnref)'
      : e.payload.length === 0
        ? ''
        : `, payload ${e.payload.map(formatPayloadValue).join(', ')}`;
  return `uncaught Wasm exception: ${tag}${payload}${where}`;
}

function formatPayloadValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || v === null) return String(v);
  return typeof v === 'function' ? 'a function' : typeof v === 'object' ? 'an object' : String(v);
}

export type ArgumentErrorCode =
  | 'ERR_ARG_COUNT'
  | 'ERR_ARG_TYPE'
  | 'ERR_ARG_RANGE'
  | 'ERR_NO_EXPORT'
  | 'ERR_INVALID_OPTION'
  | 'ERR_IMMUTABLE_GLOBAL';

/** A value passed by the caller does not fit: wrong count, type or range, unknown export, bad option. */
export class ArgumentError extends WasmerError {
  declare readonly code: ArgumentErrorCode;
  constructor(code: ArgumentErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type ArtifactErrorCode =
  | 'ERR_ARTIFACT_MAGIC'
  | 'ERR_ARTIFACT_VERSION'
  | 'ERR_ARTIFACT_TRUNCATED'
  | 'ERR_ARTIFACT_CORRUPT'
  | 'ERR_ARTIFACT_NO_WASM';

/**
 * A serialized module (from `Module.serialize` or `wasmer-ts compile`) is truncated, corrupted or foreign,
 * or (`ERR_ARTIFACT_NO_WASM`) it is a cache entry, which holds machine code but not the Wasm it needs.
 */
export class ArtifactError extends WasmerError {
  declare readonly code: ArtifactErrorCode;
  constructor(code: ArtifactErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type InputErrorCode =
  | 'ERR_INPUT_NOT_FOUND'
  | 'ERR_INPUT_UNREADABLE'
  | 'ERR_INPUT_IS_DIRECTORY'
  | 'ERR_INPUT_EMPTY'
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_OUTPUT_UNWRITABLE';

/** An input file could not be read. The message names the path. */
export class InputError extends WasmerError {
  declare readonly code: InputErrorCode;
  readonly path: string;
  constructor(code: InputErrorCode, message: string, path: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.path = path;
  }
}

/** The WebAssembly text given could not be converted to binary. */
export class WatError extends WasmerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WAT', message, options);
  }
}

/**
 * V8 could not allocate the linear memory of a new instance (`ERR_OUT_OF_MEMORY`):
 * V8's bare `RangeError` ("Out of memory: Cannot allocate Wasm memory for new
 * instance"), with a hint. On 64-bit hosts V8 reserves about 10 GiB of address
 * space for every Wasm memory, whatever its size, and releases it only when the
 * instance is garbage-collected, so a process holding some 13,000 instances with
 * a memory each (128 TiB of address space) gets this even with RAM to spare.
 * The original `RangeError` is the `cause`.
 */
export class OutOfMemoryError extends WasmerError {
  declare readonly code: 'ERR_OUT_OF_MEMORY';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_OUT_OF_MEMORY', message, options);
  }
}

/** A run went past its time limit (`timeout` option, `--timeout`). */
export class TimeoutError extends WasmerError {
  readonly limitMs: number;
  constructor(limitMs: number) {
    super('ERR_TIMEOUT', `the program ran longer than its time limit of ${limitMs} ms and was stopped`);
    this.limitMs = limitMs;
  }
}

/**
 * Thrown through the guest's stack when it calls WASI `proc_exit(code)`. Not a
 * failure: `Wasi.start` catches it and returns `exitCode`.
 */
export class WasiExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`the program exited with code ${exitCode}`);
    this.name = 'WasiExit';
    this.exitCode = exitCode;
  }
}

export type WasiErrorCode =
  /** A preopen's host path does not exist or is not a directory (the message names it). */
  | 'ERR_WASI_PREOPEN'
  /** `start`/`initialize` before `getImports` gave the instance its imports. */
  | 'ERR_WASI_NOT_READY'
  /** `start`/`initialize` a second time: a `Wasi` serves one run. */
  | 'ERR_WASI_STARTED'
  /** The module exports no `_start`: it is not a WASI command. */
  | 'ERR_WASI_NO_START';

/**
 * WASI could not run the program as asked: a preopen that is not a directory, a
 * `Wasi` used out of order or twice, a module that is not a command. Bad option
 * values are `ArgumentError` `ERR_INVALID_OPTION`, as for every other class; a WASI
 * module without a memory is `LinkError` `ERR_WASI_NO_MEMORY`.
 */
export class WasiError extends WasmerError {
  declare readonly code: WasiErrorCode;
  constructor(code: WasiErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * An error as plain data, which survives structured cloning (a worker thread's
 * `postMessage`): the class name, the code, the message, and each field a class of
 * ours needs to be rebuilt with its own constructor.
 */
export interface ErrorData {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly detail?: string;
  readonly offset?: number | null;
  readonly path?: string;
  readonly reason?: string;
  readonly frames?: readonly TrapFrame[];
  readonly limitMs?: number;
  readonly exitCode?: number;
  readonly tagName?: string | null;
  readonly parameters?: readonly string[] | null;
  readonly payload?: readonly unknown[] | null;
  /** A `ResultError`'s payload, when a structured clone can carry it. */
  readonly resultPayload?: unknown;
  readonly stack?: string;
}

/** Every class of ours by name, rebuilt from its data: codes come from an instance of that same class. */
const REBUILD: Readonly<Record<string, (d: ErrorData) => Error>> = {
  WasmerError: (d) => new WasmerError(d.code ?? 'ERR_INTERNAL', d.message),
  CompileError: (d) => new CompileError(d.message, d.offset ?? null),
  WasmParseError: (d) => new WasmParseError(d.code as ParseErrorCode, d.detail ?? d.message, d.offset ?? 0),
  LinkError: (d) => new LinkError(d.code as LinkErrorCode, d.message),
  Trap: (d) => new Trap(d.reason ?? d.message, d.frames ?? []),
  CanonicalAbiError: (d) => new CanonicalAbiError(d.code as CanonicalAbiErrorCode, d.reason ?? d.message),
  ResultError: (d) => new ResultError(d.resultPayload, d.message),
  ArgumentError: (d) => new ArgumentError(d.code as ArgumentErrorCode, d.message),
  ArtifactError: (d) => new ArtifactError(d.code as ArtifactErrorCode, d.message),
  InputError: (d) => new InputError(d.code as InputErrorCode, d.message, d.path ?? ''),
  WatError: (d) => new WatError(d.message),
  OutOfMemoryError: (d) => new OutOfMemoryError(d.message),
  TimeoutError: (d) => new TimeoutError(d.limitMs ?? 0),
  WasiExit: (d) => new WasiExit(d.exitCode ?? 1),
  WasiError: (d) => new WasiError(d.code as WasiErrorCode, d.message),
  // V8's exception and tag stay in the thread that threw: what they said travels as data.
  WasmException: (d) =>
    new WasmException(
      {
        exception: null,
        tag: null,
        tagName: d.tagName ?? null,
        parameters: d.parameters ?? null,
        payload: d.payload ?? null,
        frames: d.frames ?? [],
      },
      d.message,
    ),
};

/** The names `errorFromData` rebuilds: every error class this file exports. */
export const REBUILT_ERROR_NAMES: readonly string[] = Object.keys(REBUILD);

/** `error` as `ErrorData`; a non-Error becomes an `Error` with its string as the message. */
export function errorToData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: 'Error', code: null, message: String(error) };
  const fields = error as Partial<Record<keyof ErrorData, unknown>>;
  const data: Record<string, unknown> = {
    name: error.name,
    code: error instanceof WasmerError ? error.code : null,
    message: error.message,
  };
  for (const key of ['detail', 'offset', 'path', 'reason', 'frames', 'limitMs', 'exitCode'] as const) {
    if (fields[key] !== undefined) data[key] = fields[key];
  }
  if (error instanceof WasmException) {
    data.tagName = error.tagName;
    data.parameters = error.parameters;
    // Only values a structured clone carries: a reference in the payload (a function, a GC object) does not.
    const isCloneable = (v: unknown) => v === null || ['number', 'bigint', 'string'].includes(typeof v);
    data.payload = error.payload?.every(isCloneable) ? error.payload : null;
  }
  if (error instanceof ResultError && error.payload !== undefined) {
    try {
      data.resultPayload = structuredClone(error.payload);
    } catch {
      // A payload holding a resource or a function stays behind; the message says what it was.
    }
  }
  if (!(error instanceof WasmerError || error instanceof WasiExit) && error.stack) data.stack = error.stack;
  return data as unknown as ErrorData;
}

/** The error `errorToData` described, as an instance of its own class; null when the class is not ours. */
export function errorFromData(data: ErrorData): Error | null {
  return Object.hasOwn(REBUILD, data.name) ? REBUILD[data.name]!(data) : null;
}
