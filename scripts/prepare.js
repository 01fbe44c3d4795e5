#!/usr/bin/env node
// The package's `prepare` script: `npm run build`, except when `npm exec` runs it
// on a checkout that is already built.
//
// npm runs `prepare` after `npm ci`, which must build dist/. But npm 11's `npx
// wasmer-ts` in this checkout does not run node_modules/.bin/wasmer-ts: a command
// named by the package's own `bin` makes it install the checkout into its npx
// cache (libnpmexec: "so that its bin links get set up"), and that install runs
// `prepare` again, in this directory. A full build there made the README's first
// `npx wasmer-ts ...` take 6 s instead of 0.4, and under CI's load over 30 s,
// while it rewrote dist/ under the tests reading it. npm exec only wants the bin
// link, so a built dist/ is left as it is: the same code `node_modules/.bin`
// would have run. `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = ['dist/bundle/cli.cjs', 'dist/cli.js', 'dist/runtime/index.js'].every((file) =>
  existsSync(path.join(root, file)),
);

if (process.env.npm_command === 'exec' && built) process.exit(0);
// npm_execpath is the npm that runs this script (npm sets it for every script).
const npm = process.env.npm_execpath;
const result =
  npm === undefined
    ? spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' });
if (result.error !== undefined) {
  console.error(`wasmer-ts: prepare could not run npm run build: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
