/**
 * A component's type as WIT text (design/mvp/WIT.md), laid out as `wasm-tools component wit`
 * (and `jco wit`) print it: `package root:component;`, then `world root { ... }` with the
 * imports (interfaces, then types, then functions) and the exports (functions, then
 * interfaces). After the world, each interface the world names by its full name
 * (`wasi:cli/environment@0.2.3`) is printed in a nested `package wasi:cli@0.2.3 { ... }`
 * block, as wasm-tools does, so the text says what every type is.
 */
import { splitExternName } from './extern-name.js';
import type {
  ComponentType,
  ExternDescriptor,
  FuncType,
  InstanceType,
  ResourceType,
  TypeExtern,
  ValType,
} from './types.js';
import { witIdent, witTypeText } from './wit-type.js';

export interface WitOptions {
  /** The world's name; `root` by default, as wasm-tools names a component's world. */
  readonly worldName?: string;
  /** The package line's name; `root:component` by default. */
  readonly packageName?: string;
}

/**
 * The WIT text of `type`'s world. Named types are defined once and referred to by name,
 * anonymous ones written inline; identifiers that are WIT keywords get a `%`. Externs that WIT
 * cannot express (core modules, nested component types, values) become `//` comments.
 * Never throws: every resolved type has a text.
 */
export function printWit(type: ComponentType, options: WitOptions = {}): string {
  const worldName = options.worldName ?? 'root';
  const lines: string[] = [`package ${options.packageName ?? 'root:component'};`, '', `world ${witIdent(worldName)} {`];
  const interfaces = new Map<string, InstanceType>();
  const scope = new Scope(undefined, undefined);
  const body = new Body(scope);

  const imports = classify(type.imports);
  const exports = classify(type.exports);
  for (const e of imports.instances) body.instance('import', e, interfaces);
  body.types([...imports.types, ...exports.types], [...imports.resourceFuncs, ...exports.resourceFuncs]);
  for (const e of imports.funcs) body.line(`import ${witIdent(e.name)}: ${scope.func(e.type as FuncType)};`);
  for (const e of imports.other)
    body.line(`// import ${JSON.stringify(e.name)}: ${kindText(e)} (WIT cannot express it)`);
  if (type.imports.length > 0 && type.exports.length > 0) body.blank();
  for (const e of exports.funcs) body.line(`export ${witIdent(e.name)}: ${scope.func(e.type as FuncType)};`);
  for (const e of exports.instances) body.instance('export', e, interfaces);
  for (const e of exports.other)
    body.line(`// export ${JSON.stringify(e.name)}: ${kindText(e)} (WIT cannot express it)`);
  lines.push(...body.finish().map(indent), '}');
  lines.push(...packages(interfaces));
  return `${lines.join('\n')}\n`;
}

interface Classified {
  readonly instances: ExternDescriptor[];
  readonly types: ExternDescriptor[];
  readonly funcs: ExternDescriptor[];
  readonly resourceFuncs: ExternDescriptor[];
  readonly other: ExternDescriptor[];
}

function classify(externs: readonly ExternDescriptor[]): Classified {
  const out: Classified = { instances: [], types: [], funcs: [], resourceFuncs: [], other: [] };
  for (const e of externs) {
    if (e.type.kind === 'instance') out.instances.push(e);
    else if (e.type.kind === 'type' && isWitType(e.type.type)) out.types.push(e);
    else if (e.type.kind === 'func') {
      const kind = splitExternName(e.name).kind;
      (kind === 'constructor' || kind === 'method' || kind === 'static' ? out.resourceFuncs : out.funcs).push(e);
    } else out.other.push(e);
  }
  return out;
}

/** Whether a type extern's type is one WIT can define: a value type or a resource, not a function, instance or component type. */
function isWitType(t: TypeExtern['type']): t is ValType | ResourceType {
  return t.kind !== 'func' && t.kind !== 'instance' && t.kind !== 'component';
}

/** What an extern WIT cannot express is, for its comment: `module`, `value`, `func type`... */
function kindText(e: ExternDescriptor): string {
  return e.type.kind === 'type' ? `${e.type.type.kind} type` : e.type.kind;
}

/** The nested `package ns:pkg@v { interface ... }` blocks of the interfaces the world named. */
function packages(interfaces: ReadonlyMap<string, InstanceType>): string[] {
  const byPackage = new Map<string, [string, string, InstanceType][]>();
  for (const [fullName, instance] of interfaces) {
    const name = splitExternName(fullName);
    if (name.kind !== 'interface') continue;
    const pkg = `${name.namespace}:${name.packageName}${name.version === undefined ? '' : `@${name.version}`}`;
    const list = byPackage.get(pkg) ?? [];
    list.push([name.interfaceName, fullName, instance]);
    byPackage.set(pkg, list);
  }
  const lines: string[] = [];
  for (const [pkg, list] of byPackage) {
    lines.push('', `package ${pkg} {`);
    list.forEach(([short, fullName, instance], i) => {
      if (i > 0) lines.push('');
      lines.push(`  interface ${witIdent(short)} {`);
      lines.push(...interfaceBody(instance, fullName).map((l) => indent(indent(l))));
      lines.push('  }');
    });
    lines.push('}');
  }
  return lines;
}

