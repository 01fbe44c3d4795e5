// Tests of permissions must run as root too (CI runs as root, who may read any
// file): as root they start their child as `nobody`, whom a file's mode applies to.
import { spawnSync } from 'node:child_process';

export const IS_ROOT = process.getuid?.() === 0;

/** The unprivileged user of Debian and most Linux systems. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/**
 * True when a child started as `nobody` can run this Node and read `script`
 * (a Node unpacked under /root, as some CI images have, is out of nobody's reach).
 * Not root: true, since the child then runs as ourselves.
 */
export function nobodyCanRun(script?: string): boolean {
  if (!IS_ROOT) return true;
  const args = script === undefined ? ['-e', '0'] : ['-e', 'require("fs").readFileSync(process.argv[1])', script];
  return spawnSync(process.execPath, args, { ...NOBODY, stdio: 'ignore' }).status === 0;
}
