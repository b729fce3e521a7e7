/**
 * The one place Baileys is loaded. Baileys 7 ships ES modules only and this
 * project compiles to CommonJS: Node 24 loads it with require() (require(esm)),
 * jest through the transform in jest.config.js. Everything else imports from here.
 */
import type * as Baileys from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a static import would be a TS1479 error.
const baileys = require('@whiskeysockets/baileys') as typeof Baileys;

export const { BufferJSON, DisconnectReason, initAuthCreds, makeCacheableSignalKeyStore, normalizeMessageContent, proto, fetchLatestBaileysVersion } = baileys;
export const makeWASocket = baileys.makeWASocket;

export type {
  AuthenticationCreds,
  AuthenticationState,
  ConnectionState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  WAMessage,
  WAMessageContent,
  WAMessageKey,
  WASocket,
  BaileysEventMap,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
