import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Instance, Module } from '../../../src/runtime/index.js';
import { Wasi, type WasiOptions } from '../../../src/runtime/wasi/index.js';

export const WASI_FIXTURES = fileURLToPath(new URL('../../../fixtures/wasi/', import.meta.url));

/** Reads a committed fixtures/wasi/NAME.wasm (built from NAME.c by fixtures/wasi/build.sh). */
export function wasiFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${WASI_FIXTURES}${name}.wasm`));
}

export interface RunOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a WASI command in-process with captured output. */
export function runWasi(bytes: Uint8Array, options: WasiOptions = {}): RunOutcome {
  const module = new Module(bytes);
  const wasi = new Wasi({ stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', ...options });
  const instance = new Instance(module, wasi.getImports(module));
  const exitCode = wasi.start(instance);
  return { exitCode, stdout: wasi.stdoutText, stderr: wasi.stderrText };
}

/** Parses `key=value` lines into a map. */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}
