/**
 * Guest path resolution inside a preopened directory: the sandbox.
 *
 * Node has no openat(), O_BENEATH or RESOLVE_BENEATH, so we resolve every guest
 * path ourselves, one component at a time, starting at the directory of the
 * guest's directory fd:
 * - `..` may not climb above that directory (ENOTCAPABLE);
 * - every intermediate component is lstat()ed (file-type.ts: no Stats object): a directory is entered, a symlink
 *   is read with readlink() and its target's components are resolved again under
 *   the same rules (an absolute target is ENOTCAPABLE, more than MAX_SYMLINKS
 *   links is ELOOP), anything else is ENOTDIR;
 * - the final component is followed only when the caller asks (LOOKUP_SYMLINK_FOLLOW
 *   or a trailing slash), and callers open it with O_NOFOLLOW.
 *
 * On Linux we walk with directory handles, as openat() would: each directory we
 * enter is opened with O_PATH | O_DIRECTORY | O_NOFOLLOW (which fails if it was
 * swapped for a symlink since our lstat), and the next step is taken from
 * `/proc/self/fd/N/`, which the kernel resolves from that very directory, not by
 * its name. A directory fd the guest holds works the same way. So neither the
 * guest (renaming a directory it has open and planting a symlink in its place)
 * nor another host process changing the tree during resolution can redirect an
 * operation outside: the final syscall only ever names one component inside a
 * directory we hold open.
 *
 * The limit where /proc is not available (not Linux): resolution falls back to
 * host path strings, and between our lstat() of a component and the syscall that
 * uses the path ANOTHER HOST PROCESS could replace a checked directory with a
 * symlink pointing outside (a TOCTOU race). Node exposes no handle-relative API
 * to close it there.
 */
import { closeSync, existsSync, constants as fsc, openSync, readlinkSync } from 'node:fs';
import { ERRNO, MAX_SYMLINKS } from './constants.js';
import { childPath as child, fstatType, lstatTypeIn, statIds } from './file-type.js';

const { S_IFDIR, S_IFLNK } = fsc;

/** Linux's O_PATH (not in fs.constants): a handle for path walking that needs no read permission. */
const O_PATH = 0o10000000;
const O_DIRECTORY = 0o200000;
const O_NOFOLLOW = 0o400000;

/** Whether directory handles can be used as path bases (`/proc/self/fd/N/name`). */
export const HANDLE_WALK = process.platform === 'linux' && existsSync('/proc/self/fd');

/** The path that names the directory open as host fd `fd` (or `hostPath` without /proc). */
export function handlePath(fd: number, hostPath: string): string {
  return HANDLE_WALK ? `/proc/self/fd/${fd}` : hostPath;
}

/**
 * Directory handles kept between calls, so walking `a/b/file` does not reopen
 * `a` and `a/b` every time. An entry is used only when the lstat() we do anyway
 * shows the same device and inode as the handle (fstat()ed when opened): the
 * handle then names exactly the directory the path names now. A handle pins its
 * inode, so the number cannot be reused by another directory while cached.
 */
export class HandleCache {
  /**
   * By the directory a handle's directory was found in and its name there, so that a
   * walk finds it from the strings it has (the directory it is in and the component)
   * without making the joined path (issue 10: a string and its flattened copy per
   * component, most of what a walk allocated).
   */
  private readonly byParent = new Map<string, Map<string, HandleEntry>>();
  private size = 0;
  /**
   * The clock of uses: a hit stamps its entry (`lastUsed`) and touches no Map, and the
   * entry with the oldest stamp goes when a put passes the capacity. Moving a hit to the
   * Map's end instead (a delete and a set) rehashed the table as a walk went from one
   * directory to the next: 200 bytes of garbage per path syscall of four directories.
   */
  private clock = 0;
  constructor(private readonly capacity = 64) {}

  /**
   * The cached handle's path for `parent/name` (`name` one component) if it is still that
   * directory. Handles dropped on the way go to `retire`, closed by the caller after its
   * walk (one of them may still be on the walk's stack).
   */
  getIn(parent: string, name: string, dev: number, ino: number, retire: number[]): string | null {
    const e = this.byParent.get(parent)?.get(name);
    if (e === undefined) return null;
    if (e.dev !== dev || e.ino !== ino) {
      this.drop(e);
      retire.push(e.fd);
      return null;
    }
    e.lastUsed = ++this.clock;
    return e.handle;
  }

