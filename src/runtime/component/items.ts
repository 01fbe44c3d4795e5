/**
 * What the component index spaces hold while a component is instantiated: each import,
 * alias, canonical function and instance becomes one of these. A component function is
 * a JS-callable taking and returning JS values (lifted from core code, or the host's),
 * so a function of one component lowered into another passes through the same shapes a
 * host sees.
 */
import type { ComponentAst } from './parser/ast.js';
import type { ExternType, FuncType, ResourceType, ValType } from './types.js';

/** A component-level function: its type and a JS function over JS values. */
export interface ComponentFunc {
  readonly type: FuncType;
  /** Where it came from, for messages: `greet`, `test:host/blobs#[method]blob.read`. */
  readonly label: string;
  readonly call: (...args: unknown[]) => unknown;
  /** A host function marked with `TRANSIENT_BYTES`: its `list<u8>` parameters may be views. */
  readonly transientBytes?: boolean;
}

/** A component instance: what it exports, by name. */
export interface InstanceValue {
  readonly exports: ReadonlyMap<string, Item>;
}

/**
 * A component not instantiated yet: its AST, and the index spaces of the component that
 * defines it, which its outer aliases read (they may name only earlier definitions).
 */
export interface ComponentClosure {
  readonly ast: ComponentAst;
  readonly outer: Spaces | null;
}

export type Item =
  | { readonly kind: 'func'; readonly func: ComponentFunc }
  | { readonly kind: 'instance'; readonly instance: InstanceValue }
  | { readonly kind: 'type'; readonly type: ValType | ResourceType | ExternType }
  | { readonly kind: 'component'; readonly component: ComponentClosure }
  | { readonly kind: 'module'; readonly module: WebAssembly.Module };

/** A core instance: `WebAssembly.Instance.exports`, or an object of inline exports. */
export type CoreInstanceValue = Readonly<Record<string, unknown>>;

/** Every index space of one component instance, in definition order. */
export interface Spaces {
  readonly outer: Spaces | null;
  readonly coreFuncs: unknown[];
  readonly coreTables: unknown[];
  readonly coreMemories: unknown[];
  readonly coreGlobals: unknown[];
  readonly coreTags: unknown[];
  readonly coreModules: WebAssembly.Module[];
  readonly coreInstances: CoreInstanceValue[];
  /** Core types hold nothing at run time; only their count matters. */
  coreTypeCount: number;
  readonly funcs: ComponentFunc[];
  readonly types: (ValType | ResourceType | ExternType)[];
  readonly components: ComponentClosure[];
  readonly instances: InstanceValue[];
}

export function emptySpaces(outer: Spaces | null): Spaces {
  return {
    outer,
    coreFuncs: [],
    coreTables: [],
    coreMemories: [],
    coreGlobals: [],
    coreTags: [],
    coreModules: [],
    coreInstances: [],
    coreTypeCount: 0,
    funcs: [],
    types: [],
    components: [],
    instances: [],
  };
}
