/** The spinner a command shows on a terminal while a long compile runs. */

/**
 * Shows a spinner on stderr if the work outlasts a second, on a TTY only.
 * Returns the function that stops it and clears its line.
 */
export function startProgress(text: string, delayMs = 1000): () => void {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const started = Date.now();
  let frame = 0;
  let spinner: NodeJS.Timeout | undefined;
  // Whether stderr is a terminal is asked only when the second has passed: process.stderr
  // costs a start that ends sooner the Node modules its stream needs (see print.ts). On a
  // terminal, the spinner writes through it.
  const delay = setTimeout(() => {
    if (!process.stderr.isTTY) return;
    spinner = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      process.stderr.write(`\r${frames[frame++ % frames.length]} ${text}… ${seconds}s`);
    }, 100);
    spinner.unref();
  }, delayMs);
  delay.unref();
  return () => {
    clearTimeout(delay);
    if (spinner !== undefined) {
      clearInterval(spinner);
      process.stderr.write('\r\x1b[K');
    }
  };
}
