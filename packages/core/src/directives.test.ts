import type { ArticleFacts, Diagnostic } from '@kblint/rule-kit';
import { describe, expect, it } from 'vitest';
import { applyDirectives } from './directives.js';

const diagnostic = (line: number, ruleId: string): Diagnostic => ({
  file: '/kb/a.md',
  line,
  column: 1,
  endLine: line,
  endColumn: 2,
  ruleId,
  severity: 'error',
  message: `${ruleId} at ${line}`,
});

function run(directives: ArticleFacts['directives'], diagnostics: Diagnostic[]) {
  const facts = new Map([['/kb/a.md', { directives } as ArticleFacts]]);
  return applyDirectives(diagnostics, facts).map((d) => d.message);
}

describe('kblint-disable directives', () => {
  const all = [diagnostic(2, 'a'), diagnostic(2, 'b'), diagnostic(5, 'a'), diagnostic(9, 'a'), diagnostic(9, 'internal-error')];

  it('disable silences from its line until a matching enable', () => {
    expect(
      run(
        [
          { kind: 'disable', rules: ['a'], line: 1 },
          { kind: 'enable', rules: ['a'], line: 6 },
        ],
        all,
      ),
    ).toEqual(['b at 2', 'a at 9', 'internal-error at 9']);
  });

  it('disable without rule ids silences every rule but never internal errors', () => {
    expect(run([{ kind: 'disable', rules: [], line: 1 }], all)).toEqual(['internal-error at 9']);
  });

  it('disable-next-line silences only its target line and rules', () => {
    expect(run([{ kind: 'disable-next-line', rules: ['a'], line: 4, targetLine: 5 }], all)).toEqual([
      'a at 2',
      'b at 2',
      'a at 9',
      'internal-error at 9',
    ]);
  });

  it('an enable for another rule does not re-enable', () => {
    expect(
      run(
        [
          { kind: 'disable', rules: ['a'], line: 1 },
          { kind: 'enable', rules: ['b'], line: 3 },
        ],
        all,
      ),
    ).toEqual(['b at 2', 'internal-error at 9']);
  });
});
