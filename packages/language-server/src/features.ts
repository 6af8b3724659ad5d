import type { ArticleFacts, Diagnostic, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import { classifyUrl } from '@kblint/core';
import path from 'node:path';
import {
  CodeActionKind,
  CompletionItemKind,
  MarkupKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type Location,
  type Position,
  type Range as LspRange,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { contains, toLspRange, toUri } from './convert.js';
import type { KnowledgeBase } from './knowledge-base.js';

const NO_RANGE = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
const DOCUMENT_START: LspRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

// ---------------------------------------------------------------------------
// Quick fixes: every suggestion a rule attached to a finding, as it is.

export function codeActions(
  document: TextDocument,
  published: readonly Diagnostic[],
  requested: readonly LspDiagnostic[],
  range: LspRange,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<Diagnostic>();
  const consider = (finding: Diagnostic | undefined, lsp: LspDiagnostic) => {
    if (!finding?.suggestions || seen.has(finding)) return;
    seen.add(finding);
    for (const suggestion of finding.suggestions) {
      actions.push({
        title: suggestion.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lsp],
        isPreferred: suggestion.certain,
        edit: {
          changes: {
            [document.uri]: suggestion.edits.map((edit) => ({
              range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) },
              newText: edit.text,
            })),
          },
        },
      });
    }
  };
  for (const lsp of requested) {
    if (lsp.source !== 'kblint') continue;
    const data = lsp.data as { kblint?: unknown } | undefined;
    const byIndex = typeof data?.kblint === 'number' ? published[data.kblint] : undefined;
    const finding =
      byIndex && byIndex.ruleId === lsp.code && byIndex.message === lsp.message
        ? byIndex
        : published.find((d) => d.ruleId === lsp.code && d.message === lsp.message && d.line === lsp.range.start.line + 1);
    consider(finding, lsp);
  }
  // Clients that send no diagnostics in the context (or only some) still get
  // the fixes for findings under the cursor.
  for (const finding of published) {
    if (seen.has(finding) || !finding.suggestions?.length) continue;
    if (finding.endLine - 1 < range.start.line || finding.line - 1 > range.end.line) continue;
    consider(finding, {
      range: toLspRange({ start: { line: finding.line, column: finding.column }, end: { line: finding.endLine, column: finding.endColumn } }),
      message: finding.message,
      code: finding.ruleId,
      source: 'kblint',
    });
  }
  return actions;
}

// ---------------------------------------------------------------------------
// Completion

