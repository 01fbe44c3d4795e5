import { createRequire } from 'node:module';
import type NodeSea from 'node:sea';

/**
 * node:sea, loaded at run time: the executable's JavaScript is a start-up snapshot
 * (scripts/build-exe.js), and what a module loads when it is evaluated is loaded
 * when the snapshot is built, where node:sea has no executable to read.
 */
export function sea(): typeof NodeSea {
  return createRequire(import.meta.url)('node:sea') as typeof NodeSea;
}
