import { normalizeIdentifier } from 'micromark-util-normalize-identifier';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { identifierKey } from './fast-parse.js';

// The fast parser matches footnote and definition labels by this key; it
// must be micromark's, for every label (tests/fast-parse.test.ts compares
// whole trees with remark-parse).
describe('identifierKey', () => {
  it("equals micromark's normalizeIdentifier on every ASCII character and 20,000 generated labels", () => {
    for (let code = 0; code < 128; code++) {
      const label = `a${String.fromCharCode(code)}B`;
      expect(identifierKey(label), JSON.stringify(label)).toBe(normalizeIdentifier(label));
    }
    const random = seededRandom(5);
    const pieces = ['a', 'Z', '1', '-', '_', 'smith', ' ', '  ', '\t', '\n', '\r', '\v', 'ß', 'ẞ', 'İ', '\u212A', 'ﬁ', 'Σ', '🙂', '\u00a0'];
    let plain = 0;
    for (let n = 0; n < 20_000; n++) {
      let label = '';
      const parts = 1 + Math.floor(random() * 5);
      for (let k = 0; k < parts; k++) label += pieces[Math.floor(random() * pieces.length)];
      expect(identifierKey(label), JSON.stringify(label)).toBe(normalizeIdentifier(label));
      if (/^[!-~]+$/.test(label)) plain++;
    }
    // Both ways were taken often.
    expect(plain).toBeGreaterThan(1000);
    expect(20_000 - plain).toBeGreaterThan(1000);
  });
});
