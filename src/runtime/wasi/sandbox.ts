/**
 * Guest path resolution inside a preopened directory: the sandbox.
 *
 * Node has no openat(), O_BENEATH or RESOLVE_IN_ROOT, so we resolve every guest
 * path ourselves, one component at a time, starting at the host directory of the
 * guest's directory fd:
 * - `..` may not climb above that directory (ENOTCAPABLE);
 * - every intermediate component is lstat()ed: a directory is entered, a symlink
 *   is read with readlink() and its target's components are resolved again under
 *   the same rules (an absolute target is ENOTCAPABLE, more than MAX_SYMLINKS
 *   links is ELOOP), anything else is ENOTDIR;
 * - the final component is followed only when the caller asks (LOOKUP_SYMLINK_FOLLOW
 *   or a trailing slash), and callers open it with O_NOFOLLOW.
 * The host path handed back therefore names an entry whose every parent is a real
 * directory inside the sandbox at the time of the check.
 *
 * The limit Node cannot close: between our lstat() of a component and the
 * syscall that uses the resulting path, ANOTHER HOST PROCESS could replace a
 * checked directory with a symlink pointing outside (a TOCTOU race). The guest
 * itself cannot win this race (it is single-threaded and its calls are
 * synchronous), but a cooperating host process writing into the same directory
 * could. Closing it needs openat2(RESOLVE_BENEATH) or a handle-relative API,
 * which Node does not expose.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { ERRNO, MAX_SYMLINKS } from './constants.js';

export interface Resolved {
  /** Host path of the directory that contains the final component (checked). */
  readonly parent: string;
  /** The final component, or null when the path names `parent` itself (`.`, `a/..`, `dir/`). */
  readonly name: string | null;
  /** `parent/name`, or `parent` when `name` is null. */
  readonly host: string;
  /** The guest path ended with `/` (only reported when `stripTrailingSlash` was asked). */
  readonly trailingSlash: boolean;
}

export interface ResolveOptions {
  /** Follow a symlink in the final component (LOOKUP_SYMLINK_FOLLOW). */
  readonly follow: boolean;
  /**
   * Remove trailing slashes and report them in `trailingSlash`, for operations
   * that need a name (mkdir, rmdir, unlink, rename, link, symlink). Otherwise a
   * trailing slash means "this must be a directory" and follows a final symlink.
   */
  readonly stripTrailingSlash?: boolean;
}

/** Joins host path parts; `base` never ends with `/` except for the root itself. */
function join(base: string, parts: readonly string[]): string {
  if (parts.length === 0) return base;
  return base === '/' ? `/${parts.join('/')}` : `${base}/${parts.join('/')}`;
}

/**
 * Resolves guest `path` below host directory `base`. Returns the resolution or a
 * WASI errno (a number). Never touches anything outside `base`.
 */
export function resolvePath(base: string, path: string, options: ResolveOptions): Resolved | number {
  if (path.length === 0) return ERRNO.NOENT;
  if (path.includes('\0')) return ERRNO.ILSEQ;
  if (path.charCodeAt(0) === 47 /* / */) return ERRNO.NOTCAPABLE;
  let trailingSlash = false;
  if (options.stripTrailingSlash === true && path.endsWith('/')) {
    trailingSlash = true;
    path = path.replace(/\/+$/, '');
  }
  // Pending components, next one last (so symlink targets can be pushed in front cheaply).
  const pending = path.split('/').reverse();
  const stack: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const component = pending.pop()!;
    const isLast = pending.length === 0;
    if (component === '' || component === '.') {
      if (isLast) return { parent: join(base, stack), name: null, host: join(base, stack), trailingSlash };
      continue;
    }
    if (component === '..') {
      if (stack.length === 0) return ERRNO.NOTCAPABLE;
      stack.pop();
      if (isLast) return { parent: join(base, stack), name: null, host: join(base, stack), trailingSlash };
      continue;
    }
    const parent = join(base, stack);
    const host = parent === '/' ? `/${component}` : `${parent}/${component}`;
    if (isLast && !options.follow) return { parent, name: component, host, trailingSlash };
    const st = lstatSync(host, { throwIfNoEntry: false });
    if (st === undefined) {
      if (isLast) return { parent, name: component, host, trailingSlash };
      return ERRNO.NOENT;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) return ERRNO.LOOP;
      const target = readlinkSync(host, 'utf8');
      if (target.length === 0) return ERRNO.NOENT;
      if (target.charCodeAt(0) === 47) return ERRNO.NOTCAPABLE;
      const parts = target.split('/');
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
      continue;
    }
    if (isLast) return { parent, name: component, host, trailingSlash };
    if (!st.isDirectory()) return ERRNO.NOTDIR;
    stack.push(component);
  }
  // Only reachable for paths made of nothing but slashes after stripping.
  return { parent: base, name: null, host: base, trailingSlash };
}

/**
 * Whether a symlink stored at `linkDepth` directories below the sandbox root with
 * target `target` stays inside the sandbox when followed by anyone (we refuse to
 * create links that would point a host process outside).
 */
export function isContainedTarget(target: string, linkDepth: number): boolean {
  if (target.charCodeAt(0) === 47) return false;
  let depth = linkDepth;
  for (const part of target.split('/')) {
    if (part === '..') {
      if (--depth < 0) return false;
    } else if (part !== '' && part !== '.') depth++;
  }
  return true;
}
