import { buildSessionUpdate, defaultProfile } from './assistant-profile';
import { StaticAssistantTools, TOOL_DEFINITIONS } from './assistant-tools';

const context = { businessId: 'b', callSid: 'CA1' };

describe('StaticAssistantTools', () => {
  const tools = new StaticAssistantTools([{ question: 'מה שעות הפתיחה?', answer: 'א-ה 9:00-18:00' }]);

  it('answers an FAQ by normalised Hebrew text', async () => {
    await expect(tools.invoke('answer_faq', { question: 'מה שְׁעוֹת הפתיחה שלכם' }, context)).resolves.toEqual({ output: { found: true, answer: 'א-ה 9:00-18:00' } });
    await expect(tools.invoke('answer_faq', { question: 'יש חניה?' }, context)).resolves.toEqual({ output: { found: false } });
  });

  it('answers booking tools with "not available yet" so the assistant never claims a booking', async () => {
    const result = await tools.invoke('book_appointment', { slotStart: 'x', name: 'n', phone: 'p' }, context);
    expect(result.output).toMatchObject({ ok: false, error: 'not_available_yet' });
    expect(result.endCall).toBeUndefined();
  });

  it('ends the call on end_call', async () => {
    await expect(tools.invoke('end_call', {}, context)).resolves.toEqual({ output: { ok: true }, endCall: true });
  });
});

describe('session.update', () => {
  it('uses GA fields only: audio/pcmu both ways, server VAD, Hebrew transcription, voice and tools', () => {
    const update = buildSessionUpdate(defaultProfile('b', 'מספרה'), TOOL_DEFINITIONS) as { session: Record<string, unknown> };
    for (const beta of ['input_audio_format', 'output_audio_format', 'input_audio_transcription', 'turn_detection', 'modalities', 'voice']) {
      expect(update.session).not.toHaveProperty(beta);
    }
    expect(update.session).toMatchObject({
      type: 'realtime',
      audio: {
        input: { format: { type: 'audio/pcmu' }, transcription: { language: 'he' }, turn_detection: { type: 'server_vad', threshold: 0.55, prefix_padding_ms: 300, silence_duration_ms: 650 } },
        output: { format: { type: 'audio/pcmu' }, voice: 'ash' },
      },
    });
    expect((update.session.tools as unknown[]).length).toBe(TOOL_DEFINITIONS.length);
  });
});
