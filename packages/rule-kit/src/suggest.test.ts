import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { normalizeForMatch, normalizeUnicode } from './suggest.js';

describe('normalizeForMatch', () => {
  it('gives what the regular expressions give, on 50,000 generated names', () => {
    const random = seededRandom(5);
    const alphabet = ['a', 'Z', 'q', '0', '9', '/', '.', '&', '-', '_', ' ', '  ', '\t', '\n', 'É', 'ß', 'İ', '\u00a0', 'ς', '&amp;'];
    let ascii = 0;
    for (let i = 0; i < 50_000; i++) {
      const length = Math.floor(random() * 12);
      let text = '';
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * (random() < 0.9 ? 14 : alphabet.length))];
      if (/^[\x00-\x7f]*$/.test(text)) ascii++;
      expect(normalizeForMatch(text), JSON.stringify(text)).toBe(normalizeUnicode(text));
    }
    // Most texts must take the one-pass route for the comparison to test it.
    expect(ascii).toBeGreaterThan(25_000);
  });
});
