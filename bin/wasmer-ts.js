#!/bin/sh
":" /*
# This file is both a shell script and the JavaScript entry of `wasmer-ts`.
#
# Run as a program (npm's bin link, `npx wasmer-ts`, ./bin/wasmer-ts.js), sh reads
# it first, marks the process as started by the launcher and `exec`s Node with
# V8's defaults (no second process). The marker lets the CLI choose V8's tier
# flags itself, before it compiles anything: bin/bundle-loader.js sets `run` and
# `call` for TurboFan on first call before the CLI loads, and the CLI sets what a
# module wants instead before its first compile (src/commands/relaunch.ts,
# src/runtime/engine/tiering.ts). Until 2026-12-03 this script gave Node those
# flags on its command line, where they made Node compile its own modules from
# source (their code cache is checked against V8's flags: 1.5 ms of every start on
# Node 20). `node bin/wasmer-ts.js ...` skips this part and runs with the flags
# node was given. To JavaScript, these lines are a string and a comment (biome.json
# leaves the file unformatted: `":" /*` must stay one sh command).
WASMER_TS_LAUNCHER=1
export WASMER_TS_LAUNCHER
exec node "$0" "$@"
*/

// This file is CommonJS (bin/package.json says so): Node's ESM loader, which an ES
// module entry starts, costs 13 ms of a 40 ms start on Node 20 (4 on Node 26), more
// under a V8 flag of our own, which makes Node compile its loader's modules from source.
// The bundled CLI (dist/bundle/, CommonJS, made by scripts/bundle-cli.js in `npm run
// build`) loads two files instead of ~30: see that script. tsc's dist/cli.js (an ES
// module) runs when the bundle is missing or older than it (a tsc-only build), so a
// stale bundle never runs.
const { statSync } = require('node:fs');
const path = require('node:path');

// bundle-loader.js keeps V8's code cache of the bundle, with every function a run
// compiled: on Node 26 that starts `run --invoke` 7 ms sooner than Node's own compile
// cache (module.enableCompileCache, 22.1+), which keeps each file's top level only, and
// Node 20 has none. NODE_DISABLE_COMPILE_CACHE=1 turns it off.

// V8 11 (Node 20) leaves Wasm-into-Wasm inlining off: for `run` and `call` of a module in
// a process started for TurboFan, bundle-loader.js turns it on before the bundle loads
// (settleV8Flags), else the CLI before its first compile (src/commands/input.ts,
// src/runtime/engine/tiering.ts).

const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'bundle', 'cli.cjs');
const built = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = built(bundle) > 0 && built(bundle) >= built(path.join(dist, 'cli.js'));
const { loadBundle } = require('./bundle-loader.js');
const cli = useBundle ? Promise.resolve(loadBundle(bundle)) : import('../dist/cli.js');
cli
  .then(({ cliMain }) => cliMain(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
