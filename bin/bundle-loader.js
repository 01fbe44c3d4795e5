// Loads the CLI's CommonJS bundle (dist/bundle/*.cjs) with V8's code cache. V8 takes
// 16-26 ms to compile the bundle's `fast` chunk on this machine, where `node -e 0`
// takes 40, and 1-6 ms to load its code cache. Node 20 has no compile cache, and Node's
// (22.1+) keeps each file's top level only, so the functions a run calls are compiled
// again on every start: this one keeps them too (`run --invoke` 7 ms sooner on Node 26).
//
// Each bundle file is compiled as the body of a function (by the native addon, else as
// a vm.Script of one function expression: compileFile) and run with a `require` that
// loads the bundle's other files the same way. When a file had no usable cache, the
// process writes one as it exits, with everything V8 compiled of it by then:
// `<cache>/wasmer-ts/js/<file>-<command>-<V8 version>-<flags>[-vm].bin`,
// the cache being `$XDG_CACHE_HOME` (else `~/.cache`), as for machine code. Each
// command (`run` of a program, `run --invoke`, `run` of a component, `call`, `inspect`...)
// has its own: a cache holds the functions the run that wrote it compiled, so one shared
// by all would hold the first command's functions, and the others would compile theirs
// on every start. A component's first run (it parses, and fills the parse cache) has its
// own too (`run-component-first`), told apart by a marker file for the component file.
// A file is written when its cache is missing, and again when one of the
// next three starts finds that it compiled more (MAX_LOOKS).
// A cache file holds a header (magic, the source's size and mtime, a checksum of the
// data, how many starts looked for more) before V8's data. V8 refuses data made by
// another V8, under other flags or for another source; we check the rest, since V8
// trusts data it accepts: a damaged or foreign file is compiled over and replaced, never run.
// Files not written for 30 days are removed after a write (a rebuilt bundle's names
// change). NODE_DISABLE_COMPILE_CACHE=1 turns this off, as it does Node's compile cache.
const {
  closeSync,
  constants: fsConstants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} = require('node:fs');
const path = require('node:path');

const MAGIC = 0x324a5457; // "WTJ2" (the header of "WTJS" files had no count of looks)
// magic u32, source size u32 (bytes), source mtime f64, checksum u32 (of the data), looks u32
const HEADER_BYTES = 24;
/**
 * How many later starts look for more in a cache file: each compares V8's data for the file
 * at its exit with what it loaded, and writes the file again when it grew. A cache holds
 * what the run that wrote it compiled, and runs of one command differ: a component's
 * first run parses it, later ones read the parse from the cache and load machine code, and
 * a cache the first wrote left them compiling those functions on every start (3-7 ms).
 * Three looks cost three starts a few ms each (V8 serializes the file's code again).
 */
const MAX_LOOKS = 3;
const GROWTH_BYTES = 1024;
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;
const PARAMS = '(0, function (exports, require, module, __filename, __dirname) {';

/** The commands whose code caches are kept apart (see the top); anything else is `other`. */
const COMMANDS = new Set(['run', 'call', 'inspect', 'validate', 'compile', 'create-exe', 'cache', 'types']);

/**
 * Which code cache a start with `argv` (process.argv) uses: its command; for `run`, whether
 * it invokes a function; for `run` and `call`, whether FILE is a component (`run-component`,
 * `call-component`), and whether `known(identity)` says a run of that file was seen before
 * (`-first` when not). A component's run calls other functions of the `fast` chunk than a
 * module's (the parse cache, the machine-code cache of its core modules): in one profile,
 * whichever ran first would leave the other compiling its functions on every start. Its
 * first run calls others again (the parse and its save, the machine code's save): in the
 * profile of later runs, those made the `fast` chunk's cache 251 KB where a later run
 * needs 205 (about 1.3 ms more to load on every start, Node 24).
 */
