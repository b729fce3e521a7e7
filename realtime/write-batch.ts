import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const corked = new Set<Socket>();

function flush(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Holds back this socket's writes until the current task's microtasks run, so every message sent
 * to it meanwhile (several Twilio frames read in one chunk, a frame and its mark) leaves in one
 * `writev`. The system call, not the JavaScript, is most of what relaying a frame costs. ws has no
 * batching API of its own; its net.Socket is `_socket`, and ws's own cork/uncork nests inside ours.
 */
export function batchWrites(webSocket: WebSocket): void {
  const socket = (webSocket as unknown as { _socket?: Socket | null })._socket;
  if (!socket || socket.destroyed || corked.has(socket)) return;
  socket.cork();
  if (corked.size === 0) queueMicrotask(flush);
  corked.add(socket);
}
