/**
 * The host's side of instantiation: a plain JS object keyed by import name becomes the
 * items the component imports. Interfaces are nested objects keyed by their full name
 * (`'wasi:cli/run@0.2.3'`, matched by semver: ./semver.ts), their functions keyed by
 * lowerCamelCase (`logMessage`, or the kebab name as written), their resources classes
 * keyed by UpperCamelCase (`Blob`), whose constructor, methods and static functions serve
 * `[constructor]blob`, `[method]blob.read` and `[static]blob.concat`.
 */
import { describe } from '../describe.js';
import { LinkError } from '../errors.js';
import { TRANSIENT_BYTES } from './abi/lists.js';
import type { ComponentFunc, InstanceValue, Item } from './items.js';
import { lowerCamelCase, upperCamelCase } from './js-names.js';
import { parseExternName } from './parser/names.js';
import { matchImportKey } from './semver.js';
import type { ExternDescriptor, ExternType, FuncType, InstanceType } from './types.js';

/** What the host gives `component.instantiate(imports)`: see the top of this file. */
export type ComponentImports = Readonly<Record<string, unknown>>;

type HostObject = Readonly<Record<string, unknown>>;
type HostFunction = (...args: unknown[]) => unknown;
type HostClass = (new (...args: unknown[]) => unknown) & Readonly<Record<string, unknown>>;

