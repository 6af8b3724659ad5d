import type { JsonSchema, KblintRule } from '@kblint/rule-kit';
import { docsUrl } from '@kblint/rule-kit';

const severity = { enum: ['off', 'warn', 'error', 0, 1, 2] };

/**
 * The JSON Schema of `.kblintrc*`, built from the rules' own option schemas.
 * `pnpm build` writes it to `schema/kblintrc.schema.json` for editors.
 */
export function configSchema(rules: readonly KblintRule<object>[]): JsonSchema {
  const ruleProperties: Record<string, JsonSchema> = {};
  for (const rule of [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) {
    const options = rule.meta.optionsSchema ?? { type: 'object', additionalProperties: false, properties: {} };
    ruleProperties[rule.meta.id] = {
      description: `${rule.meta.description} ${docsUrl(rule.meta.id)}`,
      oneOf: [severity, { type: 'array', items: [severity, options], minItems: 1, maxItems: 2 }],
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/kblint/kblint/blob/main/packages/core/schema/kblintrc.schema.json',
    title: 'kblint configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      content: { type: 'string', description: 'Folder of articles, relative to the config file. Default: `content` when it exists.' },
      taxonomy: {
        description: 'The category and tag taxonomy, inline or as a path to a YAML/JSON file.',
        oneOf: [{ type: 'string' }, { $ref: '#/definitions/taxonomy' }],
      },
      rules: { type: 'object', additionalProperties: false, properties: ruleProperties },
      ignore: { type: 'array', items: { type: 'string' }, description: 'Globs of files to skip, relative to the config file.' },
    },
    definitions: {
      taxonomy: {
        type: 'object',
        additionalProperties: false,
        required: ['categories'],
        properties: {
          categories: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'slug'],
              properties: { name: { type: 'string' }, slug: { type: 'string' }, description: { type: 'string' } },
            },
          },
          tags: { type: 'array', items: { type: 'string' } },
          deprecatedTags: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}
