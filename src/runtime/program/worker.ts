/**
 * The entry point of `runProgram`'s worker thread (started by
 * program/run-program.ts when `timeoutMs` is given): compile the bytes in this
 * isolate, run the program, and stream its output and result back. The only
 * module under src/runtime with a top-level side effect.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Component } from '../component/component.js';
import { Module } from '../module.js';
import { toTrap } from '../trap.js';
import type { WasiOptions } from '../wasi/index.js';
import { runComponentHere } from './run-component.js';
import { runHere } from './run-here.js';
import { serializeError, WORKER_MARK, type WorkerInput, type WorkerMessage } from './worker-protocol.js';

async function workerMain(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);
  try {
    const forward = (fd: 1 | 2) => (chunk: Uint8Array) => send({ t: 'out', fd, chunk }, [chunk.buffer as ArrayBuffer]);
    const wasi: WasiOptions = {
      ...input.wasi,
      ...(input.stdout !== null ? { stdout: forward(1) } : {}),
      ...(input.stderr !== null ? { stderr: forward(2) } : {}),
    };
    if (input.kind === 'component') {
      // Core modules compiled again in this isolate, capped as the caller asked.
      const compiled = await Component.compile(input.bytes);
      const component = input.maxPages === null ? compiled : compiled.withMemoryCap(input.maxPages);
      const result = runComponentHere(component, wasi, input.invoke);
      send({ t: 'done', exitCode: result.exitCode, results: result.results });
      return;
    }
    // Our Module (parse + typed exports) is rebuilt from the bytes here; V8
    // compiles it again in this isolate (background threads, with the same tiering).
    const module = await Module.compile(input.bytes, { compiler: input.compiler });
    const onMemoryCap = input.watchMemoryCap ? (capBytes: number) => send({ t: 'memory-cap', capBytes }) : null;
    const result = runHere(module, wasi, input.invoke, input.maxPages, onMemoryCap);
    send({ t: 'done', exitCode: result.exitCode, results: result.results });
  } catch (err) {
    send({ t: 'error', error: serializeError(toTrap(err)) });
  }
}
if (!isMainThread && (workerData as { mark?: unknown } | null)?.mark === WORKER_MARK) {
  void workerMain(workerData as WorkerInput);
}
