/**
 * Which host key satisfies an interface import with a version, the way wasmtime's
 * component linker matches them: versions on the same semver compatibility track are
 * interchangeable (`1.2.3` and `1.9.0` share track `1`; `0.2.3` and `0.2.9` track `0.2`;
 * `0.0.3` only itself), so `wasi:cli/run@0.2.3` is served by a host's
 * `wasi:cli/run@0.2.0` or `@0.2.9`, and by an unversioned `wasi:cli/run`. A prerelease
 * (`0.3.0-rc1`) is its own track. Among several candidates the highest version wins.
 */
import { isPlainVersion, parseExternName } from './parser/names.js';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
}

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): Version | null {
  // `MAJOR.MINOR.PATCH` without a prerelease or build, read without the pattern (which a
  // cold start would compile first): every WASI import's version.
  if (isPlainVersion(text)) {
    const [major, minor, patch] = text.split('.').map(Number) as [number, number, number];
    return { major, minor, patch, pre: '' };
  }
  return parseVersionByPattern(text);
}

/** parseVersion by its pattern, for every version. Exported for the test that compares the two. */
export function parseVersionByPattern(text: string): Version | null {
  const m = VERSION.exec(text);
  if (m === null) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' };
}

/** The compatibility track: `1`, `0.2`, `0.0.3`, or the whole version for a prerelease. */
function track(v: Version): string {
  if (v.pre !== '') return `${v.major}.${v.minor}.${v.patch}-${v.pre}`;
  if (v.major > 0) return `${v.major}`;
  if (v.minor > 0) return `0.${v.minor}`;
  return `0.0.${v.patch}`;
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** `ns:pkg/iface` and the version of an interface name, or null for any other name. */
function splitInterfaceName(name: string): { readonly base: string; readonly version: string | undefined } | null {
  const parsed = parseExternName(name);
  if (parsed === null || parsed.kind !== 'interface') return null;
  return { base: `${parsed.namespace}:${parsed.packageName}/${parsed.interfaceName}`, version: parsed.version };
}

/** A host key that names an interface: the interface without its version, and the version. */
interface Offer {
  readonly key: string;
  readonly versionText: string | undefined;
  readonly version: Version | null;
}

/**
 * The interface keys of the last `keys` looked in, by interface: a component's imports are
 * matched one by one against the same host keys (a WASI 0.2 host has about twenty, none
 * with a version), and reading every key's name for each import took 1.4 ms of a hello
 * world's start (its 15 imports, 300 readings, on Node 26).
 */
let lastKeys: readonly string[] = [];
let lastOffers = new Map<string, Offer[]>();

function offersIn(keys: readonly string[]): ReadonlyMap<string, readonly Offer[]> {
  if (keys.length === lastKeys.length && keys.every((key, i) => key === lastKeys[i])) return lastOffers;
  const offers = new Map<string, Offer[]>();
  for (const key of keys) {
    const split = splitInterfaceName(key);
    if (split === null) continue;
    const versionText = split.version;
    const offer = { key, versionText, version: versionText === undefined ? null : parseVersion(versionText) };
    const list = offers.get(split.base);
    if (list === undefined) offers.set(split.base, [offer]);
    else list.push(offer);
  }
  lastKeys = [...keys];
  lastOffers = offers;
  return offers;
}

/**
 * The key of `keys` that provides import `name`: the name itself, else for an interface
 * name a key of the same interface on the same compatibility track (or without a
 * version), the highest version first. Null when none does.
 */
export function matchImportKey(name: string, keys: readonly string[]): string | null {
  if (keys.includes(name)) return name;
  const wanted = splitInterfaceName(name);
  if (wanted === null) return null;
  const wantedVersion = wanted.version === undefined ? null : parseVersion(wanted.version);
  let best: { key: string; version: Version | null } | null = null;
  for (const { key, versionText, version } of offersIn(keys).get(wanted.base) ?? []) {
    const fits =
      version === null ? versionText === undefined : wantedVersion !== null && track(version) === track(wantedVersion);
    // An import without a version takes any version the host gives.
    if (!fits && !(wanted.version === undefined && version !== null)) continue;
    if (best === null || (version !== null && (best.version === null || compare(version, best.version) > 0))) {
      best = { key, version };
    }
  }
  return best?.key ?? null;
}
