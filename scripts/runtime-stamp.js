// The stamp of a build's runtime code: 16 hex digits of a SHA-256 over every file of
// dist/runtime (names and contents), built into the CLI's bundle and the executable as
// __WASMER_TS_COMPONENT_STAMP__. The parse cache (src/runtime/engine/cache/parse-cache.ts)
// names its entries with it, so a rebuilt parser never reads what an older one wrote.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function runtimeStamp(dist) {
  const root = path.join(dist, 'runtime');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(root, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}
