/** conveyor config …: the contexts file (contexts.ts), nothing sent to a worker. */
import { resolve } from 'node:path';
import { contextsPath, loadContexts, saveContexts, setContext } from './contexts.ts';
import type { Context } from './contexts.ts';
import { usageError } from './errors.ts';
import { print, table } from './output.ts';
import type { Out } from './output.ts';

export interface ContextFlags {
  url?: string;
  token?: string;
  caFile?: string;
}

/** A context as shown: the token only as set or not. */
interface ShownContext {
  name: string;
  current: boolean;
  url: string;
  token: 'set' | 'none';
  caFile: string | null;
}

const shown = (name: string, c: Context, current: boolean): ShownContext => ({ name, current, url: c.url, token: c.token === undefined ? 'none' : 'set', caFile: c.caFile ?? null });

export async function configCommand(out: Out, sub: string | undefined, args: readonly string[], flags: ContextFlags, file = contextsPath()): Promise<void> {
  const data = await loadContexts(file);
  const name = args[0];
  switch (sub) {
    case 'set-context': {
      if (name === undefined) throw usageError('usage: conveyor config set-context <name> [--url URL] [--token TOKEN] [--ca-file FILE]');
      const fields: Partial<Context> = {
        ...(flags.url === undefined ? {} : { url: flags.url }),
        ...(flags.token === undefined ? {} : { token: flags.token }),
        ...(flags.caFile === undefined ? {} : { caFile: flags.caFile === '' ? '' : resolve(flags.caFile) }),
      };
      const next = setContext(data, name, fields);
      await saveContexts(next, file);
      out.write(`context ${name} ${data.contexts[name] === undefined ? 'created' : 'modified'}${next.currentContext === name && data.currentContext !== name ? ' (now the current context)' : ''}\n`);
      return;
    }
    case 'use-context': {
      if (name === undefined || data.contexts[name] === undefined) throw usageError(name === undefined ? 'usage: conveyor config use-context <name>' : `no context named ${name}`);
      await saveContexts({ ...data, currentContext: name }, file);
      out.write(`switched to context ${name}\n`);
      return;
    }
    case 'delete-context': {
      if (name === undefined || data.contexts[name] === undefined) throw usageError(name === undefined ? 'usage: conveyor config delete-context <name>' : `no context named ${name}`);
      const contexts = { ...data.contexts };
      delete contexts[name];
      await saveContexts({ currentContext: data.currentContext === name ? null : data.currentContext, contexts }, file);
      out.write(`context ${name} deleted\n`);
      return;
    }
    case 'get-contexts': {
      const rows = Object.entries(data.contexts).map(([n, c]) => shown(n, c, n === data.currentContext));
      print(out, rows, () => (rows.length === 0 ? `No contexts (${file}).\n` : table(['current', 'name', 'url', 'token', 'ca file'], rows.map((r) => [r.current ? '*' : '', r.name, r.url, r.token, r.caFile ?? '']))));
      return;
    }
    case 'current-context': {
      if (data.currentContext === null) throw usageError('no current context (conveyor config set-context <name> --url URL makes one)');
      out.write(`${data.currentContext}\n`);
      return;
    }
    default:
      throw usageError(`unknown config command ${sub ?? ''}: set-context, use-context, get-contexts, current-context, delete-context`);
  }
}
