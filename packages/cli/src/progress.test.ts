import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.js';

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 60 });
  const written: string[] = [];
  out.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { out, written };
}

describe('progressBar', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const { out, written } = stream(false);
    const bar = progressBar(out, 0);
    bar.update(5, 10);
    bar.end();
    expect(written).toEqual([]);
  });

  it('draws nothing during the first second', () => {
    const { out, written } = stream(true);
    const bar = progressBar(out);
    bar.update(5, 10);
    bar.end();
    expect(written).toEqual([]);
  });

  it('draws the bar once the delay has passed, and clears it at the end', () => {
    const { out, written } = stream(true);
    const bar = progressBar(out, 0);
    bar.update(5, 10);
    bar.end();
    expect(written).toEqual([`\r\x1b[2Kkblint [${'#'.repeat(15)}${' '.repeat(15)}] 5/10 files`, '\r\x1b[2K']);
  });
});
