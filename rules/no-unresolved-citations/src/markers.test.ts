import type { TextSegment } from '@kblint/rule-kit';
import type { Text } from 'mdast';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { unbalancedMarkers } from './index.js';

/** The character-by-character scan `unbalancedMarkers` replaced, kept as its definition. */
function plainMarkers(segments: TextSegment[]) {
  const markers: Array<{ text: string; number: string; start: number; end: number }> = [];
  let open = 0;
  for (const segment of segments) {
    const raw = segment.raw;
    for (let i = 0; i < raw.length; i++) {
      const char = raw[i];
      if (char === '(') {
        open++;
        continue;
      }
      if (char !== ')') continue;
      if (open > 0) {
        open--;
        continue;
      }
      let digits = 0;
      while (digits < 4 && /[0-9]/.test(raw[i - digits - 1] ?? '')) digits++;
      if (digits === 0 || digits > 3) continue;
      const wordEnd = raw[i - digits - 1];
      if (wordEnd === undefined || !/\p{L}/u.test(wordEnd)) continue;
      const start = i - digits;
      markers.push({ text: raw.slice(start, i + 1), number: raw.slice(start, i), start: segment.offset + start, end: segment.offset + i + 1 });
    }
  }
  return markers;
}

describe('unbalancedMarkers', () => {
  it('finds what a scan of every character finds, in 20,000 generated blocks', () => {
    const random = seededRandom(13);
    const pieces = ['(', ')', '((', '))', 'making', 'é', '3', '12', '1234', ' ', 'see ', 'GPT-4', '.', 'x3)', 'word12)'];
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      const segments: TextSegment[] = [];
      let offset = 0;
      for (let s = 1 + Math.floor(random() * 3); s > 0; s--) {
        let raw = '';
        for (let k = Math.floor(random() * 10); k > 0; k--) raw += pieces[Math.floor(random() * pieces.length)];
        segments.push({ node: { type: 'text', value: raw } as Text, raw, offset });
        offset += raw.length + 5;
      }
      const expected = plainMarkers(segments);
      found += expected.length;
      expect(unbalancedMarkers(segments), JSON.stringify(segments.map((s) => s.raw))).toEqual(expected);
    }
    expect(found).toBeGreaterThan(2_000);
  });
});
