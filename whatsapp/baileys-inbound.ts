import { baileys, type WAMessage } from './baileys';
import type { InboundMessage } from './message-store';

const USER_SERVER = '@s.whatsapp.net';
const MEDIA_KINDS = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
] as const;

/**
 * A Baileys message as an inbound message, or null for what is not a customer
 * writing to the business: our own messages, groups, status broadcasts,
 * protocol messages (receipts, edits, deletes) and senders without a phone number.
 * Needs `loadBaileys()` to have resolved.
 */
export function inboundFromBaileys(message: WAMessage): InboundMessage | null {
  const key = message.key;
  if (!key?.id || key.fromMe) return null;
  const contactE164 = phoneOf(key.remoteJid) ?? phoneOf(key.remoteJidAlt);
  if (!contactE164) return null;
  const { BufferJSON, normalizeMessageContent } = baileys();
  const content = normalizeMessageContent(message.message);
  if (!content || content.protocolMessage || content.reactionMessage) return null;
  let body: string | null = content.conversation ?? content.extendedTextMessage?.text ?? null;
  let mediaType: string | null = null;
  let mediaSizeBytes: number | null = null;
  for (const [field, kind] of MEDIA_KINDS) {
    const media = content[field] as { mimetype?: string | null; fileLength?: unknown; caption?: string | null } | null | undefined;
    if (!media) continue;
    mediaType = media.mimetype ?? kind;
    mediaSizeBytes = sizeOf(media.fileLength);
    body ??= media.caption ?? null;
    break;
  }
  if (body === null && mediaType === null) return null;
  const seconds = Number(message.messageTimestamp ?? 0);
  return {
    providerMessageId: key.id,
    contactE164,
    contactName: message.pushName ?? null,
    body,
    mediaType,
    mediaSizeBytes,
    receivedAt: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    payload: JSON.parse(JSON.stringify(message, BufferJSON.replacer)) as unknown,
  };
}

/** '972501234567@s.whatsapp.net' (or with a device, '972501234567:3@...') → '+972501234567'. */
export function phoneOf(jid: string | null | undefined): string | null {
  if (!jid?.endsWith(USER_SERVER)) return null;
  const digits = jid.slice(0, -USER_SERVER.length).split(':')[0]!;
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
}

/** '+972501234567' → '972501234567@s.whatsapp.net'. */
export function jidOf(e164: string): string {
  return `${e164.replace(/^\+/, '')}${USER_SERVER}`;
}

function sizeOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const size = Number(typeof value === 'object' && 'toString' in value ? value.toString() : value);
  return Number.isFinite(size) && size >= 0 ? Math.min(size, 2 ** 31 - 1) : null;
}
