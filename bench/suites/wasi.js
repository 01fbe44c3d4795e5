// WASI: fd_write throughput (a guest writing 100 MiB to stdout redirected to a
// file), a file-heavy program (fixtures/wasi/fileheavy.c: 500 files created,
// written, read, stat'ed, listed, renamed, deleted) and many small calls
// (fixtures/wasi/syscalls.c: writes, reads, seeks, clocks, random, stats, opens,
// polls), each under our WASI and under Node's built-in node:wasi, in the same
// process; for the small calls also the garbage collections each run caused
// (the host should make no garbage of its own per call). Runs the built dist/.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WASI as NodeWasi } from 'node:wasi';
import { Instance, Module, Wasi } from '../../dist/runtime/index.js';
import { measure, printTable, summarize } from '../lib.js';

export const name = 'wasi';

const fixtures = fileURLToPath(new URL('../../fixtures/wasi/', import.meta.url));
const MEGABYTES = 100;
const FILES = 500;
/** syscalls.c "all": a tenth of this many calls of each of 10 kinds (not path_open: see syscalls.c). */
const SMALL_CALLS = 300_000;

/** Runs `fn` once; its time and the scavenges and mark-compacts V8 reported meanwhile. */
async function countingGcs(fn) {
  const counts = { minor: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
      else if (entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) counts.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return { ms, ...counts };
}

function runOurs(module, options) {
  const wasi = new Wasi({ stdin: 'ignore', stderr: 'inherit', ...options });
  const code = wasi.start(new Instance(module, wasi.getImports(module)));
  if (code !== 0) throw new Error(`our WASI: exit code ${code}`);
}

function runNode(raw, options) {
  const wasi = new NodeWasi({ version: 'preview1', returnOnExit: true, ...options });
  const code = wasi.start(new WebAssembly.Instance(raw, wasi.getImportObject()));
  if (code !== 0) throw new Error(`node:wasi: exit code ${code}`);
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-bench-wasi-'));
  const writer = new Module(readFileSync(`${fixtures}writer.wasm`));
  const heavy = new Module(readFileSync(`${fixtures}fileheavy.wasm`));
  const out = join(dir, 'stdout.bin');
  const rows = [];
  try {
    // fd_write: the guest's stdout is a file, written unbuffered. The two runtimes
    // alternate, and the old output is deleted outside the timed region, so page-cache
    // writeback from one run is shared fairly instead of always hitting the same side.
    const args = ['writer', String(MEGABYTES)];
    const runners = {
      ours: (fd) => runOurs(writer, { args, stdout: { fd } }),
      node: (fd) => runNode(writer.raw, { args, stdout: fd }),
    };
    const times = { ours: [], node: [] };
    for (let sample = 0; sample < 8; sample++) {
      for (const key of sample % 2 === 0 ? ['ours', 'node'] : ['node', 'ours']) {
        rmSync(out, { force: true });
        const fd = openSync(out, 'w');
        const t0 = performance.now();
        runners[key](fd);
        const elapsed = performance.now() - t0;
        closeSync(fd);
        if (statSync(out).size !== MEGABYTES * 1048576) throw new Error(`${key}: wrong amount written`);
        if (sample > 0) times[key].push(elapsed * 1e6);
      }
    }
    const ours = summarize(times.ours);
    const node = summarize(times.node);
    const mbps = (t) => MEGABYTES / (t.median / 1e9);
    rows.push({
      case: `fd_write ${MEGABYTES} MiB to a file`,
      'wasmer-ts ms': ours.median / 1e6,
      'node:wasi ms': node.median / 1e6,
      'wasmer-ts MiB/s': mbps(ours),
      'node:wasi MiB/s': mbps(node),
      'ours/node time': ours.median / node.median,
    });

    // A file-heavy program in a preopened directory (emptied before every run).
    const work = join(dir, 'work');
    const fresh = () => {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      return work;
    };
    const devNull = openSync('/dev/null', 'w');
    try {
      const heavyArgs = ['fileheavy', String(FILES)];
      const opts = { samples: 7, warmup: 1 };
      const oursHeavy = measure(
        () => runOurs(heavy, { args: heavyArgs, preopens: { '/work': fresh() }, stdout: { fd: devNull } }),
        opts,
      );
      const nodeHeavy = measure(
        () => runNode(heavy.raw, { args: heavyArgs, preopens: { '/work': fresh() }, stdout: devNull }),
        opts,
      );
      rows.push({
        case: `file-heavy (${FILES} files)`,
        'wasmer-ts ms': oursHeavy.median / 1e6,
        'node:wasi ms': nodeHeavy.median / 1e6,
        'wasmer-ts MiB/s': '',
        'node:wasi MiB/s': '',
        'ours/node time': oursHeavy.median / nodeHeavy.median,
      });
    } finally {
      closeSync(devNull);
    }

    // Many small calls. Runs alternate; the time is the median of 5, the GCs are the last run's.
    const small = new Module(readFileSync(`${fixtures}syscalls.wasm`));
    const smallArgs = ['syscalls', 'all', String(SMALL_CALLS)];
    const quiet = openSync('/dev/null', 'w');
    const gcRows = [];
    try {
      const runners = {
        ours: () =>
          runOurs(small, {
            args: smallArgs,
            preopens: { '/work': fresh() },
            stdout: { fd: quiet },
            stderr: { fd: quiet },
          }),
        node: () =>
          runNode(small.raw, { args: smallArgs, preopens: { '/work': fresh() }, stdout: quiet, stderr: quiet }),
      };
      const last = {};
      const smallTimes = { ours: [], node: [] };
      for (let sample = 0; sample < 6; sample++) {
        for (const key of sample % 2 === 0 ? ['ours', 'node'] : ['node', 'ours']) {
          const r = await countingGcs(runners[key]);
          if (sample > 0) smallTimes[key].push(r.ms * 1e6);
          last[key] = r;
        }
      }
      const ours = summarize(smallTimes.ours);
      const node = summarize(smallTimes.node);
      rows.push({
        case: `small calls (syscalls all ${SMALL_CALLS})`,
        'wasmer-ts ms': ours.median / 1e6,
        'node:wasi ms': node.median / 1e6,
        'wasmer-ts MiB/s': '',
        'node:wasi MiB/s': '',
        'ours/node time': ours.median / node.median,
      });
      for (const [key, label] of [
        ['ours', 'wasmer-ts'],
        ['node', 'node:wasi'],
      ]) {
        gcRows.push({ runtime: label, scavenges: last[key].minor, 'mark-compacts': last[key].major });
      }
    } finally {
      closeSync(quiet);
    }
    printTable('WASI: our implementation vs node:wasi (median; ratio < 1 means we are faster)', rows);
    printTable(
      `WASI: garbage collections during one small-calls run (${SMALL_CALLS.toLocaleString('en')} calls)`,
      gcRows,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
