/** Request limits shared by both shells' transports and the core's supervisor (no dependencies). */

/** Deepest nesting of arrays and objects a request may have (checked before it reaches the core). */
export const MAX_REQUEST_DEPTH = 32;
/** Largest request, in bytes of UTF-8 JSON (the browser host's WebSocket frame limit too). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Bytes of a string in UTF-8 (a lone surrogate counts 3, as its replacement character would). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
