/**
 * Turns V8's errors out of a Wasm call into ours: `WebAssembly.RuntimeError`
 * (unreachable, out-of-bounds access, division by zero...) and the stack
 * overflow `RangeError` into `Trap`, and an uncaught `WebAssembly.Exception`
 * into `WasmException`. Everything else (a host function's own error, `WasiExit`,
 * a `Trap` from a nested instance) passes through unchanged: the same object.
 */
import { Trap, type TrapFrame, WasmException } from './errors.js';
import { tagOf } from './tag-registry.js';

// V8 formats a Wasm frame as `at name (wasm://wasm/<hash>:wasm-function[3]:0x5a)`,
// or without the name and parentheses when the function has none.
const WASM_FRAME = /^\s*at (?:(.+?) \()?wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:0x([0-9a-f]+)\)?\s*$/;

const STACK_OVERFLOW = 'Maximum call stack size exceeded';

/**
 * Returns the error to rethrow: a `Trap` for a V8 trap, `error` itself otherwise.
 * `names` (the name section's function names) fills in names V8 did not print.
 */
export function toTrap(error: unknown, names?: ReadonlyMap<number, string>): unknown {
  if (error instanceof WebAssembly.RuntimeError) {
    return new Trap(error.message, parseWasmFrames(error.stack, names), { cause: error });
  }
  if (error instanceof RangeError && error.message === STACK_OVERFLOW) {
    return new Trap('call stack exhausted', parseWasmFrames(error.stack, names), { cause: error });
  }
  if (error instanceof WebAssembly.Exception) return toWasmException(error, names);
  return error;
}

/** A `WebAssembly.Exception` as our `WasmException`, with its payload when its tag is a live `Tag`. */
export function toWasmException(exception: WebAssembly.Exception, names?: ReadonlyMap<number, string>): WasmException {
  const tag = tagOf(exception);
  let payload: unknown[] | null = null;
  // V8 cannot hand a v128 or an exception reference to JS, and must not be asked: Node 20's V8 11.3
  // aborts the process (a fatal "unreachable code") on getArg of a v128. Such a payload stays unread.
  if (tag !== null && !tag.parameters.some(isOpaqueToJs)) {
    try {
      payload = tag.parameters.map((_, i) => exception.getArg(tag.raw, i));
    } catch {
      payload = null;
    }
  }
  return new WasmException({
    exception,
    tag: tag?.raw ?? null,
    tagName: tag?.name ?? null,
    parameters: tag?.parameters ?? null,
    payload,
    frames: parseWasmFrames(exception.stack, names),
  });
}

/** Types V8 cannot convert to a JS value: v128, and exnref in every spelling (`(ref exn)`, `nullexnref`...). */
function isOpaqueToJs(type: string): boolean {
  return type === 'v128' || type.includes('exn');
}

/** The Wasm frames of a V8 stack trace, innermost first. */
export function parseWasmFrames(stack: string | undefined, names?: ReadonlyMap<number, string>): TrapFrame[] {
  if (stack === undefined) return [];
  const frames: TrapFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = WASM_FRAME.exec(line);
    if (m === null) continue;
    const functionIndex = Number(m[2]);
    frames.push({
      functionIndex,
      functionName: m[1] ?? names?.get(functionIndex) ?? null,
      moduleOffset: Number.parseInt(m[3] ?? '', 16),
    });
  }
  return frames;
}
