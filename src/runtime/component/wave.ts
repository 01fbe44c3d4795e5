/**
 * WAVE, the WebAssembly Value Encoding (bytecodealliance/wasm-tools crates/wasm-wave): the
 * text form of component values that `call` and `run --invoke` read and print.
 */
export { formatWave } from './wave-format.js';
export { parseWave } from './wave-parse.js';
