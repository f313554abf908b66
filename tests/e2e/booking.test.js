'use strict';
/* booking.test.js: the booking page end to end, in Debian's Chromium driven
 * by playwright-core, against a redlightd that tests/e2e/run.sh started on a
 * throwaway database of the demo studio. Prints TAP.
 *
 * Environment (run.sh sets it): RL_E2E_BASE (http://127.0.0.1:PORT),
 * RL_E2E_DB (libpq URL), RL_E2E_OUT (screenshots), RL_E2E_STATIC (the
 * page's files), RL_CHROMIUM (/usr/bin/chromium), NODE_PATH (the npm
 * packages). */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { chromium } = require('playwright-core');
const { FIRST_VIEW_WIRE_BUDGET, SITE_BUDGET, LATER, staticBytes, servedFirstView } = require('./budget.js');

const BASE = process.env.RL_E2E_BASE;
const DB = process.env.RL_E2E_DB;
const OUT = process.env.RL_E2E_OUT || path.join(os.tmpdir(), 'rl-e2e-out');
const STATIC = process.env.RL_E2E_STATIC || path.join(__dirname, '../../web/static');
const AXE = require.resolve('axe-core/axe.min.js');
const TZ = 'America/Toronto';
const STUDIO_A = '00000000-0000-4000-8000-0000000000a1';
const STUDIO_B = '00000000-0000-4000-8000-0000000000a2';
const RECORDING = '00000000-0000-4000-8000-0000000000b1';
const RENTAL = '00000000-0000-4000-8000-0000000000b2';
/* each context is a new window, which would also load Chromium's omnibox
 * popups (WebUI pages of some 70 modules; see measure.js) without the last */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
	'--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup'];
const VIEWPORTS = { mobile: { width: 375, height: 812 }, desktop: { width: 1280, height: 800 } };

/* ---- a tiny TAP runner: tests run in order and share state ---- */
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function cannotRun(why) { const e = new Error(why); e.skip = true; throw e; }
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(got, want, msg) {
	if (got !== want) throw new Error(`${msg}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
/* until: poll fn (every 50 ms) until it returns something truthy */
async function until(what, fn, ms = 10000) {
	const end = Date.now() + ms;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) { last = e; }
		if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
		await new Promise(r => setTimeout(r, 50));
	}
}
function sql(q) {
	return execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-F', '|', '-c', q, DB], { encoding: 'utf8' }).trim();
}

/* ---- the studio's calendar, computed here independently of the page ---- */
const ymdFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const hmFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });
const ymd = ms => ymdFmt.format(ms);
function addDays(d, n) {
	const t = new Date(d + 'T12:00:00Z');
	t.setUTCDate(t.getUTCDate() + n);
	return t.toISOString().slice(0, 10);
}
/* the UTC instant of local time hh:mm on day d in the studio's zone */
function at(d, hm) {
	for (const off of ['-05:00', '-04:00']) {
		const ms = Date.parse(`${d}T${hm}:00${off}`);
		if (ymd(ms) === d && hmFmt.format(ms) === hm) return new Date(ms).toISOString().replace('.000Z', 'Z');
	}
	throw new Error(`no ${hm} on ${d} in ${TZ}`);
}
/* a weekday two to eight days out: Studio A and Eli Engineer both work,
 * clear of the seed's bookings (today, tomorrow) and of Christmas */
let DAY = addDays(ymd(Date.now()), 2);
while ([0, 6].includes(new Date(DAY + 'T12:00:00Z').getUTCDay()) || DAY.endsWith('-12-25')) DAY = addDays(DAY, 1);

/* ---- browser helpers ---- */
let browser;
const errors = [];
async function newPage(opts) {
	/* service workers stay out of the way of page.route, but in their own test */
	const ctx = await browser.newContext(Object.assign({ viewport: VIEWPORTS.desktop, locale: 'en-US',
		timezoneId: 'Asia/Tokyo', baseURL: BASE, serviceWorkers: 'block' }, opts));
	const page = await ctx.newPage();
	page.on('pageerror', e => errors.push(`${page.url()}: ${e.message}`));
	/* what the Content-Security-Policy blocks is reported on the console only */
	page.on('console', m => {
		if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
			errors.push(`${page.url()}: ${m.text()}`);
	});
	page.setDefaultTimeout(10000);
	return page;
}
const slotKey = (room, start) => `${room}|${start}`;
const slotSel = key => `[data-slot="${key}"]`;
async function heading(page) {
	return (await page.locator('main h1').first().textContent({ timeout: 10000 })).trim();
}
async function waitH1(page, re) {
	return until(`a heading matching ${re} (at ${page.url()})`, async () => re.test(await heading(page)));
}
async function axe(page) {
	/* evaluated by the DevTools protocol: the page's policy lets no
	 * added script element run, as it should */
	if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(fs.readFileSync(AXE, 'utf8'));
	const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')})`);
}
async function shot(page, name) {
	const vp = page.viewportSize();
	fs.mkdirSync(OUT, { recursive: true });
	await page.screenshot({ path: path.join(OUT, `${name}-${vp.width}x${vp.height}.png`), fullPage: true });
}
async function signUpInline(page, email, name) {
	const form = page.locator('form.auth');
	await form.waitFor();
	if (await form.getByLabel('Your name').isHidden()) await form.getByRole('button', { name: /create an account/i }).click();
	await form.getByLabel('Your name').fill(name);
	await form.getByLabel('Email').fill(email);
	await form.getByLabel(/^Password/).fill('a-long-e2e-password');
	await form.getByRole('button', { name: /create account/i }).click();
}
async function signIn(page, email, password) {
	const form = page.locator('form.auth');
	await form.waitFor();
	if (await form.getByLabel('Your name').isVisible()) await form.getByRole('button', { name: /already have an account/i }).click();
	await form.getByLabel('Email').fill(email);
	await form.getByLabel(/^Password/).fill(password);
	await form.getByRole('button', { name: /^sign in$/i }).click();
}
async function login(page, email, password) {
	const r = await page.request.post('/api/auth/login', { data: { email, password }, headers: { Origin: BASE } });
	eq(r.status(), 200, `login of ${email}`);
}