export function complete(kb: KnowledgeBase, file: string, document: TextDocument, position: Position): CompletionItem[] {
  const lineText = document.getText({ start: { line: position.line, character: 0 }, end: position });
  const frontmatter = frontmatterKey(document, position.line);
  if (frontmatter !== undefined) return completeFrontmatter(kb, frontmatter, lineText, position);

  const index = kb.getIndex();
  const facts = kb.getFacts(file);
  const replace = (typed: string): LspRange => ({ start: { line: position.line, character: position.character - typed.length }, end: position });

  const wikiAnchor = /\[\[([^[\]|#\n]*)#([^[\]|\n]*)$/.exec(lineText);
  if (wikiAnchor) {
    const targetName = (wikiAnchor[1] ?? '').trim();
    const target = targetName === '' ? facts : unique(index.findWikiTargets(targetName));
    return (target?.headings ?? []).map((heading, i) => ({
      label: heading.text,
      kind: CompletionItemKind.Reference,
      detail: `#${heading.slug}`,
      sortText: pad(i),
      textEdit: { range: replace(wikiAnchor[2] ?? ''), newText: heading.text },
    }));
  }
  const wiki = /\[\[([^[\]|#\n]*)$/.exec(lineText);
  if (wiki) {
    const items: CompletionItem[] = [];
    for (const article of index.articles()) {
      if (article.path === file) continue;
      const label = article.title ?? article.id;
      items.push({
        label,
        kind: CompletionItemKind.File,
        detail: article.relPath,
        filterText: `${label} ${article.aliases.join(' ')} ${article.id}`,
        textEdit: { range: replace(wiki[1] ?? ''), newText: label },
      });
    }
    return items.sort(byLabel);
  }
  const open = openDestination(lineText);
  const hash = open?.indexOf('#') ?? -1;
  const linkAnchor = open !== undefined && hash !== -1 ? [open, open.slice(0, hash), open.slice(hash + 1)] : undefined;
  if (linkAnchor) {
    const destination = linkAnchor[1] ?? '';
    const written = destination === '' || !facts ? undefined : classifyUrl(destination, false, NO_RANGE);
    const target = destination === '' ? facts : facts && written && resolveTarget(index.resolveLink(facts, written));
    return (target?.anchors ?? []).map((anchor, i) => ({
      label: anchor,
      kind: CompletionItemKind.Reference,
      detail: target?.headings.find((h) => h.slug === anchor)?.text,
      sortText: pad(i),
      textEdit: { range: replace(linkAnchor[2] ?? ''), newText: anchor },
    }));
  }
  const link = open !== undefined ? [open, open] : undefined;
  if (link) {
    const items: CompletionItem[] = [];
    // `/` starts a site-absolute link (`/<category>/<stem>`); anything else is relative to this file.
    const absolute = (link[1] ?? '').startsWith('/');
    for (const article of index.articles()) {
      if (article.path === file) continue;
      const destination = absolute ? `/${article.id}` : path.relative(path.dirname(file), article.path).split(path.sep).join('/');
      items.push({
        label: destination,
        kind: CompletionItemKind.File,
        detail: article.title,
        filterText: `${destination} ${article.title ?? ''}`,
        textEdit: { range: replace(link[1] ?? ''), newText: encodeURI(destination) },
      });
    }
    return items.sort(byLabel);
  }
  const footnote = /\[\^([^\]\s]*)$/.exec(lineText);
  if (footnote && facts) {
    const isDefinition = /^\s{0,3}\[\^[^\]\s]*$/.test(lineText);
    const defined = new Set(facts.footnotes.definitions.map((d) => d.key));
    const labels = new Map<string, { label: string; undefinedRef: boolean }>();
    for (const ref of facts.footnotes.references) {
      if (!labels.has(ref.key)) labels.set(ref.key, { label: ref.label, undefinedRef: !defined.has(ref.key) });
    }
    for (const def of facts.footnotes.definitions) if (!labels.has(def.key)) labels.set(def.key, { label: def.label, undefinedRef: false });
    // On a definition line only the labels still missing a definition make sense.
    return [...labels.values()]
      .filter((entry) => !isDefinition || entry.undefinedRef)
      .map((entry) => ({
        label: entry.label,
        kind: CompletionItemKind.Reference,
        detail: entry.undefinedRef ? 'cited, not yet defined' : 'defined',
        sortText: entry.label,
        textEdit: { range: replace(footnote[1] ?? ''), newText: entry.label },
      }));
  }
  return [];
}

/** The top-level key whose value the cursor is in, when the cursor is inside the frontmatter block. */
function frontmatterKey(document: TextDocument, line: number): string | undefined {
  const first = document.getText({ start: { line: 0, character: 0 }, end: { line: 1, character: 0 } });
  if (!/^---\s*$/.test(first.replace(/\r?\n$/, '')) || line === 0) return undefined;
  let key: string | undefined;
  for (let l = 1; l <= line; l++) {
    const text = document.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\r?\n$/, '');
    if (/^(?:---|\.\.\.)\s*$/.test(text)) return undefined;
    const match = /^([A-Za-z_][\w-]*)\s*:/.exec(text);
    if (match) key = match[1];
    if (l === line) return key ?? '';
  }
  return undefined;
}

function completeFrontmatter(kb: KnowledgeBase, key: string, lineText: string, position: Position): CompletionItem[] {
  const taxonomy = kb.config.taxonomy;
  const replace = (typed: string): LspRange => ({ start: { line: position.line, character: position.character - typed.length }, end: position });
  if (key === 'category') {
    const typed = /^category\s*:\s*(.*)$/.exec(lineText)?.[1];
    if (typed === undefined) return [];
    return (taxonomy?.categories ?? []).map((category, i) => ({
      label: category.name,
      kind: CompletionItemKind.EnumMember,
      detail: category.slug,
      ...(category.description ? { documentation: category.description } : {}),
      sortText: pad(i),
      textEdit: { range: replace(typed), newText: category.name },
    }));
  }
  if (key === 'tags') {
    const typed = /^tags\s*:\s*\[(?:[^\]]*,)?\s*([^\],]*)$/.exec(lineText)?.[1] ?? /^\s*-\s+(.*)$/.exec(lineText)?.[1];
    if (typed === undefined) return [];
    const deprecated = taxonomy?.deprecatedTags ?? {};
    let tags = taxonomy?.tags;
    if (!tags) {
      // Without a tag list in the taxonomy, the tags already in use are the vocabulary.
      const used = new Set<string>();
      for (const article of kb.getIndex().articles()) for (const tag of article.tags) used.add(tag);
      tags = [...used].sort();
    }
    return tags
      .filter((tag) => !(tag in deprecated))
      .map((tag) => ({ label: tag, kind: CompletionItemKind.EnumMember, textEdit: { range: replace(typed.trim() === '' ? '' : typed), newText: tag } }));
  }
  return [];
}

// ---------------------------------------------------------------------------
// Navigation

export function definition(kb: KnowledgeBase, file: string, position: Position, line?: string): Location[] {
  const facts = kb.getFacts(file);
  if (!facts) return [];
  const reference = facts.footnotes.references.find((ref) => contains(ref.range, position));
  if (reference) {
    return facts.footnotes.definitions.filter((def) => def.key === reference.key).map((def) => ({ uri: toUri(file), range: toLspRange(def.range) }));
  }
  const link = linkAt(facts, position, line);
  if (!link) return [];
  const resolution = resolve(kb, facts, link);
  const target = resolveTarget(resolution);
  if (target) {
    const anchor = resolution.status === 'ok' ? resolution.anchor : undefined;
    const heading = anchor ? target.headings.find((h) => h.slug === anchor.toLowerCase() || h.slug === anchor) : undefined;
    return [{ uri: toUri(target.path), range: heading ? toLspRange(heading.range) : DOCUMENT_START }];
  }
  if (resolution.status === 'ok' && resolution.file) return [{ uri: toUri(resolution.file), range: DOCUMENT_START }];
  if (resolution.status === 'ambiguous') return resolution.candidates.map((c) => ({ uri: toUri(c.path), range: DOCUMENT_START }));
  return [];
}

export async function hover(kb: KnowledgeBase, file: string, position: Position, line?: string): Promise<Hover | null> {
  const facts = kb.getFacts(file);
  if (!facts) return null;
  const reference = facts.footnotes.references.find((ref) => contains(ref.range, position));
  if (reference) {
    const def = facts.footnotes.definitions.find((d) => d.key === reference.key);
    if (!def) return { contents: { kind: MarkupKind.Markdown, value: `Footnote \`[^${reference.label}]\` has no definition.` }, range: toLspRange(reference.range) };
    const text = (await kb.text(file)) ?? '';
    const value = sliceRange(text, def.range).replace(/^\s*\[\^[^\]]*\]:\s*/, '');
    return { contents: { kind: MarkupKind.Markdown, value }, range: toLspRange(reference.range) };
  }
  const link = linkAt(facts, position, line);
  if (!link) return null;
  const resolution = resolve(kb, facts, link);
  const target = resolveTarget(resolution);
  if (!target) return null;
  const anchor = resolution.status === 'ok' ? resolution.anchor : undefined;
  const heading = anchor ? target.headings.find((h) => h.slug === anchor.toLowerCase() || h.slug === anchor) : undefined;
  const title = target.title ?? target.id;
  const value = `**${escapeMarkdown(title)}**${heading ? ` › ${escapeMarkdown(heading.text)}` : ''}\n\n\`${target.relPath}\``;
  return { contents: { kind: MarkupKind.Markdown, value }, range: toLspRange(link.range) };
}

export function references(kb: KnowledgeBase, file: string, position: Position, includeDeclaration: boolean, line?: string): Location[] {
  const facts = kb.getFacts(file);
  if (!facts) return [];
  const footnote =
    facts.footnotes.references.find((ref) => contains(ref.range, position)) ??
    facts.footnotes.definitions.find((def) => contains(def.range, position));
  if (footnote) {
    const refs = facts.footnotes.references.filter((ref) => ref.key === footnote.key);
    const defs = includeDeclaration ? facts.footnotes.definitions.filter((def) => def.key === footnote.key) : [];
    return [...defs, ...refs].map((f) => ({ uri: toUri(file), range: toLspRange(f.range) }));
  }
  let target: ArticleFacts | undefined = facts;
  let anchor: string | undefined;
  const link = linkAt(facts, position, line);
  if (link) {
    const resolution = resolve(kb, facts, link);
    target = resolveTarget(resolution);
    anchor = resolution.status === 'ok' ? resolution.anchor : undefined;
  } else {
    anchor = facts.headings.find((h) => contains(h.range, position))?.slug;
  }
  if (!target) return [];
  const index = kb.getIndex();
  const locations: Location[] = [];
  for (const { from, link: backlink } of index.backlinks(target.path)) {
    if (anchor !== undefined && anchor !== '') {
      const resolution = index.resolveLink(from, backlink);
      const reached = resolution.status === 'ok' ? resolution.anchor?.toLowerCase() : undefined;
      if (reached !== anchor.toLowerCase()) continue;
    }
    locations.push({ uri: toUri(from.path), range: toLspRange(backlink.range) });
  }
  // Same-file `#anchor` links are not backlinks in the index; they still reference the heading.
  if (anchor && target.path === file) {
    for (const own of facts.links) {
      if (own.kind === 'anchor' && own.anchor?.toLowerCase() === anchor.toLowerCase()) locations.push({ uri: toUri(file), range: toLspRange(own.range) });
    }
  }
  return locations;
}

const MARKDOWN_LINK = /!?\[(?:[^[\]\n]|\[[^[\]\n]*\])*\]\([^)\n]*\)/g;

/**
 * The link under the cursor. A Markdown link's range covers only its
 * destination, and the cursor is as likely to be on its text: `line` (the
 * cursor's line) widens the match to the whole `[text](destination)`.
 */
function linkAt(facts: ArticleFacts, position: Position, line?: string): LinkFacts | undefined {
  const direct = facts.links.find((link) => contains(link.range, position));
  if (direct || line === undefined) return direct;
  for (const match of line.matchAll(MARKDOWN_LINK)) {
    const start = match.index;
    const end = start + match[0].length;
    if (position.character < start || position.character > end) continue;
    return facts.links.find(
      (link) => link.range.start.line === position.line + 1 && link.range.start.column - 1 >= start && link.range.start.column - 1 < end,
    );
  }
  return undefined;
}

function resolve(kb: KnowledgeBase, facts: ArticleFacts, link: LinkFacts): LinkResolution {
  return kb.getIndex().resolveLink(facts, link);
}

function resolveTarget(resolution: LinkResolution | undefined): ArticleFacts | undefined {
  if (!resolution) return undefined;
  if (resolution.status === 'ok') return resolution.target;
  if (resolution.status === 'missing-anchor') return resolution.target;
  return undefined;
}

function unique(candidates: ArticleFacts[]): ArticleFacts | undefined {
  return candidates.length === 1 ? candidates[0] : undefined;
}

function sliceRange(text: string, range: { start: { line: number; column: number; offset?: number }; end: { line: number; column: number; offset?: number } }): string {
  if (range.start.offset !== undefined && range.end.offset !== undefined) return text.slice(range.start.offset, range.end.offset);
  const lines = text.split('\n').slice(range.start.line - 1, range.end.line);
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

function pad(i: number): string {
  return String(i).padStart(4, '0');
}

function byLabel(a: CompletionItem, b: CompletionItem): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/**
 * The destination typed so far after the line's last `](`, while that link is
 * still open (no `)` or space after it). A scan rather than an end-anchored
 * regex, which V8 would retry from every `](` (quadratic on long lines).
 */
function openDestination(lineText: string): string | undefined {
  const start = lineText.lastIndexOf('](');
  if (start === -1) return undefined;
  const rest = lineText.slice(start + 2);
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === 41 /* ) */ || c === 32 || c === 9) return undefined;
  }
  return rest;
}
