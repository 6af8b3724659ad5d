import type {
  ArticleFacts,
  ContentIndex,
  Diagnostic,
  KblintRule,
  Range,
  RuleEnvironment,
  SluggerFactory,
} from '@kblint/rule-kit';
import { githubSlugger, LineIndex } from '@kblint/rule-kit';
import type { Root } from 'mdast';
import { unified, type Processor } from 'unified';
import { VFile } from 'vfile';
import type { ResolvedConfig } from './config.js';
import { extractFacts, locate } from './facts.js';
import { fastParse } from './fast-parse.js';
import { readYamlSnippet } from './frontmatter.js';
import { findExcessiveNesting, MAX_NESTING } from './nesting.js';
import type { createParser } from './syntax.js';

/**
 * remark-parse and micromark, loaded only once some file needs them: the
 * fast path parses most articles, and an edit run that re-reads one article
 * should not spend more on loading the parser than on linting.
 * `@kblint/core`'s main entry registers it on import; the CLI's light entry
 * loads it with `loadFullParser` before parsing anything the fast path may
 * decline.
 */
let parserFactory: typeof createParser | undefined;

export function registerFullParser(factory: typeof createParser): void {
  parserFactory ??= factory;
}

export async function loadFullParser(): Promise<void> {
  parserFactory ??= (await import('./syntax.js')).createParser;
}

/** Thrown by `Engine.analyze` for a file the fast path declines before `loadFullParser` has run. */
export class FullParserNotLoaded extends Error {
  override name = 'FullParserNotLoaded';
  constructor() {
    super('the Markdown parser is not loaded: await loadFullParser() before analysing files');
  }
}

export interface FileAnalysis {
  facts: ArticleFacts;
  /** Findings of the `file`-scope rules (empty when the file was only indexed). */
  diagnostics: Diagnostic[];
}

export interface EngineOptions {
  /** Replaces GitHub's heading slugs. */
  slugger?: SluggerFactory;
  /** Changes each tree before the file rules see it (tests strip positions with it). */
  transformTree?: (tree: Root) => void;
}

/** Rule id of findings about the file itself: unreadable, binary, not UTF-8. */
export const UNREADABLE_RULE = 'unreadable-file';
/** Rule id of a rule that threw; the run's exit code becomes 2. */
export const INTERNAL_ERROR_RULE = 'internal-error';

/**
 * Larger files are not parsed. The parser keeps every token of a file in
 * memory, about 400 bytes per byte of Markdown: a 10 MB file took over 4 GB
 * and minutes of garbage collection. Real articles are well under 1 MB.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const EMPTY_RANGE: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/**
 * One configured pipeline: the parser with kblint's syntax set, the `file`
 * rules that run on a tree, and the `index` rules that run on facts once the
 * whole knowledge base is known. Stateless between files, so one engine
 * serves a CLI run, a worker or a language server.
 */
export class Engine {
  readonly rules: readonly KblintRule<object>[];
  private parser: ReturnType<typeof createParser> | undefined;
  private readonly fileProcessor: Processor<Root, Root, Root>;
  private readonly indexProcessor: Processor<Root, Root, Root>;
  private readonly slugger: SluggerFactory;
  private readonly transformTree: ((tree: Root) => void) | undefined;

  constructor(
    readonly config: ResolvedConfig,
    rules: readonly KblintRule<object>[],
    options: EngineOptions = {},
  ) {
    this.rules = rules;
    this.slugger = options.slugger ?? githubSlugger;
    this.transformTree = options.transformTree;
    const fileProcessor = unified() as unknown as Processor<Root, Root, Root>;
    const indexProcessor = unified() as unknown as Processor<Root, Root, Root>;
    for (const rule of rules) {
      const setting = config.rules.get(rule.meta.id);
      if (!setting || setting.severity === 'off') continue;
      const target = rule.meta.scope === 'file' ? fileProcessor : indexProcessor;
      target.use(rule, [setting.severity, setting.options]);
    }
    this.fileProcessor = fileProcessor.freeze();
    this.indexProcessor = indexProcessor.freeze();
  }

