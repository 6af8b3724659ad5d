import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LintCache } from './cache.js';
import { loadConfig } from './config.js';
import { rememberConfig, rememberedConfig, type ConfigRequest } from './config-memo.js';
import { builtinRules } from './rules.generated.js';
import { lint } from './runner.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MINUTE_AGO = () => new Date(Date.now() - 60_000);

/** Writes files and sets every path under `dir` (folders too) a minute back, as an untouched checkout. */
function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  age();
}

function age(): void {
  const past = MINUTE_AGO();
  const walk = (folder: string) => {
    utimesSync(folder, past, past);
    for (const name of ['', 'content', '.config', '.kblintcache', 'sub']) {
      const child = path.join(folder, name);
      if (name && child !== folder) {
        try {
          utimesSync(child, past, past);
        } catch {
          // Not there.
        }
      }
    }
  };
  walk(dir);
  for (const name of ['.kblintrc', '.kblintrc.yml', 'taxonomy.yml', 'package.json', '.config/kblintrc.yml', 'kblint.config.js', 'sub/.kblintrc.yml']) {
    try {
      utimesSync(path.join(dir, name), past, past);
    } catch {
      // Not there.
    }
  }
}

function setup(files: Record<string, string> = {}): ConfigRequest {
  dir = mkdtempSync(path.join(tmpdir(), 'kblint-memo-'));
  mkdirSync(path.join(dir, 'content'));
  mkdirSync(path.join(dir, '.kblintcache'));
  write({
    'package.json': '{"name": "kb"}\n',
    '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  no-empty-sections: warn\n',
    'taxonomy.yml': 'categories:\n  - { name: Reasoning, slug: reasoning }\n',
    ...files,
  });
  return { cwd: dir, allowCode: true, rules: builtinRules };
}

const cacheFolder = () => path.join(dir, '.kblintcache');

/** Loads the config as a run would, and remembers it. */
async function loadAndRemember(request: ConfigRequest) {
  const since = Date.now();
  const config = await loadConfig({ cwd: request.cwd, rules: request.rules, allowCode: request.allowCode });
  rememberConfig(cacheFolder(), request, config, since);
  return config;
}

describe('the remembered config', () => {
  it('is the config as loaded, while nothing it came from changed', async () => {
    const request = setup();
    const loaded = await loadAndRemember(request);
    const remembered = rememberedConfig(cacheFolder(), request);
    expect(remembered).toEqual(loaded);
    expect(remembered?.rules.get('no-empty-sections')).toEqual({ severity: 'warn', options: loaded.rules.get('no-empty-sections')?.options });
  });

  it('is forgotten when the config or the taxonomy file is edited', async () => {
    const request = setup();
    await loadAndRemember(request);
    writeFileSync(path.join(dir, '.kblintrc.yml'), 'content: content\ntaxonomy: taxonomy.yml\n');
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();

    await loadAndRemember(request);
    age();
    await loadAndRemember(request);
    expect(rememberedConfig(cacheFolder(), request)).toBeDefined();
    writeFileSync(path.join(dir, 'taxonomy.yml'), 'categories:\n  - { name: Tools, slug: tools }\n');
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();
  });

  it('is forgotten when a config appears that the search would find first, or package.json changes', async () => {
    const request = setup({ 'sub/placeholder.txt': '' });
    const inner: ConfigRequest = { ...request, cwd: path.join(dir, 'sub') };
    await loadAndRemember(inner);
    expect(rememberedConfig(cacheFolder(), inner)?.configPath).toBe(path.join(dir, '.kblintrc.yml'));
    // A config in the working directory, closer than the one found above it.
    writeFileSync(path.join(dir, 'sub/.kblintrc.yml'), 'content: ../content\n');
    expect(rememberedConfig(cacheFolder(), inner)).toBeUndefined();

    rmSync(path.join(dir, 'sub/.kblintrc.yml'));
    age();
    await loadAndRemember(request);
    expect(rememberedConfig(cacheFolder(), request)).toBeDefined();
    // Same size and folder, new content: package.json may now carry a `kblint` key.
    writeFileSync(path.join(dir, 'package.json'), '{"name": "kc"}\n');
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();
  });

  it('is forgotten when an empty config the search skipped is filled in', async () => {
    // `.kblintrc` comes before `.kblintrc.yml` in the search; empty, it is skipped.
    const request = setup({ '.kblintrc': '' });
    expect((await loadAndRemember(request)).configPath).toBe(path.join(dir, '.kblintrc.yml'));
    expect(rememberedConfig(cacheFolder(), request)).toBeDefined();
    writeFileSync(path.join(dir, '.kblintrc'), 'content: content\n');
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();
    expect((await loadConfig({ cwd: dir, rules: builtinRules })).configPath).toBe(path.join(dir, '.kblintrc'));
  });

  it('is kept by the first run, which creates the cache folder', async () => {
    setup({ 'content/reasoning/a.md': '---\ntitle: A\ncategory: Reasoning\n---\n\n# A\n\nText.\n' });
    rmSync(cacheFolder(), { recursive: true });
    age();
    const first = await lint({ cwd: dir, cache: new LintCache(cacheFolder()) });
    expect(rememberedConfig(cacheFolder(), { cwd: dir, allowCode: true, rules: builtinRules })).toEqual(first.config);
  });

  it('is forgotten when a `.config` folder appears', async () => {
    const request = setup();
    await loadAndRemember(request);
    mkdirSync(path.join(dir, '.config'));
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();
  });

  it('is only for the same request: working directory, --config, code configs allowed, rule set', async () => {
    const request = setup();
    await loadAndRemember(request);
    expect(rememberedConfig(cacheFolder(), { ...request, allowCode: false })).toBeUndefined();
    expect(rememberedConfig(cacheFolder(), { ...request, configFile: '.kblintrc.yml' })).toBeUndefined();
    expect(rememberedConfig(cacheFolder(), { ...request, rules: builtinRules.slice(1) })).toBeUndefined();
    expect(rememberedConfig(cacheFolder(), request)).toBeDefined();
  });

  it('is not kept for a config that runs code, or for files changed just now', async () => {
    const request = setup({ 'kblint.config.js': 'export default { content: "content" };\n' });
    rmSync(path.join(dir, '.kblintrc.yml'));
    age();
    expect((await loadAndRemember(request)).configPath).toBe(path.join(dir, 'kblint.config.js'));
    expect(rememberedConfig(cacheFolder(), request)).toBeUndefined();

    const fresh = setup();
    writeFileSync(path.join(dir, 'taxonomy.yml'), 'categories:\n  - { name: Reasoning, slug: reasoning }\n');
    await loadAndRemember(fresh);
    expect(rememberedConfig(cacheFolder(), fresh)).toBeUndefined();
  });

  it('is what a cached run takes on its next run', async () => {
    setup({ 'content/reasoning/a.md': '---\ntitle: A\ncategory: Reasoning\n---\n\n# A\n\nText.\n' });
    const first = await lint({ cwd: dir, cache: new LintCache(cacheFolder()) });
    const remembered = rememberedConfig(cacheFolder(), { cwd: dir, allowCode: true, rules: builtinRules });
    expect(remembered).toEqual(first.config);
    // A remembered config that no longer holds is not used: the run reads the edited config.
    writeFileSync(path.join(dir, '.kblintrc.yml'), 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  no-empty-sections: off\n');
    const second = await lint({ cwd: dir, cache: new LintCache(cacheFolder()) });
    expect(second.config.rules.get('no-empty-sections')?.severity).toBe('off');
  });
});
