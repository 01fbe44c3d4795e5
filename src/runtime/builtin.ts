/**
 * Node's built-in modules, loaded synchronously when first needed, from ES modules.
 *
 * A built-in imported at the top of a module loads with every start that loads the module,
 * and under `run`'s `--no-liftoff` (set before the CLI loads) Node compiles it from source
 * (its own code cache of it was made under other flags): node:crypto, node:os or node:v8 cost
 * 1-11 ms there on Node 20, and most runs never use them. `process.getBuiltinModule` (Node 20.16+, 22.3+)
 * gets one without node:module, which itself took 0.7 ms of every start on Node 20 (0.3 on
 * Node 26); the CLI's bundle loader hands the bundle a node:module that loads on first use
 * (bin/bundle-loader.js), so only an older Node loads it, here.
 */
import { createRequire } from 'node:module';

let fallback: NodeJS.Require | null = null;

/** The built-in module `id` (`node:os`...), loaded now if it was not: `requireBuiltin<typeof NodeOs>('node:os')`. */
export function requireBuiltin<T>(id: `node:${string}`): T {
  if (typeof process.getBuiltinModule === 'function') return process.getBuiltinModule(id) as T;
  fallback ??= createRequire(import.meta.url);
  return fallback(id) as T;
}
