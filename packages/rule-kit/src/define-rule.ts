import type { Root, Nodes } from 'mdast';
import type { Plugin } from 'unified';
import { lintRule } from 'unified-lint-rule';
import type { VFile } from 'vfile';
import type {
  ArticleFacts,
  ContentIndex,
  Range,
  RelatedLocation,
  RuleEnvironment,
  Suggestion,
  Taxonomy,
} from './types.js';

/** Where every rule's documentation lives; the rule id is the folder name. */
export const DOCS_BASE = 'https://github.com/kblint/kblint/blob/main/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}/README.md`;
}

/** A JSON Schema fragment; kept loose because it is data handed to ajv. */
export type JsonSchema = Record<string, unknown>;

export interface RuleMeta<Options> {
  id: string;
  /** One sentence, the same as the first paragraph of the rule's README. */
  description: string;
  /**
   * `file`: the rule needs the syntax tree of one file and runs while it is
   * parsed. `index`: the rule needs the whole knowledge base and runs after the
   * index is built, on the file's facts (no tree).
   */
  scope: 'file' | 'index';
  /** Bumped when the rule's findings change for the same input; part of the cache key. */
  version: number;
  /** Severity when the config does not set one; every rule is on by default. */
  defaultSeverity?: 'warn' | 'error';
  /** JSON Schema of the options object (`type: object`, with defaults). */
  optionsSchema?: JsonSchema;
  defaults: Options;
}

export interface ReportInput {
  message: string;
  /** A node with a position, or an explicit range. */
  node?: Nodes;
  range?: Range;
  expected?: string[];
  related?: RelatedLocation[];
  suggestions?: Suggestion[];
}

export interface RuleContext<Options> {
  /** The parsed file; an empty root for `index`-scope rules. */
  tree: Root;
  file: VFile;
  /** The file's text. */
  source: string;
  facts: ArticleFacts;
  /** The whole knowledge base; only `index`-scope rules get it. */
  index: ContentIndex | undefined;
  taxonomy: Taxonomy | undefined;
  options: Options;
  report(input: ReportInput): void;
  /** See `RuleEnvironment.readYaml`; throws when the runner gave none. */
  readYaml(text: string): unknown;
}

export type RuleSetting<Options> = [severity: 'off' | 'warn' | 'error', options?: Partial<Options>];

export type KblintRule<Options = unknown> = Plugin<[RuleSetting<Options>?], Root> & {
  meta: RuleMeta<Options>;
};

/**
 * Builds a remark-lint rule (through unified-lint-rule) from kblint's rule
 * description. The rule reads what the runner attached to `file.data.kblint`,
 * and a rule that throws is recorded as a failure on that file instead of
 * ending the run.
 */
export function defineRule<Options extends object>(
  meta: RuleMeta<Options>,
  check: (context: RuleContext<Options>) => void,
): KblintRule<Options> {
  // The options a processor passes are the same object for every file: they
  // are merged with the defaults once per object, not once per file.
  let given: Partial<Options> | undefined | null = null;
  let merged: Options = meta.defaults;
  const plugin = lintRule<Root, Partial<Options> | undefined>(
    { origin: `kblint:${meta.id}`, url: docsUrl(meta.id) },
    (tree, file, options) => {
      if (options !== given) {
        given = options;
        merged = { ...meta.defaults, ...(options ?? {}) };
      }
      const env = file.data.kblint as RuleEnvironment | undefined;
      if (!env) throw new Error(`kblint rule \`${meta.id}\` ran without the kblint runner`);
      const context: RuleContext<Options> = {
        tree,
        file,
        source: env.source,
        facts: env.facts,
        index: env.index,
        taxonomy: env.taxonomy,
        options: merged,
        readYaml(text) {
          if (!env.readYaml) throw new Error(`kblint rule \`${meta.id}\` needs a runner that reads YAML`);
          return env.readYaml(text);
        },
        report(input) {
          const place = input.range ?? input.node?.position;
          const message = file.message(input.message, place ? { place } : undefined);
          if (input.expected) message.expected = input.expected;
          if (input.related || input.suggestions) {
            env.extras.set(message, { related: input.related, suggestions: input.suggestions });
          }
        },
      };
      try {
        check(context);
      } catch (error) {
        env.failures.push({ ruleId: meta.id, error });
      }
    },
  ) as unknown as KblintRule<Options>;
  plugin.meta = meta;
  return plugin;
}

declare module 'vfile' {
  interface DataMap {
    kblint: RuleEnvironment;
  }
}