/* ---- shared state between the tests ---- */
const st = {
	email: `e2e-${process.pid}-${Date.now()}@redlight.test`,
	name: 'Eve Twoe',
	start: at(DAY, '14:00'), end: at(DAY, '16:00'),
};
const availUrl = (svc, room) => `/#/availability?date=${DAY}&svc=${svc}&dur=120${room ? '&room=' + room : ''}`;

test('the first view (index.html with its boot data, sw.js) goes out gzipped to a browser in 14 KB on the wire, the whole site with its later screens under 80 KB', async () => {
	const sz = staticBytes(STATIC);
	const fv = await servedFirstView(BASE);
	console.log(`# static: first view ${sz.first} bytes, whole site ${sz.site} (${sz.parts.join(', ')}); ` +
		`on the wire gzipped ${fv.bytes} (${fv.parts.join(', ')}), budget ${FIRST_VIEW_WIRE_BUDGET}`);
	assert(fv.parts.every((p) => p.endsWith(' gzip')), `the first view is not all sent gzipped: ${fv.parts.join(', ')}`);
	assert(fv.bytes <= FIRST_VIEW_WIRE_BUDGET, `the first view's ${fv.bytes} bytes on the wire are over the ${FIRST_VIEW_WIRE_BUDGET}-byte budget`);
	assert(sz.site < SITE_BUDGET, `the whole site's ${sz.site} bytes are over the ${SITE_BUDGET}-byte budget`);
	for (const f of LATER) assert(fs.existsSync(path.join(STATIC, f)), `${f}, counted as loaded later, is not in ${STATIC}`);
	const html = fs.readFileSync(path.join(STATIC, 'index.html'), 'utf8');
	assert(!/(src|href)=["']?(https?:)?\/\//i.test(html), 'index.html loads something from another host');
	for (const f of LATER)
		assert(!new RegExp(`(src|href)=["']?/?${f.replace('.', '\\.')}`).test(html), `index.html loads ${f} in its first view`);
});

test('home: the studio, its rooms with their details, and a call to check availability', async () => {
	const page = st.a = await newPage();
	const foreign = [];
	page.on('request', r => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) foreign.push(r.url()); });
	await page.goto('/');
	await waitH1(page, /Redlight Demo Studios/);
	const cards = page.locator('article.room');
	eq(await cards.count(), 3, 'room cards');
	const a = cards.filter({ hasText: 'Studio A' });
	const text = await a.textContent();
	for (const want of ['Up to 8 people', 'Neve 8078 console', 'tracking', 'isolation booth'])
		assert(text.includes(want), `Studio A's card lacks "${want}": ${text}`);
	assert((await a.getAttribute('style')).includes('#d7263d'), "Studio A's card does not carry its colour");
	const cta = page.getByRole('link', { name: 'Check availability' });
	assert(await cta.isVisible(), 'no visible "Check availability" link');
	await cta.click();
	await waitH1(page, /^Availability$/);
	eq(foreign.length, 0, `requests to other hosts: ${foreign.join(', ')}`);
});

