// Issue 3's journey in a real browser: the institution officer logs in and
// registers a person; the access-password e-mail arrives (demo outbox); the
// person logs in with the captcha and that password and sees his order in
// Başvurularım; a demo person logs in through the identity door with Turkish
// letters in lower case; the officer cancels another person's order and that
// person sees it as İptal Edildi; a person cancels his own order. Screenshots
// are kept under tests/out/e2e/portal-*.png.
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { CAPTCHA, preapply, staffLogin } from '../flows.mjs';

const NEW_TCKN = '61771293848';            // in the registry simulator, no order yet
const NEW_EMAIL = 'fatma.nur@example.org';
const MEHMET = '57855534068';
const { browser, page: officer, problems } = await launch();

async function freshPage() {
  const ctx = await browser.newContext({ locale: 'tr-TR', viewport: { width: 1100, height: 900 } });
  const p = await ctx.newPage();
  p.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  p.on('pageerror', (e) => problems.push(String(e)));
  return p;
}

async function submit(p, selector = 'main form button[type="submit"]') {
  await Promise.all([p.waitForNavigation(), p.click(selector)]);
}

async function formLogin(p, id, password) {
  await p.goto(`${BASE}/giris/form`);
  // The picture is a real PNG drawn for this session.
  const ok = await p.evaluate(() => {
    const img = document.querySelector('img[src^="/captcha.png"]');
    return img && img.complete && img.naturalWidth > 0;
  });
  expect(ok, 'captcha picture not loaded');
  await p.fill('input[name="captcha"]', CAPTCHA.toLowerCase());
  await p.fill('input[name="id_number"]', id);
  await p.fill('input[name="password"]', password);
  await submit(p);
}

let password = null;
let person = null;

await step('the officer logs in and registers a person', async () => {
  await staffLogin(officer, 'kurum', 'kurum-demo');
  await preapply(officer, { id_number: NEW_TCKN, given_name: 'Fatma Nur', surname: 'Ekşioğlu',
    email: NEW_EMAIL, mobile: '5321112233', payment_type: 'institution' });
  expect(/\/kurum\/siparis\/\d+(\?.*)?$/.test(officer.url()), `after registering: ${officer.url()}`);
  await shot(officer, 'portal-1-officer-registered');
});

await step('the access-password e-mail arrives in the outbox, HTML shown as source', async () => {
  person = await freshPage();
  await person.goto(`${BASE}/demo/outbox`);
  const msg = person.locator('li.outbox-msg', { hasText: NEW_EMAIL }).first();
  expect(await msg.count() === 1, 'no mail to the new person');
  await msg.locator('summary').click();
  const text = await msg.locator('pre.msg-text').textContent();
  expect(text.includes('5070 sayılı Elektronik İmza Kanunu'), 'law article missing');
  const m = text.match(/erişim parolası: (\S+)/);
  expect(m, 'no access password in the mail');
  password = m[1];
  const html = await msg.locator('pre.msg-html').textContent();
  expect(html.includes('<'), 'HTML part not shown as source');
  await shot(person, 'portal-2-outbox');
});

await step('the person logs in with the captcha and that password', async () => {
  await formLogin(person, NEW_TCKN, password);
  expect(person.url().endsWith('/basvuru'), `after login: ${person.url()}`);
  const text = await person.textContent('main');
  expect(text.includes('Yeni Başvuru') && text.includes('Önceki Başvuru'), 'no choice');
  await shot(person, 'portal-3-choice');
});

await step('Başvurularım shows his order with status, explanation and action', async () => {
  await person.click('a[href="/basvurularim"] >> nth=0');
  await person.waitForURL(/\/basvurularim$/);
  const rows = person.locator('tr.order-row');
  expect(await rows.count() === 1, `rows: ${await rows.count()}`);
  const row = await rows.first().textContent();
  expect(row.includes('Başvuru Formu Bekleniyor'), 'status missing');
  expect(row.includes('Form doldurma/onaylama işlemi tamamlanmamıştır.'), 'explanation missing');
  expect(row.includes('Başvuruyu Tamamla'), 'action missing');
  await shot(person, 'portal-4-basvurularim');
  await person.click('tr.order-row a:has-text("Detaylar")');
  const detail = await person.textContent('main');
  expect(detail.includes('İlk Sertifika') && detail.includes('Kurum Ödemeli'), 'detail fields');
  await shot(person, 'portal-5-detail');
});

