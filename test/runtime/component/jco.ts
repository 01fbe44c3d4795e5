// Where the jco reference tool lives (installed by scripts/build-components.js outside the
// repository), and a way to ask it for the WIT of a world written in WIT: embed the world in a
// dummy core module, make a component of it, and print that component's world.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

// ~/.cache, not $XDG_CACHE_HOME: test/helpers/isolate-env.ts points that at an empty temp dir.
const JCO_DIR = path.join(homedir(), '.cache', 'wasmer-ts-jco');
export const JCO = path.join(JCO_DIR, 'node_modules', '.bin', 'jco');
const WASM_TOOLS = path.join(JCO_DIR, 'node_modules', '@bytecodealliance', 'jco-transpile', 'dist', 'wasm-tools.js');

export const hasJco = existsSync(JCO) && existsSync(WASM_TOOLS);

/** `jco wit FILE`: the world of a component binary, as wasm-tools prints it (without the newline console.log adds). */
export function jcoWit(file: string): string {
  return execFileSync(JCO, ['wit', file], { encoding: 'utf8' }).replace(/\n$/, '');
}

interface WasmTools {
  componentEmbed(opts: {
    witSource: string;
    dummy: boolean;
    world: string;
    stringEncoding: string;
  }): Promise<Uint8Array>;
  componentNew(bytes: Uint8Array): Promise<Uint8Array>;
  componentWit(bytes: Uint8Array): Promise<string>;
}

/** The world of a dummy component made from WIT source: what `jco wit` prints for it. */
export async function jcoWorldOf(witSource: string, world: string): Promise<string> {
  const tools = (await import(WASM_TOOLS)) as WasmTools;
  const core = await tools.componentEmbed({ witSource, dummy: true, world, stringEncoding: 'utf8' });
  return tools.componentWit(await tools.componentNew(core));
}
