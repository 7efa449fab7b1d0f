/**
 * Records trusted guest code has already written as JSON text (a WebAssembly transform's output, whose values arrive
 * as JSON text): the bootstrap sends their text as it is instead of parsing and stringifying it again. Plugin code
 * cannot reach the map, so it cannot pass text off as a record; the host checks what arrives either way.
 */
const texts = new WeakMap<object, string>();

export function rawJson(text: string): object {
  const holder = Object.freeze({});
  texts.set(holder, text);
  return holder;
}

export function rawJsonText(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined;
}
