// The WebAssembly types that wasmer-ts's published declarations (dist/**/*.d.ts)
// name, for a consumer whose `lib` has no DOM: @types/node 20 declares no
// `WebAssembly` namespace, so without this file such a consumer fails with
// TS2503 (test/published-types.test.ts). scripts/ship-types.js copies it to
// dist/types/ and references it from dist/runtime/index.d.ts.
//
// It must also merge with lib.dom's declarations when a consumer has DOM (the
// default `lib`): only interfaces, which merge, each extending an empty type
// when DOM is present (the test @types/node uses: DOM declares `onmessage`) and
// its members otherwise. No type alias and no `var`: DOM declares those too, and
// two declarations of one alias are an error. The full API that src/ compiles
// against is ../webassembly.d.ts.

declare namespace WebAssembly {
  interface Module extends WasmerTsWebAssemblyFallback.Unless<{}> {}
  interface Instance extends WasmerTsWebAssemblyFallback.Unless<{ readonly exports: Record<string, unknown> }> {}
  interface Memory
    extends WasmerTsWebAssemblyFallback.Unless<{
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(delta: number): number;
    }> {}
  interface Table
    extends WasmerTsWebAssemblyFallback.Unless<{
      readonly length: number;
      get(index: number): unknown;
      grow(delta: number, value?: unknown): number;
      set(index: number, value?: unknown): void;
    }> {}
  interface Global extends WasmerTsWebAssemblyFallback.Unless<{ value: unknown; valueOf(): unknown }> {}
  interface Tag extends WasmerTsWebAssemblyFallback.Unless<{}> {}
  interface Exception
    extends WasmerTsWebAssemblyFallback.Unless<{
      getArg(tag: Tag, index: number): unknown;
      is(tag: Tag): boolean;
      readonly stack?: string;
    }> {}
}

declare namespace WasmerTsWebAssemblyFallback {
  /** `T` when the consumer's lib has no DOM, else nothing (DOM's interface of the same name has the members). */
  type Unless<T> = typeof globalThis extends { onmessage: unknown } ? {} : T;
}