function commandProfile(argv, known = () => true) {
  const command = argv[2];
  if (!COMMANDS.has(command)) return 'other';
  const end = argv.indexOf('--');
  const ours = end === -1 ? argv.slice(3) : argv.slice(3, end);
  if (command === 'run' && ours.some((a) => a === '--invoke' || a === '-i' || a.startsWith('--invoke='))) {
    return 'run-invoke';
  }
  if (command !== 'run' && command !== 'call') return command;
  const identity = componentIdentity(fileOf(argv.slice(3)));
  if (identity === null) return command;
  return known(identity) ? `${command}-component` : `${command}-component-first`;
}

/** The options of `run` and `call` that take a value: the launcher's list (bin/wasmer-ts.js). */
const VALUE_OPTIONS = new Set([
  '--compiler',
  '--dir',
  '--env',
  '--forward-env',
  '--timeout',
  '--max-memory',
  '--cache-dir',
  '--cache-max-size',
  '--invoke',
  '-i',
  '--args-json',
  '--repeat',
]);

/** FILE, the first operand of `run` or `call` given its arguments, or null. */
function fileOf(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return args[i + 1] ?? null;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-') || arg === '-') return arg;
  }
  return null;
}

/**
 * For a regular file that starts as a component does (`\0asm`, version 13, layer 1), which
 * file it is: device, inode, size and modification time, so that a rebuilt component is a
 * new one. Null for anything else.
 */
