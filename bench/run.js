// `npm run bench [-- SUITE...]`: runs every suite in bench/suites (or the ones
// named) and prints a table each. Suites export `name` and `async run()`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./suites/', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();
console.log(`wasmer-ts benchmarks: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.arch}`);
// A suite named on the command line is loaded by its file name alone, so one
// half-written suite elsewhere cannot stop it.
const byFile = files.filter((f) => wanted.includes(f.slice(0, -3)));
for (const file of byFile.length === wanted.length && wanted.length > 0 ? byFile : files) {
  const suite = await import(`${dir}${file}`);
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  await suite.run();
}
