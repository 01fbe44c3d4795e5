/** `512 B`, `1.5 KiB`, `203 MiB`: sizes in messages, the library's and the CLI's (`formatSize`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Lowercase hex without a prefix, at least `digits` digits: `hex(0xb)` is `0b`,
 * `hex(0x1a2, 1)` is `1a2`. Bytes give two digits each, end to end (a SHA-256
 * digest as its usual string). Messages write `0x${hex(byte)}` and `0x${hex(offset, 1)}`.
 */
export function hex(value: number | Uint8Array, digits = 2): string {
  if (typeof value === 'number') return value.toString(16).padStart(digits, '0');
  let s = '';
  for (const b of value) s += b.toString(16).padStart(2, '0');
  return s;
}
