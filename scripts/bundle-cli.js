// `npm run build`, after tsc: bundles the command line (dist/cli.js and what it
// imports) into dist/bundle/, which bin/wasmer-ts.js loads. Why: Node's ESM
// loader costs about 1 ms per file (resolve, read through fs/promises, compile,
// link), and `run FILE --invoke FN ARGS` used to load some 30 files; the bundle
// loads two (the entry and the `fast` chunk below), three for a WASI program. Measured in the commit that
// added this file. The library (dist/runtime/index.js) is not bundled.
//
// - Everything the plain invocation path needs goes into one chunk, `fast`;
//   the rest (commander's command definitions, WASI, the cache, the feature
//   scanner) stays in chunks loaded by the same dynamic imports as before.
// - Packages (commander, chalk, wabt) and Node built-ins stay external.
// - `import.meta.url` in a bundled module is rewritten to the URL its tsc
//   output has in dist/, so paths computed from it (package.json, the native
//   addon, the worker and child-process scripts) stay what they were.
//
// bin/wasmer-ts.js falls back to dist/cli.js when the bundle is missing or
// older than tsc's output (a tsc-only build), so a stale bundle never runs.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeStamp } from './runtime-stamp.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'bundle');

// The modules of the fast path (`run` with its own flags, `call FILE FN ARGS`
// without flags: see src/cli.ts) and of a cache lookup: everything that
// commands/run.js and commands/invoke.js import, statically or dynamically,
// except the lazy boundaries below, which keep chunks of their own. Derived
// from tsc's output, so a moved or new module can never fall out of the list.
// cli.js itself is the entry chunk (bin/wasmer-ts.js imports it and calls cliMain).
const FAST_ROOTS = ['commands/run', 'commands/invoke'];
/**
 * WASI is loaded by `run` only for a WASI module, the program runner only with --timeout or
 * --max-memory, the component model (and its commands' halves) only for a component.
 */
const LAZY = [
  'runtime/wasi/',
  'runtime/program/',
  'runtime/component/',
  'commands/component-invoke',
  'commands/inspect-component',
];
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** The dist/ files reachable from `roots` through relative imports, without crossing into `lazy`. */
function importClosure(roots, lazy) {
  const files = new Set();
  const pending = roots.map((m) => path.join(DIST, `${m}.js`));
  while (pending.length > 0) {
    const file = pending.pop();
    if (files.has(file)) continue;
    files.add(file);
    for (const [, , spec] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = path.resolve(path.dirname(file), spec);
      const relative = path.relative(DIST, target).split(path.sep).join('/');
      if (!lazy.some((prefix) => relative.startsWith(prefix))) pending.push(target);
    }
  }
  return files;
}

const fastFiles = importClosure(FAST_ROOTS, LAZY);

/**
 * The component parser's own modules, which only a parse runs: a chunk named `lazy-parser`,
 * which bin/bundle-loader.js loads on first use of one of its exports, not when a chunk
 * that imports it loads. A `run` of a component whose parse is cached (the parse cache,
 * src/runtime/engine/cache/parse-cache.ts) never loads it: on Node 26 its code cache took
 * 1-2.5 ms to load, and the cache written by a component's first run (which parses) holds
 * every parser function. What the rest of the component model imports from parser/
 * (ast.js's sortOf, type-mapping.js...) stays out of it: everything the component model
 * reaches without going through parser/index.js.
 */
const PARSER_INDEX = 'runtime/component/parser/index';
const withoutParse = importClosure(['runtime/component/component', 'runtime/program/run-component'], [PARSER_INDEX]);
const parserFiles = [...importClosure([PARSER_INDEX], [])].filter((file) =>
  file.startsWith(path.join(DIST, 'runtime/component/parser/')),
);
const parserOnly = new Set(parserFiles.filter((file) => !withoutParse.has(file)));
// The parser's modules the rest uses, in a chunk of their own: in one with other modules,
// rolldown would make that chunk re-export index.js's exports for its dynamic import
// (commands/types.js), reading them from `lazy-parser` as it loads.
const parserShared = new Set(parserFiles.filter((file) => withoutParse.has(file)));

let rolldown;
try {
  rolldown = await import('rolldown');
} catch {
  // A production install without devDependencies: bin/wasmer-ts.js runs dist/cli.js.
  rmSync(OUT, { recursive: true, force: true });
  console.error('bundle-cli: rolldown is not installed; the CLI runs unbundled from dist/cli.js');
  process.exit(0);
}

/** Rewrites `import.meta.url` to the module's own URL in dist/, relative to the bundle's directory. */
const keepModuleUrls = {
  name: 'keep-module-urls',
  transform(code, id) {
    if (!id.startsWith(DIST) || !code.includes('import.meta.url')) return null;
    const relative = path.relative(OUT, id).split(path.sep).join('/');
    const url = `new URL(${JSON.stringify(relative)}, require("node:url").pathToFileURL(__filename)).href`;
    return { code: code.replaceAll('import.meta.url', url) };
  },
};

const FACADE = /^export \{([^}]*)\} from "\.\/([^"]+)";\s*$/;

/**
 * A dynamic import of a module inside `fast` from `fast` gets a facade chunk
 * (one line re-exporting from `fast`), which costs a file load like any other.
 * Each such `import("./facade.js")` becomes `import("./fast-….js")` (already
 * loaded: no file is read) mapped to the names the facade exported.
 */
