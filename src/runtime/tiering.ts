/**
 * How V8 compiles a module: its baseline compiler (Liftoff), its optimizing
 * compiler (TurboFan), or a choice made per module. V8's flags are process-wide,
 * so this is the one place that sets them. (Issue 6 fills in the strategy.)
 */
export type CompilerChoice = 'auto' | 'baseline' | 'optimizing';

export const COMPILER_CHOICES: readonly CompilerChoice[] = ['auto', 'baseline', 'optimizing'];

/** What `auto` may look at to choose. */
export interface TieringFacts {
  readonly byteLength: number;
  /** A WASI command: exports `_start`, so one long-running entry point. */
  readonly isWasiCommand: boolean;
}

/** Runs `compile` (a synchronous or asynchronous V8 compile) under the flags `choice` asks for. */
export function withTiering<T>(_choice: CompilerChoice, _facts: TieringFacts, compile: () => T): T {
  return compile();
}