  /**
   * Keeps `fd` (now owned by the cache) as the directory `path`, which is `parent/name`;
   * false when it is not a directory we can identify.
   */
  put(parent: string, name: string, path: string, fd: number, retire: number[]): boolean {
    if (fstatType(fd) !== S_IFDIR) return false;
    const old = this.byParent.get(parent)?.get(name);
    if (old !== undefined) {
      this.drop(old);
      retire.push(old.fd);
    }
    let names = this.byParent.get(parent);
    if (names === undefined) {
      names = new Map();
      this.byParent.set(parent, names);
    }
    const handle = handlePath(fd, path);
    names.set(name, { fd, handle, dev: statIds[0]!, ino: statIds[1]!, parent, name, lastUsed: ++this.clock });
    this.size++;
    if (this.size > this.capacity) {
      let oldest: HandleEntry | null = null;
      for (const inParent of this.byParent.values()) {
        for (const e of inParent.values()) if (oldest === null || e.lastUsed < oldest.lastUsed) oldest = e;
      }
      if (oldest !== null) {
        this.drop(oldest);
        retire.push(oldest.fd);
      }
    }
    return true;
  }

  clear(): void {
    for (const names of this.byParent.values()) for (const e of names.values()) closeSync(e.fd);
    this.byParent.clear();
    this.size = 0;
  }

  /** Forgets entry `e` (the caller closes or retires its fd). */
  private drop(e: HandleEntry): void {
    const names = this.byParent.get(e.parent);
    if (names?.get(e.name) !== e) return;
    names.delete(e.name);
    if (names.size === 0) this.byParent.delete(e.parent);
    this.size--;
  }
}

interface HandleEntry {
  readonly fd: number;
  /** Its `/proc/self/fd/N` path (made once). */
  readonly handle: string;
  /** What fstat() said it is. */
  readonly dev: number;
  readonly ino: number;
  /** The directory it was found in, and its name there: its keys in `byParent`. */
  readonly parent: string;
  readonly name: string;
  /** The cache's clock at its last use. */
  lastUsed: number;
}

export interface Resolved {
  /** Host path of the directory that contains the final component (checked). */
  readonly parent: string;
  /** The final component, or null when the path names `parent` itself (`.`, `a/..`, `dir/`). */
  readonly name: string | null;
  /** `parent/name`, or `parent/.` when `name` is null. Valid until `release()`. */
  readonly host: string;
  /** The guest path ended with `/` (only reported when `stripTrailingSlash` was asked). */
  readonly trailingSlash: boolean;
  /** How many directories `parent` is below the base directory. */
  readonly depth: number;
  /** Closes the directory handles opened while walking; `parent`/`host` are invalid after. */
  release(): void;
}

/**
 * A `Resolved` that `resolvePath` fills in: the WASI hosts keep one or two and reuse
 * them for every path syscall, so a resolution allocates no record of its own.
 */
export class Resolution implements Resolved {
  parent = '';
  name: string | null = null;
  host = '';
  trailingSlash = false;
  depth = 0;
  /** Directory handles opened while walking that the handle cache did not keep. */
  readonly handles: number[] = [];

  release(): void {
    const handles = this.handles;
    for (let i = 0; i < handles.length; i++) closeSync(handles[i]!);
    handles.length = 0;
  }
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

/** The four option sets, made once: the hosts pass one of these instead of a literal per call. */
export const RESOLVE_OPTIONS: readonly ResolveOptions[] = [
  { follow: false, stripTrailingSlash: false },
  { follow: true, stripTrailingSlash: false },
  { follow: false, stripTrailingSlash: true },
  { follow: true, stripTrailingSlash: true },
];

/**
 * A stack of strings that keeps its backing store from one walk to the next. An array
 * does not: `length = 0` drops it, and pop() trims it once under half full, so each walk
 * allocated new ones as it pushed (part of the 1 KB a path_open still made after its
 * stats stopped making Stats objects, sampling heap profile, Node 20). An entry above
 * `size` keeps its string alive until it is overwritten: a few path strings at most.
 */
class WalkList {
  private readonly items: string[] = [];
  size = 0;

  push(item: string): void {
    this.items[this.size++] = item;
  }

  pop(): string {
    return this.items[--this.size]!;
  }

