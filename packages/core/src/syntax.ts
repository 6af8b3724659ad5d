
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmTable } from 'micromark-extension-gfm-table';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';

/**
 * The one place the Markdown syntax set is fixed: CommonMark plus YAML
 * frontmatter, GFM footnotes and GFM tables. Wiki links (`[[...]]`) stay text
 * to the parser and are read from the text by `scanText`, as are undefined
 * footnote references. GFM autolink literals and strikethrough are left out
 * on purpose: no rule needs them and autolink literals are a large share of
 * GFM parse time.
 */
export function kblintSyntax(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(frontmatter(['yaml']), gfmFootnote(), gfmTable());
  (data.fromMarkdownExtensions ??= []).push(
    frontmatterFromMarkdown(['yaml']),
    gfmFootnoteFromMarkdown(),
    gfmTableFromMarkdown(),
  );
}

export function createParser() {
  return unified().use(remarkParse).use(kblintSyntax);
}
