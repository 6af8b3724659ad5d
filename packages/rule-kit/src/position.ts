import type { Point, Range } from './types.js';

/** Maps UTF-16 offsets to 1-based lines and columns in one text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }

  point(offset: number): Point {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] as number) + 1, offset };
  }

  offset(line: number, column: number): number {
    const start = this.starts[Math.min(Math.max(line - 1, 0), this.starts.length - 1)] ?? 0;
    return start + column - 1;
  }
}

export function pointAtOffset(text: string, offset: number): Point {
  return new LineIndex(text).point(offset);
}

export function rangeOf(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.point(start), end: lines.point(end) };
}