test("availability: a guest sees slots per room with prices, in the studio's zone (named), while the browser is in Tokyo", async () => {
	const page = st.a;
	await page.goto(availUrl(RECORDING));
	const key = st.key = slotKey(STUDIO_A, st.start);
	const btn = page.locator(slotSel(key));
	await btn.waitFor();
	const t = await btn.textContent();
	assert(t.includes('2:00 PM'), `the 14:00 Toronto slot reads "${t}", not 2:00 PM`);
	assert(t.includes('$180.00'), `the 2-hour recording slot shows no $180.00 price: "${t}"`);
	/* the zone's full name needs Intl, which the page loads once the slots are drawn */
	await until("the studio's zone, named", async () => {
		const body = await page.locator('main').textContent();
		return body.includes('America/Toronto') && /Eastern (Standard|Daylight) Time/.test(body);
	}, 3000);
	await until('the date field to become a date picker', async () => (await page.getByLabel('Date').getAttribute('type')) === 'date', 3000);
	eq(await page.getByLabel('Service').inputValue(), RECORDING, 'service filter');
	eq(await page.getByLabel('Duration').inputValue(), '120', 'duration filter');
	eq(await page.getByLabel('Date').inputValue(), DAY, 'date picker');
	assert(await page.locator('section.card h2', { hasText: 'Studio A' }).count() === 1, 'no Studio A column');
	await shot(page, 'availability');
});

test('a plain /availability?date&svc&dur address draws its slots from the boot data, asking the API nothing first; the page writes such addresses', async () => {
	const page = await newPage();
	const asked = [];
	page.on('request', r => { const p = new URL(r.url()).pathname; if (p.startsWith('/api/')) asked.push(p); });
	try {
		await page.goto(`/availability?date=${DAY}&svc=${RECORDING}&dur=120`);
		await page.locator(slotSel(st.key)).waitFor();
		const first = asked.slice();
		for (const p of ['/api/settings/public', '/api/rooms', '/api/services', '/api/availability/search'])
			assert(!first.includes(p), `${p} was asked before the first slots: ${first.join(', ')}`);
		await page.goto(availUrl(RENTAL, STUDIO_B));
		await page.locator('[data-slot]').first().waitFor();
		const u = new URL(page.url());
		eq(`${u.pathname}${u.hash}`, '/availability', 'an old /#/availability address, once read');
		eq(`${u.searchParams.get('date')} ${u.searchParams.get('svc')} ${u.searchParams.get('dur')} ${u.searchParams.get('room')}`,
			`${DAY} ${RENTAL} 120 ${STUDIO_B}`, 'the query the page wrote');
		asked.length = 0;
		await page.reload();
		await page.locator('[data-slot]').first().waitFor();
		assert(!asked.includes('/api/availability/search'), 'the reload asked for its search again instead of using the boot data');
		eq(await page.getByLabel('Room').inputValue(), STUDIO_B, 'the room after the reload');
	} finally {
		await page.context().close();
	}
});

test('a second browser context watches the same slots', async () => {
	const b = st.b = await newPage({ viewport: VIEWPORTS.mobile });
	await b.goto(availUrl(RECORDING));
	await b.locator(slotSel(st.key)).waitFor();
	await b.evaluate(() => { window.__noReload = 42; });
});

