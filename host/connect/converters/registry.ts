import { ConveyorError, ErrorCode } from '../../core/errors.ts';
import { byteArrayConverterPlugin } from './byte-array-converter.ts';
import { jsonConverterPlugin } from './json-converter.ts';
import { numberConverterPlugins } from './number-converters.ts';
import { simpleHeaderConverterPlugin } from './simple-header-converter.ts';
import { stringConverterPlugin } from './string-converter.ts';
import type { ConverterPlugin } from './types.ts';

/** Converter classes by fully qualified name and alias; plugin bundles may add their own. */
export class ConverterRegistry {
  readonly #byName = new Map<string, ConverterPlugin>();
  readonly #plugins: ConverterPlugin[] = [];

  register(plugin: ConverterPlugin): void {
    for (const name of [plugin.className, ...plugin.aliases]) {
      const existing = this.#byName.get(name);
      if (existing !== undefined && existing !== plugin) {
        throw new ConveyorError(ErrorCode.conflict, `Converter name ${name} is already registered by ${existing.className}`);
      }
    }
    this.#plugins.push(plugin);
    for (const name of [plugin.className, ...plugin.aliases]) this.#byName.set(name, plugin);
  }

  /** The plugin for a class name or alias, or undefined. */
  find(name: string): ConverterPlugin | undefined {
    return this.#byName.get(name.trim());
  }

  list(): readonly ConverterPlugin[] {
    return [...this.#plugins];
  }
}

export const BUILTIN_CONVERTERS: readonly ConverterPlugin[] = [
  jsonConverterPlugin,
  stringConverterPlugin,
  byteArrayConverterPlugin,
  ...numberConverterPlugins,
  simpleHeaderConverterPlugin,
];

/** A registry holding Kafka Connect's built-in converters. */
export function createConverterRegistry(): ConverterRegistry {
  const r = new ConverterRegistry();
  for (const p of BUILTIN_CONVERTERS) r.register(p);
  return r;
}
