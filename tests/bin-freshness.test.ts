import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// bin/kblint.js runs the esbuild bundle when it is current, else the
// compiled modules. Here both are stand-ins that say which one ran, in a
// copy of the package's layout.
const BIN = path.resolve(import.meta.dirname, '../packages/cli/bin/kblint.js');

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function layout(inputs: string[]): string {
  dir = mkdtempSync(path.join(tmpdir(), 'kblint-bin-'));
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'dist/bundle/lib'), { recursive: true });
  copyFileSync(BIN, path.join(dir, 'bin/kblint.js'));
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  const say = (what: string) => `export async function main() { process.stdout.write('${what}\\n'); return 0; }\n`;
  writeFileSync(path.join(dir, 'dist/main.js'), say('compiled modules'));
  writeFileSync(path.join(dir, 'dist/bundle/lib/main.js'), say('bundle'));
  writeFileSync(path.join(dir, 'dist/bundle/inputs.json'), JSON.stringify(inputs.map((input) => path.join(dir, input))));
  return dir;
}

const run = () => execFileSync(process.execPath, [path.join(dir, 'bin/kblint.js')], { encoding: 'utf8' }).trim();

function touch(file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  writeFileSync(path.join(dir, file), '');
  utimesSync(path.join(dir, file), when, when);
}

describe('bin/kblint.js', () => {
  it('runs the bundle while every module it was built from is older', () => {
    layout(['src/a.js', 'src/b.js']);
    mkdirSync(path.join(dir, 'src'));
    touch('src/a.js', 60);
    touch('src/b.js', 60);
    expect(run()).toBe('bundle');
  });

  it('runs the compiled modules once one of them is newer than the bundle', () => {
    layout(['src/a.js', 'src/b.js']);
    mkdirSync(path.join(dir, 'src'));
    touch('src/a.js', 60);
    touch('src/b.js', -60);
    expect(run()).toBe('compiled modules');
  });

  it('runs the bundle when the modules it was built from are not there (an installed copy)', () => {
    layout(['../workspace/core/dist/index.js']);
    expect(run()).toBe('bundle');
  });

  it('runs the compiled modules when the bundle or its list of inputs is missing', () => {
    layout([]);
    rmSync(path.join(dir, 'dist/bundle/inputs.json'));
    expect(run()).toBe('compiled modules');
  });
});
