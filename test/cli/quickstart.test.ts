// The README as a test, so it cannot drift from the code: the Quickstart's
// command, every `$ wasmer-ts ...` transcript in a console block whose files are
// in the repository (fixtures/...), and the Library example (evaluated against
// the built library, dist/, which the global setup keeps current).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { cli, pathWithThisNode, ROOT, SKIP_IN_EXE } from './helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of the README with their info string (`sh`, `console`, `ts`). */
function blocks(lang: string): string[] {
  return [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2] as string);
}

/** Splits a command line as sh would for these examples (words, '...' and "..." quotes). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

interface Transcript {
  readonly command: string;
  readonly args: string[];
  readonly output: string;
}

/** `$ wasmer-ts ARGS` lines and the output lines after each, from the console blocks. */
function transcripts(): Transcript[] {
  const found: Transcript[] = [];
  for (const block of blocks('console')) {
    const lines = block.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^\$ wasmer-ts (.*?)(\s+# .*)?$/.exec(lines[i] as string);
      if (m === null) continue;
      let end = i + 1;
      while (end < lines.length && !(lines[end] as string).startsWith('$ ')) end++;
      found.push({
        command: m[1] as string,
        args: words(m[1] as string),
        output: lines
          .slice(i + 1, end)
          .join('\n')
          .trimEnd(),
      });
    }
  }
  return found;
}

/**
 * A transcript that can run here: its module files are in the repository, it
 * writes no file, it shows output, and that output is not the state of a cache.
 */
function runnable(t: Transcript): boolean {
  if (t.output === '' || t.args.includes('-o') || t.args[0] === 'cache') return false;
  return t.args.every((arg) => !/\.(wasm|wat|wasmu)$/.test(arg) || existsSync(join(ROOT, arg)));
}

/** Timings change from run to run: `N calls in S s: R calls/s`. */
const untimed = (text: string) => text.replace(/^\d+ calls in [\d.]+ s: [\d,]+ calls\/s$/gm, '<timing>');

describe('README', () => {
  it.skipIf(SKIP_IN_EXE)(
    'Quickstart: npx wasmer-ts run fixtures/simple.wasm --invoke sum 5 37 prints 42 (npm package only)',
    ({ expect }) => {
      const line = blocks('sh')
        .flatMap((b) => b.split('\n'))
        .find((l) => l.startsWith('npx wasmer-ts '));
      const m = /^npx (.*?)\s+# prints (.*)$/.exec(line ?? '');
      expect(m, 'the Quickstart has an `npx wasmer-ts ... # prints X` line').not.toBeNull();
      // As a new machine runs it: with an empty npm cache, npm 11's npx installs this
      // checkout into its npx cache and runs `prepare` (scripts/prepare.js), which must
      // not build again (that took over 30 s under CI's load, and rewrote dist/).
      const npmCache = mkdtempSync(join(tmpdir(), 'quickstart-npm-'));
      const bundle = join(ROOT, 'dist', 'bundle', 'cli.cjs');
      const builtAt = statSync(bundle).mtimeMs;
      const out = execFileSync('npx', words(m?.[1] as string), {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, PATH: pathWithThisNode(), npm_config_cache: npmCache },
      });
      expect(out).toBe(`${m?.[2]}\n`);
      expect(existsSync(join(npmCache, '_npx')), 'npx took the path a new machine takes').toBe(true);
      expect(statSync(bundle).mtimeMs, 'npx rebuilt dist/').toBe(builtAt);
    },
  );

  const runnableTranscripts = transcripts().filter(runnable);
  it('has console transcripts to check', ({ expect }) => {
    expect(runnableTranscripts.length).toBeGreaterThanOrEqual(4);
  });

  it.concurrent.for(runnableTranscripts)('$ wasmer-ts $command', async ({ args, output }, { expect }) => {
    const r = await cli(args);
    expect(untimed(`${r.stdout}${r.stderr}`.trimEnd())).toBe(untimed(output));
  });

  it('the Library example runs against dist/ and gives the values its comments say', ({ expect }) => {
    const example = blocks('ts').find((b) => b.includes("from 'wasmer-ts'") && b.includes('fixtures/simple.wasm'));
    expect(example, 'the Library section has an example').toBeDefined();
    const checked = (example as string)
      .replace("from 'wasmer-ts'", `from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/runtime/index.js')).href)}`)
      // `expr; // 42...` becomes a check that expr is 42.
      .replace(
        /^(.+?);\s*\/\/\s*(-?\d+)\b.*$/gm,
        (_, expr, value) =>
          `{ const got = ${expr}; if (got !== ${value}) throw new Error(${JSON.stringify(`${expr}: expected ${value}`)} + ', got ' + got); }`,
      );
    expect(checked).toContain('expected 42');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', checked], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
