// Search in a real browser: serves a built site over HTTP, opens
// search/index.html in headless Chromium, types Japanese queries with the
// keyboard and checks that the right program is the first result, that the
// live region announces the count, and that the result link works. Also
// checks the page without JavaScript and the program-list filter.
//
// Usage (from the repository root, after `mieru build`):
//   node tests/browser/search_test.mjs --site output [--chromium /usr/bin/chromium]
// Needs playwright-core (tests/browser/package.json); no browser download.
// Exits 1 on the first failed expectation.

import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
let site = 'output';
let executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--site') site = args[++i];
  else if (args[i] === '--chromium') executablePath = args[++i];
  else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
}
const dir = resolve(site);

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml' };

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = resolve(dir, '.' + path);
  if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403); res.end(); return; }
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const failures = [];
function expect(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const CASES = [
  ['定住自立圏', 'programs/teiju-jiritsuken/', '定住自立圏構想推進事業'],
  ['自立圏', 'programs/teiju-jiritsuken/', '定住自立圏構想推進事業'],
  ['東京農業大学', 'programs/tokyo-nodai-renkei/', '東京農業大学との包括連携事業'],
  ['農業大学', 'programs/tokyo-nodai-renkei/', '東京農業大学との包括連携事業'],
];

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/search/`);
  expect(await page.isVisible('#search-form'), 'the search form shows when JavaScript runs');
  const label = await page.textContent('label[for=search-input]');
  expect(Boolean(label && label.trim()), 'the search box has a label');

  for (const [query, url, title] of CASES) {
    // Reach the box with the keyboard, as a reader without a mouse would.
    await page.focus('#search-input');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(query);
    // Wait for the announcement of this very query (「自立圏」 is inside
    // 「定住自立圏」, so the brackets matter).
    await page.waitForFunction(
      (q) => document.getElementById('search-status').textContent.startsWith(`「${q}」`),
      query, { timeout: 5000 });
    const status = await page.textContent('#search-status');
    const first = await page.$('#search-results li a');
    const href = first ? await first.getAttribute('href') : null;
    const text = first ? await first.textContent() : null;
    expect(/検索結果：[1-9][0-9]*件/.test(status), `「${query}」: the live region says how many (${status})`);
    expect(text === title && href && href.endsWith(url), `「${query}」: first result is ${title} (${text} → ${href})`);
  }

  await page.fill('#search-input', '');
  await page.keyboard.type('存在しない言葉');
  await page.waitForFunction(() => document.getElementById('search-status').textContent.startsWith('「存在しない言葉」'));
  expect((await page.$$('#search-results li')).length === 0, 'a query with no match shows no result');
  expect((await page.textContent('#search-status')).includes('0件'), 'and says 0件');

  // Enter on the first result opens the program.
  await page.fill('#search-input', '');
  await page.keyboard.type('農業大学');
  await page.waitForSelector('#search-results li a');
  await page.focus('#search-results li a');
  await Promise.all([page.waitForURL(/tokyo-nodai-renkei/), page.keyboard.press('Enter')]);
  expect((await page.textContent('h1')).includes('東京農業大学との包括連携事業'), 'Enter on a result opens the program page');

  // The program list filters as one types.
  await page.goto(`${origin}/programs/`);
  await page.fill('#program-filter', '農業');
  await page.waitForFunction(() => document.getElementById('program-filter-status').textContent !== '');
  const visible = await page.$$eval('#program-list tbody tr', (rows) => rows.filter((r) => !r.hidden).length);
  expect(visible === 1, `the program filter leaves one row for 農業 (${visible})`);

  // Without JavaScript the page says why and where to go instead.
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const bare = await ctx.newPage();
  await bare.goto(`${origin}/search/`);
  const body = await bare.textContent('main');
  expect(body.includes('JavaScript'), 'without JavaScript the page explains that search needs it');
  expect(Boolean(await bare.$('main a[href$="programs/"]')), 'and links to the program index');
  expect(!(await bare.isVisible('#search-form')), 'and hides the form that cannot work');
  await ctx.close();
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(`${failures.length} search check(s) failed`);
  process.exit(1);
}
console.log('search checks passed');
