import { prefixSplits, tokenize } from './tokens';

describe('tokenize', () => {
  it('keeps digits joined by : . / - together and attaches the prefix letters written before them', () => {
    expect(tokenize('ב-14:30 וב20/3 ב 15/03')).toEqual([
      { kind: 'number', prefix: 'ב', parts: ['14', '30'], separators: [':'] },
      { kind: 'number', prefix: 'וב', parts: ['20', '3'], separators: ['/'] },
      { kind: 'number', prefix: 'ב', parts: ['15', '03'], separators: ['/'] },
    ]);
  });

  it('joins acronyms across gershayim and marks a trailing geresh', () => {
    expect(tokenize('אחה״צ יום ה׳')).toEqual([
      { kind: 'word', text: 'אחהצ', abbreviated: false },
      { kind: 'word', text: 'יומ', abbreviated: false },
      { kind: 'word', text: 'ה', abbreviated: true },
    ]);
  });

  it('splits words joined by a hyphen or maqaf and attaches a detached prefix to the next word', () => {
    expect(tokenize('שתיים־עשרה ב שלוש').map((token) => (token.kind === 'word' ? token.text : token.kind))).toEqual([
      'שתימ',
      'punctuation',
      'עשרה',
      'בשלוש',
    ]);
  });

  it('leaves a lone weekday letter after "יום" alone, and "שש" (six) as a word', () => {
    const texts = tokenize('ביום ב שש').map((token) => (token.kind === 'word' ? token.text : token.kind));
    expect(texts).toEqual(['ביומ', 'ב', 'שש']);
  });
});

describe('prefixSplits', () => {
  it('lists the word whole and then without up to three prefix letters, keeping at least two letters', () => {
    expect(prefixSplits('ובשלוש')).toEqual([
      { prefix: '', stem: 'ובשלוש' },
      { prefix: 'ו', stem: 'בשלוש' },
      { prefix: 'וב', stem: 'שלוש' },
      { prefix: 'ובש', stem: 'לוש' },
    ]);
    expect(prefixSplits('שש')).toEqual([{ prefix: '', stem: 'שש' }]);
  });
});
