/** A 1-based line and column, with the 0-based UTF-16 offset when known. */
export interface Point {
  line: number;
  column: number;
  offset?: number;
}

export interface Range {
  start: Point;
  end: Point;
}

export type Severity = 'error' | 'warning';
export type SeveritySetting = 'off' | 'warn' | 'error';

/** A second location that explains a finding: the first definition, the linked file. */
export interface RelatedLocation {
  /** Absolute path of the file the location is in. */
  file: string;
  range: Range;
  message: string;
}

/** Replace the text between two UTF-16 offsets of a file. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Suggestion {
  /** Shown as the quick-fix title, e.g. "Replace with `memory-retrieval/rag`". */
  title: string;
  edits: TextEdit[];
  /**
   * True when the fix is certain (a single close match, a deprecated tag's
   * replacement): `--fix` applies only those. Other suggestions are offered
   * in the editor.
   */
  certain: boolean;
}

export interface Diagnostic {
  /** Absolute path of the file. Formatters make it relative. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: Severity;
  message: string;
  url?: string;
  related?: RelatedLocation[];
  /** What the rule expected instead, most likely first. */
  expected?: string[];
  suggestions?: Suggestion[];
}

// ---------------------------------------------------------------------------
// Facts: what the content index keeps about one article. Plain data, so they
// can cross a worker boundary and be cached.

export interface KeyFacts {
  /** Range of the key itself. */
  range: Range;
  /** Range of the key's value (the whole sequence for lists). */
  valueRange: Range;
  /** Ranges of the items when the value is a sequence. */
  items?: Range[];
}

export interface FrontmatterFacts {
  /** A `---` block opens the file. */
  present: boolean;
  /** Range of the whole block including the fences. */
  range?: Range;
  /** The YAML did not parse, or was not allowed (an alias bomb, say). */
  error?: { message: string; range: Range };
  /** The parsed value; may be a scalar or a list when the author got it wrong. */
  data?: unknown;
  /** Top-level keys of a mapping, with positions. */
  keys: Record<string, KeyFacts>;
}

export interface HeadingFacts {
  text: string;
  depth: number;
  /** The anchor the renderer gives this heading, duplicate suffix included. */
  slug: string;
  range: Range;
}

export interface FootnoteFacts {
  /** The label as written. */
  label: string;
  /** The label as GFM compares it (case-folded, whitespace collapsed). */
  key: string;
  range: Range;
}

export type LinkKind =
  /** `y.md`, `../x/y.md`, `img.png` */
  | 'relative'
  /** `/<category>/<slug>` */
  | 'absolute'
  /** `#heading` in the same file */
  | 'anchor'
  /** `[[Target#Heading|label]]` */
  | 'wiki';

export interface LinkFacts {
  kind: LinkKind;
  /** The destination as written (for wiki links, the text between the brackets). */
  raw: string;
  /** Decoded path part for relative and absolute links. */
  path?: string;
  /** Decoded fragment, without `#`. */
  anchor?: string;
  /** Wiki link target, before `#`. */
  target?: string;
  /** `![..](..)`: the file must exist, it need not be an article. */
  image: boolean;
  /**
   * Where the link is written: the destination for Markdown links and
   * definitions (inside any `<...>`), the whole `[[...]]` for wiki links.
   */
  range: Range;
  /** The path part (or wiki target) as written, when known: what a fix for a missing target replaces. */
  targetRange?: Range;
  /** The fragment (or wiki heading) after `#`, as written, when present. */
  anchorRange?: Range;
}

export interface Directive {
  kind: 'disable' | 'enable' | 'disable-next-line';
  /** Rule ids; empty means every rule. */
  rules: string[];
  line: number;
  /** For `disable-next-line`, the line the directive applies to. */
  targetLine?: number;
}

export interface ArticleFacts {
  /** Absolute path. */
  path: string;
  /** Path relative to the content root, POSIX separators. */
  relPath: string;
  /** `<category-folder>/<file-stem>` (just the stem at the content root). */
  id: string;
  stem: string;
  /** The first folder under the content root, '' at the root. */
  folder: string;
  /** Lies inside the content root (a file given on the command line may not). */
  inContent: boolean;
  title?: string;
  aliases: string[];
  category?: string;
  tags: string[];
  frontmatter: FrontmatterFacts;
  headings: HeadingFacts[];
  /** Every anchor the rendered page has: heading slugs and HTML id/name. */
  anchors: string[];
  footnotes: { definitions: FootnoteFacts[]; references: FootnoteFacts[] };
  links: LinkFacts[];
  words: number;
  directives: Directive[];
  /** Problems reading or decoding the file; rules have no tree to work on then. */
  unreadable?: { message: string; range: Range };
}

// ---------------------------------------------------------------------------
// The content index, as rules, the language server and reports read it.

export type LinkResolution =
  | { status: 'external' }
  | { status: 'ok'; target?: ArticleFacts; file?: string; anchor?: string }
  /**
   * `suggestion` is the closest existing target; `suggestions` every close
   * one, closest first (computed only when resolution fails).
   */
  | { status: 'missing-target'; path: string; suggestion?: string; suggestions?: string[] }
  | { status: 'missing-anchor'; target: ArticleFacts; anchor: string; suggestion?: string; suggestions?: string[] }
  | { status: 'ambiguous'; candidates: ArticleFacts[] }
  | { status: 'outside-repo'; path: string };

export interface ContentIndex {
  /** Absolute content root. */
  readonly contentRoot: string;
  /** Absolute project root (where the config lives): links may not leave it. */
  readonly projectRoot: string;
  articles(): Iterable<ArticleFacts>;
  get(path: string): ArticleFacts | undefined;
  byId(id: string): ArticleFacts | undefined;
  /** Articles a wiki target names: title, alias, stem or `category/stem`, case-insensitive. */
  findWikiTargets(target: string): ArticleFacts[];
  /** Articles whose title or an alias is `name`, case-insensitive, whitespace collapsed. */
  findByTitle(name: string): ArticleFacts[];
  resolveLink(from: ArticleFacts, link: LinkFacts): LinkResolution;
  /** Articles with a link that resolves to `path`. */
  backlinks(path: string): Array<{ from: ArticleFacts; link: LinkFacts }>;
}

export interface TaxonomyCategory {
  name: string;
  slug: string;
  description?: string;
}

export interface Taxonomy {
  categories: TaxonomyCategory[];
  tags?: string[];
  deprecatedTags?: Record<string, string>;
}

/** What the runner hands every rule through `file.data.kblint`. */
export interface RuleEnvironment {
  facts: ArticleFacts;
  /** The file text, without frontmatter stripped. */
  source: string;
  /** The whole-knowledge-base index; present for `index`-scope rules. */
  index?: ContentIndex;
  taxonomy?: Taxonomy;
  /** Extra data attached to messages: causes and suggestions. */
  extras: Map<object, MessageExtras>;
  /** Rules that threw, with their error. */
  failures: Array<{ ruleId: string; error: unknown }>;
  /**
   * Reads a YAML snippet with the engine's YAML library, as frontmatter is
   * read: undefined on any error or warning. For rules that write YAML
   * (a fix must quote a value the way the parser will read it back). Given
   * by the engine, so that loading the rules does not load a YAML library.
   */
  readYaml?: (text: string) => unknown;
}

export interface MessageExtras {
  related?: RelatedLocation[];
  suggestions?: Suggestion[];
}
