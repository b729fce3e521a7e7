import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { batchWrites } from './write-batch';

/** Counts the system-call-level writes of a client socket (net.Socket's _write and _writev). */
function countWrites(webSocket: WebSocket): { writes: number } {
  const socket = (webSocket as unknown as { _socket: Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void } })._socket;
  const counter = { writes: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method].bind(socket);
    socket[method] = (...args: unknown[]) => {
      counter.writes += 1;
      original(...args);
    };
  }
  return counter;
}

describe('batchWrites', () => {
  let server: WebSocketServer;
  let received: string[];
  let client: WebSocket;

  beforeEach(async () => {
    received = [];
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => socket.on('message', (data) => received.push(data.toString())));
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    await new Promise((resolve) => client.once('open', resolve));
  });

  afterEach(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const arrived = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (received.length >= count ? resolve() : setTimeout(check, 5));
      check();
    });

  it('sends the messages of one tick in a single write, in order', async () => {
    const counter = countWrites(client);
    for (const text of ['one', 'two', 'three']) {
      batchWrites(client);
      client.send(text);
    }
    expect(counter.writes).toBe(0); // held until the microtasks run
    await arrived(3);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(counter.writes).toBe(1);
  });

  it('without it, each message is its own write', async () => {
    const counter = countWrites(client);
    for (const text of ['one', 'two', 'three']) client.send(text);
    await arrived(3);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(counter.writes).toBe(3);
  });

  it('batches several sockets in the same tick, each in one write', async () => {
    const { port } = server.address() as { port: number };
    const second = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    await new Promise((resolve) => second.once('open', resolve));
    const counters = [countWrites(client), countWrites(second)];
    for (const text of ['a1', 'a2']) {
      batchWrites(client);
      client.send(text);
      batchWrites(second);
      second.send(text.replace('a', 'b'));
    }
    expect(counters.map((c) => c.writes)).toEqual([0, 0]);
    await arrived(4);
    expect([...received].sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(counters.map((c) => c.writes)).toEqual([1, 1]);
    second.close();
  });

  it('lets the next tick write again, and ignores a closed socket', async () => {
    batchWrites(client);
    client.send('first');
    await arrived(1);
    batchWrites(client);
    client.send('second');
    await arrived(2);
    expect(received).toEqual(['first', 'second']);
    client.terminate();
    expect(() => batchWrites(client)).not.toThrow();
  });
});
