// Checks built sites the way readers meet them: every HTML page through the
// Nu HTML Checker, then in headless Chromium through axe-core (WCAG 2.1 A/AA),
// a 320 CSS px reflow check and a keyboard check of the skip link; every SVG
// chart for well-formedness; one program page printed to A4 PDF; screenshots.
//
// Usage (run.sh calls it):
//   node check.mjs --site NAME=DIR ... --report FILE [--screenshots DIR]
//                  [--print NAME:PATH:MIN:MAX] [--chromium PATH]
// Exits 1 when any page has a Nu error, an axe violation or a failed check.

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const VNU_JAR = resolve(require.resolve('vnu-jar/package.json'), '..', 'build', 'dist', 'vnu.jar');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NARROW = 320;

// ---------- arguments ----------
const args = process.argv.slice(2);
const opt = { sites: [], report: null, screenshots: null, print: null, chromium: '/usr/bin/chromium' };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const next = () => args[++i];
  if (a === '--site') {
    const [name, dir] = next().split('=');
    opt.sites.push({ name, dir: resolve(dir) });
  } else if (a === '--report') opt.report = resolve(next());
  else if (a === '--screenshots') opt.screenshots = resolve(next());
  else if (a === '--print') {
    const [site, path, min, max] = next().split(':');
    opt.print = { site, path, min: Number(min), max: Number(max) };
  } else if (a === '--chromium') opt.chromium = next();
  else throw new Error(`unknown argument ${a}`);
}
if (!opt.sites.length || !opt.report) {
  console.error('usage: node check.mjs --site NAME=DIR ... --report FILE');
  process.exit(2);
}

// ---------- files ----------
function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}
const rel = (site, file) => relative(site.dir, file).split(sep).join('/');

/// The path the site is published under, from the canonical link of its
/// front page, so that root-relative links (the 404 page) resolve as they
/// will on the real server.
function basePath(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const m = html.match(/<link[^>]*href="?([^" >]+)"?[^>]*rel="?canonical/) ||
    html.match(/<link[^>]*rel="?canonical"?[^>]*href="?([^" >]+)/);
  if (!m) return '/';
  const p = new URL(m[1]).pathname;
  return p.endsWith('/') ? p : p.replace(/[^/]*$/, '');
}

// ---------- static server ----------
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.ttf': 'font/ttf', '.woff2': 'font/woff2',
  '.png': 'image/png', '.js': 'text/javascript', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml' };

function serve(dir, base) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(base)) { res.writeHead(404); res.end(); return; }
    path = path.slice(base.length);
    let file = resolve(dir, '.' + '/' + path);
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      let body = '';
      try { body = readFileSync(join(dir, '404.html')); } catch { /* no 404 page */ }
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(body);
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---------- Nu HTML Checker ----------
function vnuVersion() {
  const r = spawnSync('java', ['-jar', VNU_JAR, '--version'], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

/// Runs the checker once over all files; returns file → messages.
function vnu(files) {
  const r = spawnSync('java', ['-Xss4m', '-jar', VNU_JAR, '--format', 'json', '--also-check-svg', '--exit-zero-always', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  let parsed;
  try { parsed = JSON.parse(r.stderr); } catch {
    throw new Error(`Nu HTML Checker gave no JSON:\n${r.stderr}\n${r.stdout}`);
  }
  const byFile = new Map(files.map((f) => [f, []]));
  for (const m of parsed.messages) {
    const f = decodeURIComponent((m.url || '').replace(/^file:/, ''));
    const kind = m.type === 'error' || m.type === 'non-document-error' ? 'error'
      : m.type === 'info' && m.subType === 'warning' ? 'warning' : 'info';
    if (kind === 'info') continue;
    const list = byFile.get(f) || byFile.get(resolve(f));
    const entry = { kind, line: m.lastLine, message: m.message, extract: m.extract };
    if (list) list.push(entry); else byFile.set(f, [entry]);
  }
  return byFile;
}

// ---------- browser checks ----------
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function axeRun(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    // axe leaves text drawn in its own background colour "to review" (it
    // might be deliberately hidden); on these pages it never is, so it counts.
    const invisible = r.incomplete.filter((v) => v.id === 'color-contrast')
      .map((v) => ({ ...v, id: 'color-contrast-invisible', help: 'Text has the same colour as its background',
        nodes: v.nodes.filter((n) => n.any.some((c) => c.data && c.data.messageKey === 'equalRatio')) }))
      .filter((v) => v.nodes.length);
    return [...r.violations, ...invisible].map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
  }, AXE_TAGS);
}

/// Width the page needs beyond the viewport at 320 CSS px (0 when it reflows).
async function overflowAt(page, width) {
  await page.setViewportSize({ width, height: 640 });
  return page.evaluate(() => {
    const se = document.scrollingElement;
    const over = se.scrollWidth - window.innerWidth;
    let culprit = null;
    if (over > 0) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 0.5 && (!el.closest('.table-wrap') || getComputedStyle(el).position === 'absolute')) { culprit = el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''); break; }
      }
    }
    return { over, culprit };
  });
}

