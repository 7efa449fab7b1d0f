/**
 * Runs inside a network namespace (`ip netns exec <ns> node ns-forwarder.ts <target host> <port>...`): listens on
 * the namespace's own 127.0.0.1:<port> and forwards each connection to <target host>:<port>, the host end of the
 * namespace's veth, where test/helpers/fault-relay.ts relays it on to the real server. A worker inside the namespace
 * keeps its 127.0.0.1 addresses (Kafka's advertised listener among them) while every byte crosses the fault relay.
 * Prints "ready" once all ports listen.
 */
import net from 'node:net';

const [target, ...ports] = process.argv.slice(2);
if (target === undefined || ports.length === 0) throw new Error('usage: ns-forwarder.ts <target host> <port>...');

await Promise.all(
  ports.map(
    (p) =>
      new Promise<void>((resolve, reject) => {
        const server = net.createServer((client) => {
          const upstream = net.connect(Number(p), target);
          client.pipe(upstream).pipe(client);
          const end = (): void => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', end).on('close', end);
          upstream.on('error', end).on('close', end);
        });
        server.once('error', reject);
        server.listen(Number(p), '127.0.0.1', () => resolve());
      }),
  ),
);
process.stdout.write('ready\n');
