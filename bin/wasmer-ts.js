#!/bin/sh
":" /*
# This file is both a shell script and the JavaScript entry of `wasmer-ts`.
#
# Run as a program (npm's bin link, `npx wasmer-ts`, ./bin/wasmer-ts.js), sh reads
# it first and starts Node with the V8 flags the command wants: V8's flags are
# fixed when Node starts (src/runtime/tiering.ts, issue 9), and an exec costs no
# second process start. `node bin/wasmer-ts.js ...` skips this part and runs with
# the flags node was given. To JavaScript, these lines are a string and a comment
# (biome.json leaves the file unformatted: `":" /*` must stay one sh command).
#
# The flags (keep in step with v8FlagsFor in src/runtime/tiering.ts; the launcher
# tests check both): run and call of a module get --no-liftoff (TurboFan on each
# function's first call: `auto` and `optimizing`), of a `.wasmu` artifact the
# eager flags its machine code was made under; --compiler baseline and every
# other command get V8's defaults. A module with more code than `auto` compiles
# with TurboFan is re-run once with the defaults (src/commands/relaunch.ts).
want=
file=
case "${1-}" in
run | call)
  want=auto
  first=1
  skip=
  for arg; do
    if [ -n "$first" ]; then
      first=
      continue
    fi
    if [ -n "$skip" ]; then
      [ "$skip" = compiler ] && want=$arg
      skip=
      continue
    fi
    case $arg in
    --compiler) skip=compiler ;;
    --compiler=*) want=${arg#--compiler=} ;;
    --dir | --env | --forward-env | --timeout | --max-memory | --cache-dir | --cache-max-size | --invoke | -i | --args-json | --repeat) skip=value ;;
    -?*) ;;
    *)
      file=$arg
      break
      ;;
    esac
  done
  ;;
esac
flags=
case $want in
auto | optimizing)
  case $file in
  *.wasmu) flags='--no-liftoff --no-wasm-lazy-compilation' ;;
  *) flags=--no-liftoff ;;
  esac
  ;;
esac
WASMER_TS_LAUNCHER=1
export WASMER_TS_LAUNCHER
# FILE, for the JavaScript part below (it reads the preamble of a .wasm: a component's or a module's).
if [ -n "$file" ]; then
  WASMER_TS_INPUT=$file
  export WASMER_TS_INPUT
fi
# $flags is unquoted on purpose: zero, one or two words.
exec node $flags "$0" "$@"
*/

// The bundled CLI (dist/bundle/, made by scripts/bundle-cli.js in `npm run build`)
// loads two files instead of ~30: see that script. tsc's dist/cli.js runs when the
// bundle is missing or older than it (a tsc-only build), so a stale bundle never runs.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the files loaded below in its compile cache, so
// a start does not parse and compile the bundle again (as tsc does; Node 20 has no such
// cache). The cache is Node's: os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. It fails silently when it cannot write.
module.enableCompileCache?.();

// V8 11 (Node 20) leaves Wasm-into-Wasm inlining off; turned on, the C kernels ran
// 1.38x -> 1.22x native (geometric mean) with the same spec-suite results, but LLVM's
// clang as Wasm (over 1 MiB of code, so V8's defaults) ran its C++ compile 1.34x slower.
// So only a process started for TurboFan on first call (--no-liftoff, lazily) gets it:
// set here, before this process compiles any Wasm, and recorded in execArgv so that the
// artifact fingerprint sees it as a start-up flag (relaunch.ts leaves it out). V8 12
// has it only as an experimental flag (no gain measured), V8 13+ turns it on by default.
// Not for a component (FILE, from the launcher, starts with a component's preamble):
// a C hello world adapted with jco's preview1 adapter ran its wasi:cli/run in 30-43 ms
// with inlining, 18 ms without: TurboFan compiling the adapter's functions on first call
// (7x the code with inlining), the most of what the component took over the core module.
const COMPONENT_PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const startedFor = (flag) => process.execArgv.includes(flag);
const input = process.env.WASMER_TS_INPUT;
delete process.env.WASMER_TS_INPUT;
if (
  process.versions.v8.startsWith('11.') &&
  startedFor('--no-liftoff') &&
  !startedFor('--no-wasm-lazy-compilation') &&
  !process.execArgv.some((f) => f.includes('wasm-inlining')) &&
  !(input !== undefined && startsAsComponent(input))
) {
  const { default: v8 } = await import('node:v8');
  v8.setFlagsFromString('--wasm-inlining');
  process.execArgv.push('--wasm-inlining');
}

/**
 * Whether the regular file at `path` starts with a component's preamble: `\0asm`, then
 * version 0x0d 0x00 and layer 0x01 0x00 (src/runtime/parser/sniff.ts, isComponentHead).
 * Anything else (a FIFO, whose bytes reading would take, stdin, a missing file) is not.
 */
function startsAsComponent(path) {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return false;
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(8);
      const n = readSync(fd, head, 0, 8, 0);
      return n === 8 && COMPONENT_PREAMBLE.every((byte, i) => head[i] === byte);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const plain = new URL('../dist/cli.js', import.meta.url);
const built = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = built(bundle) > 0 && built(bundle) >= built(plain);
const { cliMain } = await import(useBundle ? bundle.href : plain.href);
process.exitCode = await cliMain(process.argv);
