import { displayPath } from '@kblint/core/lint';
import { VFile } from 'vfile';
import { reporter } from 'vfile-reporter';
import type { Formatter } from './index.js';

/** vfile-reporter's output, the format remark-lint users know. */
export const formatStylish: Formatter = (result, { cwd, color, quiet }) => {
  const files = new Map<string, VFile>();
  for (const diagnostic of result.diagnostics) {
    const name = displayPath(diagnostic.file, cwd);
    let file = files.get(name);
    if (!file) {
      file = new VFile({ path: name });
      files.set(name, file);
    }
    const message = file.message(diagnostic.message, {
      place: {
        start: { line: diagnostic.line, column: diagnostic.column },
        end: { line: diagnostic.endLine, column: diagnostic.endColumn },
      },
      ruleId: diagnostic.ruleId,
      source: 'kblint',
    });
    message.fatal = diagnostic.severity === 'error';
    if (diagnostic.url) message.url = diagnostic.url;
  }
  const checked = `${result.summary.files} ${result.summary.files === 1 ? 'file' : 'files'} checked`;
  if (files.size === 0) return `${color ? '\u001B[32m✔\u001B[39m' : '✔'} ${checked}, no problems\n`;
  const report = reporter([...files.values()], { color, quiet });
  return report ? `${report}\n${checked}\n` : `${checked}\n`;
};
