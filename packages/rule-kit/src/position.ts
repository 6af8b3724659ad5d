import type { Point, Range } from './types.js';

/** Maps UTF-16 offsets to 1-based lines and columns in one text. */
export class LineIndex {
  private lineStarts: number[] | undefined;

  /** The lines are found on first use: a rule that reports nothing never pays for them. */
  constructor(private readonly text: string) {}

  private get starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return (this.lineStarts = starts);
  }

  point(offset: number): Point {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1, offset };
  }

  offset(line: number, column: number): number {
    const starts = this.starts;
    const start = starts[Math.min(Math.max(line - 1, 0), starts.length - 1)] ?? 0;
    return start + column - 1;
  }
}

export function pointAtOffset(text: string, offset: number): Point {
  return new LineIndex(text).point(offset);
}

export function rangeOf(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.point(start), end: lines.point(end) };
}
