import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { footnoteKey } from './footnote.js';

/** The definition `footnoteKey` must keep: GFM's whitespace collapsing and case folding. */
function plainKey(label: string): string {
  return label.replace(/[\t\n\r ]+/g, ' ').trim().toLowerCase().toUpperCase();
}

describe('footnoteKey', () => {
  it('gives what the plain definition gives, on 50,000 generated labels', () => {
    const random = seededRandom(3);
    const alphabet = ['a', 'B', '1', '-', '_', ':', '~', ' ', '\t', '\n', '\v', '\u007f', 'ß', 'ẞ', 'İ', 'ﬁ', 'Σ'];
    let simple = 0;
    for (let i = 0; i < 50_000; i++) {
      const length = 1 + Math.floor(random() * 8);
      let label = '';
      for (let k = 0; k < length; k++) label += alphabet[Math.floor(random() * (random() < 0.9 ? 7 : alphabet.length))];
      if (/^[!-~]+$/.test(label)) simple++;
      expect(footnoteKey(label), JSON.stringify(label)).toBe(plainKey(label));
    }
    expect(simple).toBeGreaterThan(20_000);
  });
});
