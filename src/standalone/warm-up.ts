/**
 * Run once while the executable's snapshot is built (main.ts): the JavaScript of
 * reading `run FILE --invoke NAME ARGS` and a WASI `run` on two small modules, up
 * to where V8 would compile them. Node's start-up snapshot keeps the bytecode of
 * every function compiled while it was built (measured on Node 26: the first
 * calls of 300 functions took 0.8 ms from a snapshot that had run them, 7-9 ms
 * from one that had not), so a start of the executable compiles less of ours.
 * WebAssembly itself does not exist while a snapshot is built, so Module,
 * Instance and the WASI host stay cold, except the export glue, which wraps a
 * plain JavaScript function here, and the constructors of Instance, Memory, Table
 * and Global, called with nothing so that they throw at once (Instance at its
 * argument check, the others where they reach for WebAssembly): V8
 * compiles a whole function on its first call, and keeps it (measured on Node 26:
 * 92 functions of ours were still compiled on the first `run --invoke` of the
 * executable, 6 ms under --log-function-events; 59 now). Nothing here reads the machine (the
 * engine fingerprint, the addon, the terminal) or fills a cache, and everything
 * it makes is garbage when it returns.
 */
import { formatExportSignature, formatResults, jsonResults } from '../commands/format.js';
import { inputLabel } from '../commands/input.js';
import { parseArguments } from '../commands/literals.js';
import { cacheMaxBytesFrom, runOptionsFrom } from '../commands/options.js';
import { wantedCompileMode } from '../commands/relaunch.js';
import { fastRunArguments, splitAfterFile } from '../commands/run.js';
import { wrapFunction } from '../runtime/convert.js';
import { defaultCacheDir } from '../runtime/engine/cache/registry.js';
import { v8FlagFingerprint } from '../runtime/engine/fingerprint.js';
import { blake3Hex, sha256Hex } from '../runtime/engine/hash.js';
import { codeSectionSize } from '../runtime/engine/module-facts.js';
import { tieringFacts, tierNotice, wantsEntryInlining } from '../runtime/engine/tiering.js';
import { findFunctionExport } from '../runtime/find-export.js';
import { Global } from '../runtime/global.js';
import { Instance } from '../runtime/instance.js';
import { Memory } from '../runtime/memory.js';
import { parseModule } from '../runtime/parser/index.js';
import { sniff } from '../runtime/parser/sniff.js';
import { Table } from '../runtime/table.js';

/** The two modules, base64: fixtures/simple.wasm, and a WASI hello world (scripts/build-exe.js). */
declare const __WASMER_TS_WARM_UP__: { readonly invoke: string; readonly wasi: string };

const bytesOf = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

export function warmUp(): void {
  const simple = bytesOf(__WASMER_TS_WARM_UP__.invoke);
  const hello = bytesOf(__WASMER_TS_WARM_UP__.wasi);
  for (const bytes of [simple, hello]) {
    sniff(bytes);
    const codeBytes = codeSectionSize(bytes);
    wantedCompileMode(bytes, 'auto');
    sha256Hex(bytes);
    blake3Hex(bytes);
    const info = parseModule(bytes);
    tierNotice('auto', tieringFacts(bytes, info));
    wantsEntryInlining(codeBytes, ['--no-liftoff']);
  }
  inputLabel('simple.wasm');
  splitAfterFile(['--invoke', 'sum', '5', '37'], false);
  splitAfterFile(['a', 'b'], false);
  defaultCacheDir({ HOME: '/home/nobody' });
  cacheMaxBytesFrom(undefined, {});
  v8FlagFingerprint(process.execArgv);
  fastRunArguments(['simple.wasm', '--invoke', 'sum', '5', '37']);
  fastRunArguments(['--dir', '.', 'hello.wasm', 'a', 'b']);
  runOptionsFrom({});
  const fn = findFunctionExport(parseModule(simple), 'sum', 'simple.wasm');
  const args = parseArguments(fn, ['5', '37']);
  // The glue `Instance` puts around an export, around a JavaScript stand-in for `sum`.
  const sum = wrapFunction(
    (...xs: unknown[]) => ((xs[0] as number) + (xs[1] as number)) | 0,
    fn.name,
    fn.type,
    undefined,
  );
  sum(...args);
  formatResults(fn.type, [42]);
  jsonResults(fn.type, [42]);
  formatExportSignature(fn.name, fn.type);
  // Each throws before it makes anything (WebAssembly is absent while a snapshot is built):
  // the call only compiles it. Its error is expected and dropped.
  const constructors = [
    () => new Instance(undefined as never),
    () => new Memory(undefined as never),
    () => new Table(undefined as never),
    () => new Global(undefined as never, undefined as never),
  ];
  for (const make of constructors) {
    try {
      make();
    } catch {
      // Thrown at once, as intended.
    }
  }
}