  /**
   * Reads one file into facts and, when `lint` is set, runs the `file` rules
   * on its tree. The tree is dropped on return: nothing holds every tree.
   */
  analyze(filePath: string, content: string | Uint8Array, lint: boolean): FileAnalysis {
    const size = typeof content === 'string' ? content.length : content.byteLength;
    if (size > MAX_FILE_BYTES) {
      const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      return this.unreadable(
        filePath,
        `Unexpected file of ${megabytes(size)}, expected at most ${megabytes(MAX_FILE_BYTES)}: the file is not parsed (split the article)`,
        EMPTY_RANGE,
        lint,
      );
    }
    const decoded = typeof content === 'string' ? { text: content } : decode(content);
    if ('problem' in decoded) {
      return this.unreadable(filePath, decoded.problem, decoded.range, lint);
    }
    const source = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
    const lines = new LineIndex(source);
    // Checked before parsing: the parser itself is what takes minutes on such a file.
    const tooDeep = findExcessiveNesting(source);
    if (tooDeep) {
      const at = lines.point(tooDeep.offset);
      return this.unreadable(
        filePath,
        `Unexpected lists or block quotes nested more than ${MAX_NESTING} levels deep, expected at most ${MAX_NESTING}: the file is not parsed`,
        { start: { line: at.line, column: at.column }, end: { line: at.line, column: at.column + 1 } },
        lint,
      );
    }
    const file = new VFile({ path: filePath, value: source });
    let tree: Root;
    let facts: ArticleFacts;
    try {
      // The fast path builds remark-parse's exact tree for the common subset; anything else goes to remark-parse.
      tree = fastParse(source) ?? this.fullParse(file);
      facts = extractFacts(tree, source, { path: filePath, contentRoot: this.config.contentRoot }, this.slugger, lines);
    } catch (error) {
      if (error instanceof FullParserNotLoaded) throw error;
      const reason = error instanceof RangeError ? 'it is nested too deeply to parse' : `it could not be parsed: ${errorMessage(error)}`;
      return this.unreadable(filePath, `Unexpected file content: ${reason}`, EMPTY_RANGE, lint);
    }
    if (!lint) return { facts, diagnostics: [] };
    const env = this.environment(facts, source);
    file.data.kblint = env;
    try {
      this.transformTree?.(tree);
      this.fileProcessor.runSync(tree, file);
    } catch (error) {
      env.failures.push({ ruleId: 'unknown', error });
    }
    return { facts, diagnostics: collect(file, env) };
  }

  private fullParse(file: VFile): Root {
    if (!this.parser) {
      if (!parserFactory) throw new FullParserNotLoaded();
      this.parser = parserFactory();
    }
    return this.parser.parse(file);
  }

  /** Runs the `index` rules on one file's facts. */
  lintWithIndex(facts: ArticleFacts, index: ContentIndex): Diagnostic[] {
    if (facts.unreadable) return [];
    const file = new VFile({ path: facts.path });
    const env = this.environment(facts, '', index);
    file.data.kblint = env;
    try {
      this.indexProcessor.runSync({ type: 'root', children: [] }, file);
    } catch (error) {
      env.failures.push({ ruleId: 'unknown', error });
    }
    return collect(file, env);
  }

  private environment(facts: ArticleFacts, source: string, index?: ContentIndex): RuleEnvironment {
    return {
      facts,
      source,
      ...(index ? { index } : {}),
      ...(this.config.taxonomy ? { taxonomy: this.config.taxonomy } : {}),
      extras: new Map(),
      readYaml: readYamlSnippet,
      failures: [],
    };
  }

  /** The finding is only for files being reported on; an indexed-only file just gets facts. */
  private unreadable(filePath: string, message: string, range: Range, lint: boolean): FileAnalysis {
    const where = locate(filePath, this.config.contentRoot);
    const facts: ArticleFacts = {
      path: filePath,
      ...where,
      aliases: [],
      tags: [],
      frontmatter: { present: false, keys: {} },
      headings: [],
      anchors: [],
      footnotes: { definitions: [], references: [] },
      links: [],
      words: 0,
      directives: [],
      unreadable: { message, range },
    };
    const diagnostic: Diagnostic = {
      file: filePath,
      line: range.start.line,
      column: range.start.column,
      endLine: range.end.line,
      endColumn: range.end.column,
      ruleId: UNREADABLE_RULE,
      severity: 'error',
      message,
    };
    return { facts, diagnostics: lint ? [diagnostic] : [] };
  }
}

function collect(file: VFile, env: RuleEnvironment): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const message of file.messages) {
    const place = message.place;
    const start = place && 'start' in place ? place.start : place;
    const end = place && 'end' in place ? place.end : start;
    const extras = env.extras.get(message);
    diagnostics.push({
      file: file.path,
      line: start?.line ?? 1,
      column: start?.column ?? 1,
      endLine: end?.line ?? start?.line ?? 1,
      endColumn: end?.column ?? start?.column ?? 1,
      ruleId: message.ruleId ?? 'unknown',
      severity: message.fatal ? 'error' : 'warning',
      message: message.reason,
      ...(message.url ? { url: message.url } : {}),
      ...(message.expected?.length ? { expected: message.expected } : {}),
      ...(extras?.related?.length ? { related: extras.related } : {}),
      ...(extras?.suggestions?.length ? { suggestions: extras.suggestions } : {}),
    });
  }
  for (const failure of env.failures) {
    diagnostics.push({
      file: file.path,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      ruleId: INTERNAL_ERROR_RULE,
      severity: 'error',
      message: `Rule \`${failure.ruleId}\` failed on this file: ${errorMessage(failure.error)}`,
    });
  }
  return diagnostics;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; binary and malformed files get a position, not a crash. */
function decode(bytes: Uint8Array): { text: string } | { problem: string; range: Range } {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { problem: `Unexpected NUL byte at byte ${nul}: this looks like a binary file, expected UTF-8 Markdown`, range: byteRange(bytes, nul) };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return { problem: `Unexpected invalid UTF-8 at byte ${bad}, expected UTF-8 Markdown`, range: byteRange(bytes, bad) };
  }
}

function byteRange(bytes: Uint8Array, at: number): Range {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = at - lineStart + 1;
  return { start: { line, column }, end: { line, column: column + 1 } };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const length = b < 0x80 ? 1 : b >> 5 === 0b110 ? 2 : b >> 4 === 0b1110 ? 3 : b >> 3 === 0b11110 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length || ((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return i;
}
