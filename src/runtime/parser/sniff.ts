/**
 * Which format a file is, from its first bytes: a Wasm binary, a wasmer-ts
 * artifact (engine/artifact.ts: its magic lives here so that the parser layer
 * can tell it apart without the engine), WebAssembly text, or none of those.
 * The one copy of this test, used by `Module.from` and the CLI's input reader.
 */

/** `\0asm`: https://webassembly.github.io/spec/core/binary/modules.html#binary-module */
export const WASM_MAGIC: Uint8Array = Uint8Array.of(0x00, 0x61, 0x73, 0x6d);
/** `\0asm` and binary version 1, the only core-module version. */
const WASM_HEAD: Uint8Array = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
/**
 * `\0asm`, component version 0x0d 0x00 and layer 0x01 0x00 (design/mvp/Binary.md in
 * WebAssembly/component-model: the version is pre-standard; the layer tells a component from a module).
 */
export const COMPONENT_HEAD: Uint8Array = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);
/** PNG-style: a high byte (not text), `WTSART`, a newline (catches text-mode transfers). */
export const ARTIFACT_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x57, 0x54, 0x53, 0x41, 0x52, 0x54, 0x0a);

/**
 * - `component`: starts with `COMPONENT_HEAD`, a component binary's preamble;
 * - `wasm`: starts with `\0asm` otherwise (a core module, or a damaged binary);
 * - `artifact`: starts with `ARTIFACT_MAGIC`;
 * - `text`: UTF-8 with no NUL byte (a NUL never appears in WebAssembly text);
 * - `binary`: anything else, a damaged or foreign binary (the binary reader's
 *   error says more about it than the text converter's).
 */
export type InputFormat = 'wasm' | 'component' | 'artifact' | 'text' | 'binary';

/** Made on first use: a start whose input is a binary never makes one (TextDecoder loads Node's encoding module). */
let utf8: InstanceType<typeof TextDecoder> | null = null;

function startsWith(bytes: Uint8Array, head: Uint8Array): boolean {
  if (bytes.length < head.length) return false;
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head[i]) return false;
  return true;
}

/** The format of `bytes` (see `InputFormat`), and for `text` the text itself (decoded once). */
export function sniff(bytes: Uint8Array): { readonly format: InputFormat; readonly text: string | null } {
  if (hasWasmMagic(bytes)) return { format: isComponentHead(bytes) ? 'component' : 'wasm', text: null };
  if (hasArtifactMagic(bytes)) return { format: 'artifact', text: null };
  const text = bytes[0] === 0x00 ? null : decodeText(bytes);
  return { format: text === null ? 'binary' : 'text', text };
}

/** Whether `bytes` starts with `\0asm` (a core module, a component, or a damaged binary). */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return startsWith(bytes, WASM_MAGIC);
}

/** Whether `bytes` starts with a component's preamble (`COMPONENT_HEAD`; looks at 8 bytes). */
export function isComponentHead(bytes: Uint8Array): boolean {
  return startsWith(bytes, COMPONENT_HEAD);
}

/** Whether `bytes` starts with `ARTIFACT_MAGIC` (looks at 8 bytes, never decodes the rest). */
export function hasArtifactMagic(bytes: Uint8Array): boolean {
  return startsWith(bytes, ARTIFACT_MAGIC);
}

/** `bytes` decoded as UTF-8, or null when they are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    utf8 ??= new TextDecoder('utf-8', { fatal: true });
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Whether `bytes` are valid UTF-8 (a NUL byte included). */
export function isUtf8(bytes: Uint8Array): boolean {
  return decodeUtf8(bytes) !== null;
}

/** `bytes` as text when they are UTF-8 without a NUL byte, else null. */
function decodeText(bytes: Uint8Array): string | null {
  const text = decodeUtf8(bytes);
  return text === null || text.includes('\0') ? null : text;
}

/**
 * A check fed each chunk of a stream in order, which says whether the bytes so
 * far can still become a module: a Wasm binary (`\0asm` + version 1), a
 * component (`COMPONENT_HEAD`), an artifact, or text. A reader can stop where it fails without changing the
 * outcome: every format's reader rejects such bytes at that point.
 */
export function formatPrefixCheck(): (chunk: Uint8Array) => boolean {
  const text = new TextDecoder('utf-8', { fatal: true });
  let kind: 'wasm' | 'component' | 'artifact' | 'text' | null = null;
  let seen = 0;
  return (chunk) => {
    if (chunk.length === 0) return true;
    if (kind === null) kind = chunk[0] === 0x00 ? 'wasm' : chunk[0] === ARTIFACT_MAGIC[0] ? 'artifact' : 'text';
    if (kind === 'text') {
      try {
        return !text.decode(chunk, { stream: true }).includes('\0');
      } catch {
        return false;
      }
    }
    for (let i = 0; seen < 8 && i < chunk.length; i++, seen++) {
      const b = chunk[i];
      // Byte 4 decides between a module's version and a component's; both heads agree before it.
      if (kind === 'wasm' && seen === 4 && b === COMPONENT_HEAD[4]) kind = 'component';
      const head = kind === 'wasm' ? WASM_HEAD : kind === 'component' ? COMPONENT_HEAD : ARTIFACT_MAGIC;
      if (b !== head[seen]) return false;
    }
    return true;
  };
}
