import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { displayPath } from './results.js';

/** What `displayPath` returned before its shortcut for paths inside the working directory. */
function plainDisplayPath(file: string, cwd: string): string {
  return path.relative(cwd, file).split(path.sep).join('/');
}

describe('displayPath', () => {
  it('gives what path.relative gives, for paths inside, beside and above the working directory', () => {
    const random = seededRandom(7);
    const parts = ['a', 'b', 'kb', 'content', '.', '..', '', '.hidden', 'x.md', 'a b', 'é'];
    const pick = () => parts[Math.floor(random() * parts.length)] as string;
    const makePath = () => `/${Array.from({ length: 1 + Math.floor(random() * 5) }, pick).join('/')}`;
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const cwd = random() < 0.5 ? path.resolve(makePath()) : makePath();
      const file = random() < 0.7 ? `${cwd}/${Array.from({ length: 1 + Math.floor(random() * 3) }, pick).join('/')}` : makePath();
      if (file.startsWith(`${cwd}/`)) inside++;
      expect(displayPath(file, cwd), `${file} from ${cwd}`).toBe(plainDisplayPath(file, cwd));
    }
    // Most cases must take the shortcut for the comparison to mean anything.
    expect(inside).toBeGreaterThan(10_000);
  });
});
