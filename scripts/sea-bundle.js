// The CommonJS bundles of a Node single executable application: the standalone
// CLI (scripts/build-exe.js) and the runner that `wasmer-ts create-exe` puts in
// each program's executable (scripts/bundle-cli.js writes it to dist/exe/). Both
// become a V8 start-up snapshot, so everything here is about what a start pays.
import { builtinModules } from 'node:module';

/** `import.meta.url` of a bundled module: the executable (CommonJS has no import.meta). */
const metaUrl = {
  name: 'import-meta-url',
  transform(code) {
    if (!code.includes('import.meta.url')) return null;
    return { code: code.replaceAll('import.meta.url', 'require("node:url").pathToFileURL(__filename).href') };
  },
};

const BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
const LAZY = '\0lazy-builtin:';

/**
 * Node's own modules load when the code that imports them first runs, as they do
 * in the npm package. Imported as they are, a CommonJS bundle requires every one
 * of them at its top (chalk's tty, the cache's fs/promises, crypto...), and in a
 * process started with flags of its own (BAKED_FLAGS) Node compiles each from
 * source: V8's code cache of Node's modules is keyed by the flags. Each import
 * of a built-in goes through a CommonJS module of one `require`, which the
 * bundle evaluates only when its importer is.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  resolveId(source, importer) {
    if (!BUILTIN.test(source)) return null;
    if (importer?.startsWith(LAZY)) return { id: source, external: true };
    return `${LAZY}${source}`;
  },
  load(id) {
    if (!id.startsWith(LAZY)) return null;
    const name = id.slice(LAZY.length);
    // Our modules use createRequire only to load Node's own modules, which the
    // executable's `require` does; node:module itself is not one to snapshot.
    if (name === 'node:module') return { code: 'exports.createRequire = () => require;', moduleType: 'js' };
    return { code: `module.exports = require(${JSON.stringify(name)});`, moduleType: 'js' };
  },
};

const WABT = '\0wabt-asset';

/**
 * wabt (the .wat compiler, 0.8 MB of JavaScript) is the asset named `asset`,
 * evaluated on first use, not part of the bundle: the snapshot would otherwise
 * hold its source, and every start would deserialize it for the few runs of
 * .wat text. With `asset` null (the create-exe runner, which never reads text)
 * importing wabt is an error.
 */
function wabtAsset(asset) {
  const load =
    asset === null
      ? "throw new Error('this executable cannot read WebAssembly text');"
      : [
          `const source = require('node:sea').getAsset(${JSON.stringify(asset)}, 'utf8');`,
          "const params = ['exports', 'require', 'module', '__filename', '__dirname'];",
          'const wabt = { exports: {} };',
          `require('node:vm').compileFunction(source, params, { filename: ${JSON.stringify(asset)} })(`,
          '  wabt.exports, require, wabt, __filename, __dirname);',
          'module.exports = wabt.exports;',
        ].join('\n');
  return {
    name: 'wabt-asset',
    resolveId: (source) => (source === 'wabt' ? WABT : null),
    load: (id) => (id === WABT ? { moduleType: 'js', code: load } : null),
  };
}

/**
 * Non-ASCII characters in the bundle (a spinner's braille, an ellipsis) are
 * written as \u escapes: V8 keeps a source with any character above U+00FF as
 * two bytes per character, and the snapshot holds the whole source.
 */
const asciiOnly = {
  name: 'ascii-only',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      chunk.code = chunk.code.replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
  },
};

/**
 * Bundles `input` (a file of dist/) and everything it imports, packages
 * included, into one CommonJS file `file`, with `define`'s constants replaced.
 */
export async function seaBundle(rolldown, { input, file, define, wabtAsset: wabt }) {
  await rolldown.build({
    input,
    platform: 'node',
    plugins: [wabtAsset(wabt), lazyBuiltins, metaUrl, asciiOnly],
    logLevel: 'warn',
    transform: { define },
    output: { file, format: 'cjs', codeSplitting: false, comments: false },
  });
}
