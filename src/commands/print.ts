/**
 * What commands print: text written straight to file descriptors 1 and 2.
 *
 * Not `process.stdout` and `process.stderr`: the first use of either builds a
 * stream (tty, net or fs, by what the descriptor is), which loads some twenty of
 * Node's own modules, and a process started with V8 flags of its own (`run` has
 * `--no-liftoff`) compiles each of them from source, since V8's code cache of
 * Node's modules is keyed by the flags. That was 8 ms of every `run --invoke` on
 * Node 20, where `node -e 0` takes 40.
 *
 * On Linux Node writes stdout and stderr synchronously whatever they are (files,
 * pipes, terminals), so text printed here and text Node's streams print (commander's
 * help) stay in order. A non-blocking descriptor (a pipe the parent set O_NONBLOCK
 * on) that is full hands the rest to Node's stream, which waits for it, and so does
 * everything printed after it, to keep the order.
 */
import { writeSync } from 'node:fs';

const handedOver = [false, false, false];

/** Prints `text` on stdout. A closed reader (`| head`) ends the process quietly, with its status so far. */
export function printOut(text: string): void {
  print(1, text);
}

/** Prints `text` on stderr; an error writing it is dropped (there is nowhere left to report it). */
export function printErr(text: string): void {
  print(2, text);
}

function print(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (handedOver[fd]) {
    stream().write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        handedOver[fd] = true;
        stream().write(bytes.subarray(offset));
        return;
      }
      if (fd === 1 && code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      if (fd === 1 && code !== 'EBADF') throw error;
      return;
    }
  }
}
