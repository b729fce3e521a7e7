import { hashPassword } from '../platform/passwords';
import type { Database } from './database';
import { createDefaultLeadStatuses } from './default-lead-statuses';
import { Business, Lead, PhoneNumber, User } from './models';

export interface DemoSeedOptions {
  password: string;
  phoneNumber: string;
}

export interface DemoSeedResult {
  created: boolean;
  businessId: string;
}

const DEMO_BUSINESS_NAME = 'מספרת הדגמה';

/** Seeds the demo business once; a second run finds it by its number and changes nothing. */
export async function seedDemo(db: Database, options: DemoSeedOptions): Promise<DemoSeedResult> {
  return db.withSystemScope('seed the demo business', async () => {
    const existing = await PhoneNumber.findOne({ where: { e164: options.phoneNumber } });
    if (existing) return { created: false, businessId: existing.businessId };

    const passwordHash = await hashPassword(options.password);
    const sundayToThursday = { start: '09:00', end: '18:00' };
    const business = await Business.create({
      name: DEMO_BUSINESS_NAME,
      locale: 'he',
      timezone: 'Asia/Jerusalem',
      weeklyHours: { '0': [sundayToThursday], '1': [sundayToThursday], '2': [sundayToThursday], '3': [sundayToThursday], '4': [sundayToThursday] },
      bookingRules: {
        slotLengthMinutes: 30,
        slotIntervalMinutes: 30,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minimumNoticeMinutes: 60,
        bookingWindowDays: 30,
        maxBookingsPerDay: null,
        closedDates: [],
        dateOverrides: [],
      },
    });
    const businessId = business.id;
    await PhoneNumber.create({ businessId, e164: options.phoneNumber, channels: ['voice', 'sms', 'whatsapp'], label: 'Twilio' });
    await createDefaultLeadStatuses(businessId);

    const admin = await User.findOne({ where: { email: 'admin@prosaas.local' } });
    if (!admin) {
      await User.create({ businessId: null, email: 'admin@prosaas.local', fullName: 'מנהל מערכת', role: 'system_admin', passwordHash, locale: 'he' });
    }
    await User.create({ businessId, email: 'owner@demo.local', fullName: 'נועה בעלים', role: 'owner', passwordHash, locale: 'he' });
    await User.create({ businessId, email: 'agent@demo.local', fullName: 'איתי נציג', role: 'agent', passwordHash, locale: 'he' });

    await Lead.bulkCreate([
      { businessId, fullName: 'דנה כהן', phoneE164: '+972501234567', source: 'call', statusKey: 'new', need: 'תספורת וצבע' },
      { businessId, fullName: 'יוסי לוי', phoneE164: '+972522345678', source: 'whatsapp', statusKey: 'contacted', need: 'תספורת גברים' },
      { businessId, fullName: 'מיכל אברהם', phoneE164: '+972543456789', source: 'web', statusKey: 'appointment_set', need: 'החלקה' },
      { businessId, fullName: 'Sarah Miller', phoneE164: '+12025550147', source: 'api', statusKey: 'qualified', need: 'Haircut' },
    ]);
    return { created: true, businessId };
  });
}
