/**
 * The one place Baileys is loaded. Baileys 7 ships ES modules only and this
 * project compiles to CommonJS, so it is loaded with a dynamic import() (Node and
 * tsx load it as ESM; jest turns it into a require through the transform in
 * jest.config.js). Call `loadBaileys()` once before using `baileys()`.
 */
import type * as Baileys from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

export type BaileysModule = typeof Baileys;

let loading: Promise<BaileysModule> | null = null;
let loaded: BaileysModule | null = null;

export function loadBaileys(): Promise<BaileysModule> {
  loading ??= import('@whiskeysockets/baileys').then((module) => (loaded = module));
  return loading;
}

/** The loaded module, for synchronous code that runs after `loadBaileys()` resolved. */
export function baileys(): BaileysModule {
  if (!loaded) throw new Error('Baileys is not loaded yet: await loadBaileys() first');
  return loaded;
}

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