test('a guest picks the 2-hour session with an engineer, creates an account inline, and a hold counts down', async () => {
	const page = st.a;
	await page.locator(slotSel(st.key)).click();
	await waitH1(page, /^Book Studio A$/);
	const main = page.locator('main');
	await until('the summary', async () => /2 hours/.test(await main.textContent()) && /Recording session/.test(await main.textContent()));
	assert((await main.textContent()).includes('engineer'), 'the summary does not mention the engineer');
	const violations = await axe(page);
	assert(!violations.length, `axe on the guest booking page:\n${violations.join('\n')}`);
	await shot(page, 'book-guest');
	await signUpInline(page, st.email, st.name);
	const timer = page.locator('[role=timer]');
	await timer.waitFor();
	const left = await until('a countdown near 15:00', async () => {
		const m = /^(\d+):(\d\d)$/.exec((await timer.textContent()).trim());
		return m && +m[1] * 60 + +m[2] > 14 * 60 && +m[1] * 60 + +m[2] <= 15 * 60 && +m[1] * 60 + +m[2];
	});
	await until('the countdown to tick', async () => {
		const m = /^(\d+):(\d\d)$/.exec((await timer.textContent()).trim());
		return m && +m[1] * 60 + +m[2] < left;
	}, 3000);
	assert(await page.locator('#who').textContent().then(t => t.includes(st.name)), 'the header does not show the new account');
	eq(sql(`SELECT count(*) FROM hold h JOIN app_user u ON u.id = h.user_id WHERE u.email = '${st.email}' AND h.status = 'active'`), '1', 'active holds in the database');
});

test('the second browser sees the held slot disappear live, without a reload', async () => {
	const b = st.b;
	await until('the held slot to leave the second browser', async () => (await b.locator(slotSel(st.key)).count()) === 0);
	st.gone = true;
	eq(await b.evaluate(() => window.__noReload), 42, 'the second page was reloaded');
	await until('the live note', async () => /just taken/.test(await b.locator('main').textContent()));
});

test("booking: the server's quote (subtotal, tax, total, deposit) follows the add-ons; no payment now is said plainly", async () => {
	const page = st.a;
	const price = page.locator('section[aria-labelledby=q-h]');
	const money = c => `$${(c / 100).toFixed(2)}`;
	const q0 = await until('a quote', async () => (await price.textContent()).includes('Total') && price.textContent());
	for (const want of ['Subtotal', '$180.00', 'Tax', '$23.40', '$203.40', 'Deposit', '$50.85'])
		assert(q0.includes(want), `the quote lacks "${want}": ${q0}`);
	assert(/no payment is taken now/i.test(await page.locator('main').textContent()), 'the page does not say no payment is taken now');
	const quoted = page.waitForResponse(r => r.url().endsWith('/api/quote') && r.request().postData().includes('"qty":2'));
	await page.getByLabel(/Backline rental, quantity/).fill('2');
	const q = await (await quoted).json();
	eq(q.subtotal_cents, 23000, 'subtotal with two backline rentals');
	await until('the page to show the new quote', async () => {
		const t = await price.textContent();
		return [q.subtotal_cents, q.taxes_cents, q.total_cents, q.deposit_cents].every(c => t.includes(money(c)));
	});
	assert((await page.locator('main').textContent()).includes('refund'), 'the policy text is not shown');
});

test('sending without accepting the policy gets a clear message and stays on the page', async () => {
	const page = st.a;
	await page.getByLabel('Notes for the studio').fill('Bringing a drummer. e2e');
	await page.getByRole('button', { name: 'Send booking request' }).click();
	await page.locator('[role=alert]', { hasText: 'cancellation policy' }).waitFor();
	await waitH1(page, /^Book Studio A$/);
	eq(await page.evaluate(() => document.activeElement.type), 'checkbox', 'focus after the message');
});

test('submitting shows the pending screen: awaiting approval, the code, an email on approval', async () => {
	const page = st.a;
	await page.getByLabel(/I have read the cancellation policy/).check();
	const sent = page.waitForResponse(r => r.url().endsWith('/api/bookings') && r.request().method() === 'POST');
	await page.getByRole('button', { name: 'Send booking request' }).click();
	const res = await sent;
	eq(res.status(), 201, 'POST /api/bookings');
	st.code = (await res.json()).code;
	await waitH1(page, /awaiting the studio/);
	const t = await page.locator('main').textContent();
	assert(t.includes(st.code), `the pending screen lacks the code ${st.code}`);
	assert(t.includes('Awaiting approval') && /email/.test(t) && /\.ics|calendar/.test(t), `the pending screen does not say what happens next: ${t}`);
	assert(page.url().includes('/book/sent/' + st.code), `the pending screen's address: ${page.url()}`);
	const headers = res.request().headers();
	assert(/^[0-9a-f-]{36}$/.test(headers['idempotency-key'] || ''), 'POST /api/bookings without an Idempotency-Key');
	eq(headers['content-type'], 'application/json', 'content type of the POST');
});

