import { ConveyorError, ErrorCode } from '../../core/errors.ts';

interface Named {
  readonly className: string;
  readonly aliases: readonly string[];
}

/**
 * Plugins by class name and alias. The built-ins are registered at start; plugin bundles may register their
 * own transform and predicate classes later.
 */
export class PluginRegistry<P extends Named> {
  readonly #kind: string;
  readonly #byName = new Map<string, P>();
  readonly #plugins: P[] = [];

  constructor(kind: string, initial: readonly P[] = []) {
    this.#kind = kind;
    for (const p of initial) this.register(p);
  }

  register(plugin: P): void {
    const names = [plugin.className, ...plugin.aliases];
    for (const name of names) {
      const existing = this.#byName.get(name);
      if (existing !== undefined) {
        throw new ConveyorError(ErrorCode.conflict, `${this.#kind} name ${name} is already registered by ${existing.className}`);
      }
    }
    this.#plugins.push(plugin);
    for (const name of names) this.#byName.set(name, plugin);
  }

  /** Removes a plugin (e.g. when its bundle is deleted); false if it was not registered. */
  unregister(className: string): boolean {
    const p = this.#byName.get(className);
    if (p === undefined) return false;
    for (const name of [p.className, ...p.aliases]) this.#byName.delete(name);
    this.#plugins.splice(this.#plugins.indexOf(p), 1);
    return true;
  }

  find(name: string): P | undefined {
    return this.#byName.get(name.trim());
  }

  list(): readonly P[] {
    return [...this.#plugins];
  }
}
