/**
 * The live `Tag`s (tag.ts), apart from the class so that trap.ts can name an
 * exception's tag without importing what `Tag` imports (the call boundary's
 * converters, which import trap.ts).
 */
import type { Tag } from './tag.js';

/**
 * Every live `Tag`, so that an exception reaching JS can be matched to its tag, whichever
 * instance threw it. Weak: a tag nobody holds any more cannot be an exception's tag we could
 * name, and lookups prune the dead ones. Exceptions are the cold path; nothing else reads it.
 */
const LIVE_TAGS = new Set<WeakRef<Tag>>();

/** Called by each `Tag` when it is made. */
export function registerTag(tag: Tag): void {
  LIVE_TAGS.add(new WeakRef(tag));
}

/** The live `Tag` whose V8 tag is `raw`, for wrapping an export or import once per V8 object. */
export function knownTag(raw: WebAssembly.Tag): Tag | null {
  for (const ref of LIVE_TAGS) {
    const tag = ref.deref();
    if (tag === undefined) LIVE_TAGS.delete(ref);
    else if (tag.raw === raw) return tag;
  }
  return null;
}

/** The live `Tag` that `exception` was thrown with, or null when it is none we know. */
export function tagOf(exception: WebAssembly.Exception): Tag | null {
  for (const ref of LIVE_TAGS) {
    const tag = ref.deref();
    if (tag === undefined) LIVE_TAGS.delete(ref);
    else if (exception.is(tag.raw)) return tag;
  }
  return null;
}
