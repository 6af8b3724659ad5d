import type { KblintRule, SeveritySetting, Taxonomy } from '@kblint/rule-kit';
// Types only: ajv (and fast-uri under it) is loaded when a rule is given options.
import type { Ajv, ErrorObject } from 'ajv';
import type * as AjvModule from 'ajv';
import { cosmiconfig, type Loaders, type Options as CosmiconfigOptions } from 'cosmiconfig';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError, MODULE_NAME } from './config-error.js';

/** The config as a user writes it. */
export interface KblintConfigInput {
  $schema?: string;
  content?: string;
  taxonomy?: string | Taxonomy;
  rules?: Record<string, RuleSettingInput>;
  ignore?: string[];
}

export type RuleSettingInput = SeveritySetting | 0 | 1 | 2 | [SeveritySetting | 0 | 1 | 2, Record<string, unknown>?];

export interface RuleConfig {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

export interface ResolvedConfig {
  /** The config file, when one was found. */
  configPath?: string;
  /** The folder the config lives in (or the working directory): paths resolve from here. */
  projectRoot: string;
  contentRoot: string;
  taxonomy?: Taxonomy;
  taxonomyPath?: string;
  rules: Map<string, RuleConfig>;
  ignore: string[];
  /** Changes whenever anything that can change a finding changes. */
  hash: string;
}

export { ConfigError, MODULE_NAME } from './config-error.js';
const CODE_CONFIG = /\.(?:[cm]?js|ts)$/;

export interface LoadConfigOptions {
  cwd: string;
  /** `--config`: use this file instead of searching. */
  configFile?: string;
  /** Run JavaScript/TypeScript configs. The GitHub Action turns this off for pull requests. */
  allowCode?: boolean;
  rules: readonly KblintRule<object>[];
}

export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const allowCode = options.allowCode ?? true;
  const explorerOptions: Partial<CosmiconfigOptions> = { searchStrategy: 'project', loaders: YAML_LOADERS };
  const display = (file: string) => path.relative(options.cwd, file) || file;
  // cosmiconfig reads a `cosmiconfig` key from package.json in the working
  // directory as it is created: a broken package.json fails here.
  const explorer = await loadWith(async () => cosmiconfig(MODULE_NAME, explorerOptions), 'config', display);
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  if (options.configFile) {
    const file = path.resolve(options.cwd, options.configFile);
    if (!existsSync(file)) throw new ConfigError(display(file), '--config', 'the file does not exist');
    if (!allowCode && CODE_CONFIG.test(file)) {
      throw new ConfigError(display(file), '--config', 'a JavaScript config is not allowed here (allow-js-config is off)');
    }
    found = await loadWith(() => explorer.load(file), display(file), display);
  } else {
    const search = allowCode ? explorer : cosmiconfig(MODULE_NAME, { ...explorerOptions, searchPlaces: dataSearchPlaces() });
    found = await loadWith(() => search.search(options.cwd), 'config', display);
    if (!allowCode && found === null) {
      // Only find a code config, never load it: loading runs it, and this is
      // exactly the config a fork's pull request must not get to run.
      const notLoaded = () => ({ notLoaded: true });
      const findOnly = Object.fromEntries(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].map((ext) => [ext, notLoaded]));
      const code = await cosmiconfig(MODULE_NAME, { ...explorerOptions, loaders: { ...YAML_LOADERS, ...findOnly } })
        .search(options.cwd)
        .catch(() => null);
      if (code && CODE_CONFIG.test(code.filepath)) {
        throw new ConfigError(display(code.filepath), 'config', 'a JavaScript config is not allowed here (allow-js-config is off)');
      }
    }
  }
  const input = found?.isEmpty ? {} : (found?.config ?? {});
  if (givesRuleOptions(input)) await loadOptionsValidator();
  return resolveConfig(input, {
    cwd: options.cwd,
    ...(found ? { configPath: found.filepath } : {}),
    rules: options.rules,
  });
}

async function loadWith<T>(load: () => Promise<T>, file: string, display: (file: string) => string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const where = error instanceof Error && 'filepath' in error ? display(String(error.filepath)) : file;
    throw new ConfigError(where, 'config', `could not be loaded: ${reason(error)}`);
  }
}

/**
 * The line of a loader's error that names the problem. cosmiconfig's own
 * loaders head it with "JSON Error in <absolute path>:" (the file is named
 * anyway), and parse-json adds code frames, lines that start with `>`, `|`
 * or a line number and `|`.
 */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split('\n').map((line) => line.trim());
  const named = lines.find(
    (line, i) => line !== '' && !(i === 0 && /^(?:JSON|YAML|TypeScript) Error in /.test(line)) && !/^(?:[>|]|\d+ \|)/.test(line),
  );
  return named ?? lines[0] ?? '';
}

/**
 * Reads `.kblintrc`, `.kblintrc.yaml`/`.yml` and their `.config/` twins with
 * the `yaml` package, which every run loads anyway for the taxonomy and
 * frontmatter; cosmiconfig's default loader would load js-yaml as well.
 * Set to read configs as js-yaml did: `<<` merge keys, timestamps as dates,
 * and duplicate keys and unknown tags are errors (yaml would only warn of
 * a tag and keep the plain value).
 */
