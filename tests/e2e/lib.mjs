// Shared helpers for the browser journeys: launch Debian's chromium through
// playwright-core, keep screenshots under tests/out/e2e/, and print TAP lines
// that tests/e2e/run.sh counts.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.NL_BASE_URL;
const OUT = process.env.NL_OUT_DIR || 'tests/out/e2e';
mkdirSync(OUT, { recursive: true });

let n = 0;
let failures = 0;

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.NL_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Chromium's own background connections are refused on this closed network;
    // these flags keep it quiet and fast.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ locale: 'tr-TR', viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  // A CSP violation or a script error on our pages is a failure of the journey.
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { browser, context, page, problems };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

// One TAP test point; a thrown error fails it with its message.
export async function step(name, fn) {
  n += 1;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 8)) console.log(`# ${line}`);
  }
}

export function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function done() {
  console.log(`1..${n}`);
  process.exitCode = failures ? 1 : 0;
}
