/** The executable's `--timeout` worker: its source is an asset, run with `new Worker(code, { eval: true })`. */
import './install.js';
import '../runtime/program/worker.js';
