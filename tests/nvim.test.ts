/**
 * End to end in a real editor: headless Neovim (Debian's `neovim`) runs its
 * built-in LSP client against the built server on a small knowledge base,
 * and the diagnostics are read back from `vim.diagnostic.get`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, TAXONOMY_YAML } from './helpers/kb.js';

const SERVER_BIN = path.join(REPO_ROOT, 'packages/language-server/bin/kblint-language-server.js');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;
if (!hasNvim && !process.env.CI) {
  console.warn('tests/nvim.test.ts: skipped, `nvim` is not installed (apt-get install neovim; .ci/run installs it)');
}

/**
 * Works with Neovim 0.7 (Debian bookworm), which has `vim.lsp.start_client`
 * but not yet `vim.lsp.start`. Starts the server, opens the broken article,
 * waits for its diagnostics, then renames a heading in a second buffer
 * without saving and waits for the first buffer's diagnostics to follow.
 */
const SCRIPT = String.raw`
local env = vim.env
local function snapshot(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(out, string.format('%d:%d-%d:%d %s %s: %s', d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1,
      d.severity == vim.diagnostic.severity.ERROR and 'error' or 'warning', tostring(d.code or lsp.code), d.message))
  end
  table.sort(out)
  return out
end

local client = vim.lsp.start_client({
  name = 'kblint',
  cmd = { env.NODE, env.KBLINT_SERVER, '--stdio' },
  root_dir = env.KB_ROOT,
})
vim.cmd('edit ' .. vim.fn.fnameescape(env.KB_ROOT .. '/content/reasoning/broken.md'))
local broken = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(broken, client)
local first_ok = vim.wait(20000, function() return #vim.diagnostic.get(broken) >= 3 end, 20)
local first = snapshot(broken)

vim.cmd('edit ' .. vim.fn.fnameescape(env.KB_ROOT .. '/content/reasoning/chain-of-thought.md'))
local cot = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(cot, client)
vim.wait(500, function() return false end, 50)
local lines = vim.api.nvim_buf_get_lines(cot, 0, -1, false)
for i, line in ipairs(lines) do
  if line == '## Why It Helps' then vim.api.nvim_buf_set_lines(cot, i - 1, i, false, { '## Why It Works' }) end
end
local second_ok = vim.wait(20000, function() return #vim.diagnostic.get(broken) >= 4 end, 20)
local second = snapshot(broken)

local file = io.open(env.KB_OUT, 'w')
file:write(vim.fn.json_encode({ first_ok = first_ok, first = first, second_ok = second_ok, second = second }))
file:close()
vim.lsp.stop_client(client)
vim.cmd('qa!')
`;

describe.skipIf(!hasNvim && !process.env.CI)('Neovim end to end', () => {
  it('shows kblint diagnostics in Neovim, and follows an unsaved edit in another buffer', () => {
    expect(hasNvim, 'nvim must be installed in CI').toBe(true);
    const root = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/reasoning/chain-of-thought.md': `---
title: Chain of Thought
category: Reasoning
---

# Chain of Thought

## Why It Helps

More computation per answer.
`,
      'content/reasoning/broken.md': `---
title: Broken
category: Reasonin
---

# Broken

See [[Chain of Thought#Why It Helps]] and [the missing one](missing.md)[^nope].
`,
    });
    const script = path.join(root, 'e2e.lua');
    writeFileSync(script, SCRIPT);
    const out = path.join(root, 'out.json');
    const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', 'NONE', '-c', `luafile ${script}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE: process.execPath, KBLINT_SERVER: SERVER_BIN, KB_ROOT: root, KB_OUT: out },
    });
    expect(run.error).toBeUndefined();
    const result = JSON.parse(readFileSync(out, 'utf8')) as { first_ok: boolean; first: string[]; second_ok: boolean; second: string[] };
    expect(result.first).toEqual([
      '3:11-3:19 error valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
      '8:61-8:71 error no-dangling-links: Unexpected missing article `missing.md`, expected the path of an existing article',
      '8:72-8:79 error no-unresolved-citations: Unexpected undefined footnote `[^nope]`, expected a definition `[^nope]: <source>` in this file',
    ]);
    expect(result.second).toEqual([
      '3:11-3:19 error valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
      '8:5-8:38 error no-dangling-links: Unexpected missing heading `Why It Helps` in `reasoning/chain-of-thought`, did you mean `Why It Works`?',
      '8:61-8:71 error no-dangling-links: Unexpected missing article `missing.md`, expected the path of an existing article',
      '8:72-8:79 error no-unresolved-citations: Unexpected undefined footnote `[^nope]`, expected a definition `[^nope]: <source>` in this file',
    ]);
  });
});
