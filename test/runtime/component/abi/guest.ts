// Core modules for the canonical ABI tests, built from WebAssembly text at test time: every
// guest has a memory, a bump-allocator `realloc` that counts its calls and grows memory as
// needed, and a `post` post-return that counts its calls.

import {
  type CanonContext,
  ComponentState,
  liftFunction,
  lowerFunction,
} from '../../../../src/runtime/component/abi/index.js';
import { flattenFunc } from '../../../../src/runtime/component/canonical-types.js';
import type { StringEncoding } from '../../../../src/runtime/component/parser/ast.js';
import type { FuncType, ValType } from '../../../../src/runtime/component/types.js';
import { wat } from '../../../helpers/wat.js';

/** Where the bump allocator starts: below it, tests keep data segments and return areas. */
export const HEAP_BASE = 4096;

/** The allocator and post-return every guest has; `body` adds the rest. */
export function guestText(body: string, imports = ''): string {
  return `(module
  ${imports}
  (memory (export "memory") 1)
  (global $bump (export "bump") (mut i32) (i32.const ${HEAP_BASE}))
  (global $reallocs (export "reallocs") (mut i32) (i32.const 0))
  (global $posts (export "posts") (mut i32) (i32.const 0))
  (global $lastPost (export "lastPost") (mut i32) (i32.const 0))
  (func $realloc (export "realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $new i32) (result i32)
    (local $p i32) (local $pages i32)
    (global.set $reallocs (i32.add (global.get $reallocs) (i32.const 1)))
    (local.set $p (i32.and
      (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
      (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $new)))
    (local.set $pages (i32.sub (i32.shr_u (i32.add (global.get $bump) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0)) (then (drop (memory.grow (local.get $pages)))))
    (if (local.get $old)
      (then (memory.copy (local.get $p) (local.get $old)
        (select (local.get $oldSize) (local.get $new) (i32.lt_u (local.get $oldSize) (local.get $new))))))
    (local.get $p))
  ${body}
)`;
}

export interface Guest {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  readonly state: ComponentState;
  /** A context over this guest's memory and realloc (and `post` as post-return when asked). */
  context(options?: ContextOptions): CanonContext;
  readonly exports: Record<string, unknown>;
  global(name: string): number;
}

type ContextOptions = { encoding?: StringEncoding; postReturn?: boolean };

/**
 * Instantiates `guestText(body, importDecls)` with `imports`, sharing one state. `imports` gets a
 * `context` maker usable before instantiation: its memory and realloc are found when called.
 */
export async function guest(
  body: string,
  options: {
    importDecls?: string;
    imports?: (context: (o?: ContextOptions) => CanonContext) => WebAssembly.Imports;
    state?: ComponentState;
  } = {},
): Promise<Guest> {
  const bytes = await wat(guestText(body, options.importDecls ?? ''));
  const state = options.state ?? new ComponentState();
  let exports: Record<string, unknown> = {};
  const context = (o: ContextOptions = {}): CanonContext => ({
    memory: () => exports.memory as WebAssembly.Memory,
    realloc: (a, b, c, d) => (exports.realloc as (a: number, b: number, c: number, d: number) => number)(a, b, c, d),
    ...(o.postReturn ? { postReturn: (...flat) => (exports.post as (...f: unknown[]) => unknown)(...flat) } : {}),
    stringEncoding: o.encoding ?? 'utf8',
    state,
  });
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, options.imports?.(context) ?? {});
  exports = instance.exports as Record<string, unknown>;
  return {
    instance,
    memory: exports.memory as WebAssembly.Memory,
    state,
    exports,
    context,
    global: (name) => (exports[name] as WebAssembly.Global).value as number,
  };
}

/** `func(x: T) -> T` (or with `params` and `result` given). */
export function funcType(params: readonly ValType[], result: ValType | undefined): FuncType {
  return { kind: 'func', params: params.map((type, i) => ({ name: `p${i}`, type })), result, isAsync: false };
}

/** Where echo guests put the results that do not fit flat (below HEAP_BASE, 8-aligned). */
const RETURN_AREA = 1024;

/**
 * A guest whose export `echo` forwards its flat arguments to the import `host.f` and returns
 * what it returns: through `liftFunction` (JS to guest) and `lowerFunction` (guest to JS) a call
 * crosses the boundary both ways twice. The guest only moves flat values and pointers, so a
 * value survives only if lowering and lifting agree on the layout; the layout itself is checked
 * by tests whose guests read and write memory at fixed offsets.
 */
export async function echo(
  type: FuncType,
  host: (...args: unknown[]) => unknown,
  options: { encoding?: StringEncoding; state?: ComponentState } = {},
): Promise<{ call: (...args: unknown[]) => unknown; guest: Guest }> {
  const lift = flattenFunc(type, 'lift');
  const lower = flattenFunc(type, 'lower');
  const sig = (params: readonly string[], results: readonly string[]) =>
    `${params.length ? `(param ${params.join(' ')})` : ''} ${results.length ? `(result ${results.join(' ')})` : ''}`;
  const gets = lift.params.map((_, i) => `(local.get ${i})`).join(' ');
  const body = lift.resultsInMemory
    ? `(call $f ${gets} (i32.const ${RETURN_AREA})) (i32.const ${RETURN_AREA})`
    : `(call $f ${gets})`;
  const g = await guest(
    `(func (export "echo") ${sig(lift.params, lift.results)} ${body})
     (func (export "post") ${sig(lift.results, [])}
       (global.set $posts (i32.add (global.get $posts) (i32.const 1))))`,
    {
      importDecls: `(import "host" "f" (func $f ${sig(lower.params, lower.results)}))`,
      imports: (context) => ({
        host: { f: lowerFunction(type, host, context({ encoding: options.encoding ?? 'utf8' }), 'host-f') },
      }),
      ...(options.state ? { state: options.state } : {}),
    },
  );
  const core = g.exports.echo as (...flat: unknown[]) => unknown;
  const call = liftFunction(type, core, g.context({ encoding: options.encoding ?? 'utf8', postReturn: true }), 'echo');
  return { call, guest: g };
}
