import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { githubSlugger } from './slug.js';

// `githubSlugger` slugs plain words without github-slugger's Unicode pattern
// and numbers repeats itself: it must give exactly what the library gives,
// heading after heading.

describe('githubSlugger', () => {
  it('gives what github-slugger gives, on 2,000 documents of generated headings', () => {
    const random = seededRandom(11);
    // Plain words, every ASCII character, and characters whose lower case is
    // ASCII (the Kelvin sign) or longer (the dotted capital I).
    const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
    const pieces = ['Overview', 'overview', 'How It Works', 'a', 'A', '-', '_', ' ', '  ', '1', '-1', 'Café', 'Σ', '\u212A', 'İ', '😀', '.', '(', ...ascii];
    let plain = 0;
    let repeated = 0;
    for (let doc = 0; doc < 2000; doc++) {
      const ours = githubSlugger();
      const theirs = new GithubSlugger();
      const seen = new Set<string>();
      for (let h = 0; h < 12; h++) {
        let text = '';
        const parts = 1 + Math.floor(random() * 4);
        for (let k = 0; k < parts; k++) text += pieces[Math.floor(random() * pieces.length)];
        const expected = theirs.slug(text);
        expect(ours.slug(text), JSON.stringify(text)).toBe(expected);
        if (/^[a-z0-9 _-]*$/.test(text.toLowerCase())) plain++;
        if (seen.has(expected.replace(/-\d+$/, ''))) repeated++;
        seen.add(expected);
      }
    }
    // Both paths ran often, and so did the numbering of repeats.
    expect(plain).toBeGreaterThan(2000);
    expect(24000 - plain).toBeGreaterThan(2000);
    expect(repeated).toBeGreaterThan(1000);
  });

  it('numbers repeats as GitHub does, past a heading that already ends in -1', () => {
    const slugger = githubSlugger();
    expect(['Setup', 'Setup-1', 'Setup', 'setup', 'Setup 1'].map((text) => slugger.slug(text))).toEqual(['setup', 'setup-1', 'setup-2', 'setup-3', 'setup-1-1']);
  });
});
