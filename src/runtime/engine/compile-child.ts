/**
 * The child process of `compileOptimized` (machine-code.ts), started as
 * `node <eager flags> compile-child-main.js` (or as the standalone executable
 * with that role: src/standalone/): V8's flags are fixed when Node starts
 * (tiering.ts), so the eager TurboFan compile needs a Node of its own. It reads
 * the Wasm from stdin, compiles every function with TurboFan, serializes the
 * machine code, checks that V8 accepts it back, and writes it to stdout.
 *
 * Exit status: 0 with the code on stdout; 3 when the Wasm does not compile
 * (V8's message on stderr); 4 when there is no usable machine code (why on stderr).
 */
import { nativeAddon, nativeStatus } from './native.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function fail(status: number, message: string): never {
  process.stderr.write(message);
  process.exit(status);
}

/** The child's whole work; it ends the process (with the exit statuses above) or writes the code and returns. */
export async function runCompileChild(): Promise<void> {
  const addon = nativeAddon();
  if (addon === null) fail(4, nativeStatus().reason ?? 'the native addon is unavailable');
  const wasm = await readStdin();
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(wasm);
  } catch (error) {
    fail(3, error instanceof Error ? error.message : String(error));
  }
  const code = addon.serialize(module);
  if (code === null || code.length === 0) fail(4, 'V8 produced no machine code');
  const marker = {};
  const armed = addon.arm(marker, wasm, code);
  if (armed !== true) fail(4, armed);
  await WebAssembly.compileStreaming(marker as unknown as Response);
  if ((marker as { accepted?: unknown }).accepted !== true) fail(4, 'V8 rejected the code it just serialized');
  process.stdout.write(code);
}
