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
for (const file of files) {
  const suite = await import(`${dir}${file}`);
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  await suite.run();
}