function loadYamlConfig(_filepath: string, content: string): unknown {
  // `logLevel: 'error'`: problems are thrown below, never printed.
  const doc = parseDocument(content, { merge: true, customTags: ['timestamp'], logLevel: 'error' });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' || w.code === 'BAD_COLLECTION_TYPE');
  try {
    if (problem) throw problem;
    return doc.toJS();
  } catch (error) {
    // The first line names the problem (and its line and column); a code frame follows.
    const message = error instanceof Error ? error.message.replace(/:?\n[\s\S]*/, '') : String(error);
    throw new Error(`invalid YAML: ${message}`);
  }
}

const YAML_LOADERS: Loaders = { '.yaml': loadYamlConfig, '.yml': loadYamlConfig, noExt: loadYamlConfig };

function dataSearchPlaces(): string[] {
  return [
    'package.json',
    `.${MODULE_NAME}rc`,
    `.${MODULE_NAME}rc.json`,
    `.${MODULE_NAME}rc.yaml`,
    `.${MODULE_NAME}rc.yml`,
    `.config/${MODULE_NAME}rc`,
    `.config/${MODULE_NAME}rc.json`,
    `.config/${MODULE_NAME}rc.yaml`,
    `.config/${MODULE_NAME}rc.yml`,
  ];
}

export interface ResolveConfigOptions {
  cwd: string;
  configPath?: string;
  rules: readonly KblintRule<object>[];
  /** Reads a taxonomy file; the default reads from disk. */
  readFile?: (absolutePath: string) => string | undefined;
}

const KNOWN_KEYS = new Set(['$schema', 'content', 'taxonomy', 'rules', 'ignore']);
const SEVERITIES: Record<string, SeveritySetting> = { off: 'off', warn: 'warn', error: 'error', 0: 'off', 1: 'warn', 2: 'error' };

/** Validates a config object and resolves its paths. Throws ConfigError. */
export function resolveConfig(input: unknown, options: ResolveConfigOptions): ResolvedConfig {
  const file = options.configPath ? path.relative(options.cwd, options.configPath) || options.configPath : '(defaults)';
  const projectRoot = options.configPath ? path.dirname(options.configPath) : options.cwd;
  const readFile = options.readFile ?? ((p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(file, '(root)', 'expected a mapping with `content`, `taxonomy`, `rules`, `ignore`');
  }
  const config = input as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(file, key, 'unknown key; expected one of `content`, `taxonomy`, `rules`, `ignore`');
  }

  let contentRoot: string;
  if (config.content === undefined) {
    const candidate = path.join(projectRoot, 'content');
    contentRoot = existsSync(candidate) ? candidate : projectRoot;
  } else if (typeof config.content === 'string' && config.content !== '') {
    contentRoot = path.resolve(projectRoot, config.content);
  } else {
    throw new ConfigError(file, 'content', 'expected a folder path (string)');
  }

  let ignore: string[] = [];
  if (config.ignore !== undefined) {
    if (!Array.isArray(config.ignore) || !config.ignore.every((g) => typeof g === 'string')) {
      throw new ConfigError(file, 'ignore', 'expected a list of glob strings');
    }
    ignore = config.ignore as string[];
  }

  let taxonomy: Taxonomy | undefined;
  let taxonomyPath: string | undefined;
  if (typeof config.taxonomy === 'string') {
    taxonomyPath = path.resolve(projectRoot, config.taxonomy);
    const text = readFile(taxonomyPath);
    if (text === undefined) throw new ConfigError(file, 'taxonomy', `expected a YAML or JSON file, but \`${config.taxonomy}\` does not exist`);
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ConfigError(path.relative(options.cwd, taxonomyPath), '(root)', `expected valid YAML or JSON: ${message}`);
    }
    taxonomy = validateTaxonomy(parsed, path.relative(options.cwd, taxonomyPath), '');
  } else if (config.taxonomy !== undefined) {
    taxonomy = validateTaxonomy(config.taxonomy, file, 'taxonomy.');
  }

  const rules = new Map<string, RuleConfig>();
  const byId = new Map(options.rules.map((rule) => [rule.meta.id, rule]));
  for (const rule of options.rules) {
    rules.set(rule.meta.id, { severity: rule.meta.defaultSeverity ?? 'error', options: { ...rule.meta.defaults } });
  }
  if (config.rules !== undefined) {
    if (typeof config.rules !== 'object' || config.rules === null || Array.isArray(config.rules)) {
      throw new ConfigError(file, 'rules', 'expected a mapping of rule id to `off`, `warn`, `error` or [severity, options]');
    }
    for (const [id, setting] of Object.entries(config.rules as Record<string, unknown>)) {
      const rule = byId.get(id);
      if (!rule) {
        throw new ConfigError(file, `rules.${id}`, `unknown rule; expected one of ${[...byId.keys()].map((k) => `\`${k}\``).join(', ')}`);
      }
      const [rawSeverity, rawOptions] = Array.isArray(setting) ? setting : [setting, undefined];
      const severity = SEVERITIES[String(rawSeverity)];
      if (severity === undefined || typeof rawSeverity === 'boolean') {
        throw new ConfigError(file, `rules.${id}`, `unexpected severity ${JSON.stringify(rawSeverity)}; expected \`off\`, \`warn\` or \`error\``);
      }
      if (Array.isArray(setting) && setting.length > 2) {
        throw new ConfigError(file, `rules.${id}`, 'expected [severity, options] with at most two items');
      }
      const ruleOptions = { ...rule.meta.defaults, ...validateOptions(rule, rawOptions, file, id) };
      rules.set(id, { severity, options: ruleOptions });
    }
  }

  const hash = createHash('sha256')
    .update(JSON.stringify({ contentRoot, taxonomy, rules: [...rules], ignore }))
    .digest('hex');
  return {
    ...(options.configPath ? { configPath: options.configPath } : {}),
    projectRoot,
    contentRoot,
    ...(taxonomy ? { taxonomy } : {}),
    ...(taxonomyPath ? { taxonomyPath } : {}),
    rules,
    ignore,
    hash,
  };
}

