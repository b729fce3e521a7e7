import type { Socket } from 'node:net';
import type WebSocket from 'ws';

/**
 * The sockets corked in this task, in a slot array reused forever. Not a Set: clearing a Set that
 * lives in the old generation allocates its new table there too (~115 bytes a time), and a flush
 * per incoming message made that megabytes a second of old-space garbage, i.e. frequent and long
 * full GCs.
 */
const corked: Array<Socket | null> = [];
let corkedCount = 0;

function flush(): void {
  for (let i = 0; i < corkedCount; i += 1) {
    const socket = corked[i]!;
    corked[i] = null;
    socket.uncork();
  }
  corkedCount = 0;
}

/**
 * Holds back this socket's writes until the current task's microtasks run, so every message sent
 * to it meanwhile (several Twilio frames read in one chunk, a frame and its mark) leaves in one
 * `writev`. The system call, not the JavaScript, is most of what relaying a frame costs. ws has no
 * batching API of its own; its net.Socket is `_socket`, and ws's own cork/uncork nests inside ours
 * (ws uncorks before send returns, so a socket still corked here is one this task already holds).
 */
export function batchWrites(webSocket: WebSocket): void {
  const socket = (webSocket as unknown as { _socket?: Socket | null })._socket;
  if (!socket || socket.destroyed || socket.writableCorked > 0) return;
  socket.cork();
  if (corkedCount === 0) queueMicrotask(flush);
  corked[corkedCount] = socket;
  corkedCount += 1;
}