test('the database holds that booking as awaiting_approval, two hours, with an engineer and the add-on', async () => {
	const row = sql(`SELECT b.status, extract(epoch FROM b.end_at - b.start_at)::int, b.notes,
		(SELECT count(*) FROM booking_staff s WHERE s.booking_id = b.id),
		(SELECT string_agg(sv.name || ':' || bs.quantity, ',' ORDER BY sv.name) FROM booking_service bs JOIN service sv ON sv.id = bs.service_id WHERE bs.booking_id = b.id),
		u.email, to_char(b.start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		FROM booking b JOIN app_user u ON u.id = b.user_id WHERE b.code = '${st.code}'`);
	const [status, secs, notes, staff, items, email, start] = row.split('|');
	eq(status, 'awaiting_approval', 'status');
	eq(secs, '7200', 'length in seconds');
	eq(notes, 'Bringing a drummer. e2e', 'notes');
	eq(staff, '1', 'engineers assigned');
	eq(items, 'Backline rental:2,Recording session:2', 'service lines');
	eq(email, st.email, 'owner');
	eq(start, st.start, 'start');
	eq(sql(`SELECT count(*) FROM hold h JOIN app_user u ON u.id = h.user_id WHERE u.email = '${st.email}' AND h.status = 'converted'`), '1', 'converted holds');
});

test('my bookings: Upcoming lists it with its status chip; the tabs work from the keyboard', async () => {
	const page = st.a;
	await page.getByRole('link', { name: 'See my bookings' }).click();
	await waitH1(page, /^My bookings$/);
	const card = page.locator(`[data-code="${st.code}"]`);
	await card.waitFor();
	eq((await card.locator('.chip').textContent()).trim(), 'Awaiting approval', 'status chip');
	assert((await card.textContent()).includes('2:00 PM'), 'the card does not show the start in studio time');
	const up = page.getByRole('tab', { name: /Upcoming/ });
	eq(await up.getAttribute('aria-selected'), 'true', 'Upcoming selected first');
	await up.focus();
	await page.keyboard.press('ArrowRight');
	const past = page.getByRole('tab', { name: /Past/ });
	eq(await past.getAttribute('aria-selected'), 'true', 'Past after ArrowRight');
	assert(await page.getByText('No past sessions yet.').isVisible(), 'the Past tab has no empty state');
	await page.keyboard.press('ArrowLeft');
	assert(await card.isVisible(), 'back on Upcoming, the booking is visible');
});

test('receipt: /#/receipt/CODE shows the lines and totals, and prints without the site chrome', async () => {
	const page = st.a;
	await page.locator(`[data-code="${st.code}"]`).getByRole('link', { name: 'Receipt' }).click();
	await waitH1(page, new RegExp(`Receipt ${st.code}`));
	const t = await page.locator('main').textContent();
	for (const want of ['Recording session', 'Backline rental', 'Subtotal', 'Tax', 'Total', '$259.90', 'Awaiting approval'])
		assert(t.includes(want), `the receipt lacks "${want}"`);
	await page.emulateMedia({ media: 'print' });
	assert(await page.locator('header.top').isHidden(), 'the header prints');
	assert(await page.getByRole('button', { name: 'Print' }).isHidden(), 'the Print button prints');
	await page.emulateMedia({ media: 'screen' });
});

test('plain addresses work too: /receipt/CODE loads, links move by history, Back returns', async () => {
	const r = await st.a.request.get(`/receipt/${st.code}`);
	eq(r.status(), 200, 'GET /receipt/CODE (redlightd serves index.html for the page\'s addresses)');
	assert((r.headers()['content-type'] || '').startsWith('text/html'), 'GET /receipt/CODE is not HTML');
	const page = st.a;
	await page.goto(`/receipt/${st.code}`);
	await waitH1(page, new RegExp(`Receipt ${st.code}`));
	await page.evaluate(() => { window.__noReload = 7; });
	const nav = page.getByRole('navigation').getByRole('link', { name: 'My bookings' });
	eq(await nav.getAttribute('href'), '/me/bookings', 'a plain link in path mode');
	await nav.click();
	await waitH1(page, /^My bookings$/);
	eq(new URL(page.url()).pathname, '/me/bookings', 'the address after the link');
	await page.goBack();
	await waitH1(page, new RegExp(`Receipt ${st.code}`));
	eq(await page.evaluate(() => window.__noReload), 7, 'the page reloaded on a link');
	await page.goto(`/availability?date=${DAY}&svc=${RECORDING}&dur=120`);
	await until('the search of a plain address', async () => /free times? on/.test(await page.locator('main [role=status]').first().textContent()));
	eq(await page.getByLabel('Date').inputValue(), DAY, 'the date from a plain address');
});