function componentIdentity(file) {
  if (file === null || file === '-') return null;
  let fd = null;
  try {
    // Never a FIFO or a device, not even opened: opening a FIFO lets its writer through,
    // and what it writes before the command opens it is lost (test/cli/hostile.test.ts).
    if (!statSync(file).isFile()) return null;
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const head = Buffer.alloc(8);
    const component =
      readSync(fd, head, 0, 8, 0) === 8 && head.readUInt32LE(0) === 0x6d736100 && head[6] === 1 && head[7] === 0;
    return component ? `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}` : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The marker of a component file that ran before (its identity, see componentIdentity): an
 * empty file, written when the first run exits. A wrong answer costs only speed: a run
 * whose parse was evicted parses under the later runs' profile.
 */
function seenMarker(dir, identity) {
  return `${dir}${path.sep}seen-${flagTag(identity)}${flagTag(`${identity}\0`)}`;
}

/** Loads `entry` (a bundle file) and the bundle files it requires; returns its exports. */
function loadBundle(entry, chosen = null) {
  const dir = cacheDir(process.env);
  if (dir === null || process.env.NODE_DISABLE_COMPILE_CACHE) return require(entry);
  let unseen = null;
  const profile =
    chosen ??
    commandProfile(process.argv, (identity) => {
      const marker = seenMarker(dir, identity);
      if (existsSync(marker)) return true;
      unseen = marker;
      return false;
    });
  settleV8Flags(profile);
  const loaded = new Map();
  const toWrite = [];
  const toLook = [];
  // The bundle's files sit in one folder and name each other `./name.cjs`: paths are joined
  // by hand, since path.join's normalizing ran interpreted for every require (1-2 ms a start).
  const load = (file, name = path.basename(file)) => {
    const done = loaded.get(file);
    if (done !== undefined) return done.exports;
    const module = { exports: {} };
    loaded.set(file, module);
    const { size, mtimeMs } = statSync(file);
    // The flags now: the CLI may turn one on before it compiles Wasm (commands/input.ts).
    const flags = flagTag(process.execArgv.join(' '));
    const compiler = nativeAddon().compileFile === undefined ? '-vm' : '';
    const cacheFile = `${dir}${path.sep}${name}-${profile}-${process.versions.v8}-${flags}${compiler}.bin`;
    const cached = readCache(cacheFile, size, mtimeMs);
    const cachedData = cached?.data ?? null;
    const compiled = compileFile(file, cachedData);
    if (cachedData === null || compiled.rejected) {
      toWrite.push({ compiled, cacheFile, length: size, mtimeMs, looks: 0 });
    } else if (cached.looks < MAX_LOOKS) {
      toLook.push({ compiled, cacheFile, length: size, mtimeMs, looks: cached.looks + 1, had: cachedData.length });
    }
    const here = path.dirname(file);
    const requireHere = (id) => {
      if (!id.startsWith('./')) return LAZY_BUILTINS.has(id) ? lazyExports(() => require(id)) : require(id);
      const name = id.slice(2);
      if (name.includes('/') || name.startsWith('.')) return load(path.join(here, id));
      const target = `${here}${path.sep}${name}`;
      return name.startsWith(LAZY_PREFIX) && !loaded.has(target)
        ? lazyExports(() => load(target, name))
        : load(target, name);
    };
    // import() of a package, which a file compiled here cannot do itself (scripts/bundle-cli.js).
    requireHere.import = importPackage;
    compiled.fn.call(module.exports, module.exports, requireHere, module, file, here);
    return module.exports;
  };
  let wrote = false;
  const flush = () => {
    for (const entry of toWrite.splice(0)) wrote = writeCache(entry) || wrote;
    for (const entry of toLook.splice(0)) wrote = lookAgain(entry) || wrote;
  };
  // Before the CLI changes a V8 flag, the caches of the files loaded so far are written
  // under the flags they were compiled with, the ones the next start has.
  process.on('wasmer-ts:before-v8-flags', flush);
  process.once('exit', () => {
    flush();
    if (unseen !== null) wrote = writeMarker(unseen) || wrote;
    if (wrote) prune(dir);
  });
  return load(entry);
}

// V8's flags about Wasm inlining and tiers, as src/runtime/engine/tiering.ts reads them.
const INLINING_FLAG = /^--(no-)?(experimental-)?wasm-inlining/;
const LIFTOFF_FLAG = /^--(no-)?liftoff(?:=(true|false))?$/;
const LAZY_FLAG = /^--(no-)?wasm-lazy-compilation(?:=(true|false))?$/;
const DYNAMIC_TIERING_FLAG = /^--(no-)?wasm-dynamic-tiering(=|$)/;

/**
 * Whether a start of `profile` (commandProfile) turns Wasm inlining on before the bundle
 * loads: what tiering.ts's wantsEntryInlining says for a module whose code size is not yet
 * known (V8 11, a process started for TurboFan on first call, no inlining flag of the
 * user's), for `run` and `call` of anything but a component (the CLI leaves inlining off for
 * components). test/cli/bundle-loader.test.ts checks the two agree.
 */
function wantsEarlyInlining(profile, execArgv, v8Version) {
  if (!v8Version.startsWith('11.') || (profile !== 'run' && profile !== 'run-invoke' && profile !== 'call')) {
    return false;
  }
  let liftoff = true;
  let lazy = true;
  const value = (m) => (m[2] === undefined ? m[1] === undefined : (m[1] === undefined) === (m[2] === 'true'));
  for (const raw of execArgv) {
    const flag = raw.replaceAll('_', '-');
    if (INLINING_FLAG.test(flag)) return false;
    const tier = LIFTOFF_FLAG.exec(flag);
    if (tier !== null) liftoff = value(tier);
    const lazily = LAZY_FLAG.exec(flag);
    if (lazily !== null) lazy = value(lazily);
  }
  return !liftoff && lazy;
}

/**
 * Sets the tier of a launched `run` or `call` (launchedTier), recorded in process.execArgv as
 * the flags a start with it would have, then turns Wasm inlining on (Node 20) before the
 * first bundle file loads, where the CLI would
 * turn it on before its first compile (src/commands/input.ts), through the addon, as the CLI
 * does. Later, the code caches of the files loaded by then must be written before the change,
 * under the flags the next start has (V8 refuses a cache made under others), and so lack every
 * function the run compiles after it: a C hello world's run took 44 ms against 39 with the flag
 * given to node (Node 20). Recorded in process.execArgv like the CLI's. Without the addon, the
 * CLI decides later, knowing the module's code size (turning it on then loads node:v8).
 */
function settleV8Flags(profile) {
  const tier = launchedTier(process.argv, process.execArgv, process.env);
  const flags = tier === null ? null : tierFlags(tier, process.versions.v8);
  if (flags !== null) {
    setV8Flags(flags.join(' '));
    process.execArgv.push(...(tier === 'eager' ? ['--no-liftoff', '--no-wasm-lazy-compilation'] : ['--no-liftoff']));
  }
  if (!wantsEarlyInlining(profile, process.execArgv, process.versions.v8)) return;
  const addon = nativeAddon();
  if (typeof addon.setV8Flags !== 'function') return;
  addon.setV8Flags('--wasm-inlining');
  process.execArgv.push('--wasm-inlining');
  addedV8Flags().push('--wasm-inlining');
}

/** V8's setFlagsFromString: the addon's, else node:v8's (Node's own code cache of it is taken: V8's defaults). */
function setV8Flags(flags) {
  const addon = nativeAddon();
  if (typeof addon.setV8Flags === 'function') addon.setV8Flags(flags);
  else require('node:v8').setFlagsFromString(flags);
}

/**
 * The tier a start of `wasmer-ts` gives `run` and `call` before the CLI loads: `optimizing`
 * (TurboFan on each function's first call), `eager` for FILE named `*.wasmu` (an artifact's
 * machine code was made under the eager flags), or null: not marked by the launcher (`node
 * bin/wasmer-ts.js`, a relaunched child), another command, `--compiler baseline`, or a tier
 * flag of the process's own. The CLI then switches a module that wants another mode before
 * it compiles anything (src/commands/relaunch.ts). Set here, before the bundle compiles, so
 * that its code cache is made and read under the flags of the whole run (V8 refuses a cache
 * made under other flags). What the launcher's `--no-liftoff` did until 2026-12-03: given at
 * start, it made Node compile its own modules from source (their code cache is checked
 * against V8's flags), 1.5 ms of every start on Node 20.
 */
function launchedTier(argv, execArgv, env) {
  if (env.WASMER_TS_LAUNCHER !== '1') return null;
  const command = argv[2];
  if (command !== 'run' && command !== 'call') return null;
  for (const raw of execArgv) {
    const flag = raw.replaceAll('_', '-');
    if (LIFTOFF_FLAG.test(flag) || LAZY_FLAG.test(flag) || DYNAMIC_TIERING_FLAG.test(flag)) return null;
  }
  // Our options up to FILE, as fileOf reads them.
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--' || !arg.startsWith('-') || arg === '-') {
      const file = arg === '--' ? argv[i + 1] : arg;
      return file?.endsWith('.wasmu') ? 'eager' : 'optimizing';
    }
    const compiler = arg === '--compiler' ? argv[i + 1] : arg.startsWith('--compiler=') ? arg.slice(11) : undefined;
    if (compiler === 'baseline') return null;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return 'optimizing';
}

/**
 * The V8 flags that give `tier` (`optimizing` or `eager`) when set at run time: what
 * `--no-liftoff` (and `--no-wasm-lazy-compilation`) give at start, implications included,
 * which V8 applies at start only (V8 14 aborts without `--no-wasm-deopt`). Null on a V8 not
 * known. src/commands/relaunch.ts's runtimeModeFlags says the same (the test keeps them equal).
 */
function tierFlags(tier, v8Version) {
  const major = Number.parseInt(v8Version, 10);
  if (major < 11 || major > 14) return null;
  return [
    '--no-liftoff',
    '--no-wasm-dynamic-tiering',
    ...(major >= 14 ? ['--no-wasm-deopt'] : []),
    tier === 'eager' ? '--no-wasm-lazy-compilation' : '--wasm-lazy-compilation',
  ];
}

/**
 * The flags settleV8Flags added to process.execArgv, kept on `process` where the CLI reads them
 * (src/commands/relaunch.ts, ADDED_V8_FLAGS_KEY): a module set back to V8's defaults (or
 * relaunched with them) must not keep them. A relaunch once did, and LLVM's clang ran its C++
 * compile with Wasm inlining, 1.3x slower, its cache entries under another engine key.
 */
function addedV8Flags() {
  const key = Symbol.for('wasmer-ts.addedV8Flags');
  process[key] ??= [];
  return process[key];
}

/** The parameters a bundle file is compiled with: CommonJS's. */
const PARAM_NAMES = ['exports', 'require', 'module', '__filename', '__dirname'];

/**
 * `file` compiled as the body of a function of PARAM_NAMES, with V8's code cache `cachedData`
 * (or none): `{ fn, rejected, createCachedData() }`, `rejected` when V8 refused the cache.
 * The addon's compileFile when it has one (native/src/compile-file.cc): under the launcher's
 * V8 flag, Node compiles node:vm from source (its own code cache of it was made under other
 * flags), 1.7-2.6 ms of every start on Node 20, and the addon keeps the source outside V8's
 * heap. Else node:vm, which takes the file read here (and a cache of its own: the two
 * compile different sources, and V8 refuses the other's).
 */
function compileFile(file, cachedData) {
  const addon = nativeAddon();
  if (addon.compileFile !== undefined) {
    const compiled = addon.compileFile(file, PARAM_NAMES, cachedData);
    if (typeof compiled !== 'string') return compiled;
  }
  const vm = require('node:vm');
  // `(0, function ...)`: a function in parentheses would be compiled eagerly, all of it.
  const script = new vm.Script(`${PARAMS}${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData === null ? {} : { cachedData }),
  });
  return {
    fn: script.runInThisContext(),
    rejected: script.cachedDataRejected === true,
    createCachedData: () => script.createCachedData(),
  };
}

/**
 * Bundle files named `lazy-*` (scripts/bundle-cli.js: the component parser's own modules)
 * load when one of their exports is first read, not when a file that imports them loads:
 * the chunks that import them read their exports only inside functions. A `run` of a
 * component whose parse is cached never reads one, and never loads the file.
 */
const LAZY_PREFIX = 'lazy-';

/**
 * Node's modules that the bundle's chunks import at their top (rolldown hoists every import)
 * but use only inside functions, and only on some runs: each is loaded on first use. Under
 * run's --no-liftoff (settleV8Flags) Node compiles its modules from source (its code cache of
 * them was made under other flags): node:module took 0.7 ms of every start on Node 20, 0.3 on 26,
 * where only a Node without process.getBuiltinModule needs it (src/runtime/builtin.ts).
 */
const LAZY_BUILTINS = new Set(['node:module', 'node:url']);

/** An object that stands for a file's exports (or a Node module's), and loads it on first use. */
function lazyExports(loadFile) {
  let exports = null;
  const get = () => {
    exports ??= loadFile();
    return exports;
  };
  return new Proxy(Object.create(null), {
    get: (_target, key) => get()[key],
    has: (_target, key) => key in get(),
  });
}

/** The bundle's `import("commander")`, done from a file Node loaded. */
function importPackage(id) {
  return import(id);
}

/** `$XDG_CACHE_HOME/wasmer-ts/js`, else `~/.cache/wasmer-ts/js`; null without either. */
function cacheDir(env) {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : env.HOME ? path.join(env.HOME, '.cache') : null;
  return base === null ? null : path.join(base, 'wasmer-ts', 'js');
}

/** V8's data in `file` and its count of looks, when its header matches the source and its checksum holds; else null. */
function readCache(file, length, mtimeMs) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.length <= HEADER_BYTES || bytes.byteOffset % 4 !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const data = bytes.subarray(HEADER_BYTES);
  const ok =
    view.getUint32(0, true) === MAGIC &&
    view.getUint32(4, true) === length &&
    view.getFloat64(8, true) === mtimeMs &&
    view.getUint32(16, true) === checksum(data);
  return ok ? { data, looks: view.getUint32(20, true) } : null;
}

/**
 * A later start's look at a cache file it loaded: the file is written again, with one look
 * more, when V8's data for it has grown (this run compiled functions the cache lacked), and
 * otherwise only its count of looks goes up, in place. False when nothing was written.
 */
function lookAgain(entry) {
  let data;
  try {
    data = entry.compiled.createCachedData();
  } catch {
    return false;
  }
  // V8's data for the same functions differs by a few bytes between a start that compiled
  // them and one that loaded them: growth is a KiB (one function or two) or more.
  if (data.length >= entry.had + GROWTH_BYTES) return writeCache(entry, data);
  try {
    const fd = openSync(entry.cacheFile, 'r+');
    try {
      const count = Buffer.alloc(4);
      count.writeUInt32LE(entry.looks);
      writeSync(fd, count, 0, 4, 20);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Gone or read-only: the next start looks again.
  }
  return false;
}

/** Writes the cache of `compiled` beside the others (a temp file, then a rename); false when it could not. */
function writeCache({ compiled, cacheFile, length, mtimeMs, looks }, made = null) {
  try {
    const data = made ?? compiled.createCachedData();
    if (data === null) return false;
    const bytes = Buffer.alloc(HEADER_BYTES + data.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, length, true);
    view.setFloat64(8, mtimeMs, true);
    bytes.set(data, HEADER_BYTES);
    view.setUint32(16, checksum(bytes.subarray(HEADER_BYTES)), true);
    view.setUint32(20, looks, true);
    mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, cacheFile);
    return true;
  } catch {
    // A read-only or full disk: the next start compiles again.
    return false;
  }
}

/** Writes a seen marker (seenMarker); false when it could not. */
function writeMarker(marker) {
  try {
    mkdirSync(path.dirname(marker), { recursive: true, mode: 0o700 });
    writeFileSync(marker, '', { mode: 0o600 });
    return true;
  } catch {
    // A read-only or full disk: the next run is a first run again.
    return false;
  }
}

/**
 * Removes the cache files nobody wrote for a month: those of bundles since rebuilt or
 * removed (a bundle file's name changes with its content), and seen markers (a component
 * still run is marked again by its next run). Runs after a write only, so a start that
 * finds its cache never pays for it. A file still in use is written again.
 */
function prune(dir) {
  try {
    const old = Date.now() - PRUNE_AFTER_MS;
    for (const name of readdirSync(dir)) {
      // The hints an older launcher left (`launch-*`, before 2026-12-03): nothing writes them now.
      const ours =
        name.endsWith('.bin') || name.endsWith('.tmp') || name.startsWith('seen-') || name.startsWith('launch-');
      if (!ours) continue;
      const file = path.join(dir, name);
      if (lstatSync(file).mtimeMs < old) rmSync(file, { force: true });
    }
  } catch {
    // Another process pruning at the same time, or a folder we cannot list.
  }
}

/**
 * FNV-1a over 32-bit words (and the last bytes): catches damage, not an attacker (the folder
 * is the user's). The native addon's checksum32 when it is built for this Node (the same
 * function: 0.3 ms to load the addon and about 0.1 to sum a component run's 470 KB, where
 * this JavaScript, interpreted, took 1.7-3.4 ms of every start); else checksumJs.
 */
function checksum(data) {
  const addon = nativeAddon();
  return typeof addon.checksum32 === 'function' ? addon.checksum32(data) : checksumJs(data);
}

/** null until first asked; then the addon's exports, or {} without it. */
let addonExports = null;

/**
 * The native addon's exports, or {} when it is not built for this Node (or an addon built
 * before a function existed lacks it: callers check each function).
 */
function nativeAddon() {
  addonExports ??= loadNativeAddon();
  return addonExports;
}

function loadNativeAddon() {
  // WASMER_TS_NATIVE=0 turns the addon off everywhere (src/runtime/engine/native.ts).
  if (process.env.WASMER_TS_NATIVE === '0') return {};
  try {
    // The runtime loads the same file later (engine/native.ts); its init runs twice, which
    // the addon allows.
    const holder = { exports: {} };
    const sep = path.sep;
    process.dlopen(holder, `${__dirname}${sep}..${sep}native${sep}build${sep}Release${sep}wasmer_ts_native.node`);
    return holder.exports;
  } catch {
    // Not built, or built for another Node.
    return {};
  }
}

function checksumJs(data) {
  let hash = 0x811c9dc5;
  const words = data.length >>> 2;
  const aligned = (data.byteOffset & 3) === 0;
  const view = aligned ? new Uint32Array(data.buffer, data.byteOffset, words) : null;
  for (let i = 0; i < words; i++) {
    const word = view === null ? data.readUInt32LE(i * 4) : view[i];
    hash = Math.imul(hash ^ word, 0x01000193);
  }
  for (let i = words * 4; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
  return hash >>> 0;
}

/** A short tag of V8's start-up flags: code compiled under other flags is refused by V8. */
function flagTag(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

module.exports = {
  checksum,
  checksumJs,
  commandProfile,
  launchedTier,
  loadBundle,
  seenMarker,
  tierFlags,
  wantsEarlyInlining,
};
