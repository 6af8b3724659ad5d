// A deterministic generator of realistic knowledge bases: N articles over the
// ten categories, 3–6 KB each, with frontmatter, 3–6 sections, footnote
// citations, relative, site-absolute, same-file and wiki links with anchors,
// and about 5% of articles carrying one planted defect each, cycling through
// every rule. The same seed and N always give the same bytes.
//
//   node bench/generate.mjs <dir> [--articles N] [--seed S]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CATEGORIES = [
  ['Core Concepts', 'core-concepts'],
  ['Reasoning', 'reasoning'],
  ['Memory & Retrieval', 'memory-retrieval'],
  ['Agent Types', 'agent-types'],
  ['Design Patterns', 'design-patterns'],
  ['Training & Alignment', 'training-alignment'],
  ['Frameworks', 'frameworks'],
  ['Tools', 'tools'],
  ['Safety', 'safety'],
  ['Meta', 'meta'],
];

export const TAGS = [
  'agents', 'alignment', 'benchmarks', 'embeddings', 'evaluation', 'fine-tuning', 'multi-agent', 'open-models',
  'planning', 'prompting', 'rag', 'reinforcement-learning', 'security', 'tool-use', 'transformers', 'memory',
];

/** One planted defect per defective article, in this order; every rule is covered. */
export const DEFECTS = [
  'valid-frontmatter',
  'valid-taxonomy',
  'no-unresolved-citations',
  'no-unused-citations',
  'no-duplicate-citations',
  'citation-has-source',
  'no-empty-sections',
  'no-dangling-links',
  'no-duplicate-titles',
];

const ADJECTIVES = [
  'Adaptive', 'Hierarchical', 'Recursive', 'Sparse', 'Contrastive', 'Latent', 'Causal', 'Modular', 'Federated', 'Episodic',
  'Reflective', 'Iterative', 'Grounded', 'Multimodal', 'Distributed', 'Probabilistic', 'Symbolic', 'Neural', 'Structured', 'Dynamic',
  'Robust', 'Verifiable', 'Compositional', 'Self-Supervised', 'Offline', 'Online', 'Interactive', 'Constrained', 'Bayesian', 'Temporal',
  'Cooperative', 'Adversarial', 'Incremental', 'Scalable', 'Interpretable', 'Efficient', 'Long-Context', 'Retrieval-Augmented', 'Tool-Augmented', 'Goal-Directed',
];
const NOUNS = [
  'Planning', 'Memory', 'Retrieval', 'Attention', 'Reasoning', 'Search', 'Routing', 'Distillation', 'Alignment', 'Evaluation',
  'Decoding', 'Tokenization', 'Summarization', 'Reflection', 'Delegation', 'Verification', 'Critique', 'Orchestration', 'Grounding', 'Exploration',
  'Compression', 'Caching', 'Ranking', 'Indexing', 'Prompting', 'Calibration', 'Sandboxing', 'Monitoring', 'Negotiation', 'Scheduling',
];
const QUALIFIERS = ['Agents', 'Pipelines', 'Models', 'Loops', 'Policies', 'Graphs', 'Protocols', 'Benchmarks', 'Systems', 'Methods', 'Networks', 'Frameworks', 'Strategies', 'Workflows', 'Controllers', 'Architectures', 'Heuristics'];
const SECTIONS = ['Overview', 'Background', 'How It Works', 'Architecture', 'Training', 'Evaluation', 'Applications', 'Advantages', 'Disadvantages', 'Limitations', 'Variants', 'Implementation Notes', 'Related Work', 'Open Problems', 'History'];
const WORDS = (
  'the model agent uses a plan to decompose each task into smaller steps and then checks the result against the goal before it acts ' +
  'retrieval adds relevant documents from an external index so that answers stay grounded in sources rather than in parametric memory ' +
  'evaluation compares several variants on held out benchmarks and reports accuracy latency and cost for every configuration that was tried ' +
  'practitioners often combine this approach with tool calls structured outputs and a short reflection step that catches obvious mistakes early ' +
  'researchers observed that larger models benefit more while small models tend to produce fluent but unreliable intermediate reasoning traces ' +
  'a controller schedules subtasks across workers keeps a shared scratchpad and stops when the budget is spent or the answer is verified'
).split(' ');
const SURNAMES = ['Smith', 'Chen', 'Garcia', 'Kumar', 'Nakamura', 'Okafor', 'Rossi', 'Schmidt', 'Dubois', 'Silva', 'Kowalski', 'Haddad', 'Novak', 'Lindqvist', 'Moreau', 'Tanaka', 'Ivanova', 'Osei', 'Park', 'Yilmaz'];
const VENUES = ['Proceedings of NeurIPS', 'Proceedings of ICML', 'Transactions of the ACL', 'Journal of Machine Learning Research', 'Proceedings of ICLR', 'Artificial Intelligence'];