function isHostObject(value: unknown): value is HostObject {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The keys the host gave, for messages: `(the host gave: offset, test:math/ops@0.3.0)`. */
function gave(host: HostObject): string {
  const keys = Object.keys(host);
  return keys.length === 0 ? 'the host gave no imports' : `the host gave: ${keys.join(', ')}`;
}

function kindWord(type: ExternType): string {
  switch (type.kind) {
    case 'func':
      return 'a function';
    case 'instance':
      return 'an interface (an object of its functions and resource classes)';
    case 'type':
      return 'a type';
    case 'component':
      return 'a component';
    case 'value':
      return 'a value';
    case 'module':
      return 'a core module';
  }
}

/**
 * The item for the component's import `name` of type `type`, from the host's object.
 * @throws LinkError ERR_MISSING_IMPORT (nothing under the name or a compatible version),
 *   ERR_IMPORT_TYPE (something of the wrong kind), ERR_LINK (an import kind not supported).
 */
export function hostImport(host: HostObject, name: string, type: ExternType): Item {
  if (type.kind === 'type') return { kind: 'type', type: type.type };
  // A resource's functions imported one by one live on its class, not under their own names.
  if (type.kind === 'func' && isResourceMember(name)) {
    return { kind: 'func', func: hostFunction(undefined, name, type, host, name) };
  }
  const key = matchImportKey(name, Object.keys(host)) ?? plainKey(host, name);
  if (key === null) {
    throw new LinkError(
      'ERR_MISSING_IMPORT',
      `the component imports "${name}" (${kindWord(type)}), which the host did not give (${gave(host)})`,
    );
  }
  return hostItem(host[key], name, type, host, name);
}

/** `[constructor]blob`, `[method]blob.read`, `[static]blob.concat`. */
function isResourceMember(name: string): boolean {
  // Only these start with `[`: a cold start parses no other name (each costs a few regexes, interpreted).
  if (!name.startsWith('[')) return false;
  const kind = parseExternName(name)?.kind;
  return kind === 'constructor' || kind === 'method' || kind === 'static';
}

/** A plain name is also found by its lowerCamelCase spelling (`get-time` as `getTime`). */
function plainKey(host: HostObject, name: string): string | null {
  const parsed = parseExternName(name);
  if (parsed === null || parsed.kind !== 'plain') return null;
  const camel = lowerCamelCase(name);
  return Object.hasOwn(host, camel) ? camel : null;
}

function hostItem(value: unknown, name: string, type: ExternType, scope: HostObject, label: string): Item {
  switch (type.kind) {
    case 'func':
      return { kind: 'func', func: hostFunction(value, name, type, scope, label) };
    case 'instance':
      return { kind: 'instance', instance: hostInstance(value, type, label) };
    case 'module':
      if (value instanceof WebAssembly.Module) return { kind: 'module', module: value };
      if (isHostObject(value) && value.raw instanceof WebAssembly.Module) return { kind: 'module', module: value.raw };
      throw wrongKind(label, type, value);
    case 'type':
      return { kind: 'type', type: type.type };
    case 'component':
    case 'value':
      throw new LinkError(
        'ERR_LINK',
        `the component imports "${label}", ${kindWord(type)}: wasmer-ts does not support ${type.kind} imports yet`,
      );
  }
}

function wrongKind(label: string, type: ExternType, value: unknown): LinkError {
  return new LinkError('ERR_IMPORT_TYPE', `import "${label}" must be ${kindWord(type)}, got ${describe(value)}`);
}

function hostInstance(value: unknown, type: InstanceType, label: string): InstanceValue {
  if (!isHostObject(value)) throw wrongKind(label, type, value);
  const exports = new Map<string, Item>();
  for (const e of type.exports) exports.set(e.name, member(value, e, label));
  return { exports };
}

/** One export of an imported interface, from the host's object for it. */
function member(host: HostObject, e: ExternDescriptor, interfaceLabel: string): Item {
  const label = `${interfaceLabel}#${e.name}`;
  if (e.type.kind === 'type') return { kind: 'type', type: e.type.type };
  if (e.type.kind === 'func') return { kind: 'func', func: hostFunction(undefined, e.name, e.type, host, label) };
  const key = [e.name, lowerCamelCase(e.name)].find((k) => Object.hasOwn(host, k));
  if (key === undefined) {
    throw new LinkError('ERR_MISSING_IMPORT', `import "${interfaceLabel}" has no "${e.name}" (${kindWord(e.type)})`);
  }
  return hostItem(host[key], e.name, e.type, host, label);
}

/**
 * The host function for the func import or interface member `name`: a plain function
 * (`value`, or looked up in `scope`), or a resource's constructor, method or static
 * function, looked up on the resource's class in `scope`.
 */
function hostFunction(value: unknown, name: string, type: FuncType, scope: HostObject, label: string): ComponentFunc {
  // Resource functions are the names that start with `[` (see isResourceMember).
  const parsed = name.startsWith('[') ? parseExternName(name) : null;
  if (parsed !== null && (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static')) {
    const cls = resourceClass(scope, parsed.resource, label);
    const key = lowerCamelCase(parsed.name);
    if (parsed.kind === 'constructor') return { type, label, call: (...args) => new cls(...args) };
    if (parsed.kind === 'static') {
      const fn = cls[key] ?? cls[parsed.name];
      if (typeof fn !== 'function')
        throw missingMember(label, `${cls.name || upperCamelCase(parsed.resource)}.${key}`, fn);
      return { type, label, call: (...args) => (fn as HostFunction).apply(cls, args) };
    }
    const proto = cls.prototype as Readonly<Record<string, unknown>>;
    const method = [key, parsed.name].find((k) => typeof proto[k] === 'function');
    if (method === undefined) {
      throw missingMember(label, `${cls.name || upperCamelCase(parsed.resource)}.prototype.${key}`, proto[key]);
    }
    // Looked up on `self` at each call, so a subclass's override is the one called.
    return {
      type,
      label,
      call: (self, ...args) => ((self as Readonly<Record<string, HostFunction>>)[method] as HostFunction)(...args),
      ...(isTransient(proto[method]) ? { transientBytes: true } : {}),
    };
  }
  let fn = value;
  if (fn === undefined) {
    const key = [lowerCamelCase(name), name].find((k) => Object.hasOwn(scope, k));
    if (key === undefined) throw missingMember(label, lowerCamelCase(name), undefined);
    fn = scope[key];
  }
  if (typeof fn !== 'function') throw wrongKind(label, type, fn);
  return { type, label, call: fn as HostFunction, ...(isTransient(fn) ? { transientBytes: true } : {}) };
}

/** Whether a host function says it reads its byte lists only during the call (`TRANSIENT_BYTES`). */
function isTransient(fn: unknown): boolean {
  return (fn as { [TRANSIENT_BYTES]?: unknown } | null)?.[TRANSIENT_BYTES] === true;
}

function missingMember(label: string, where: string, found: unknown): LinkError {
  return found === undefined
    ? new LinkError('ERR_MISSING_IMPORT', `import "${label}" needs ${where}, which the host did not give`)
    : new LinkError('ERR_IMPORT_TYPE', `import "${label}" needs ${where} to be a function, got ${describe(found)}`);
}

function resourceClass(scope: HostObject, resource: string, label: string): HostClass {
  const key = [upperCamelCase(resource), resource].find((k) => Object.hasOwn(scope, k));
  const cls = key === undefined ? undefined : scope[key];
  if (typeof cls !== 'function') {
    const name = upperCamelCase(resource);
    throw cls === undefined
      ? new LinkError(
          'ERR_MISSING_IMPORT',
          `import "${label}" needs the class ${name} for resource ${resource}, which the host did not give`,
        )
      : new LinkError('ERR_IMPORT_TYPE', `import "${label}" needs ${name} to be a class, got ${describe(cls)}`);
  }
  return cls as HostClass;
}
