// Bootstrap entry point: replaced by the commander program (issue 3).
import { readFileSync } from 'node:fs';

const [, , command, file, flag, fn, ...args] = process.argv;
if (command !== 'run' || file === undefined || flag !== '--invoke' || fn === undefined) {
  process.stderr.write('usage: wasmer-ts run FILE --invoke FN [ARGS...]\n');
  process.exit(2);
}
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)));
const f = instance.exports[fn];
if (typeof f !== 'function') {
  process.stderr.write(`export "${fn}" not found\n`);
  process.exit(2);
}
process.stdout.write(`${String(f(...args.map(Number)))}\n`);