/** mulberry32: small, fast and good enough for content; the seed fixes every byte. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, int, pick };
}

/** GitHub's slug for the plain headings generated here. */
export function slug(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function plan(count, rng) {
  const combos = ADJECTIVES.length * NOUNS.length * QUALIFIERS.length;
  // A fixed stride through the combinations (coprime with their count) keeps
  // titles unique without a shuffle of every combination.
  const stride = 7919;
  const articles = [];
  for (let i = 0; i < count; i++) {
    const c = (i * stride) % combos;
    const round = Math.floor(i / combos);
    const title =
      `${ADJECTIVES[c % ADJECTIVES.length]} ${NOUNS[Math.floor(c / ADJECTIVES.length) % NOUNS.length]} ` +
      `${QUALIFIERS[Math.floor(c / (ADJECTIVES.length * NOUNS.length))]}${round ? ` ${round + 1}` : ''}`;
    const [categoryName, category] = CATEGORIES[i % CATEGORIES.length];
    const sectionCount = rng.int(3, 6);
    const sections = [];
    const pool = [...SECTIONS];
    for (let s = 0; s < sectionCount; s++) sections.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
    articles.push({ i, title, categoryName, category, file: slug(title), sections, defect: undefined });
  }
  let defects = 0;
  for (const article of articles) {
    if (rng.next() < 0.05) article.defect = DEFECTS[defects++ % DEFECTS.length];
  }
  return articles;
}

function sentence(rng, link) {
  const length = rng.int(12, 24);
  const words = [];
  for (let w = 0; w < length; w++) words.push(rng.pick(WORDS));
  if (link) words.splice(rng.int(1, words.length - 1), 0, link);
  const text = words.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function linkTo(rng, from, target) {
  const heading = rng.next() < 0.5 ? rng.pick(target.sections) : undefined;
  const anchor = heading ? `#${slug(heading)}` : '';
  const label = target.title.toLowerCase();
  switch (rng.int(0, 3)) {
    case 0:
      return target.category === from.category ? `[${label}](${target.file}.md${anchor})` : `[${label}](../${target.category}/${target.file}.md${anchor})`;
    case 1:
      return `[${label}](/${target.category}/${target.file}${anchor})`;
    case 2:
      return heading ? `[[${target.title}#${heading}]]` : `[[${target.title}]]`;
    default:
      return `[[${target.title}|${label}]]`;
  }
}

function article(a, all, rng) {
  const size = rng.int(3000, 6000);
  const tags = [rng.pick(TAGS), rng.pick(TAGS)].filter((t, k, list) => list.indexOf(t) === k);
  const title = a.title;
  if (a.defect === 'valid-taxonomy') tags.push('not-a-known-tag');
  const front = ['---', `title: ${title}`];
  if (a.defect !== 'valid-frontmatter') front.push(`category: ${a.categoryName}`);
  front.push(`tags: [${tags.join(', ')}]`);
  // An alias that is another article's title: wiki links to that title become
  // ambiguous too, as they would in a real knowledge base.
  if (a.defect === 'no-duplicate-titles') front.push(`aliases: [${all[(a.i + 1) % all.length].title}]`);
  front.push('---', '');
  const citations = [];
  const cite = () => {
    const key = `${rng.pick(SURNAMES).toLowerCase()}${rng.int(2015, 2025)}${String.fromCharCode(97 + citations.length)}`;
    citations.push(key);
    return `[^${key}]`;
  };
  const citationCount = rng.int(2, 5);
  const body = [`# ${title}`, ''];
  const budget = Math.floor((size - 350 - citationCount * 150) / a.sections.length);
  a.sections.forEach((heading, s) => {
    body.push(`## ${heading}`, '');
    if (a.defect === 'no-empty-sections' && s === 0) return;
    let written = 0;
    // Stop before a paragraph (about 450 bytes) would clearly overshoot the section's share.
    while (written === 0 || written + 250 < budget) {
      const sentences = [];
      const count = rng.int(3, 5);
      for (let k = 0; k < count; k++) {
        let link;
        const roll = rng.next();
        if (roll < 0.22) link = linkTo(rng, a, all[rng.int(0, all.length - 1)]);
        else if (roll < 0.26) link = `[see ${heading.toLowerCase()}](#${slug(rng.pick(a.sections))})`;
        let text = sentence(rng, link);
        if (citations.length < citationCount && rng.next() < 0.35) text = `${text.slice(0, -1)}${cite()}.`;
        sentences.push(text);
      }
      const paragraph = sentences.join(' ');
      body.push(paragraph, '');
      written += paragraph.length;
    }
  });
  while (citations.length < citationCount) body.splice(body.length - 1, 0, sentence(rng) .replace(/\.$/, `${cite()}.`), '');
  switch (a.defect) {
    case 'no-unresolved-citations':
      body.push(`This claim cites a source that was removed[^removed${a.i}].`, '');
      break;
    case 'no-dangling-links':
      body.push(`See also [the retired page](../${a.category}/retired-page-${a.i}.md) and [[${all[(a.i + 3) % all.length].title}#No Such Section]].`, '');
      break;
  }
  const definitions = citations.map((key) => definition(rng, key));
  if (a.defect === 'no-unused-citations') definitions.push(definition(rng, `unused${a.i}`));
  if (a.defect === 'no-duplicate-citations') definitions.push(definition(rng, citations[0]));
  if (a.defect === 'citation-has-source') definitions[0] = `[^${citations[0]}]: TODO: find the paper.`;
  return `${front.join('\n')}\n${body.join('\n')}\n${definitions.join('\n')}\n`;
}

function definition(rng, key) {
  const author = rng.pick(SURNAMES);
  const year = rng.int(2015, 2025);
  const words = [];
  for (let w = 0; w < rng.int(4, 8); w++) words.push(rng.pick(WORDS));
  const first = rng.int(1, 400);
  return `[^${key}]: ${author}, ${String.fromCharCode(65 + rng.int(0, 25))}. et al. (${year}). "${words.join(' ')}." ${rng.pick(VENUES)}, pp. ${first}–${first + rng.int(5, 20)}. https://doi.org/10.5555/${author.toLowerCase()}.${year}.${rng.int(100, 999)}`;
}

const TAXONOMY = `categories:\n${CATEGORIES.map(([name, s]) => `  - name: ${name}\n    slug: ${s}`).join('\n')}\ntags:\n${TAGS.map((t) => `  - ${t}`).join('\n')}\n`;

/**
 * Writes the knowledge base to `dir` (replacing it): `content/<category>/*.md`,
 * `taxonomy.yml` and `.kblintrc.yml`, plus the peers' configs. Returns what it
 * wrote.
 */
export function generate(dir, { articles = 5000, seed = 1 } = {}) {
  const rng = random(seed);
  const all = plan(articles, rng);
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  for (const [, category] of CATEGORIES) mkdirSync(path.join(dir, 'content', category), { recursive: true });
  let bytes = 0;
  const defects = {};
  for (const a of all) {
    const text = article(a, all, rng);
    bytes += Buffer.byteLength(text);
    if (a.defect) defects[a.defect] = (defects[a.defect] ?? 0) + 1;
    writeFileSync(path.join(dir, 'content', a.category, `${a.file}.md`), text);
  }
  writeFileSync(path.join(dir, 'taxonomy.yml'), TAXONOMY);
  writeFileSync(path.join(dir, '.kblintrc.yml'), 'content: content\ntaxonomy: taxonomy.yml\n');
  // The peers, configured for the checks they have that compare with kblint's.
  writeFileSync(
    path.join(dir, '.markdownlint-cli2.jsonc'),
    `${JSON.stringify({ config: { default: false, MD051: true, MD052: true, MD053: true }, globs: ['content/**/*.md'] }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(dir, '.remarkrc.json'),
    `${JSON.stringify(
      {
        plugins: [
          'remark-frontmatter',
          'remark-gfm',
          ['remark-validate-links', { repository: false }],
          'remark-lint-no-undefined-references',
          'remark-lint-no-unused-definitions',
        ],
      },
      null,
      2,
    )}\n`,
  );
  return {
    articles: all.length,
    bytes,
    defects,
    files: all.map((a) => path.join(dir, 'content', a.category, `${a.file}.md`)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at === -1 ? fallback : Number(args[at + 1]);
  };
  const dir = args.find((a, k) => !a.startsWith('--') && !args[k - 1]?.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: node bench/generate.mjs <dir> [--articles N] [--seed S]\n');
    process.exit(2);
  }
  const result = generate(path.resolve(dir), { articles: option('--articles', 5000), seed: option('--seed', 1) });
  process.stdout.write(`${result.articles} articles, ${(result.bytes / 1e6).toFixed(1)} MB, defects: ${JSON.stringify(result.defects)}\n`);
}
