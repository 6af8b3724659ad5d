// The parse floor: kblint's own parser (remark-parse with exactly the syntax
// extensions kblint uses) over every Markdown file, on one core, no rules, no
// facts. Nothing that parses every file can be faster than this on one core.
//
//   node bench/parse-floor.mjs <dir>
import { createParser } from '@kblint/core';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function* markdown(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* markdown(file);
    else if (entry.name.endsWith('.md')) yield file;
  }
}

const parser = createParser();
let files = 0;
let bytes = 0;
for (const file of markdown(path.resolve(process.argv[2] ?? '.'))) {
  const text = readFileSync(file, 'utf8');
  parser.parse(text);
  files++;
  bytes += Buffer.byteLength(text);
}
process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