await step('a wrong password gets the one message that reveals nothing', async () => {
  const p = await freshPage();
  await formLogin(p, NEW_TCKN, 'yanlış-parola');
  const text = await p.textContent('main');
  expect(text.includes('Kimlik numarası ya da erişim parolası hatalı'), 'message');
  await shot(p, 'portal-6-wrong-password');
  await p.context().close();
});

await step('identity login with Turkish letters in lower case', async () => {
  const p = await freshPage();
  await p.goto(`${BASE}/giris/kimlik`);
  await p.fill('input[name="captcha"]', CAPTCHA);
  await p.fill('input[name="tckn"]', '49214588584');
  await p.fill('input[name="given_name"]', 'ışıl');
  await p.fill('input[name="surname"]', 'çelik');
  await p.fill('input[name="birth_place"]', 'izmir');
  await p.fill('input[name="birth_date"]', '1992-06-21');
  await shot(p, 'portal-7-identity-door');
  await submit(p);
  expect(p.url().endsWith('/basvuru'), `after identity login: ${p.url()}`);
  expect((await p.textContent('main')).includes('IŞIL ÇELİK'), 'name missing');
  await p.context().close();
});

await step('the officer cancels another order; its person sees İptal Edildi', async () => {
  // Mehmet is logged in while his institution cancels his order.
  const p = await freshPage();
  await formLogin(p, MEHMET, 'Demo2026');
  expect(p.url().endsWith('/basvuru'), `Mehmet's login: ${p.url()}`);
  await officer.goto(`${BASE}/kurum?q=${MEHMET}`);
  await Promise.all([officer.waitForNavigation(), officer.click('a[href^="/kurum/siparis/"] >> nth=0')]);
  await officer.fill('textarea[name="reason"]', 'Kurumdan ayrıldı');
  await submit(officer, 'form[action$="/iptal"] button[type="submit"]');
  expect((await officer.textContent('main')).includes('İptal Edildi'), 'officer page');
  await shot(officer, 'portal-8-officer-cancelled');
  await p.goto(`${BASE}/basvurularim`);
  const row = await p.locator('tr.order-row').first().textContent();
  expect(row.includes('İptal Edildi'), 'Mehmet does not see İptal Edildi');
  expect(row.includes('iptal edilmiştir'), 'cancelled explanation missing');
  expect(!row.includes('Başvuruyu Tamamla'), 'a cancelled order still offers the form');
  await shot(p, 'portal-9-person-sees-cancelled');
  await p.context().close();
  // With no open order left, the form door no longer lets him in.
  const q = await freshPage();
  await formLogin(q, MEHMET, 'Demo2026');
  expect(q.url().endsWith('/giris/form'), `cancelled order still opens the door: ${q.url()}`);
  await q.context().close();
});

await step('the person cancels his own order with a reason', async () => {
  await person.goto(`${BASE}/basvurularim`);
  await person.click('tr.order-row a:has-text("Detaylar")');
  await person.fill('input[name="reason"]', 'Başka kurumdan başvuracağım');
  await submit(person, 'form[action$="/iptal"] button[type="submit"]');
  const text = await person.textContent('main');
  expect(text.includes('İptal Edildi') && text.includes('Başka kurumdan başvuracağım'),
    'cancelled status or reason missing');
  await person.goto(`${BASE}/basvurularim`);
  expect((await person.textContent('main')).includes('İptal Edildi'), 'list not updated');
  await shot(person, 'portal-10-cancelled-by-person');
});

await step('no script errors or CSP violations on the way', async () => {
  // A refused login answers 401 (and a locked one 429) on purpose; Chromium
  // reports any such page load on the console. Everything else is a problem.
  const real = problems.filter((m) => !/status of (401|429)/.test(m));
  expect(real.length === 0, real.join('\n'));
});

await browser.close();
done();
