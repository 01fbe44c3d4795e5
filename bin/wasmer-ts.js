#!/usr/bin/env node
// The bundled CLI (dist/bundle/, made by scripts/bundle-cli.js in `npm run build`)
// loads two files instead of ~30: see that script. tsc's dist/cli.js runs when the
// bundle is missing or older than it (a tsc-only build), so a stale bundle never runs.
import { statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the files loaded below in its compile cache, so
// a start does not parse and compile the bundle again (as tsc does; Node 20 has no such
// cache). The cache is Node's: os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. It fails silently when it cannot write.
module.enableCompileCache?.();

const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const plain = new URL('../dist/cli.js', import.meta.url);
const built = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = built(bundle) > 0 && built(bundle) >= built(plain);
await import(useBundle ? bundle.href : plain.href);
