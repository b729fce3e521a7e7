/**
 * The realtime bench's floor: a TCP relay that forwards every byte between a caller and the load
 * model untouched (the caller's WebSocket upgrade and frames go straight to the model), run where
 * the service runs. What the bench measures through it is what the harness, the kernel and one
 * extra hop cost with no bridge work at all. Started by bench/realtime-calls.bench.ts.
 */
import net from 'node:net';

const [host, port] = (process.env.NULL_RELAY_TARGET ?? '').split(':');
if (!host || !port) throw new Error('NULL_RELAY_TARGET=host:port is required');

const server = net.createServer((caller) => {
  caller.setNoDelay(true);
  const model = net.connect({ host, port: Number(port) });
  model.setNoDelay(true);
  caller.pipe(model);
  model.pipe(caller);
  const close = () => {
    caller.destroy();
    model.destroy();
  };
  caller.on('error', close).on('close', close);
  model.on('error', close).on('close', close);
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as net.AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'exit') process.exit(0);
});
