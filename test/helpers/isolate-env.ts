// Runs before every test file (vitest.config.ts setupFiles), in its worker,
// before the file's imports: the suite must give the same results on a
// developer's machine and in CI (CI=true, no TTY, root). Child processes the
// tests start inherit this environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Colour: chalk (in process and in every CLI child) reads these, and a user's
// NO_COLOR or FORCE_COLOR would change what stderr holds. Azure Pipelines'
// TF_BUILD + AGENT_NAME turn colour on even on a pipe. Tests that want colour set
// FORCE_COLOR on the child themselves.
for (const name of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'TF_BUILD']) delete process.env[name];

// The machine-code cache: a CLI child's `run`/`call` read and fill
// $XDG_CACHE_HOME/wasmer-ts, else ~/.cache/wasmer-ts. Never the user's real
// cache (an old or damaged entry there adds a note to stderr, and tests must not
// fill it): an empty one per test file. Tests that need their own pass one.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-test-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;
afterAll(() => rmSync(cacheHome, { recursive: true, force: true }));
