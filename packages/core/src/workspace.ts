import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where files come from. The CLI reads the disk; the language server lays
 * unsaved editor buffers over it; tests use the in-memory twin.
 */
export interface Workspace {
  /**
   * Absolute paths of the Markdown files under `root`, in any order. A disk
   * workspace may record in `folders` each folder it listed, with its mtime
   * as stat-ed before the listing (see `LintCache.listedArticles`).
   */
  listMarkdown(root: string, folders?: Map<string, number>): Promise<string[]>;
  readFile(absolutePath: string): Promise<Uint8Array>;
  /** Text of a small support file (an ignore file), or undefined when absent. */
  readText(absolutePath: string): Promise<string | undefined>;
  /** Does a file exist? Used for asset links; must be cheap. */
  exists(absolutePath: string): boolean;
}

export class NodeWorkspace implements Workspace {
  private readonly existsCache = new Map<string, boolean>();

  /**
   * Every regular `.md` file below `root`, as the recursive glob `*.md`
   * matched them: no names starting with a dot, no `node_modules` or
   * `.git`, and symbolic links neither followed nor listed (a link loop must
   * not hang a run). A plain walk: loading a glob library took longer than
   * the walk.
   */
  async listMarkdown(root: string, folders?: Map<string, number>): Promise<string[]> {
    const found: string[] = [];
    const walk = (folder: string) => {
      let entries: Dirent[];
      try {
        // Before the listing: a change after it gives the folder a newer mtime.
        const mtimeMs = folders ? statSync(folder).mtimeMs : 0;
        entries = readdirSync(folder, { withFileTypes: true });
        folders?.set(folder, mtimeMs);
      } catch {
        return;
      }
      // `folder` is absolute and normalised, and a name holds no separator:
      // concatenation gives what `path.join` would, without normalising
      // thousands of paths again.
      const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
      for (const entry of entries) {
        const name = entry.name;
        if (name.charCodeAt(0) === 46 /* . */ || entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
          if (name !== 'node_modules') walk(prefix + name);
        } else if (entry.isFile() && name.endsWith('.md') && name.length > 3) {
          found.push(prefix + name);
        }
      }
    };
    walk(path.resolve(root));
    return found;
  }

  /**
   * Reads a regular file. Opening without blocking and checking the handle
   * (not the path, which could change in between) keeps a FIFO named `x.md`
   * from hanging the run and a folder named `x.md` from reading as garbage.
   */
  async readFile(absolutePath: string): Promise<Uint8Array> {
    return (await this.readWithStat(absolutePath)).content;
  }

  /** `readFile`, with the size and mtime of what was read (for the cache's stat table). */
  async readWithStat(absolutePath: string): Promise<RegularFile> {
    const handle = await open(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notRegular(absolutePath, info.isDirectory());
      return { content: await handle.readFile(), mtimeMs: info.mtimeMs, size: info.size };
    } finally {
      await handle.close();
    }
  }

  async readText(absolutePath: string): Promise<string | undefined> {
    // Most texts asked for are optional files that are not there (the
    // ignore files): a failed read builds an error with its stack trace, a
    // stat that finds nothing does not.
    if (statSync(absolutePath, { throwIfNoEntry: false }) === undefined) return undefined;
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

/** A file's bytes and the stat of the handle they were read through. */
export interface RegularFile {
  content: Uint8Array;
  mtimeMs: number;
  size: number;
}

/** `NodeWorkspace.readWithStat` for a thread that does nothing else (a parser thread). */
export function readRegularFileSync(absolutePath: string): RegularFile {
  const fd = openSync(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegular(absolutePath, info.isDirectory());
    return { content: readFileSync(fd), mtimeMs: info.mtimeMs, size: info.size };
  } finally {
    closeSync(fd);
  }
}

function notRegular(absolutePath: string, isDirectory: boolean): Error {
  const code = isDirectory ? 'EISDIR' : 'ENOTREG';
  return Object.assign(new Error(`${code}: not a regular file, open '${absolutePath}'`), { code });
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
