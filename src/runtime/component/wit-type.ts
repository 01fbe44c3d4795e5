/**
 * A value type as WIT spells it where it is used: a named type by its name, an anonymous
 * one inline (`list<u8>`, `option<string>`, `result<_, error-code>`, `tuple<u32, string>`),
 * `own<R>` as `R` and `borrow<R>` as `borrow<R>`. WIT text, WAVE's messages and the `.d.ts`
 * generator's comments share it.
 */
import type { ResourceType, ValType } from './types.js';

/** WIT's keywords (design/mvp/WIT.md "Keywords"): an identifier spelled like one is written `%name`. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'as',
  'async',
  'bool',
  'borrow',
  'char',
  'constructor',
  'enum',
  'export',
  'f32',
  'f64',
  'flags',
  'from',
  'func',
  'future',
  'import',
  'include',
  'interface',
  'list',
  'map',
  'option',
  'own',
  'package',
  'record',
  'resource',
  'result',
  's16',
  's32',
  's64',
  's8',
  'static',
  'stream',
  'string',
  'tuple',
  'type',
  'u16',
  'u32',
  'u64',
  'u8',
  'use',
  'variant',
  'with',
  'world',
]);

/** `record` → `%record`, `point` → `point`: an identifier as WIT text must write it. */
export function witIdent(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

/**
 * Names for types that have none in the component. `name` gives a named type's name as it is
 * printed; the default is its own name, escaped. A generator that defines anonymous records
 * (which WIT cannot write inline) passes a function that returns the name it gave them.
 */
export type TypeNamer = (type: ValType | ResourceType) => string | undefined;

const OWN_NAME: TypeNamer = (type) => (type.name === undefined ? undefined : witIdent(type.name));

/**
 * The type as WIT writes it at a use site. A record, variant, enum, flags or resource with no
 * name (and none from `namer`) is written in a WIT-like inline form (`record { x: u32 }`) so
 * messages still say what was expected; such text is not valid WIT.
 */
export function witTypeText(type: ValType, namer: TypeNamer = OWN_NAME): string {
  const named = namer(type);
  if (named !== undefined) return named;
  switch (type.kind) {
    case 'list':
      return type.length === undefined
        ? `list<${witTypeText(type.element, namer)}>`
        : `list<${witTypeText(type.element, namer)}, ${type.length}>`;
    case 'option':
      return `option<${witTypeText(type.type, namer)}>`;
    case 'result': {
      if (type.ok === undefined && type.err === undefined) return 'result';
      if (type.err === undefined) return `result<${witTypeText(type.ok as ValType, namer)}>`;
      const ok = type.ok === undefined ? '_' : witTypeText(type.ok, namer);
      return `result<${ok}, ${witTypeText(type.err, namer)}>`;
    }
    case 'tuple':
      return `tuple<${type.types.map((t) => witTypeText(t, namer)).join(', ')}>`;
    case 'own':
      return resourceText(type.resource, namer);
    case 'borrow':
      return `borrow<${resourceText(type.resource, namer)}>`;
    case 'stream':
    case 'future':
      return type.element === undefined ? type.kind : `${type.kind}<${witTypeText(type.element, namer)}>`;
    case 'map':
      return `map<${witTypeText(type.key, namer)}, ${witTypeText(type.value, namer)}>`;
    case 'record':
      return `record { ${type.fields.map((f) => `${witIdent(f.name)}: ${witTypeText(f.type, namer)}`).join(', ')} }`;
    case 'variant':
      return `variant { ${type.cases
        .map((c) => (c.type === undefined ? witIdent(c.name) : `${witIdent(c.name)}(${witTypeText(c.type, namer)})`))
        .join(', ')} }`;
    case 'enum':
    case 'flags':
      return `${type.kind} { ${type.names.map(witIdent).join(', ')} }`;
    default:
      return type.kind;
  }
}

function resourceText(resource: ResourceType, namer: TypeNamer): string {
  return namer(resource) ?? 'resource';
}
