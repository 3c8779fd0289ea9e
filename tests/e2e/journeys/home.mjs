// The home page in Turkish and in English, with the doors of SPEC §2, and no
// script error or CSP violation.
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';

const { browser, page, problems } = await launch();

await step('home page is Turkish by default', async () => {
  const res = await page.goto(`${BASE}/`);
  expect(res.status() === 200, `status ${res.status()}`);
  const text = await page.textContent('body');
  expect(text.includes('Başvuru Formu'), 'no "Başvuru Formu" door');
  expect(text.includes('Online İşlemler'), 'no "Online İşlemler" door');
  expect((await page.getAttribute('html', 'lang')) === 'tr', 'html lang is not tr');
  await shot(page, 'home-tr');
});

await step('English is one click away and sticks', async () => {
  await page.click('a[href*="lang=en"]');
  expect((await page.getAttribute('html', 'lang')) === 'en', 'html lang is not en');
  await page.goto(`${BASE}/`);
  expect((await page.getAttribute('html', 'lang')) === 'en', 'language did not stick');
  await shot(page, 'home-en');
});

await step('the page works on a phone-sized screen', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${BASE}/?lang=tr`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  expect(!overflow, 'the page scrolls sideways on a phone');
  await shot(page, 'home-phone');
});

await step('no script errors or CSP violations', async () => {
  expect(problems.length === 0, problems.join('\n'));
});

await browser.close();
done();
