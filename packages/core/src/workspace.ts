import { constants, existsSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

/**
 * Where files come from. The CLI reads the disk; the language server lays
 * unsaved editor buffers over it; tests use the in-memory twin.
 */
export interface Workspace {
  /** Absolute paths of the Markdown files under `root`, in any order. */
  listMarkdown(root: string): Promise<string[]>;
  readFile(absolutePath: string): Promise<Uint8Array>;
  /** Text of a small support file (an ignore file), or undefined when absent. */
  readText(absolutePath: string): Promise<string | undefined>;
  /** Does a file exist? Used for asset links; must be cheap. */
  exists(absolutePath: string): boolean;
}

export class NodeWorkspace implements Workspace {
  private readonly existsCache = new Map<string, boolean>();

  async listMarkdown(root: string): Promise<string[]> {
    if (!existsSync(root)) return [];
    return glob('**/*.md', {
      cwd: root,
      absolute: true,
      dot: false,
      // Symlinked folders are not followed: a link loop must not hang a run.
      followSymbolicLinks: false,
      ignore: ['**/node_modules/**', '**/.git/**'],
    }).then((files) => files.map((file) => path.normalize(file)));
  }

  /**
   * Reads a regular file. Opening without blocking and checking the handle
   * (not the path, which could change in between) keeps a FIFO named `x.md`
   * from hanging the run and a folder named `x.md` from reading as garbage.
   */
  async readFile(absolutePath: string): Promise<Uint8Array> {
    const handle = await open(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        const code = info.isDirectory() ? 'EISDIR' : 'ENOTREG';
        throw Object.assign(new Error(`${code}: not a regular file, open '${absolutePath}'`), { code });
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readText(absolutePath: string): Promise<string | undefined> {
    try {
      return await readFile(absolutePath, 'utf8');
    } catch {
      return undefined;
    }
  }

  exists(absolutePath: string): boolean {
    let known = this.existsCache.get(absolutePath);
    if (known === undefined) {
      try {
        known = statSync(absolutePath).isFile();
      } catch {
        known = false;
      }
      this.existsCache.set(absolutePath, known);
    }
    return known;
  }
}

/** The in-memory twin: a map of absolute path to contents. */
export class MemoryWorkspace implements Workspace {
  readonly files: Map<string, string | Uint8Array>;

  constructor(files: Record<string, string | Uint8Array> | Map<string, string | Uint8Array>) {
    this.files = files instanceof Map ? files : new Map(Object.entries(files));
  }

  async listMarkdown(root: string): Promise<string[]> {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    return [...this.files.keys()].filter((file) => file.startsWith(prefix) && file.toLowerCase().endsWith('.md'));
  }

  async readFile(absolutePath: string): Promise<Uint8Array> {
    const content = this.files.get(absolutePath);
    if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${absolutePath}'`), { code: 'ENOENT' });
    return typeof content === 'string' ? new TextEncoder().encode(content) : content;
  }

  async readText(absolutePath: string): Promise<string | undefined> {
    const content = this.files.get(absolutePath);
    if (content === undefined) return undefined;
    return typeof content === 'string' ? content : new TextDecoder().decode(content);
  }

  exists(absolutePath: string): boolean {
    return this.files.has(absolutePath);
  }
}