test('cancel from my bookings shows the policy result first, then the booking becomes canceled', async () => {
	const page = st.a;
	await page.goto('/#/me/bookings');
	const card = page.locator(`[data-code="${st.code}"]`);
	await card.getByRole('button', { name: 'Cancel…' }).click();
	const result = card.locator('.policy-result');
	await result.waitFor();
	assert(/refund/i.test(await result.textContent()), `no refund wording before confirming: ${await result.textContent()}`);
	eq(sql(`SELECT status FROM booking WHERE code = '${st.code}'`), 'awaiting_approval', 'status after the dry run');
	await card.getByRole('button', { name: 'Cancel booking' }).click();
	await until('the Canceled chip', async () => (await card.locator('.chip').textContent()).trim() === 'Canceled');
	assert(await card.getByRole('button', { name: 'Cancel…' }).count() === 0, 'Cancel is still offered');
	eq(sql(`SELECT status FROM booking WHERE code = '${st.code}'`), 'canceled', 'status in the database');
});

test('the second browser sees the freed slot come back live', async () => {
	const b = st.b;
	assert(st.gone, 'the slot never left the second browser, so its return proves nothing');
	await until('the slot to return', async () => (await b.locator(slotSel(st.key)).count()) === 1);
	assert(/opened up/.test(await b.locator('main').textContent()), 'no live note about the time that opened up');
	eq(await b.evaluate(() => window.__noReload), 42, 'the second page was reloaded');
});

test('an expired hold gets a clear message and a way on; held again, the request goes through (keyboard only)', async () => {
	const page = st.a;
	const start = at(DAY, '11:00');
	await page.goto(availUrl(RECORDING));
	const btn = page.locator(slotSel(slotKey(STUDIO_A, start)));
	await btn.focus();
	await page.keyboard.press('Enter');
	await waitH1(page, /^Book Studio A$/);
	await page.locator('[role=timer]').waitFor();
	sql(`UPDATE hold SET expires_at = now() - interval '1 second' FROM app_user u
		WHERE u.id = hold.user_id AND u.email = '${st.email}' AND hold.status = 'active'`);
	await page.getByLabel(/I have read the cancellation policy/).focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	const focus = await page.evaluate(() => {
		const el = document.activeElement, cs = getComputedStyle(el);
		return { text: el.textContent, outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
	});
	eq(focus.text, 'Send booking request', 'Tab after the policy box');
	assert(focus.outline, 'the focused button shows no focus ring');
	await page.keyboard.press('Enter');
	await page.locator('[role=alert]', { hasText: /hold expired/i }).first().waitFor();
	await waitH1(page, /^Book Studio A$/);
	await shot(page, 'book-hold-expired');
	await page.getByRole('button', { name: 'Hold this time again' }).focus();
	await page.keyboard.press('Enter');
	await page.locator('[role=timer]').waitFor();
	assert(await page.locator('[role=alert]', { hasText: /hold expired/i }).count() === 0, 'the stale message stays after holding again');
	await page.getByRole('button', { name: 'Send booking request' }).focus();
	await page.keyboard.press('Enter');
	await waitH1(page, /awaiting the studio/);
	st.code2 = /\/book\/sent\/([\w-]+)/.exec(page.url())[1];
	eq(sql(`SELECT status FROM booking WHERE code = '${st.code2}'`), 'awaiting_approval', 'the second booking');
});

test('leaving the booking page lets the hold go', async () => {
	const page = st.a;
	await page.goto(availUrl(RECORDING));
	await page.locator('[data-slot]').first().click();
	await page.locator('[role=timer]').waitFor();
	const active = () => sql(`SELECT count(*) FROM hold h JOIN app_user u ON u.id = h.user_id
		WHERE u.email = '${st.email}' AND h.status = 'active' AND h.expires_at > now()`);
	eq(active(), '1', 'active holds while booking');
	await page.getByRole('link', { name: 'Availability' }).click();
	await waitH1(page, /^Availability$/);
	await until('the hold to be released', () => active() === '0');
});

test('reschedule from my bookings shows the fee first, then moves the booking', async () => {
	const page = st.a;
	await page.goto('/#/me/bookings');
	const card = page.locator(`[data-code="${st.code2}"]`);
	await card.getByRole('button', { name: 'Reschedule…' }).click();
	await card.getByLabel('New date').waitFor();
	await card.getByRole('button', { name: '2:00 PM' }).click();
	const result = card.locator('.policy-result');
	await result.waitFor();
	assert(/free|fee/i.test(await result.textContent()), `no fee wording before confirming: ${await result.textContent()}`);
	eq(sql(`SELECT json_utc(start_at) FROM booking WHERE code = '${st.code2}'`), at(DAY, '11:00'), 'start after the dry run');
	await card.getByRole('button', { name: 'Move my booking' }).click();
	await card.getByText('Booking moved').waitFor();
	assert((await card.textContent()).includes('2:00 PM – 4:00 PM'), 'the card does not show the new time');
	eq(sql(`SELECT json_utc(start_at) || ' ' || status FROM booking WHERE code = '${st.code2}'`), `${at(DAY, '14:00')} awaiting_approval`, 'the moved booking');
});

test('a slot taken in the meantime gets a clear message, not a broken page', async () => {
	const b = st.b;
	const start = at(DAY, '17:00'), end = at(DAY, '19:00');
	await b.goto(availUrl(RENTAL, STUDIO_B));
	await b.locator(slotSel(slotKey(STUDIO_B, start))).click();
	await waitH1(b, /^Book Studio B$/);
	await b.locator('form.auth').waitFor();
	/* meanwhile, the first artist holds that very time */
	const r = await st.a.evaluate(async ([s, e, room, svc]) => {
		const res = await fetch('/api/holds', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
			body: JSON.stringify({ room_id: room, start_at: s, end_at: e, service_id: svc }) });
		return res.status;
	}, [start, end, STUDIO_B, RENTAL]);
	eq(r, 201, 'the competing hold');
	await signIn(b, 'artist@redlight.test', 'redlight-demo');
	await b.locator('[role=alert]', { hasText: 'just taken' }).waitFor();
	await waitH1(b, /^Book Studio B$/);
	assert(await b.getByRole('link', { name: 'Choose another time' }).isVisible(), 'no way back to the slots');
	await shot(b, 'book-slot-taken');
});