/// The first Tab lands on the visible skip link, whose target exists and
/// takes the focus; focused links draw a visible outline.
async function keyboard(page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    const cs = getComputedStyle(a);
    return { cls: a.className, href: a.getAttribute('href'), visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0,
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
  });
  const problems = [];
  if (first.cls !== 'skip') problems.push('first Tab does not reach the skip link');
  if (!first.visible) problems.push('skip link not visible when focused');
  if (!first.outline) problems.push('focused link has no visible outline');
  if (first.href && first.href.startsWith('#')) {
    await page.keyboard.press('Enter');
    const ok = await page.evaluate((id) => document.activeElement === document.getElementById(id), first.href.slice(1));
    if (!ok) problems.push('skip link does not move the focus to its target');
  }
  return problems;
}

/// Tab walks every focusable element once, in document order, and never
/// gets stuck (no keyboard trap, no positive tabindex reordering the page).
async function tabOrder(page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  // A fresh load, so that the walk starts at the top of the document.
  // (without the #main the skip link left in the address).
  await page.goto(page.url().split('#')[0], { waitUntil: 'load' });
  const expected = await page.evaluate(() => {
    const sel = 'a[href], button, input, select, textarea, [tabindex]';
    window.__focusables = [...document.querySelectorAll(sel)].filter((e) =>
      e.tabIndex >= 0 && !e.disabled && e.checkVisibility({ visibilityProperty: true }));
    return { count: window.__focusables.length,
      positive: document.querySelectorAll('[tabindex]:not([tabindex="0"]):not([tabindex^="-"])').length };
  });
  const problems = [];
  if (expected.positive) problems.push(`${expected.positive} elements with a positive tabindex`);
  const limit = Math.min(expected.count, 400);
  let last = -1;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => window.__focusables.indexOf(document.activeElement));
    if (at !== last + 1) {
      problems.push(`Tab ${i + 1} went to focusable #${at} instead of #${last + 1}`);
      break;
    }
    last = at;
  }
  return problems;
}

async function svgWellFormed(page, text) {
  return page.evaluate((t) => {
    const d = new DOMParser().parseFromString(t, 'image/svg+xml');
    const err = d.getElementsByTagName('parsererror')[0];
    if (err) return err.textContent.slice(0, 200);
    const svg = d.documentElement;
    if (svg.localName !== 'svg') return 'root element is not svg';
    if (svg.getAttribute('role') !== 'img') return 'svg lacks role="img"';
    if (!svg.querySelector(':scope > title') || !svg.querySelector(':scope > desc')) return 'svg lacks title or desc';
    return null;
  }, text);
}

