// `npm run bench [-- SUITE...]`: runs every suite in bench/suites (or the ones
// named) and prints a table each. Suites export `name` and `async run()`.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./suites/', import.meta.url));
const args = process.argv.slice(2);
// --node SPEC: measure another Node (26, 26.12.1, system), fetched by scripts/fetch-node.js.
const nodeAt = args.indexOf('--node');
if (nodeAt >= 0) {
  const spec = args[nodeAt + 1] ?? '';
  args.splice(nodeAt, 2);
  const { fetchNode, resolveVersion } = await import('../scripts/fetch-node.js');
  const version = resolveVersion(spec);
  process.env.BENCH_NODE = version === null ? process.execPath : `${fetchNode(version)}/bin/node`;
}
const wanted = args;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();
const measured = process.env.BENCH_NODE || process.execPath;
const version = execFileSync(measured, ['-p', 'process.version + " (V8 " + process.versions.v8 + ")"'], {
  encoding: 'utf8',
}).trim();
console.log(`wasmer-ts benchmarks: ${new Date().toISOString().slice(0, 10)}, Node ${version}, ${process.arch}`);
// A suite named on the command line is loaded by its file name alone, so one
// half-written suite elsewhere cannot stop it.
const byFile = files.filter((f) => wanted.includes(f.slice(0, -3)));
for (const file of byFile.length === wanted.length && wanted.length > 0 ? byFile : files) {
  const suite = await import(`${dir}${file}`);
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  await suite.run();
}