const AJV_OPTIONS = { allErrors: false, strict: false, useDefaults: false };
let ajv: Ajv | undefined;
const validators = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** True when some rule setting has options, the only thing validateOptions gives to ajv. */
function givesRuleOptions(input: unknown): boolean {
  const rules = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).rules : undefined;
  return typeof rules === 'object' && rules !== null && Object.values(rules).some((setting) => Array.isArray(setting) && setting[1] !== undefined);
}

/**
 * Loads ajv: a dynamic import, so the bundled CLI keeps ajv and fast-uri in
 * a chunk that only a config with rule options loads.
 */
async function loadOptionsValidator(): Promise<void> {
  if (ajv) return;
  // `default` is ajv's module.exports, in Node and in esbuild's chunk alike
  // (esbuild gives a CommonJS module imported this way no named exports).
  const { default: ajvModule } = await import('ajv');
  ajv ??= new ajvModule.Ajv(AJV_OPTIONS);
}

function optionsValidator(): Ajv {
  // resolveConfig is synchronous and public: a caller that did not come
  // through loadConfig (tests, the README examples) gets ajv through
  // `require`, which works because ajv is CommonJS. The bundled CLI calls
  // resolveConfig only from loadConfig, which has loaded it already.
  ajv ??= new (createRequire(import.meta.url)('ajv') as typeof AjvModule).Ajv(AJV_OPTIONS);
  return ajv;
}

function validateOptions(rule: KblintRule<object>, options: unknown, file: string, id: string): Record<string, unknown> {
  if (options === undefined) return {};
  const schema = rule.meta.optionsSchema ?? { type: 'object', additionalProperties: false, properties: {} };
  let validate = validators.get(schema);
  if (!validate) {
    validate = optionsValidator().compile(schema);
    validators.set(schema, validate);
  }
  if (!validate(options)) {
    const error = validate.errors?.[0] as ErrorObject;
    const at = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : '';
    const extra = error.keyword === 'additionalProperties' ? `: \`${String(error.params.additionalProperty)}\`` : '';
    throw new ConfigError(file, `rules.${id}${at ? `.${at}` : ''}`, `invalid option${extra}; ${error.message ?? 'unexpected value'}`);
  }
  return options as Record<string, unknown>;
}

function validateTaxonomy(value: unknown, file: string, prefix: string): Taxonomy {
  const fail = (key: string, expected: string): never => {
    throw new ConfigError(file, `${prefix}${key}`, expected);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(prefix ? 'taxonomy' : '(root)', 'expected a mapping with `categories`, `tags`, `deprecatedTags`');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!['categories', 'tags', 'deprecatedTags'].includes(key)) fail(key, 'unknown key; expected `categories`, `tags` or `deprecatedTags`');
  }
  if (!Array.isArray(input.categories)) return fail('categories', 'expected a list of {name, slug, description?}');
  const categories = input.categories.map((category: unknown, i: number) => {
    if (typeof category !== 'object' || category === null) return fail(`categories[${i}]`, 'expected {name, slug, description?}');
    const { name, slug, description } = category as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') fail(`categories[${i}].name`, 'expected a non-empty string');
    if (typeof slug !== 'string' || !/^[a-z0-9][a-z0-9-_]*$/.test(slug)) fail(`categories[${i}].slug`, 'expected a folder-safe slug like `memory-retrieval`');
    if (description !== undefined && typeof description !== 'string') fail(`categories[${i}].description`, 'expected a string');
    return { name: name as string, slug: slug as string, ...(typeof description === 'string' ? { description } : {}) };
  });
  const taxonomy: Taxonomy = { categories };
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags) || !input.tags.every((t) => typeof t === 'string')) fail('tags', 'expected a list of strings');
    taxonomy.tags = input.tags as string[];
  }
  if (input.deprecatedTags !== undefined) {
    const map = input.deprecatedTags;
    if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.values(map).every((v) => typeof v === 'string')) {
      fail('deprecatedTags', 'expected a mapping of old tag to new tag');
    }
    taxonomy.deprecatedTags = map as Record<string, string>;
  }
  return taxonomy;
}