// ---------- print ----------
async function printCheck(context, url, expect, outDir) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  // Every text the reader sees on paper: text nodes of rendered elements.
  const texts = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !el.checkVisibility({ visibilityProperty: true }) || el.closest('.vh')) continue;
      const t = n.textContent.replace(/\s+/g, '');
      if (t.length >= 2) out.push(t);
    }
    return out;
  });
  // Tables must fit the printed width (A4 less 12 mm margins each side).
  await page.setViewportSize({ width: Math.floor((210 - 24) / 25.4 * 96), height: 1000 });
  const clipped = await page.evaluate(() => [...document.querySelectorAll('.table-wrap, table, .fields')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.querySelector('caption')?.textContent || e.className));
  const pdf = join(outDir, 'program.pdf');
  await page.pdf({ path: pdf, format: 'A4', landscape: false, preferCSSPageSize: true, printBackground: true });
  await page.close();
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  if (info.error) throw info.error;
  const pages = Number((info.stdout.match(/^Pages:\s+(\d+)/m) || [])[1]);
  const size = (info.stdout.match(/^Page size:\s+(.*)$/m) || [])[1] || '';
  const txt = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (txt.error) throw txt.error;
  const pdfText = txt.stdout.replace(/\s+/g, '');
  const missing = texts.filter((t) => !pdfText.includes(t));
  const problems = [];
  if (!(pages >= expect.min && pages <= expect.max)) problems.push(`${pages} pages, expected ${expect.min}–${expect.max}`);
  if (!/59[45](\.\d+)? x 84[12]/.test(size)) problems.push(`page size ${size} is not A4 portrait`);
  if (missing.length) problems.push(`${missing.length} texts missing from the PDF: ${missing.slice(0, 5).join(' / ')}`);
  if (clipped.length) problems.push(`clipped when printed: ${clipped.join(' / ')}`);
  return { page: expect.path, pages, page_size: size, texts_checked: texts.length, missing, clipped, problems };
}

// ---------- screenshots ----------
const SHOTS = [
  ['index', (paths) => paths.find((p) => p === 'index.html')],
  ['policy', (paths) => paths.find((p) => /^policies\/[^/]+\/index\.html$/.test(p))],
  ['program', (paths) => paths.find((p) => /^programs\/[^/]+\/index\.html$/.test(p))],
];

async function screenshots(browser, site, url, paths, shots = SHOTS, prefix = '') {
  mkdirSync(opt.screenshots, { recursive: true });
  const made = [];
  for (const [name, pick] of shots) {
    const label = prefix + name;
    const path = pick(paths);
    if (!path) continue;
    for (const [width, height] of [[375, 812], [1280, 900]]) {
      const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await page.goto(url(path), { waitUntil: 'load' });
      const file = join(opt.screenshots, `${label}-${width}.png`);
      await page.screenshot({ path: file, fullPage: false });
      made.push(relative(process.cwd(), file));
      await ctx.close();
    }
  }
  return made;
}

// ---------- main ----------
const started = new Date();
const sites = opt.sites.map((s) => {
  const files = walk(s.dir);
  return { ...s, base: basePath(s.dir), html: files.filter((f) => f.endsWith('.html')), svg: files.filter((f) => f.endsWith('.svg')) };
});

console.log('Nu HTML Checker …');
const nu = vnu(sites.flatMap((s) => [...s.html, ...s.svg]));

const browser = await chromium.launch({ executablePath: opt.chromium, args: launchArgs, headless: true });
const userAgent = (await browser.version());
const report = {
  generated: started.toISOString(),
  tools: {
    node: process.version,
    vnu: vnuVersion(),
    axe_core: require('axe-core/package.json').version,
    playwright_core: require('playwright-core/package.json').version,
    chromium: userAgent,
    java: (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr || '').split('\n')[0],
  },
  axe_tags: AXE_TAGS,
  reflow_width: NARROW,
  sites: [],
  print: null,
  screenshots: [],
  ok: true,
};

