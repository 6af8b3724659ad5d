/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. Checks what a reader sees and does: key figures, sorting
 * (mouse and keyboard), filtering, phone width, print, contrast; and that the
 * page makes no request but its own file and logs no error.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, runCli } from './helpers/kb.js';

const CHROMIUM = process.env.KBLINT_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'tests/__output__');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium; the HTML report cannot be checked without it`);
}
if (!available) console.warn(`Skipping the HTML report browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!available)('the HTML report in headless Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let fileUrl: string;
  const requests: string[] = [];
  const blocked: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // The fixture, reported once, then changed and reported again with
    // --compare, so the page has a trend and a list of changes.
    const dir = makeKb({});
    cpSync(path.join(REPO_ROOT, 'tests/fixtures/report-kb'), dir, { recursive: true });
    expect(runCli(dir, ['report', '-o', 'before.json'], { SOURCE_DATE_EPOCH: '1700000000' }).code).toBe(0);
    const react = path.join(dir, 'content/reasoning/react.md');
    writeFileSync(react, readFileSync(react, 'utf8').replace('## Advantages\n', '## Advantages\n\nActions ground the reasoning.\n'));
    const run = runCli(dir, ['report', '--compare', 'before.json', '--repo-url', 'https://example.org/kb/blob/main', '-o', 'report.html'], {
      SOURCE_DATE_EPOCH: '1700086400',
    });
    expect(run.code).toBe(0);
    fileUrl = pathToFileURL(path.join(dir, 'report.html')).href;

    userDataDir = mkdtempSync(path.join(tmpdir(), 'kblint-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      // As root in CI: no sandbox; nothing in the background may touch the network.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(fileUrl);
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const text = async (selector: string) => (await page.locator(selector).innerText()).trim();
  const column = (table: string, index: number) =>
    page.locator(`#${table} tbody tr:not([hidden]) > :nth-child(${index})`).evaluateAll((cells) => cells.map((c) => (c as HTMLElement).innerText.trim()));

  it('shows the key figures at the top', async () => {
    await expect(page.locator('[data-figure="healthScore"]').isVisible()).resolves.toBe(true);
    // react's empty section is filled (+10 for react): (100 + 72.5 + 60 + 65 + 80 + 55) / 6 = 72.08; before, 70.4.
    expect(await text('[data-figure="healthScore"] .value')).toBe('72.1');
    expect(await text('[data-figure="healthScore"] .delta')).toBe('+1.7');
    expect(await text('[data-figure="articles"] .value')).toBe('6');
    expect(await text('[data-figure="problems"] .value')).toBe('11');
    expect(await text('[data-figure="problems"] .delta')).toBe('−1');
    expect(await text('[data-figure="emptySections"] .value')).toBe('0');
    expect(await text('[data-figure="orphanArticles"] .value')).toBe('4');
    expect(await text('[data-figure="citationsPer1000Words"] .value')).toBe('32.52');
    const box = await page.locator('#summary').boundingBox();
    expect(box && box.y < 900).toBe(true);
    // The charts are there, each with a text alternative.
    for (const id of ['chart-problems', 'chart-density', 'chart-trend']) {
      expect(await page.locator(`#${id}`).isVisible()).toBe(true);
    }
    expect(await page.locator('#chart-problems svg[role="img"]').first().getAttribute('aria-label')).toBe(
      'Reasoning: 5 problems (citations 2, metadata 2, links 1)',
    );
    expect(await text('#fixed-h')).toBe('Fixed (1)');
  });

  it('sorts a table by clicking a column header, and with the keyboard', async () => {
    const score = page.locator('#articles-table thead th').nth(7);
    await score.locator('button').click();
    expect(await score.getAttribute('aria-sort')).toBe('descending');
    expect(await column('articles-table', 8)).toEqual(['100', '80', '72.5', '65', '60', '55']);
    await score.locator('button').click();
    expect(await score.getAttribute('aria-sort')).toBe('ascending');
    expect(await column('articles-table', 8)).toEqual(['55', '60', '65', '72.5', '80', '100']);

    const words = page.locator('#articles-table thead th').nth(2);
    await words.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await words.getAttribute('aria-sort')).toBe('descending');
    expect(await score.getAttribute('aria-sort')).toBe('none');
    expect(await column('articles-table', 3)).toEqual(['61', '59', '57', '27', '23', '19']);
    await page.keyboard.press('Space');
    expect(await column('articles-table', 3)).toEqual(['19', '23', '27', '57', '59', '61']);
  });

  it('filters findings by category, rule and text', async () => {
    expect(await text('#findings-table-count')).toBe('Showing all 11 findings');
    await page.getByLabel('Category', { exact: true }).first().selectOption('tools');
    expect(await text('#findings-table-count')).toBe('Showing 6 of 11 findings');
    expect(await column('findings-table', 2)).toEqual(['Tools', 'Tools', 'Tools', 'Tools', 'Tools', 'Tools']);
    await page.locator('#findings-table-rule').selectOption('no-duplicate-titles');
    expect(await column('findings-table', 1)).toEqual(['content/tools/function-calling.md:2:8', 'content/tools/web-browsing.md:2:8']);
    await page.locator('#findings-table-text').fill('function-calling.md');
    expect(await text('#findings-table-count')).toBe('Showing 1 of 11 findings');
    await page.locator('#findings-table-category').selectOption('*');
    await page.locator('#findings-table-rule').selectOption('*');
    await page.locator('#findings-table-text').fill('');
    expect(await text('#findings-table-count')).toBe('Showing all 11 findings');

    await page.locator('#articles-table-category').selectOption('reasoning');
    expect(await text('#articles-table-count')).toBe('Showing 4 of 6 articles');
    await page.locator('#articles-table-category').selectOption('*');
  });

  it('links findings to their source line', async () => {
    expect(await page.locator('#findings-table tbody a').first().getAttribute('href')).toMatch(
      /^https:\/\/example\.org\/kb\/blob\/main\/content\/(reasoning|tools)\/[a-z-]+\.md#L\d+$/,
    );
  });

  it('is accessible: landmarks, labelled controls, sortable headers, contrast', async () => {
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.locator('nav').count()).toBe(1);
    expect(await page.locator('main').count()).toBe(1);
    const unlabelled = await page.locator('select, input').evaluateAll((controls) =>
      controls.filter((c) => !(c.id && document.querySelector(`label[for="${c.id}"]`))).map((c) => c.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    const sortable = await page.locator('table.sortable thead th').evaluateAll((ths) =>
      ths.map((th) => [th.getAttribute('aria-sort') !== null, th.querySelector('button') !== null]),
    );
    expect(sortable.length).toBeGreaterThan(10);
    expect(sortable.every(([sort, button]) => sort && button)).toBe(true);

    // WCAG contrast of every visible text against its effective background.
    const worst = await page.evaluate(() => {
      const channel = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      const parse = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r = 0, g = 0, b = 0]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      const background = (element: Element | null): number[] => {
        for (let e = element; e; e = e.parentElement) {
          const rgba = parse(getComputedStyle(e).backgroundColor);
          if (rgba.length === 3 || (rgba[3] ?? 0) > 0) return rgba.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const results: Array<{ ratio: number; text: string }> = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || !node.textContent?.trim() || element.closest('script,style,svg,.skip')) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const fg = luminance(parse(getComputedStyle(element).color));
        const bg = luminance(background(element));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        results.push({ ratio: Math.round(ratio * 100) / 100, text: node.textContent.trim().slice(0, 40) });
      }
      return results.sort((a, b) => a.ratio - b.ratio)[0];
    });
    expect(worst?.ratio).toBeGreaterThanOrEqual(4.5);
  });

  it('fits a phone screen and prints without its controls', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'report-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // The page itself never scrolls sideways; wide tables scroll inside their own region.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('[data-figure="healthScore"]').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'report-phone.png') });

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    expect(await page.locator('form.filters').first().isVisible()).toBe(false);
    expect(await page.locator('#articles-table').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(existsSync(path.join(OUTPUT, 'report-desktop.png'))).toBe(true);
  });

  it('made no request but the file itself, and logged no error', () => {
    expect(blocked).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    expect(consoleErrors).toEqual([]);
  });
});
