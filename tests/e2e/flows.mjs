// Steps the browser journeys share: the person's form login (the test setting
// [demo] fixed_captcha makes NL_CAPTCHA the answer), the staff login, step 1 of
// the application form wizard and its SMS code from the demo outbox, and the
// e-İmza test bed (the demo CA and its signer beside nitelikd, demo tokens from
// scripts/demo-token.sh, nitelik-imza signing with them).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, BASE } from './lib.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD = process.env.NL_BUILD_DIR;
export const DATA = process.env.NL_DATA_DIR;
export const CAPTCHA = process.env.NL_CAPTCHA || 'ACDEF';
export const PASSWORD = 'Demo2026';          // the demo persons' access password
export const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const AYSE = '64172043210';           // demo persons, each with one pre-application
export const MEHMET = '57855534068';

// Clicks selector and waits for the page it leads to.
export async function navClick(p, selector) {
  await Promise.all([p.waitForNavigation(), p.click(selector)]);
}

// The person's form login with the fixed captcha answer.
export async function personLogin(p, tckn, password = PASSWORD) {
  await p.goto(`${BASE}/giris/form`);
  await p.fill('input[name="captcha"]', CAPTCHA);
  await p.fill('input[name="id_number"]', tckn);
  await p.fill('input[name="password"]', password);
  await navClick(p, 'main form button[type="submit"]');
}

// Başvurularım → "Başvuruyu Tamamla": step 1 of the person's open order.
export async function openForm(p) {
  await p.goto(`${BASE}/basvurularim`);
  await Promise.all([p.waitForNavigation(), p.locator('a[href$="/form"]').first().click()]);
}

// The staff login at /kurum/giris (officer, admin, RA, production operator).
export async function staffLogin(p, user, password) {
  await p.goto(`${BASE}/kurum/giris`);
  await p.fill('input[name="username"]', user);
  await p.fill('input[name="password"]', password);
  await navClick(p, 'form[action="/kurum/giris"] button[type="submit"]');
}

// The officer, logged in, pre-applies for a person (id_number, given_name,
// surname, email, mobile, payment_type) and stands on the new order's page.
export async function preapply(p, f) {
  await p.goto(`${BASE}/kurum/basvuru/yeni`);
  for (const k of ['id_number', 'given_name', 'surname', 'email', 'mobile'])
    await p.fill(`input[name="${k}"]`, f[k]);
  await p.selectOption('select[name="reason"]', 'first');
  await p.selectOption('select[name="payment_type"]', f.payment_type);
  await navClick(p, 'form[action="/kurum/basvuru/yeni"] button[type="submit"]');
}

// Nothing but failed loads (a refused form answers 4xx on purpose, which
// Chromium logs) among the console errors and script errors of the journey.
export function expectNoScriptErrors(problems) {
  const real = problems.filter((p) => !p.includes('Failed to load resource'));
  expect(real.length === 0, real.join('\n'));
}

// Step 1 filled in full and right; a journey replaces what it looks at.
export const FORM = {
  period: '1', card_reader: 'standard', publish: 'no', reason: 'first',
  security_word: 'Güvenli2026', email: 'ayse.yilmaz@example.org', mobile: '0532 123 45 67',
  operator: 'turkcell', info_channel: 'email', unit: 'Bilgi İşlem Şubesi', title: 'Öğretmen',
  work_phone: '0312 444 55 66', address_type: 'institution',
  address: 'Atatürk Bulvarı No: 1, Kızılay', province: '6', district: 'Çankaya',
  postal_code: '06420', delivery_method: 'courier',
};

// Step 1's fields in the order a person fills them, with how each is set.
const STEP1 = [
  ['select', 'period'], ['select', 'card_reader'], ['check', 'publish'], ['select', 'reason'],
  ['fill', 'security_word'], ['fill', 'security_word2'], ['fill', 'email'], ['fill', 'mobile'],
  ['select', 'operator'], ['select', 'info_channel'], ['fill', 'unit'], ['fill', 'title'],
  ['fill', 'work_phone'], ['select', 'address_type'], ['fill', 'address'], ['select', 'province'],
  ['district', 'district'], ['fill', 'postal_code'], ['select', 'delivery_method'],
];

