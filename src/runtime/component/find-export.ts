/**
 * Finding a component's exported function by the name a command line gives: `greet` for
 * a function the component exports itself, `INTERFACE#NAME` for one of an exported
 * interface (`wasi:cli/run@0.2.3#run`, as wasmtime and jco name them), where INTERFACE may
 * leave out the version or give another on the same semver track (`wasi:cli/run#run`).
 * A resource's static function is `INTERFACE#[static]counter.zero`.
 */
import { ArgumentError } from '../errors.js';
import { nearestName } from '../find-export.js';
import { quoted } from '../kinds.js';
import { lowerCamelCase, upperCamelCase } from './js-names.js';
import { parseExternName } from './parser/names.js';
import { matchImportKey } from './semver.js';
import type { ExternDescriptor, FuncType } from './types.js';

/** An exported function found by `findComponentFunction`. */
export interface ComponentFunctionExport {
  /** The name as the component spells it: `greet`, `wasi:cli/run@0.2.3#run`. */
  readonly name: string;
  readonly type: FuncType;
  /** The exported interface holding it, or null for a function the component exports itself. */
  readonly interfaceName: string | null;
  /** Its name in the component or the interface: `run`, `[static]counter.zero`. */
  readonly member: string;
}

/** Every function a command line can call: plain exports, then interfaces' members. */
export function componentFunctions(exports: readonly ExternDescriptor[]): ComponentFunctionExport[] {
  const found: ComponentFunctionExport[] = [];
  for (const e of exports) {
    if (e.type.kind === 'func') found.push({ name: e.name, type: e.type, interfaceName: null, member: e.name });
    if (e.type.kind !== 'instance') continue;
    for (const m of e.type.exports) {
      if (m.type.kind !== 'func') continue;
      found.push({ name: `${e.name}#${m.name}`, type: m.type, interfaceName: e.name, member: m.name });
    }
  }
  return found;
}

/**
 * The exported function `name` (see the top of this file).
 * @throws ArgumentError ERR_NO_EXPORT, listing the functions and the nearest name when one is
 *   close; also for a resource's constructor or method, which need a handle a command line cannot give.
 */
export function findComponentFunction(
  exports: readonly ExternDescriptor[],
  name: string,
  where?: string,
): ComponentFunctionExport {
  const functions = componentFunctions(exports);
  const hash = name.lastIndexOf('#');
  let found = functions.find((f) => f.name === name);
  if (found === undefined && hash > 0) {
    const interfaces = [...new Set(functions.flatMap((f) => (f.interfaceName === null ? [] : [f.interfaceName])))];
    const iface = matchImportKey(name.slice(0, hash), interfaces);
    const member = name.slice(hash + 1);
    found = functions.find((f) => f.interfaceName === iface && f.member === member);
  }
  const inWhere = where === undefined ? '' : ` in ${where}`;
  if (found === undefined) {
    const names = functions.map((f) => f.name);
    const nearest = nearestName(name, names);
    const list = names.length === 0 ? ' (it exports no functions)' : ` (exports: ${names.join(', ')})`;
    throw new ArgumentError(
      'ERR_NO_EXPORT',
      `export ${quoted(name)} not found${inWhere}${list}${nearest === null ? '' : `; did you mean ${quoted(nearest)}?`}`,
    );
  }
  const parsed = parseExternName(found.member);
  if (parsed !== null && (parsed.kind === 'constructor' || parsed.kind === 'method')) {
    throw new ArgumentError(
      'ERR_NO_EXPORT',
      `${quoted(found.name)}${inWhere} is a resource ${parsed.kind}: it needs a handle the command line cannot give (call it from the library)`,
    );
  }
  return found;
}

/** The JS function of `found` in an instance's `exports` object (instance.exports). */
export function functionIn(
  exports: Readonly<Record<string, unknown>>,
  found: ComponentFunctionExport,
): (...args: unknown[]) => unknown {
  const scope =
    found.interfaceName === null ? exports : (exports[found.interfaceName] as Readonly<Record<string, unknown>>);
  const parsed = parseExternName(found.member);
  const fn =
    parsed !== null && parsed.kind === 'static'
      ? (scope[upperCamelCase(parsed.resource)] as Readonly<Record<string, unknown>>)[lowerCamelCase(parsed.name)]
      : scope[lowerCamelCase(found.member)];
  return fn as (...args: unknown[]) => unknown;
}