  /** The last item pushed; only when size > 0. */
  top(): string {
    return this.items[this.size - 1]!;
  }
}

// The walk's working lists, reused by every call (a walk runs to its end synchronously,
// and a worker thread has its own copy of this module): no arrays per path syscall.
/** Components still to walk, next one last (so symlink targets can be pushed in front cheaply). */
const pending = new WalkList();
/** The directories entered so far: their host paths (handle paths on Linux). */
const stack = new WalkList();

/** Pushes the `/`-separated components of `path` onto `pending`, last first: `path.split('/').reverse()`. */
function pushComponents(path: string): void {
  let end = path.length;
  for (;;) {
    const slash = end === 0 ? -1 : path.lastIndexOf('/', end - 1);
    pending.push(path.slice(slash + 1, end));
    if (slash < 0) return;
    end = slash;
  }
}

/**
 * Resolves guest `path` below the host directory named by `base` (a
 * `/proc/self/fd/N` path on Linux). Returns the resolution (`into`, filled in,
 * when given) or a WASI errno (a number). Never touches anything outside `base`.
 * The caller must `release()`.
 */
export function resolvePath(
  base: string,
  path: string,
  options: ResolveOptions,
  cache?: HandleCache,
  into?: Resolution,
): Resolved | number {
  if (path.length === 0) return ERRNO.NOENT;
  if (path.includes('\0')) return ERRNO.ILSEQ;
  if (path.charCodeAt(0) === 47 /* / */) return ERRNO.NOTCAPABLE;
  const r = into ?? new Resolution();
  r.release();
  let trailingSlash = false;
  if (options.stripTrailingSlash === true && path.charCodeAt(path.length - 1) === 47) {
    trailingSlash = true;
    path = path.replace(/\/+$/, '');
  }
  pending.size = 0;
  stack.size = 0;
  pushComponents(path);
  const handles = r.handles;
  let links = 0;
  try {
    while (pending.size > 0) {
      const component = pending.pop();
      const isLast = pending.size === 0;
      if (component === '' || component === '.') {
        if (isLast) return done(r, base, null, trailingSlash);
        continue;
      }
      if (component === '..') {
        if (stack.size === 0) {
          r.release();
          return ERRNO.NOTCAPABLE;
        }
        stack.pop();
        if (isLast) return done(r, base, null, trailingSlash);
        continue;
      }
      if (isLast && !options.follow) return done(r, base, component, trailingSlash);
      const parent = stack.size === 0 ? base : stack.top();
      const type = lstatTypeIn(parent, component);
      if (type === 0) {
        if (isLast) return done(r, base, component, trailingSlash);
        r.release();
        return ERRNO.NOENT;
      }
      if (type === S_IFLNK) {
        if (++links > MAX_SYMLINKS) {
          r.release();
          return ERRNO.LOOP;
        }
        const target = readlinkSync(child(parent, component), 'utf8');
        if (target.length === 0 || target.charCodeAt(0) === 47) {
          r.release();
          return target.length === 0 ? ERRNO.NOENT : ERRNO.NOTCAPABLE;
        }
        pushComponents(target);
        continue;
      }
      if (isLast) return done(r, base, component, trailingSlash);
      if (type !== S_IFDIR) {
        r.release();
        return ERRNO.NOTDIR;
      }
      if (HANDLE_WALK) {
        const cached = cache?.getIn(parent, component, statIds[0]!, statIds[1]!, handles) ?? null;
        if (cached === null) {
          // Fails (ELOOP/ENOTDIR) if the directory was swapped for a symlink since the lstat.
          const host = child(parent, component);
          const fd = openSync(host, O_PATH | O_DIRECTORY | O_NOFOLLOW);
          if (cache === undefined || !cache.put(parent, component, host, fd, handles)) handles.push(fd);
          stack.push(`/proc/self/fd/${fd}`);
        } else {
          stack.push(cached);
        }
      } else {
        stack.push(child(parent, component));
      }
    }
    // Only reachable for paths made of nothing but slashes after stripping.
    return done(r, base, null, trailingSlash);
  } catch (err) {
    r.release();
    throw err;
  }
}

/** Fills in `r` for a walk that ended in the directory on top of `stack` (or `base`). */
function done(r: Resolution, base: string, name: string | null, trailingSlash: boolean): Resolution {
  const parent = stack.size === 0 ? base : stack.top();
  r.parent = parent;
  r.name = name;
  // `parent/.` rather than `parent`: on Linux `parent` is a /proc magic link, which
  // lstat() and O_NOFOLLOW would see as a symlink; `.` is the directory itself.
  r.host = child(parent, name ?? '.');
  r.trailingSlash = trailingSlash;
  r.depth = stack.size;
  return r;
}

/**
 * Whether a symlink stored `linkDepth` directories below the sandbox root with
 * target `target` stays inside the sandbox when the OS follows it (for host
 * programs walking the tree later; our own resolver never follows out anyway).
 * Only leading `..` are allowed, at most `linkDepth` of them: a `..` after a
 * name could climb from wherever that name (itself maybe a link) leads.
 */
export function isContainedTarget(target: string, linkDepth: number): boolean {
  if (target.charCodeAt(0) === 47) return false;
  let climbs = 0;
  let descended = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (descended) return false;
      climbs++;
    } else descended = true;
  }
  return climbs <= linkDepth;
}