/** The lines inside `interface x { ... }`: `use` lines, then types and functions, one blank line apart. */
function interfaceBody(instance: InstanceType, fullName: string | undefined): string[] {
  const scope = new Scope(fullName, fullName === undefined ? undefined : packageOf(fullName));
  const items: string[][] = [];
  const parts = classify(instance.exports);
  const methods = methodsByResource(parts.resourceFuncs);
  for (const e of parts.types) {
    const def = scope.typeExport(e, methods);
    if (def !== undefined) items.push(def);
  }
  for (const e of parts.funcs) items.push([`${witIdent(e.name)}: ${scope.func(e.type as FuncType)};`]);
  for (const e of [...parts.instances, ...parts.other]) {
    items.push([`// ${JSON.stringify(e.name)}: ${kindText(e)} (WIT cannot express it)`]);
  }
  const uses = scope.useLines();
  const out: string[] = [...uses];
  if (uses.length > 0 && items.length > 0) out.push('');
  items.forEach((item, i) => {
    if (i > 0) out.push('');
    out.push(...item);
  });
  return out;
}

/** The lines of a world body, with its blank-line rules. */
class Body {
  private readonly out: string[] = [];
  /** Where the types start: the world's `use` lines go there once every reference is known. */
  private usesAt = 0;

  constructor(private readonly scope: Scope) {}

  line(text: string): void {
    this.out.push(text);
  }

  blank(): void {
    if (this.out.length > 0 && this.out[this.out.length - 1] !== '') this.out.push('');
  }

  instance(direction: 'import' | 'export', e: ExternDescriptor, interfaces: Map<string, InstanceType>): void {
    const instance = e.type as InstanceType;
    if (splitExternName(e.name).kind === 'interface') {
      interfaces.set(e.name, instance);
      this.out.push(`${direction} ${e.name};`);
      return;
    }
    this.out.push(`${direction} ${witIdent(e.name)}: interface {`);
    this.out.push(...interfaceBody(instance, undefined).map(indent));
    this.out.push('}');
  }

  /** World-level type definitions, each after a blank line, as wasm-tools prints them. */
  types(types: readonly ExternDescriptor[], resourceFuncs: readonly ExternDescriptor[]): void {
    const methods = methodsByResource(resourceFuncs);
    this.usesAt = this.out.length;
    for (const e of types) {
      const def = this.scope.typeExport(e, methods);
      if (def === undefined) continue;
      this.blank();
      this.out.push(...def);
    }
  }

  /** The body's lines, with the `use` lines that references to other interfaces' types called for. */
  finish(): string[] {
    this.out.splice(this.usesAt, 0, ...this.scope.useLines());
    return this.out;
  }
}

function methodsByResource(funcs: readonly ExternDescriptor[]): Map<string, ExternDescriptor[]> {
  const map = new Map<string, ExternDescriptor[]>();
  for (const f of funcs) {
    const name = splitExternName(f.name);
    if (name.kind !== 'constructor' && name.kind !== 'method' && name.kind !== 'static') continue;
    const list = map.get(name.resource) ?? [];
    list.push(f);
    map.set(name.resource, list);
  }
  return map;
}

/**
 * The names visible in one world or interface: the types it defines or `use`s, by the name it
 * gave them, and the `use` lines that a reference to another interface's type calls for.
 */
class Scope {
  private readonly local = new Map<ValType | ResourceType, string>();
  /** Interface → (type name → local name), in first-use order. */
  private readonly uses = new Map<string, Map<string, string>>();

  constructor(
    private readonly self: string | undefined,
    private readonly pkg: string | undefined,
  ) {}

  /** How a type is named here: its local name, or its own name after `use`-ing it from its interface. */
  readonly namer = (type: ValType | ResourceType): string | undefined => {
    const local = this.local.get(type);
    if (local !== undefined) return witIdent(local);
    if (type.name === undefined) return undefined;
    if (type.interfaceName !== undefined && type.interfaceName !== this.self)
      this.addUse(type.interfaceName, type.name, type.name);
    return witIdent(type.name);
  };

