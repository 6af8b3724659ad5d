import type { KblintRule } from '@kblint/rule-kit';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION } from './cache.js';
import type { ResolvedConfig, RuleConfig } from './config.js';

/**
 * The last run's resolved config, kept in the cache folder with what it was
 * resolved from, so that a run whose config files are untouched takes it
 * without searching for the config or parsing YAML (and without loading
 * cosmiconfig and the YAML library at all).
 *
 * What a search could find differently is a file added, removed or renamed
 * in a folder it looks in, or an edit to a file it read. The first changes
 * the folder's mtime, so every folder the search looked in is recorded:
 * cosmiconfig's `project` strategy goes from the working directory up to
 * the folder it found the config in, or else to the first folder with a
 * `package.json` (or the file system root). Each one's `.config` folder and
 * `package.json`/`package.yaml` are recorded with it. The second changes
 * the file's mtime or size, so the config and taxonomy files are recorded
 * too. Any difference, a config that runs code or imports another file
 * (`$import`), and the config is loaded as usual.
 */

/** Bumped whenever what is stored changes. */
const FORMAT = 1;
/** Stats this close to the time they were taken could miss a change in the same tick (git's "racy clean"). */
const RACY_MS = 2000;
const CODE_CONFIG = /\.(?:[cm]?[jt]s)$/;

export interface ConfigRequest {
  cwd: string;
  configFile?: string;
  allowCode: boolean;
  rules: readonly KblintRule<object>[];
}

interface Memo {
  format: number;
  /** The request and everything else the resolution depends on. */
  key: string;
  /** Paths with what `signature` gave for them. */
  sources: Array<[string, Kind, number, number]>;
  config: StoredConfig;
}

type StoredConfig = Omit<ResolvedConfig, 'rules'> & { rules: Array<[string, RuleConfig]> };

function keyOf(request: ConfigRequest): string {
  const rules = request.rules.map((rule) => [rule.meta.id, rule.meta.version, rule.meta.defaultSeverity ?? null, rule.meta.defaults]);
  return JSON.stringify({ version: CORE_VERSION, cwd: request.cwd, configFile: request.configFile ?? null, allowCode: request.allowCode, rules });
}

/** The config the last run resolved for the same request, if nothing it came from has changed. */
export function rememberedConfig(location: string, request: ConfigRequest): ResolvedConfig | undefined {
  let memo: Memo;
  try {
    memo = JSON.parse(readFileSync(path.join(location, 'config.json'), 'utf8')) as Memo;
  } catch {
    return undefined;
  }
  if (typeof memo !== 'object' || memo === null || memo.format !== FORMAT || memo.key !== keyOf(request) || !Array.isArray(memo.sources)) return undefined;
  for (const [file, kind, mtimeMs, size] of memo.sources) {
    const [nowKind, now, nowSize] = signature(file);
    if (nowKind !== kind || now !== mtimeMs || nowSize !== size) return undefined;
  }
  const { rules, ...rest } = memo.config;
  return { ...rest, rules: new Map(rules) };
}

/**
 * Keeps `config` for the next run. `since` is a time taken before the
 * config was loaded: anything modified after it (or just before) could have
 * changed under the load, and is not trusted. Failures are ignored.
 */
export function rememberConfig(location: string, request: ConfigRequest, config: ResolvedConfig, since: number): void {
  try {
    const configPath = config.configPath;
    if (configPath && (CODE_CONFIG.test(configPath) || readFileSync(configPath, 'utf8').includes('$import'))) return;
    const sources: Memo['sources'] = [];
    const add = (file: string) => sources.push([file, ...signature(file)]);
    const folders = new Set<string>([path.resolve(request.cwd), config.projectRoot]);
    if (!request.configFile) {
      // The folder searched when the config was found (`.config/` files belong to the folder above).
      const foundIn = configPath && (path.basename(path.dirname(configPath)) === '.config' ? path.dirname(path.dirname(configPath)) : path.dirname(configPath));
      for (let folder = path.resolve(request.cwd); ; folder = path.dirname(folder)) {
        folders.add(folder);
        const last = foundIn ? folder === foundIn : signature(path.join(folder, 'package.json'))[0] === 'f' || signature(path.join(folder, 'package.yaml'))[0] === 'f';
        if (last || path.dirname(folder) === folder) break;
      }
    }
    for (const folder of folders) {
      add(folder);
      for (const name of ['.config', 'package.json', 'package.yaml']) add(path.join(folder, name));
    }
    for (const file of [config.configPath, config.taxonomyPath, request.configFile && path.resolve(request.cwd, request.configFile)]) {
      if (file) add(file);
    }
    if (sources.some(([, , mtimeMs]) => mtimeMs + RACY_MS >= since)) return;
    const { rules, ...rest } = config;
    const memo: Memo = { format: FORMAT, key: keyOf(request), sources, config: { ...rest, rules: [...rules] } };
    mkdirSync(location, { recursive: true });
    const file = path.join(location, 'config.json');
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(memo));
    renameSync(temporary, file);
  } catch {
    // The memo only saves time.
  }
}

/** `d` folder, `f` anything else, `-` nothing there. */
type Kind = 'd' | 'f' | '-';

/** What is at `file`: its kind, mtime and size (a folder's size is not compared: -1). */
function signature(file: string): [Kind, number, number] {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) return ['-', -1, -1];
  return stats.isDirectory() ? ['d', stats.mtimeMs, -1] : ['f', stats.mtimeMs, stats.size];
}

/** Forgets the memo (tests; a cache folder being cleared). */
export function forgetConfig(location: string): void {
  rmSync(path.join(location, 'config.json'), { force: true });
}
