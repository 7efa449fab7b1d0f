/** Benchmark dispatcher: node --no-node-snapshot bench/run.ts <name> runs bench/<name>.ts's main(). */
const BENCHES: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  sandbox: () => import('./sandbox.ts'),
  file: () => import('./file.ts'),
  cdc: () => import('./cdc.ts'),
  es: () => import('./es.ts'),
  failover: () => import('./failover.ts'),
  kafka: () => import('./kafka.ts'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : BENCHES[name];
if (load === undefined) {
  process.stderr.write(`usage: bench/run.ts <${Object.keys(BENCHES).join('|')}> [args]\n`);
  process.exit(2);
}
await (await load()).main(args);