const rows = [];
for (const site of sites) {
  const server = await serve(site.dir, site.base);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const url = (p) => origin + site.base + p.replace(/(^|\/)index\.html$/, '$1');
  const entry = { name: site.name, base_path: site.base, pages: [], charts: [] };
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  for (const file of site.html) {
    const path = rel(site, file);
    const messages = nu.get(file) || [];
    const page = await ctx.newPage();
    const resp = await page.goto(url(path), { waitUntil: 'load' });
    const status = resp ? resp.status() : 0;
    const violations = await axeRun(page);
    const problems = [];
    if (status !== 200 && path !== '404.html') problems.push(`HTTP ${status}`);
    problems.push(...await keyboard(page));
    problems.push(...await tabOrder(page));
    // 640 px is a 1280 px window at 200 % zoom; 320 px is the same at 400 %.
    for (const width of [640, NARROW]) {
      const reflow = await overflowAt(page, width);
      if (reflow.over > 0) problems.push(`scrolls sideways by ${reflow.over}px at ${width}px (${reflow.culprit})`);
    }
    await page.close();
    const r = {
      page: path,
      nu_errors: messages.filter((m) => m.kind === 'error').length,
      nu_warnings: messages.filter((m) => m.kind === 'warning').length,
      axe_violations: violations.reduce((n, v) => n + v.nodes.length, 0),
      problems,
      nu: messages,
      axe: violations,
    };
    entry.pages.push(r);
    rows.push([site.name, path, r.nu_errors, r.nu_warnings, r.axe_violations, problems.length ? problems.join('; ') : 'ok']);
    if (r.nu_errors || r.axe_violations || problems.length) report.ok = false;
  }
  const page = await ctx.newPage();
  await page.goto(url('index.html'));
  for (const file of site.svg) {
    const path = rel(site, file);
    const messages = (nu.get(file) || []).filter((m) => m.kind === 'error');
    const wf = await svgWellFormed(page, readFileSync(file, 'utf8'));
    const problems = [...messages.map((m) => m.message), ...(wf ? [wf] : [])];
    entry.charts.push({ chart: path, ok: problems.length === 0, problems });
    if (problems.length) report.ok = false;
  }
  await page.close();
  if (opt.print && opt.print.site === site.name) {
    const tmp = mkdtempSync(join(tmpdir(), 'mieru-print-'));
    report.print = await printCheck(ctx, url(opt.print.path), opt.print, tmp);
    rmSync(tmp, { recursive: true, force: true });
    if (report.print.problems.length) report.ok = false;
  }
  if (opt.screenshots && site === sites[0]) {
    report.screenshots = await screenshots(browser, site, url, site.html.map((f) => rel(site, f)));
  } else if (opt.screenshots && site.name.startsWith('form-')) {
    // A program page of each bundled sheet form.
    const made = await screenshots(browser, site, url, site.html.map((f) => rel(site, f)), [SHOTS[1], SHOTS[2]], `${site.name}-`);
    report.screenshots = [...(report.screenshots || []), ...made];
  }
  await ctx.close();
  server.close();
  report.sites.push(entry);
}
await browser.close();

// ---------- table ----------
const head = ['site', 'page', 'Nu errors', 'Nu warnings', 'axe violations', 'other checks'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(head));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
for (const s of report.sites) {
  const bad = s.charts.filter((c) => !c.ok);
  console.log(`${s.name}: ${s.pages.length} pages, ${s.charts.length} SVG charts (${bad.length} not well-formed)`);
  for (const c of bad) console.log(`  ${c.chart}: ${c.problems.join('; ')}`);
}
if (report.print) {
  console.log(`print ${report.print.page}: ${report.print.pages} A4 pages, ${report.print.texts_checked} texts checked, ` +
    (report.print.problems.length ? report.print.problems.join('; ') : 'ok'));
}
for (const s of report.sites) {
  for (const p of s.pages) {
    for (const m of p.nu.filter((x) => x.kind === 'error')) console.log(`NU ${s.name}/${p.page}:${m.line}: ${m.message}`);
    for (const v of p.axe) for (const n of v.nodes) console.log(`AXE ${s.name}/${p.page}: ${v.id} (${v.impact}) ${n.target}: ${v.help}`);
  }
}
const totals = report.sites.flatMap((s) => s.pages).reduce((t, p) => ({
  pages: t.pages + 1, nu_errors: t.nu_errors + p.nu_errors, nu_warnings: t.nu_warnings + p.nu_warnings,
  axe_violations: t.axe_violations + p.axe_violations }), { pages: 0, nu_errors: 0, nu_warnings: 0, axe_violations: 0 });
report.totals = totals;
console.log(`total: ${totals.pages} pages, ${totals.nu_errors} Nu errors, ${totals.nu_warnings} Nu warnings, ${totals.axe_violations} axe violations`);
console.log(report.ok ? 'OK' : 'FAILED');
mkdirSync(resolve(opt.report, '..'), { recursive: true });
writeFileSync(opt.report, JSON.stringify(report, null, 2) + '\n');
process.exit(report.ok ? 0 : 1);