  /**
   * The definition of a type export (`record point { ... }`, `type size = u32;`, a resource with
   * its methods), or undefined when it comes from another interface and becomes a `use`.
   */
  typeExport(e: ExternDescriptor, methods: ReadonlyMap<string, readonly ExternDescriptor[]>): string[] | undefined {
    if (e.type.kind !== 'type' || !isWitType(e.type.type)) return undefined;
    const t = e.type.type;
    if (t.interfaceName !== undefined && t.interfaceName !== this.self && t.name !== undefined) {
      this.addUse(t.interfaceName, t.name, e.name);
      this.local.set(t, e.name);
      return undefined;
    }
    const name = witIdent(e.name);
    if (t.kind === 'resource') {
      this.local.set(t, e.name);
      return this.resource(name, methods.get(e.name) ?? []);
    }
    const isAlias = t.name !== undefined && t.name !== e.name;
    if (!isAlias) this.local.set(t, e.name);
    if (isAlias || !DEFINED.has(t.kind)) {
      const target = isAlias ? this.namer(t) : witTypeText(withoutName(t), this.namer);
      return [`type ${name} = ${target};`];
    }
    return this.definition(name, t);
  }

  private definition(name: string, t: ValType): string[] {
    switch (t.kind) {
      case 'record':
        return [`record ${name} {`, ...t.fields.map((f) => `  ${witIdent(f.name)}: ${this.text(f.type)},`), '}'];
      case 'variant':
        return [
          `variant ${name} {`,
          ...t.cases.map((c) => `  ${witIdent(c.name)}${c.type === undefined ? '' : `(${this.text(c.type)})`},`),
          '}',
        ];
      default:
        return [
          `${t.kind} ${name} {`,
          ...(t as { names: readonly string[] }).names.map((n) => `  ${witIdent(n)},`),
          '}',
        ];
    }
  }

  private resource(name: string, funcs: readonly ExternDescriptor[]): string[] {
    if (funcs.length === 0) return [`resource ${name};`];
    const lines = [`resource ${name} {`];
    for (const f of funcs) {
      const parts = splitExternName(f.name);
      const type = f.type as FuncType;
      if (parts.kind === 'constructor') {
        const result = type.result === undefined || type.result.kind === 'own' ? '' : ` -> ${this.text(type.result)}`;
        lines.push(`  constructor(${this.params(type.params)})${result};`);
      } else if (parts.kind === 'method') {
        // A method's first parameter is `self: borrow<R>`, which WIT leaves implicit.
        lines.push(`  ${witIdent(parts.name)}: ${this.func({ ...type, params: type.params.slice(1) })};`);
      } else if (parts.kind === 'static') {
        lines.push(`  ${witIdent(parts.name)}: static ${this.func(type)};`);
      }
    }
    lines.push('}');
    return lines;
  }

  /** `func(a: u32) -> string`, or `async func(...)`. */
  func(type: FuncType): string {
    const result = type.result === undefined ? '' : ` -> ${this.text(type.result)}`;
    return `${type.isAsync ? 'async ' : ''}func(${this.params(type.params)})${result}`;
  }

  private params(params: FuncType['params']): string {
    return params.map((p) => `${witIdent(p.name)}: ${this.text(p.type)}`).join(', ');
  }

  private text(type: ValType): string {
    return witTypeText(type, this.namer);
  }

  private addUse(iface: string, name: string, as: string): void {
    const names = this.uses.get(iface) ?? new Map<string, string>();
    if (!names.has(name)) names.set(name, as);
    this.uses.set(iface, names);
  }

  /** `use wasi:io/streams@0.2.3.{input-stream, error as stream-error};`, one line per interface. */
  useLines(): string[] {
    return [...this.uses].map(([iface, names]) => {
      const list = [...names].map(([n, as]) => (n === as ? witIdent(n) : `${witIdent(n)} as ${witIdent(as)}`));
      return `use ${this.path(iface)}.{${list.join(', ')}};`;
    });
  }

  /** An interface in this package by its short name (`types`), any other by its full name. */
  private path(iface: string): string {
    const name = splitExternName(iface);
    if (name.kind === 'interface' && this.pkg !== undefined && packageOf(iface) === this.pkg) {
      return witIdent(name.interfaceName);
    }
    return iface;
  }
}

/** The type's structure without its name, so that `type size = u32` prints `u32` and not `size`. */
function withoutName(t: ValType): ValType {
  const { name: _, ...rest } = t;
  return rest as ValType;
}

const DEFINED: ReadonlySet<string> = new Set(['record', 'variant', 'enum', 'flags']);

function packageOf(fullName: string): string | undefined {
  const name = splitExternName(fullName);
  if (name.kind !== 'interface') return undefined;
  return `${name.namespace}:${name.packageName}${name.version === undefined ? '' : `@${name.version}`}`;
}

function indent(line: string): string {
  return line === '' ? '' : `  ${line}`;
}
