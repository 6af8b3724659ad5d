// The parse floor: every Markdown file parsed to an mdast tree, on one core,
// no rules, no facts.
//
//   node bench/parse-floor.mjs <dir>          remark-parse with exactly kblint's syntax extensions
//   node bench/parse-floor.mjs <dir> --fast   kblint's parser: the fast path, remark-parse where it declines
//
// Both build the same trees (tests/fast-parse.test.ts); the second prints how
// many files the fast path took.
import { createParser, fastParse } from '@kblint/core';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function* markdown(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* markdown(file);
    else if (entry.name.endsWith('.md')) yield file;
  }
}

const fast = process.argv.includes('--fast');
const parser = createParser();
let files = 0;
let bytes = 0;
let fastFiles = 0;
for (const file of markdown(path.resolve(process.argv[2] ?? '.'))) {
  const text = readFileSync(file, 'utf8');
  const tree = fast ? fastParse(text) : undefined;
  if (tree) fastFiles++;
  else parser.parse(text);
  files++;
  bytes += Buffer.byteLength(text);
}
process.stdout.write(`${JSON.stringify({ files, bytes, ...(fast ? { fastFiles } : {}) })}\n`);
