import net from 'node:net';

/**
 * A TCP pass-through to a real server that a test can cut (every connection
 * dropped, new ones refused) and restore on the same port: a network outage
 * between one client and, say, the Temporal server, with the server still up.
 */
export class CuttableTcpProxy {
  #server: net.Server | null = null;
  readonly #sockets = new Set<net.Socket>();
  #port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** "host:port" of the proxy. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<string> {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as net.AddressInfo).port;
    return this.address;
  }

  /** Drops every connection and refuses new ones until restore(). */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  restore(): Promise<string> {
    return this.start();
  }

  stop(): Promise<void> {
    return this.cut();
  }
}

/** "host:port" → its parts. */
export function hostAndPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}