const inlineFacades = {
  name: 'inline-facades',
  generateBundle(_options, bundle) {
    const facades = new Map();
    for (const chunk of Object.values(bundle)) {
      const m = chunk.type === 'chunk' && chunk.isDynamicEntry ? FACADE.exec(chunk.code) : null;
      if (m === null) continue;
      const fields = m[1]
        .split(',')
        .map((part) => part.trim().split(/\s+as\s+/))
        .map(([local, exported]) => `${JSON.stringify(exported ?? local)}: m.${local}`);
      facades.set(chunk.fileName, `import("./${m[2]}").then((m) => ({ ${fields.join(', ')} }))`);
    }
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      for (const [file, replacement] of facades) chunk.code = chunk.code.replaceAll(`import("./${file}")`, replacement);
    }
    // Errors take their name from their class (`new.target.name`): a class the bundler
    // renamed to avoid a clash (`Foo$1`) would change what users see. (`output.keepNames`
    // would fix the name at run time, but its helper costs a chunk of its own on every start.)
    for (const chunk of Object.values(bundle)) {
      const renamed = chunk.type === 'chunk' ? /\bclass ([\w$]+\$\d+)\b/.exec(chunk.code) : null;
      if (renamed !== null) this.error(`class ${renamed[1]} was renamed in ${chunk.fileName}: rename it in src/`);
    }
    for (const file of facades.keys()) {
      if (!Object.values(bundle).some((c) => c.type === 'chunk' && c.code.includes(`./${file}`))) delete bundle[file];
    }
  },
};

/**
 * Node's own modules, the CommonJS way. `import("node:x")` in a CommonJS file starts
 * Node's ESM loader (ten of its modules, compiled from source under `run`'s V8 flag:
 * see src/commands/print.ts), so each becomes a `require` when its promise is made.
 * (`node:module`, which src/runtime/builtin.ts imports for Nodes without
 * process.getBuiltinModule, stays a `require` at the top of the chunk: rolldown keeps
 * `node:` modules external before any plugin sees them, and a `resolveId` here that
 * meant to replace it never ran. bin/bundle-loader.js hands the chunk a stand-in that
 * loads it on first use: LAZY_BUILTINS.)
 */
const commonJsBuiltins = {
  name: 'commonjs-builtins',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      chunk.code = chunk.code.replace(/\bimport\(("node:[a-z_/]+")\)/g, 'Promise.resolve().then(() => require($1))');
      // A package (commander, chalk, wabt): bin/bundle-loader.js runs the bundle as vm.Scripts,
      // which cannot import(), and gives `require.import` to do it; Node's own loader does not.
      chunk.code = chunk.code.replace(/\bimport\(("[a-z@][^"]*")\)/g, '(require.import ?? ((id) => import(id)))($1)');
    }
  },
};

/**
 * Writes every character above U+007F as a `\uXXXX` escape (an emoji as its two surrogate
 * halves), so the bundle is ASCII. V8 keeps a module's source text for the life of the
 * process, to compile its functions lazily, and one `…` makes the whole text two bytes a
 * character: the `fast` chunk took 440 KB of heap instead of 220 KB, a share of the old
 * generation that decides when V8 starts marking during a long run (issue 10). ASCII, the
 * native addon hands V8 the file's bytes as they are, outside its heap
 * (bin/bundle-loader.js, compileFile). The escapes sit in strings, templates, regular
 * expressions and comments, where they mean the character itself.
 */
const asciiSource = {
  name: 'ascii-source',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      chunk.code = chunk.code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
  },
};

rmSync(OUT, { recursive: true, force: true });
const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
await rolldown.build({
  input: { cli: path.join(DIST, 'cli.js') },
  platform: 'node',
  // src/runtime/engine/paths.ts: the version without reading package.json at every start;
  // src/runtime/engine/cache/parse-cache.ts: the stamp its entries are named with.
  transform: {
    define: {
      __WASMER_TS_BUNDLED_VERSION__: JSON.stringify(version),
      __WASMER_TS_COMPONENT_STAMP__: JSON.stringify(runtimeStamp(DIST)),
    },
  },
  external: [/^node:(?!module$)/, /^[a-z@]/],
  // cli.cjs's exports as they are, which the groups below without their dependencies need.
  preserveEntrySignatures: 'allow-extension',
  plugins: [keepModuleUrls, commonJsBuiltins, inlineFacades, asciiSource],
  logLevel: 'warn',
  onLog(level, log, handler) {
    // Dynamic imports of modules that are also static elsewhere are expected: they sit in `fast`.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
  output: {
    dir: OUT,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    comments: false,
    codeSplitting: {
      groups: [
        { name: 'fast', test: (id) => fastFiles.has(id) },
        // Not its dependencies too (rolldown's default): they are what the rest imports.
        { name: 'lazy-parser', test: (id) => parserOnly.has(id), includeDependenciesRecursively: false },
        { name: 'parser-shared', test: (id) => parserShared.has(id), includeDependenciesRecursively: false },
      ],
    },
  },
});

// The runner that `wasmer-ts create-exe` puts in each program's executable
// (src/standalone/app.ts, and the runtime it imports), one CommonJS file ready
// to be a Node single executable application's snapshot: scripts/sea-bundle.js.
const { seaBundle } = await import('./sea-bundle.js');
await seaBundle(rolldown, {
  input: path.join(DIST, 'standalone', 'app.js'),
  file: path.join(DIST, 'exe', 'runner.cjs'),
  wabtAsset: null,
  define: { __WASMER_TS_VERSION__: JSON.stringify(version) },
});