// Fills step 1 with FORM and over (security_word2 repeats security_word unless
// given); the district list follows the province through the page's script.
export async function fillStep1(p, over = {}) {
  const f = { ...FORM, security_word2: over.security_word || FORM.security_word, ...over };
  for (const [how, name] of STEP1) {
    if (how === 'fill') {
      await p.fill(`[name="${name}"]`, f[name]);
    } else if (how === 'check') {
      await p.check(`input[name="${name}"][value="${f[name]}"]`);
    } else {
      if (how === 'district')
        await p.waitForFunction((d) => [...document.querySelectorAll('select[name="district"] option')]
          .some((o) => o.value === d), f.district);
      await p.selectOption(`[name="${name}"]`, f[name]);
    }
  }
}

// Step 1 filled and submitted: the page stands at the SMS code.
export async function submitStep1(p, over = {}) {
  await fillStep1(p, over);
  await navClick(p, 'button[value="submit"]');
  expect(p.url().endsWith('/sms'), `after submit: ${p.url()}`);
}

// The newest SMS code to mobile, read from the demo outbox in another tab of ctx.
export async function smsCode(ctx, mobile) {
  const outbox = await ctx.newPage();
  await outbox.goto(`${BASE}/demo/outbox`);
  const body = await outbox.textContent('body');
  await outbox.close();
  const digits = mobile.replace(/\D/g, '').slice(-10);
  const m = /kodunuz: (\d{6})/.exec(body.slice(body.indexOf(digits)));
  expect(m, 'no SMS code in the demo outbox');
  return m[1];
}

// At the SMS code page: sends the code and enters it; the page stands at step 2.
export async function confirmBySms(p, ctx, mobile) {
  await navClick(p, 'button[value="send"]');
  await p.fill('[name="code"]', await smsCode(ctx, mobile));
  await navClick(p, 'button[value="verify"]');
  expect(p.url().endsWith('/onay'), `after the code: ${p.url()}`);
}

// ---- the e-İmza test bed ----

let signer = null;
// The signer is ours to stop, also when a step throws past done().
process.on('exit', () => { if (signer) signer.kill(); });

// `nitelik ca init` in the demo folder and the signer beside nitelikd.
export async function startCA() {
  execFileSync(join(BUILD, 'src/cmd/nitelik'), ['ca', 'init', '--data', DATA, '--base-url', BASE],
    { stdio: 'ignore' });
  signer = spawn(join(BUILD, 'src/cmd/nitelik-signer'), ['--demo', '--data', DATA], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(join(DATA, 'ca', 'signer.sock')); i++)
    await new Promise((r) => setTimeout(r, 50));
}

export function stopCA() {
  if (signer) signer.kill();
  signer = null;
}

// A SoftHSM2 token {dir, label} holding a qualified certificate for
// person = [tckn, given name, surname].
export function demoToken(token, person) {
  execFileSync(join(ROOT, 'scripts', 'demo-token.sh'), [DATA, ...person], {
    stdio: 'ignore',
    env: { ...process.env, NITELIK_BUILD: BUILD, NITELIK_TOKEN_DIR: token.dir, NITELIK_TOKEN_LABEL: token.label },
  });
}

// nitelik-imza signs code with token; resolves with {rc, out, err}.
export function sign(token, code) {
  return new Promise((resolve) => {
    const p = spawn(join(BUILD, 'src/cmd/nitelik-imza'),
      ['--server', BASE, '--module', MODULE, '--token', token.label, code],
      { env: { ...process.env, SOFTHSM2_CONF: join(token.dir, 'softhsm2.conf'), NITELIK_IMZA_PIN: '123456' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (rc) => resolve({ rc, out, err }));
  });
}
