/**
 * The `producers` custom section (the tool-conventions repository, ProducersSection.md):
 * which languages, tools and SDKs made a module or component, each with a version.
 * Decoded leniently: the section is informative, so a malformed one is `null`, not an error.
 */

/** `{ language: [{ name: 'Rust', version: '' }], 'processed-by': [{ name: 'rustc', version: '1.80.0' }] }` */
export type Producers = Readonly<Record<string, readonly { readonly name: string; readonly version: string }[]>>;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The fields of a `producers` section's payload, or null when it is not well-formed. */
export function decodeProducers(data: Uint8Array): Producers | null {
  let at = 0;
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = data[at++];
      if (byte === undefined) throw new RangeError('producers section ends early');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new RangeError('bad LEB128 in the producers section');
  };
  const name = (): string => {
    const length = u32();
    if (at + length > data.length) throw new RangeError('producers section ends early');
    const text = UTF8.decode(data.subarray(at, at + length));
    at += length;
    return text;
  };
  try {
    const fields: Record<string, { name: string; version: string }[]> = {};
    for (let n = u32(); n > 0; n--) {
      const field = name();
      const values: { name: string; version: string }[] = [];
      for (let m = u32(); m > 0; m--) values.push({ name: name(), version: name() });
      fields[field] = values;
    }
    return at === data.length ? fields : null;
  } catch {
    return null;
  }
}
