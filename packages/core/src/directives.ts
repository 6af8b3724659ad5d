import type { ArticleFacts, Diagnostic } from '@kblint/rule-kit';

/**
 * Drops findings silenced by `<!-- kblint-disable rule -->` (until a matching
 * `kblint-enable` or the end of the file) and `<!-- kblint-disable-next-line
 * rule -->`. No rule ids means every rule. Internal errors are never silenced.
 */
export function applyDirectives(diagnostics: Diagnostic[], facts: ReadonlyMap<string, ArticleFacts>): Diagnostic[] {
  return diagnostics.filter((diagnostic) => {
    if (diagnostic.ruleId === 'internal-error') return true;
    const directives = facts.get(diagnostic.file)?.directives;
    if (!directives?.length) return true;
    return !isSilenced(diagnostic, directives);
  });
}

function isSilenced(diagnostic: Diagnostic, directives: ArticleFacts['directives']): boolean {
  const applies = (rules: string[]) => rules.length === 0 || rules.includes(diagnostic.ruleId);
  let disabled = false;
  for (const directive of directives) {
    if (directive.kind === 'disable-next-line') {
      if (directive.targetLine === diagnostic.line && applies(directive.rules)) return true;
      continue;
    }
    if (directive.line > diagnostic.line) break;
    if (applies(directive.rules)) disabled = directive.kind === 'disable';
  }
  return disabled;
}
