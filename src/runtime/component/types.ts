/**
 * The component model's types after validation: every type index resolved, so a
 * type is a plain tree of data (https://github.com/WebAssembly/component-model,
 * design/mvp/Explainer.md "Type Definitions"). The parser's AST (`parser/ast.ts`)
 * keeps the index-based form of the binary; the validator turns it into these.
 *
 * - Value types are compared structurally, except resources, which are compared by
 *   identity (`ResourceType` objects): two `own<file>` are the same type exactly
 *   when their `resource` is the same object.
 * - A type that a component or an instance type gives a name to (an `(export "point"
 *   (type (eq 3)))` declaration, what WIT calls `record point`) carries that name in
 *   `name`, and the interface that declared it in `interfaceName` (`wasi:io/streams@0.2.3`),
 *   so WIT text and TypeScript declarations can refer to it by name. Structurally equal
 *   types with different names are still the same type for matching.
 */

/** The primitive value types, spelled as in WIT and the binary format's text. */
export type PrimitiveTypeName =
  | 'bool'
  | 's8'
  | 'u8'
  | 's16'
  | 'u16'
  | 's32'
  | 'u32'
  | 's64'
  | 'u64'
  | 'f32'
  | 'f64'
  | 'char'
  | 'string'
  | 'error-context';

/** What every defined (non-primitive) value type and resource carries: its name where one was given. */
export interface Named {
  /** The name a type export or import gave this type (`point`), or undefined for an anonymous type. */
  readonly name?: string;
  /** The interface whose instance type declared the name (`wasi:io/streams@0.2.3`), when there is one. */
  readonly interfaceName?: string;
}

export interface PrimitiveType extends Named {
  readonly kind: PrimitiveTypeName;
}

export interface Field {
  readonly name: string;
  readonly type: ValType;
}

export interface RecordType extends Named {
  readonly kind: 'record';
  readonly fields: readonly Field[];
}

export interface Case {
  readonly name: string;
  /** The payload type; undefined for a case without one. */
  readonly type: ValType | undefined;
}

export interface VariantType extends Named {
  readonly kind: 'variant';
  readonly cases: readonly Case[];
}

export interface ListType extends Named {
  readonly kind: 'list';
  readonly element: ValType;
  /** A fixed-length list (🔧 `list<T, N>`); undefined for the usual variable length. */
  readonly length?: number;
}

export interface TupleType extends Named {
  readonly kind: 'tuple';
  readonly types: readonly ValType[];
}

export interface FlagsType extends Named {
  readonly kind: 'flags';
  readonly names: readonly string[];
}

export interface EnumType extends Named {
  readonly kind: 'enum';
  readonly names: readonly string[];
}

export interface OptionType extends Named {
  readonly kind: 'option';
  readonly type: ValType;
}

export interface ResultType extends Named {
  readonly kind: 'result';
  /** undefined for `result<_, E>` and plain `result`. */
  readonly ok: ValType | undefined;
  /** undefined for `result<T>` and plain `result`. */
  readonly err: ValType | undefined;
}

/** `own<R>` or `borrow<R>`: a handle to a resource. */
export interface HandleType extends Named {
  readonly kind: 'own' | 'borrow';
  readonly resource: ResourceType;
}

/** `stream<T>` / `future<T>` (🔀, async): parsed and described; calls taking them are refused at link time. */
export interface AsyncValueType extends Named {
  readonly kind: 'stream' | 'future';
  readonly element: ValType | undefined;
}

/** `map<K, V>` (🗺️): parsed and described. */
export interface MapType extends Named {
  readonly kind: 'map';
  readonly key: ValType;
  readonly value: ValType;
}

export type ValType =
  | PrimitiveType
  | RecordType
  | VariantType
  | ListType
  | TupleType
  | FlagsType
  | EnumType
  | OptionType
  | ResultType
  | HandleType
  | AsyncValueType
  | MapType;

/**
 * A resource type. Compared by identity: each `(type (resource ...))` definition,
 * each imported `(sub resource)` and each instantiation of a component that defines
 * one makes a new `ResourceType` object.
 */
export interface ResourceType extends Named {
  readonly kind: 'resource';
  /** Where it comes from: defined by this component (`rep` and `destructor` known), or abstract (imported, exported from an import). */
  readonly origin: 'defined' | 'abstract';
  /** The core representation type; always `i32` in the MVP. Only for `origin: 'defined'`. */
  readonly rep?: 'i32';
  /** Core function index (in the defining component's core func space) of the destructor, when there is one. */
  readonly destructor?: number;
}

export interface Param {
  readonly name: string;
  readonly type: ValType;
}

export interface FuncType {
  readonly kind: 'func';
  readonly params: readonly Param[];
  /** The one result type, or undefined for a function that returns nothing. */
  readonly result: ValType | undefined;
  /** `func async` (🔀). Parsed and described; calling one is refused at link time. */
  readonly isAsync: boolean;
}

/** A core module's import or export, as a component type describes it. */
export interface CoreExternDescriptor {
  readonly module?: string;
  readonly name: string;
  readonly kind: 'func' | 'table' | 'memory' | 'global' | 'tag';
  /** The type in the core text format's words (`(func (param i32) (result i32))`, `(memory 1)`). */
  readonly type: string;
}

export interface CoreModuleType {
  readonly kind: 'module';
  readonly imports: readonly CoreExternDescriptor[];
  readonly exports: readonly CoreExternDescriptor[];
}

/** A named extern of a component or an instance type. */
export interface ExternDescriptor {
  /** The full extern name: `wasi:cli/run@0.2.3`, `greet`, `[method]file.read`. */
  readonly name: string;
  readonly type: ExternType;
}

export interface InstanceType {
  readonly kind: 'instance';
  readonly exports: readonly ExternDescriptor[];
}

export interface ComponentType {
  readonly kind: 'component';
  readonly imports: readonly ExternDescriptor[];
  readonly exports: readonly ExternDescriptor[];
}

/**
 * A type import or export: `(type (eq T))` gives `type`, `(type (sub resource))` a `ResourceType`.
 * `T` may also be a function, instance or component type (`(import "t" (type (eq 2)))`), which
 * WIT cannot express: the name then stands for that type, for later definitions to use.
 */
export interface TypeExtern {
  readonly kind: 'type';
  readonly type: ValType | ResourceType | FuncType | InstanceType | ComponentType;
}

/** A value import or export (🪙). */
export interface ValueExtern {
  readonly kind: 'value';
  readonly type: ValType;
}

export type ExternType = FuncType | InstanceType | ComponentType | TypeExtern | ValueExtern | CoreModuleType;

/** The parts of an extern name (design/mvp/Explainer.md "Import and Export Definitions"). */
export type ExternName =
  /** `greet`, `my-app` */
  | { readonly kind: 'plain'; readonly name: string }
  /** `[constructor]file`, `[method]file.read`, `[static]file.open` */
  | {
      readonly kind: 'constructor' | 'method' | 'static';
      readonly resource: string;
      /** The function's own name; equal to `resource` for a constructor. */
      readonly name: string;
    }
  /** `wasi:cli/run@0.2.3`: namespace `wasi`, package `cli`, interface `run`, version `0.2.3`. */
  | {
      readonly kind: 'interface';
      readonly namespace: string;
      readonly packageName: string;
      readonly interfaceName: string;
      readonly version: string | undefined;
    }
  /** `url=<...>`, `integrity=<...>`, `locked-dep=<...>`, `unlocked-dep=<...>`, `dep=<...>`: kept as written. */
  | { readonly kind: 'other'; readonly name: string };
