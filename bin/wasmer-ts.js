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
# with TurboFan is switched to the defaults before anything is compiled, or where
# V8 cannot take that, re-run once with them (src/commands/relaunch.ts).
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
# A module the CLI found too big for TurboFan on first call before gets V8's defaults at
# once, as its relaunch would have given it, unless the file changed since: the relaunch
# leaves a hint, `launch-` and the file's absolute path with `/` as `%`, beside the CLI's
# code cache (src/commands/relaunch.ts, launchHintFile; keep the two in step). Shell
# builtins only: a relaunch costs a second Node start (0.1 s of CPU on Node 26), and so
# would any process started here to decide. (No star-slash in here: it would end the comment.)
if [ "$want" = auto ] && [ "$flags" = --no-liftoff ] && [ -n "$file" ] && [ "$file" != - ]; then
  case $file in
  /*) rest=$file ;;
  *) rest=${PWD-}/$file ;;
  esac
  hint=launch-
  while :; do
    case $rest in
    *[/]*)
      hint=$hint${rest%%[/]*}%
      rest=${rest#*[/]}
      ;;
    *)
      hint=$hint$rest
      break
      ;;
    esac
  done
  base=
  case ${XDG_CACHE_HOME-} in
  /*) base=$XDG_CACHE_HOME ;;
  *) [ -n "${HOME-}" ] && base=$HOME/.cache ;;
  esac
  if [ -n "$base" ] && [ "$base/wasmer-ts/js/$hint" -nt "$file" ]; then flags=; fi
fi
WASMER_TS_LAUNCHER=1
export WASMER_TS_LAUNCHER
# $flags is unquoted on purpose: zero, one or two words.
exec node $flags "$0" "$@"
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
