/**
 * Splits a component extern name into its parts (design/mvp/Explainer.md "Import and Export
 * Definitions"): `[method]file.read`, `wasi:cli/run@0.2.3`, `greet`.
 */
import type { ExternName } from './types.js';

const INTERFACE = /^([a-z0-9-]+):([a-z0-9-]+)\/([A-Za-z0-9-]+)(?:@(.+))?$/i;
const RESOURCE_FUNC = /^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$/;

/**
 * The parts of `name`. Names are validated by the parser; one that fits no form here
 * (`url=<...>` and the other dependency names) is `{ kind: 'other' }`, never an error.
 */
export function splitExternName(name: string): ExternName {
  const fn = RESOURCE_FUNC.exec(name);
  if (fn !== null) {
    const kind = fn[1] as 'constructor' | 'method' | 'static';
    const resource = fn[2] as string;
    if (kind === 'constructor' && fn[3] === undefined) return { kind, resource, name: resource };
    if (kind !== 'constructor' && fn[3] !== undefined) return { kind, resource, name: fn[3] };
    return { kind: 'other', name };
  }
  const iface = INTERFACE.exec(name);
  if (iface !== null) {
    return {
      kind: 'interface',
      namespace: iface[1] as string,
      packageName: iface[2] as string,
      interfaceName: iface[3] as string,
      version: iface[4],
    };
  }
  if (/^[A-Za-z0-9-]+$/.test(name)) return { kind: 'plain', name };
  return { kind: 'other', name };
}
