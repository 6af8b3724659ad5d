import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type ResolvedConfig } from './config.js';
import { builtinRules } from './rules.generated.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kblint-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const load = (files: Record<string, string>) => loadConfig({ cwd: project(files), rules: builtinRules });

/** The rules whose setting differs from the built-in default. */
function changed(config: ResolvedConfig): Record<string, unknown> {
  const defaults = new Map(builtinRules.map((rule) => [rule.meta.id, { severity: rule.meta.defaultSeverity ?? 'error', options: rule.meta.defaults ?? {} }]));
  return Object.fromEntries([...config.rules].filter(([id, setting]) => JSON.stringify(setting) !== JSON.stringify(defaults.get(id))));
}

describe('loadConfig: YAML configs', () => {
  it('reads `.kblintrc`, `.kblintrc.yaml` and `.config/kblintrc.yml` as YAML', async () => {
    for (const name of ['.kblintrc', '.kblintrc.yaml', '.config/kblintrc.yml']) {
      const config = await load({ [name]: 'ignore: [drafts/**]\nrules:\n  no-empty-sections: warn\n' });
      expect(config.ignore, name).toEqual(['drafts/**']);
      expect(changed(config), name).toEqual({ 'no-empty-sections': { severity: 'warn', options: builtinRules.find((r) => r.meta.id === 'no-empty-sections')?.meta.defaults } });
    }
  });

  it('reads anchors, aliases and `<<` merge keys, as js-yaml did', async () => {
    const config = await load({
      '.kblintrc.yml': [
        'ignore: &drafts [drafts/**, "**/_*.md"]',
        'rules:',
        '  <<: { no-empty-sections: warn, valid-taxonomy: off }',
        '  no-empty-sections: error',
        '  valid-frontmatter: [warn, { required: *drafts }]',
        '',
      ].join('\n'),
    });
    expect(config.ignore).toEqual(['drafts/**', '**/_*.md']);
    expect(changed(config)).toEqual({
      'valid-taxonomy': { severity: 'off', options: { enforceFolders: true } },
      'valid-frontmatter': { severity: 'warn', options: { required: ['drafts/**', '**/_*.md'] } },
    });
  });

  it('reads an unquoted date as a date, as js-yaml did, so a string option refuses it', async () => {
    await expect(load({ '.kblintrc.yml': 'rules:\n  valid-frontmatter: [warn, { required: [title, 2024-01-31] }]\n' })).rejects.toThrow(
      /^\.kblintrc\.yml: `rules\.valid-frontmatter\.required\.1`: invalid option; must be string$/,
    );
  });

  const refused: Array<[string, string, string]> = [
    [
      'a syntax error',
      'rules: [\n',
      '.kblintrc.yml: `config`: could not be loaded: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
    ],
    [
      'a duplicate key',
      'rules:\n  valid-taxonomy: warn\n  valid-taxonomy: off\n',
      '.kblintrc.yml: `config`: could not be loaded: invalid YAML: Map keys must be unique at line 3, column 3',
    ],
    ['an unknown tag', 'content: !path content\n', '.kblintrc.yml: `config`: could not be loaded: invalid YAML: Unresolved tag: !path at line 1, column 10'],
    ['two documents', 'content: a\n---\ncontent: b\n', '.kblintrc.yml: `config`: could not be loaded: invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments() at line 2, column 1'],
    ['a merge of a list', 'a: &a [1]\nrules:\n  <<: *a\n', '.kblintrc.yml: `config`: could not be loaded: invalid YAML: Merge sources must be maps or map aliases'],
  ];
  for (const [name, text, message] of refused) {
    it(`names the file and the problem for ${name}`, async () => {
      const error = await load({ '.kblintrc.yml': text }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ConfigError', message });
    });
  }
});

describe('loadConfig: JSON configs', () => {
  it('reads `.kblintrc.json` and the `kblint` key of package.json', async () => {
    expect(changed(await load({ '.kblintrc.json': '{"rules": {"no-duplicate-titles": "warn"}}' }))).toEqual({
      'no-duplicate-titles': { severity: 'warn', options: {} },
    });
    expect(changed(await load({ 'package.json': '{"name": "kb", "kblint": {"rules": {"no-duplicate-titles": 0}}}' }))).toEqual({
      'no-duplicate-titles': { severity: 'off', options: {} },
    });
  });

  it('names the file and the problem, not cosmiconfig`s heading or a code frame', async () => {
    const error = await load({ '.kblintrc.json': '{"rules":' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: '.kblintrc.json: `config`: could not be loaded: Unexpected end of JSON input while parsing "{\\"rules\\":"' });
  });
});

describe('rule options', () => {
  const withOptions = { '.kblintrc.yml': 'rules:\n  valid-taxonomy: [warn, { enforceFolders: false }]\n' };
  const badOptions = { '.kblintrc.yml': 'rules:\n  valid-frontmatter: [warn, { requried: [title] }]\n' };
  const badMessage = '.kblintrc.yml: `rules.valid-frontmatter`: invalid option: `requried`; must NOT have additional properties';

  it('are validated when loadConfig reads them', async () => {
    expect(changed(await load(withOptions))).toEqual({ 'valid-taxonomy': { severity: 'warn', options: { enforceFolders: false } } });
    await expect(load(badOptions)).rejects.toThrow(badMessage);
  });

  it('are validated by resolveConfig called directly, before anything loaded the validator', async () => {
    // A fresh copy of the module: the validator is loaded once per module.
    vi.resetModules();
    const { resolveConfig } = await import('./config.js');
    const cwd = project({});
    const configPath = path.join(cwd, '.kblintrc.yml');
    const bad = () => resolveConfig({ rules: { 'valid-frontmatter': ['warn', { requried: ['title'] }] } }, { cwd, configPath, rules: builtinRules });
    expect(bad).toThrow(badMessage);
    const good = resolveConfig({ rules: { 'valid-taxonomy': ['warn', { enforceFolders: false }] } }, { cwd, configPath, rules: builtinRules });
    expect(good.rules.get('valid-taxonomy')).toEqual({ severity: 'warn', options: { enforceFolders: false } });
  });
});
