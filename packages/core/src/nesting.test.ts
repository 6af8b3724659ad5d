import { describe, expect, it } from 'vitest';
import { findExcessiveNesting } from './nesting.js';

describe('findExcessiveNesting', () => {
  it('passes ordinary nesting, siblings, code and thematic breaks', () => {
    const text = '- a\n  - b\n    - c\n- d\n\n> quote\n> > nested\n\n1. one\n2. two\n\n    indented code\n\n* * *\n';
    expect(findExcessiveNesting(text, 3)).toBeUndefined();
    expect(findExcessiveNesting('- x\n'.repeat(1000), 3)).toBeUndefined();
  });

  it('finds block quotes, flat and indented lists past the limit, at the marker that crosses it', () => {
    expect(findExcessiveNesting('>>>> x\n', 3)).toEqual({ depth: 4, offset: 3 });
    expect(findExcessiveNesting('text\n- - 1) * x\n', 3)).toEqual({ depth: 4, offset: 12 });
    expect(findExcessiveNesting('- a\n  - b\n    - c\n      - d\n', 3)).toEqual({ depth: 4, offset: 24 });
    // Items continued by indentation after a lazy line are still counted.
    expect(findExcessiveNesting('- a\n  - b\nlazy\n    - c\n      - d\n', 3)).toEqual({ depth: 4, offset: 29 });
    expect(findExcessiveNesting('>'.repeat(10_000))).toEqual({ depth: 101, offset: 100 });
  });

  it('does not count text that only looks like a marker', () => {
    expect(findExcessiveNesting('-x -y\n*emphasis*\n12.5 percent\n1234567890. too long\n', 0)).toBeUndefined();
  });
});
