import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeReadmeExamples, runExample } from '../../../tests/helpers/readme-examples.js';

describeReadmeExamples(path.resolve(import.meta.dirname, '..'));

async function suggestionsFor(file: string, content: string, config: Record<string, unknown> = {}) {
  const example = { title: 'inline', config, files: [{ path: file, content }], output: undefined, allRules: false };
  const { result } = await runExample(example, 'valid-frontmatter');
  return result.diagnostics.filter((d) => d.ruleId === 'valid-frontmatter').map((d) => d.suggestions);
}

describe('valid-frontmatter: the missing-frontmatter quick fix', () => {
  it('offers a stub with the first heading as title and the folder as category, not for --fix', async () => {
    expect(await suggestionsFor('content/memory-retrieval/rag.md', '# RAG: Retrieval\n\nText.\n')).toEqual([
      [
        {
          title: 'Add frontmatter',
          edits: [{ start: 0, end: 0, text: '---\ntitle: "RAG: Retrieval"\ncategory: Memory & Retrieval\n---\n\n' }],
          certain: false,
        },
      ],
    ]);
  });

  it('falls back to the file name and leaves unknown values empty', async () => {
    const config = { rules: { 'valid-frontmatter': ['error', { required: ['title', 'category', 'tags'] }] } };
    expect(await suggestionsFor('content/drafts/react.md', '\nText.\n', config)).toEqual([
      [{ title: 'Add frontmatter', edits: [{ start: 0, end: 0, text: '---\ntitle: react\ncategory:\ntags:\n---\n' }], certain: false }],
    ]);
  });
});
