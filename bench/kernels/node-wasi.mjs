// Runs a WASI command with plain `node:wasi` and Node's default tiering: the
// contrast for `wasmer-ts run`. Usage:
//   node node-wasi.mjs [--dir HOST::GUEST]... FILE.wasm [ARGS...]
// --dir preopens HOST as GUEST (default: HOST as written), like `wasmer-ts run --dir`.
//
// Node 20.20.2's node:wasi corrupts the heap when a GC runs inside one of its
// fast API calls (seen as an abort in uvwasi_destroy, or a segfault, on the
// kernels that grow memory to tens of MB): the bench starts this script with
// --no-turbo-fast-api-calls, which touches no Wasm tiering flag, and the WASI
// object is kept reachable for the whole run.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
while (argv[0] === '--dir' && argv.length > 1) {
  const [host, guest = host] = argv[1].split('::');
  preopens[guest] = host;
  argv.splice(0, 2);
}
const [file, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(file));
const instance = new WebAssembly.Instance(module, wasi.getImportObject());
globalThis.keepWasi = wasi;
process.exitCode = wasi.start(instance);