test('the page says so, with a retry, when the server is unreachable', async () => {
	const page = await newPage();
	await page.route('**/api/**', route => route.abort('connectionrefused'));
	await page.goto('/#/availability');
	await waitH1(page, /can't reach the studio/i);
	st.offline = page;
	await page.unroute('**/api/**');
	await page.getByRole('button', { name: 'Try again' }).click();
	await waitH1(page, /^Availability$/);
});

/* startServer: another redlightd on the same database, to stop at will */
function startServer() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-srv.'));
	const child = spawn(process.env.RL_E2E_REDLIGHTD, ['--listen', '127.0.0.1:0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'],
		env: Object.assign({}, process.env, { DATABASE_URL: DB, REDLIGHT_STATIC_DIR: STATIC, REDLIGHT_RATE_LIMIT_SCALE: '0', REDLIGHT_WORKER: '0' }) });
	return new Promise((resolve, reject) => {
		let err = '';
		const t = setTimeout(() => { child.kill(); reject(new Error(`redlightd did not start: ${err}`)); }, 10000);
		child.stderr.on('data', d => {
			err += d;
			const m = /redlightd: listening on (http:\S+)/.exec(err);
			if (m) { clearTimeout(t); resolve({ child, url: m[1], dir }); }
		});
		child.on('exit', () => reject(new Error(`redlightd exited: ${err}`)));
	});
}

test('with the server down, a reload still opens the page and says so (service worker)', async () => {
	if (!process.env.RL_E2E_REDLIGHTD) cannotRun('RL_E2E_REDLIGHTD is not set');
	const srv = await startServer();
	const page = await newPage({ serviceWorkers: 'allow', baseURL: srv.url });
	try {
		await page.goto('/#/availability');
		await waitH1(page, /^Availability$/);
		await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 10000 });
		const gone = new Promise(r => srv.child.once('exit', r));
		srv.child.kill('SIGTERM');
		await gone;
		await page.reload();
		await waitH1(page, /can't reach the studio/i);
		assert(await page.getByRole('button', { name: 'Try again' }).isVisible(), 'no Try again button');
		await shot(page, 'server-down');
	} finally {
		srv.child.kill('SIGKILL');
		await page.context().close();
		fs.rmSync(srv.dir, { recursive: true, force: true });
	}
});

