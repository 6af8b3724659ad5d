import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { DEFAULT_PLACEHOLDERS, placeholderTest } from './index.js';

// The placeholder test looks at a long paragraph's first characters before
// normalising all of it. It must answer exactly as normalising everything
// does, for any text: this is that definition, written out.
const PUNCTUATION = new Set(['.', '!', ':', '…', '(', ')', '[', ']', ' ', '-', '—', '–', '*', '_']);
const normalize = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
const trim = (text: string) => {
  let start = 0;
  let end = text.length;
  while (start < end && PUNCTUATION.has(text[start] as string)) start++;
  while (end > start && PUNCTUATION.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
};
function reference(placeholders: readonly string[], text: string): boolean {
  const value = trim(normalize(text));
  if (value === '') return true;
  for (const placeholder of new Set(placeholders.map(normalize))) {
    const bare = trim(placeholder);
    if (bare !== '' && (value === bare || value.startsWith(`${bare}:`))) return true;
  }
  return false;
}

describe('placeholderTest', () => {
  it('answers as normalising the whole text does, for long and short texts alike', () => {
    const next = seededRandom(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const sets = [DEFAULT_PLACEHOLDERS, ['ΣΟΦΙΑΣ', 'n/a'], ['-- x --', 'Work in progress']];
    // Pieces that build placeholders, near misses, punctuation and whitespace runs of every length.
    // `WOR\u212A`: the Kelvin sign lower-cases to an ASCII `k`.
    const pieces = ['TODO', 'todo', 'TBD', 'Coming soon', 'coming  soon', 'FIXME', 'ΣΟΦΙΑΣ', 'σοφιας', 'n/a', 'x', 'Work in', 'WOR\u212A in', ' progress', ':', '.', '!', '…', '*', ' ', '\t', '\n', '—', 'word', 'Σ', 'The', 'Tb'];
    let checked = 0;
    let placeholders = 0;
    for (let n = 0; n < 20000; n++) {
      const set = pick(sets);
      let text = ' '.repeat(Math.floor(next() * 300) * (next() < 0.2 ? 1 : 0));
      const parts = 1 + Math.floor(next() * 8);
      for (let k = 0; k < parts; k++) text += pick(pieces);
      // Long tails: punctuation only (still a placeholder), or words.
      if (next() < 0.5) text += (next() < 0.5 ? '.!… ' : ' more words').repeat(Math.floor(next() * 120));
      const expected = reference(set, text);
      if (placeholderTest(set)(text) !== expected) expect.fail(`placeholderTest(${JSON.stringify(set)})(${JSON.stringify(text)}) should be ${expected}`);
      checked++;
      if (expected) placeholders++;
    }
    expect(checked).toBe(20000);
    // Both answers were common, long texts included.
    expect(placeholders).toBeGreaterThan(1500);
    expect(checked - placeholders).toBeGreaterThan(2000);
  });

  it('answers as normalising does where the first letters of a paragraph decide', () => {
    const cases: Array<[readonly string[], string, boolean]> = [
      [DEFAULT_PLACEHOLDERS, 'The model is trained on text.', false],
      [DEFAULT_PLACEHOLDERS, 'TBD', true],
      [DEFAULT_PLACEHOLDERS, 'Tbd: ask the authors', true],
      [DEFAULT_PLACEHOLDERS, 'TB D', false],
      [DEFAULT_PLACEHOLDERS, 'Coming\n\t soon.', true],
      [DEFAULT_PLACEHOLDERS, 'Comingsoon', false],
      // The Kelvin sign lower-cases to an ASCII `k`; the dotted capital I to two characters.
      [['Work in progress'], 'WOR\u212A in progress', true],
      [['fixit'], 'F\u0130XIT', false],
    ];
    for (const [set, text, expected] of cases) {
      expect(reference(set, text), JSON.stringify(text)).toBe(expected);
      expect(placeholderTest(set)(text), JSON.stringify(text)).toBe(expected);
    }
  });
});
