import type { KblintRule } from '@kblint/rule-kit';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * in a folder it looks in, or an edit to a file it read. For the first,
 * every folder the search looked in is recorded with the names in it:
 * cosmiconfig's `project` strategy goes from the working directory up to
 * the folder it found the config in, or else to the first folder with a
 * `package.json` (or the file system root). Each one's `.config` folder and
 * every file in them the search could read are recorded with it. (Names, not the
 * folder's mtime: creating the cache folder in the working directory, as a
 * first run does, would make that mtime too recent to trust.) The second
 * changes the file's mtime or size, so the config and taxonomy files are
 * recorded too. Any difference, a config that runs code or imports another file
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
  sources: Array<[string, Kind, number | string, number]>;
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
  for (const [file, kind, stamp, size] of memo.sources) {
    const [nowKind, now, nowSize] = signature(file);
    if (kind === 'D' ? nowKind !== 'd' : nowKind !== kind || now !== stamp || nowSize !== size) return undefined;
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
    const add = (file: string) => {
      const found = signature(file);
      sources.push([file, ...found]);
      return found;
    };
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
    // Each folder with its names, and every file in it the search could read:
    // an empty config is skipped by the search, and found once it is filled.
    const searchable = (name: string) => /kblint/i.test(name) || name === 'package.json' || name === 'package.yaml';
    for (const folder of folders) {
      for (const inner of [folder, path.join(folder, '.config')]) {
        const [kind] = add(inner);
        if (kind !== 'd') continue;
        for (const name of readdirSync(inner)) {
          if (!searchable(name)) continue;
          const file = path.join(inner, name);
          const found = signature(file);
          // A folder by a searched name (the cache folder itself, `.kblintcache`) is only checked to still be one.
          sources.push(found[0] === 'd' ? [file, 'D', 0, -1] : [file, ...found]);
        }
      }
    }
    for (const file of [config.configPath, config.taxonomyPath, request.configFile && path.resolve(request.cwd, request.configFile)]) {
      if (file) add(file);
    }
    if (sources.some(([, kind, mtimeMs]) => kind === 'f' && (mtimeMs as number) + RACY_MS >= since)) return;
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

/** `d` folder, `f` anything else, `-` nothing there; `D` in a memo: a folder whose names are not compared. */
type Kind = 'd' | 'D' | 'f' | '-';

/**
 * What is at `file`: a folder with its names (sorted, NUL-separated), a
 * file with its mtime and size, or nothing.
 */
function signature(file: string): ['d' | 'f' | '-', number | string, number] {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) return ['-', -1, -1];
  if (!stats.isDirectory()) return ['f', stats.mtimeMs, stats.size];
  try {
    return ['d', readdirSync(file).sort().join('\0'), -1];
  } catch {
    // Unreadable: a stamp no listing can equal.
    return ['d', '\0', -1];
  }
}
/** Forgets the memo (tests; a cache folder being cleared). */
export function forgetConfig(location: string): void {
  rmSync(path.join(location, 'config.json'), { force: true });
}