/* every page, at both sizes: no serious or critical axe violation, a screenshot */
const PAGES = [
	['home', '/', /Redlight Demo Studios/],
	['availability', () => availUrl(RENTAL), /^Availability$/, p => p.locator('[data-slot]').first().waitFor()],
	['availability-empty', () => `/#/availability?date=${DAY}&svc=${RECORDING}&dur=600`, /^Availability$/, p => p.getByText(/Nothing free on/).waitFor()],
	['book', () => availUrl(RENTAL, STUDIO_B), /^Book Studio B$/, async p => {
		await p.locator('[data-slot]').first().click();
		await p.locator('[role=timer]').waitFor();
		await p.locator('section[aria-labelledby=q-h] table').waitFor();
	}],
	['submitted', () => `/#/book/sent/${st.code2 || st.code}`, /^Request sent|^Your booking/],
	['my-bookings', '/#/me/bookings', /^My bookings$/, p => p.locator('[data-code]').first().waitFor()],
	['receipt', () => `/#/receipt/${st.code2 || st.code}`, /^Receipt/],
	['sign-in', '/#/me/signin', /^(Sign in|You are signed in)$/],
	['not-found', '/#/no-such-page', /^Page not found$/],
	/* the boot data draws the home page: the first search is what needs the API */
	['unreachable', '/#/availability', /can't reach the studio/i, null, true],
];
for (const [name, url, h1, ready, offline] of PAGES) {
	test(`${name}: axe finds no serious or critical violation at 1280×800 nor at 375×812; screenshots saved`, async () => {
		if (!st.code && typeof url === 'function') cannotRun('no booking was made');
		if (!st.shots) {
			st.shots = await newPage();
			await login(st.shots, st.email, 'a-long-e2e-password');
		}
		const page = st.shots;
		if (offline) await page.route('**/api/**', route => route.abort('connectionrefused'));
		try {
			await page.setViewportSize(VIEWPORTS.desktop);
			await page.goto('about:blank');
			await page.goto(typeof url === 'function' ? url() : url);
			if (ready) await ready(page);
			await waitH1(page, h1);
			await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
			const found = [];
			for (const vp of [VIEWPORTS.desktop, VIEWPORTS.mobile]) {
				await page.setViewportSize(vp);
				for (const v of await axe(page)) found.push(`${vp.width}×${vp.height}: ${v}`);
				await shot(page, name);
			}
			assert(!found.length, found.join('\n'));
		} finally {
			if (offline) await page.unroute('**/api/**');
			if (name === 'book') await page.goto('/#/');
		}
	});
}

/* the card step, against the Stripe stand-in (pay.test.js) */
require('./pay.test.js')(test, { assert, eq, until, newPage, waitH1, signUpInline, shot, axe, cannotRun, DAY, STATIC });

test('no script errors on any page', async () => {
	assert(!errors.length, errors.join('\n'));
});

(async () => {
	console.log(`1..${tests.length}`);
	let failed = 0;
	const t0 = Date.now();
	try {
		browser = await chromium.launch({ executablePath: process.env.RL_CHROMIUM || '/usr/bin/chromium', args: ARGS, timeout: 30000 });
	} catch (e) {
		console.log(`Bail out! Chromium did not start: ${e.message.split('\n')[0]}`);
		process.exit(1);
	}
	console.log(`# Chromium ${browser.version()}; studio day ${DAY}; screenshots in ${OUT}`);
	for (let i = 0; i < tests.length; i++) {
		const t = tests[i];
		const s = Date.now();
		try {
			await t.fn();
			console.log(`ok ${i + 1} - ${t.name}`);
		} catch (e) {
			failed++;
			if (e.skip) {
				/* a test that cannot run (its set-up failed) counts as failed */
				console.log(`not ok ${i + 1} - ${t.name}: could not run: ${e.message}`);
				continue;
			}
			console.log(`not ok ${i + 1} - ${t.name}`);
			console.log(String(e.stack || e).split('\n').slice(0, 8).map(l => '# ' + l).join('\n'));
		}
		if (Date.now() - s > 5000) console.log(`# (${t.name}: ${Date.now() - s} ms)`);
	}
	await browser.close();
	console.log(`# ${tests.length - failed} passed, ${failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	process.exit(failed ? 1 : 0);
})();
