/** Keypad digits Twilio may report in a `dtmf` message. */
const DTMF_DIGIT = /^[0-9*#]$/;
export const DTMF_TERMINATOR = '#';
const MAX_DTMF_DIGITS = 32;

export type DtmfFlushReason = 'terminator' | 'idle' | 'overflow' | 'end';

/**
 * Collects keypad digits into one entry: '#' ends it at once, otherwise it is
 * handed over after `idleMs` without a new digit. The timer is unref'd and
 * checks it is still the current one before acting.
 */
export class DtmfAggregator {
  #digits = '';
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly idleMs: number,
    readonly onEntry: (digits: string, reason: DtmfFlushReason) => void,
  ) {
    if (!Number.isFinite(idleMs) || idleMs <= 0) throw new RangeError(`idleMs must be a positive number, got ${idleMs}`);
  }

  /** Returns false (and ignores it) when `digit` is not a keypad digit. */
  push(digit: unknown): boolean {
    if (typeof digit !== 'string' || !DTMF_DIGIT.test(digit)) return false;
    if (digit === DTMF_TERMINATOR) {
      this.flush('terminator');
      return true;
    }
    this.#digits += digit;
    if (this.#digits.length >= MAX_DTMF_DIGITS) {
      this.flush('overflow');
      return true;
    }
    this.#arm();
    return true;
  }

  flush(reason: DtmfFlushReason): void {
    this.#disarm();
    const digits = this.#digits;
    this.#digits = '';
    if (digits) this.onEntry(digits, reason);
  }

  /** Drops pending digits and the timer without reporting them. */
  reset(): void {
    this.#disarm();
    this.#digits = '';
  }

  get pending(): string {
    return this.#digits;
  }

  #arm(): void {
    this.#disarm();
    const timer = setTimeout(() => {
      if (this.#timer !== timer) return;
      this.#timer = null;
      this.flush('idle');
    }, this.idleMs);
    timer.unref();
    this.#timer = timer;
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** The user text item the model receives for a keypad entry: digits as numerals plus context. */
export function dtmfModelText(digits: string): string {
  return `[keypad] The caller typed on the phone keypad: ${digits}. Treat these digits as the caller's answer to your last question (for example a phone number or a menu choice).`;
}
