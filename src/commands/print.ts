/** Writing to stdout: one JSON document for `--json`, or text. */

/** Prints `value` as one JSON document (2-space indented) and a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
