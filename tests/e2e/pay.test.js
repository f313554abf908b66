'use strict';
/* pay.test.js: the card step in Chromium, added to booking.test.js's run.
 *
 * A redlightd of its own, with Stripe's keys pointing at the local Stripe
 * stand-in (tests/standins/stripe.py, which also serves the Stripe.js the
 * page loads) and its real job worker, on a database of its own (the
 * demo studio), so booking.test.js's redlightd keeps payments off. A guest
 * books on the page and pays with test cards in the stand-in's Payment
 * Element: a decline is said and the time stays held; the test card is
 * authorized for the quote's deposit; an admin approves in the real
 * console (tmux) and it is captured; another request is rejected and
 * nothing is charged; a confirmed booking canceled some 30 hours ahead is
 * refunded 50 % (the demo's policy); under automatic approval the deposit
 * is charged at once. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

const SK = 'sk_test_redlight_e2e', PK = 'pk_test_redlight_e2e', WH = 'whsec_redlight_e2e';
const ADMIN = 'admin@redlight.test', DEMO_PASSWORD = 'redlight-demo';
const STUDIO_B = '00000000-0000-4000-8000-0000000000a2';
const RENTAL = '00000000-0000-4000-8000-0000000000b2';
const TZ = 'America/Toronto';

module.exports = function payTests(test, t) {
	const { assert, eq, until, newPage, waitH1, signUpInline, shot, axe, DAY } = t;
	const srcdir = process.env.RL_E2E_SRCDIR || path.join(__dirname, '../..');
	const redlight = process.env.RL_E2E_REDLIGHT;
	const p = { procs: [] };
	let db = null;
	const sql = q => execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-F', '|', '-c', q, db], { encoding: 'utf8' }).trim();
	const rl = (...args) => execFileSync(redlight, args, { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
		env: Object.assign({}, process.env, { DATABASE_URL: db, REDLIGHT_PASSWORD: DEMO_PASSWORD }) });
	/* stripe: the stand-in's record, read with the secret key as our server does */
	async function stripe(pathname) {
		const r = await fetch(p.sbase + pathname, { headers: { Authorization: `Bearer ${SK}` } });
		const j = await r.json();
		if (!r.ok) throw new Error(`GET ${pathname}: ${r.status} ${JSON.stringify(j)}`);
		return j;
	}
	const pay = code => sql(`SELECT p.stripe_payment_intent_id || '|' || p.status || '|' || p.authorized_cents || '|' || p.captured_cents
		|| '|' || q.deposit_cents FROM payment p JOIN booking b ON b.id = p.booking_id JOIN booking_quote q ON q.booking_id = b.id
		WHERE b.code = '${code}' AND p.purpose = 'due_now'`).split('|');
	const availUrl = day => `/availability?date=${day}&svc=${RENTAL}&dur=120&room=${STUDIO_B}`;

	process.on('exit', () => {
		for (const c of p.procs) try { c.kill('SIGKILL'); } catch (e) { /* gone */ }
		if (p.sock) try { execFileSync('tmux', ['-L', p.sock, 'kill-server'], { stdio: 'ignore' }); } catch (e) { /* none */ }
		if (db) try { execFileSync('dropdb', ['--if-exists', '--force', path.basename(db.split('?')[0])], { stdio: 'ignore' }); } catch (e) { /* left */ }
		if (p.dir) fs.rmSync(p.dir, { recursive: true, force: true });
	});

	/* waitLine: resolve with the first match of re in child's stderr */
	const waitLine = (child, re, what) => new Promise((resolve, reject) => {
		let err = '';
		const tm = setTimeout(() => reject(new Error(`${what} did not start: ${err}`)), 10000);
		child.stderr.on('data', d => {
			err += d;
			const m = re.exec(err);
			if (m) { clearTimeout(tm); resolve(m[1]); }
		});
		child.on('exit', () => reject(new Error(`${what} exited: ${err}`)));
	});

	test('payments: redlightd with Stripe keys, its worker, and the Stripe stand-in (with its Stripe.js) start on a database of their own', async () => {
		if (!redlight || !process.env.RL_E2E_REDLIGHTD) t.cannotRun('RL_E2E_REDLIGHT and RL_E2E_REDLIGHTD are not set');
		p.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-pay.'));
		db = execFileSync(path.join(srcdir, 'tests/lib/pg-test-db'), ['e2epay'], { encoding: 'utf8' }).trim();
		rl('migrate');
		rl('seed', 'demo');
		const port = await new Promise(r => { const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { const n = s.address().port; s.close(() => r(n)); }); });
		p.sbase = `http://127.0.0.1:${port}`;
		const srv = spawn(process.env.RL_E2E_REDLIGHTD, ['--listen', '127.0.0.1:0'], { cwd: p.dir, stdio: ['ignore', 'ignore', 'pipe'],
			env: Object.assign({}, process.env, { DATABASE_URL: db, REDLIGHT_STATIC_DIR: t.STATIC, REDLIGHT_RATE_LIMIT_SCALE: '0',
				REDLIGHT_WORKER: '1', REDLIGHT_WORKER_RETRY_BASE_MS: '200', REDLIGHT_WORKER_RETRY_MAX_MS: '1000',
				STRIPE_SECRET_KEY: SK, STRIPE_PUBLISHABLE_KEY: PK, STRIPE_WEBHOOK_SECRET: WH, REDLIGHT_SECRET_KEY: '5e'.repeat(32),
				STRIPE_API_BASE: p.sbase, STRIPE_JS_URL: `${p.sbase}/v3/` }) });
		p.procs.push(srv);
		p.base = await waitLine(srv, /redlightd: listening on (http:\S+)/, 'redlightd');
		const sp = spawn('python3', [path.join(srcdir, 'tests/standins/stripe.py'), '--listen', `127.0.0.1:${port}`,
			'--secret-key', SK, '--publishable-key', PK, '--webhook-secret', WH,
			'--webhook-url', `${p.base}/api/webhooks/stripe`, '--seed', '12'], { stdio: ['ignore', 'ignore', 'pipe'] });
		p.procs.push(sp);
		await waitLine(sp, /stripe-standin: listening on (http:\S+)/, 'the Stripe stand-in');
		const s = await (await fetch(`${p.base}/api/settings/public`)).json();
		eq(s.payments, true, 'settings.payments with Stripe keys');
		const csp = (await fetch(`${p.base}/`)).headers.get('content-security-policy');
		for (const want of [`script-src 'self' ${p.sbase} 'sha256-`, `frame-src ${p.sbase}`, `connect-src 'self' ${p.sbase};`])
			assert(csp.includes(want), `the page's policy lacks "${want}": ${csp}`);
	});

	/* book: the artist on page books Studio B's rental at start (a slot
	 * the availability page of day offers), after onForm(page) looked at
	 * the booking form; the "Request sent" page's code */
	async function book(page, day, start, onForm, sent = /awaiting the studio/) {
		await page.goto(p.base + availUrl(day));
		await page.locator(`[data-slot="${STUDIO_B}|${start}"]`).click();
		await waitH1(page, /^Book Studio B$/);
		if (onForm) await onForm(page);
		if (!p.signedUp) {
			await signUpInline(page, p.email, 'Pat Payer');
			p.signedUp = true;
		}
		await page.locator('[role=timer]').waitFor();
		await page.getByLabel(/I have read the cancellation policy/).check();
		await page.getByRole('button', { name: 'Send booking request' }).click();
		await waitH1(page, sent);
		return /\/book\/sent\/([\w-]+)/.exec(page.url())[1];
	}
	const cardFrame = page => page.frameLocator('iframe[title="Secure payment input frame"]');
	async function enterCard(page, number, button = /^Authorize /) {
		const f = cardFrame(page);
		await f.getByLabel('Card number').fill(number);
		await f.getByLabel('Expiration date').fill('12 / 34');
		await f.getByLabel('Security code').fill('123');
		await page.getByRole('button', { name: button }).click();
	}
	/* bookAndPay: book, then authorize the deposit with the test card */
	async function bookAndPay(page, day, start) {
		const code = await book(page, day, start);
		await cardFrame(page).getByLabel('Card number').waitFor();
		await enterCard(page, '4242 4242 4242 4242');
		await page.locator('[role=status]', { hasText: 'Deposit authorized' }).waitFor({ timeout: 15000 });
		return code;
	}
	/* slotsOf: Studio B's free 2-hour rental starts on day, from the API */
	async function slotsOf(day) {
		const r = await fetch(`${p.base}/api/availability/search`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ date: day, duration_min: 120, service_id: RENTAL, room_id: STUDIO_B }) });
		return ((await r.json()).slots || []).map(s => s.start_at);
	}

	test('payments: the booking page says the deposit is taken by card; after sending, Stripe\'s form comes (pay.js, Stripe.js), and no card number reaches the page', async () => {
		if (!p.base) t.cannotRun('the payments server did not start');
		const page = p.page = await newPage({ baseURL: p.base });
		p.email = `e2e-pay-${process.pid}@redlight.test`;
		const ours = [];
		page.on('request', r => { if (r.url().startsWith(p.base)) ours.push(`${r.method()} ${r.url()} ${r.postData() || ''}`); });
		p.ours = ours;
		const slots = await slotsOf(DAY);
		assert(slots.length > 0, `Studio B has no free rental on ${DAY}`);
		p.slots = slots;
		p.code1 = await book(page, DAY, slots[0], async () => {
			const price = page.locator('section[aria-labelledby=q-h]');
			await until('the card note', async () => /charged then, and released if the studio declines/.test(await price.textContent()));
			assert(!/no payment is taken now/i.test(await page.locator('main').textContent()), 'with payments on, the page still says no payment is taken');
		});
		await cardFrame(page).getByLabel('Card number').waitFor();
		/* the booking's answer carried the intent's client_secret: the step
		 * mounted Stripe's form without asking the server for it */
		const asked = p.ours.filter(l => /^GET \S+\/api\/bookings\/[^/ ]+\/payment /.test(l));
		eq(asked.length, 0, `GETs of the payment before the card form: ${asked.join('\n')}`);
		const [, , , , deposit] = pay(p.code1);
		p.deposit1 = +deposit;
		assert(p.deposit1 > 0, `the quote's deposit: ${deposit}`);
		assert((await page.getByRole('button', { name: /^Authorize / }).textContent()).includes(`$${(p.deposit1 / 100).toFixed(2)}`),
			'the button does not name the deposit');
		const violations = await axe(page);
		assert(!violations.length, `axe on the card step:\n${violations.join('\n')}`);
		await shot(page, 'pay-card');
	});

	test('payments: a declined card (4000 0000 0000 0002) is said plainly with Stripe\'s message, and the booking keeps its time', async () => {
		const page = p.page;
		if (!p.code1) t.cannotRun('no booking to pay');
		await enterCard(page, '4000 0000 0000 0002');
		const alert = page.locator('[role=alert]', { hasText: 'Your card was declined' });
		await alert.waitFor();
		assert(/try another card/i.test(await alert.textContent()), `the decline does not say what to do: ${await alert.textContent()}`);
		const ttl = sql('SELECT hold_ttl_min FROM settings');
		assert((await alert.textContent()).includes(`held for ${ttl} minutes from your request`), `the decline does not say for how long the time is held: ${await alert.textContent()}`);
		await enterCard(page, '4000 0000 0000 9995');
		await page.locator('[role=alert]', { hasText: 'insufficient funds' }).waitFor();
		await shot(page, 'pay-declined');
		eq(sql(`SELECT status FROM booking WHERE code = '${p.code1}'`), 'awaiting_approval', 'the booking after the declines');
		assert(!(await slotsOf(DAY)).includes(p.slots[0]), 'the declined booking\'s time is offered again');
		const pi = await stripe(`/v1/payment_intents/${pay(p.code1)[0]}`);
		eq(pi.status, 'requires_payment_method', "the intent's status at Stripe after the declines");
		eq(pi.amount_received, 0, 'received after the declines');
	});

	test('payments: the test card (4242 4242 4242 4242) shows "processing" until the server has the authorization, then the deposit is authorized at Stripe (requires_capture, the quote\'s deposit)', async () => {
		const page = p.page;
		if (!p.code1) t.cannotRun('no booking to pay');
		/* Stripe's webhook late: the page must wait for the server, not for Stripe.js's answer */
		await fetch(`${p.sbase}/_standin/faults`, { method: 'POST', body: JSON.stringify({ webhook_delay_ms: 1500 }) });
		try {
			await enterCard(page, '4242 4242 4242 4242');
			await page.locator('[role=status]', { hasText: /Processing/ }).first().waitFor();
			const pi = await until('Stripe to hold the money', async () => {
				const x = await stripe(`/v1/payment_intents/${pay(p.code1)[0]}`);
				return x.status === 'requires_capture' && x;
			});
			assert(/Processing/.test(await page.locator('main').textContent()) && !/Deposit authorized/.test(await page.locator('main').textContent()),
				'the page said the deposit is authorized before the server had it');
			eq(pi.amount, p.deposit1, "the intent's amount (the quote's deposit)");
			eq(pi.amount_capturable, p.deposit1, 'amount capturable');
			eq(pi.capture_method, 'manual', 'capture method');
		} finally {
			await fetch(`${p.sbase}/_standin/faults`, { method: 'POST', body: JSON.stringify({ webhook_delay_ms: 0 }) });
		}
		await page.locator('[role=status]', { hasText: 'Deposit authorized' }).waitFor({ timeout: 15000 });
		const [, status, authorized] = pay(p.code1);
		eq(`${status} ${authorized}`, `requires_capture ${p.deposit1}`, 'our payment row');
		await shot(page, 'pay-authorized');
		const leaks = p.ours.filter(l => /4242424242424242|4000000000000002|4000000000009995/.test(l.replace(/%20|\+|\s/g, '')));
		eq(leaks.length, 0, `card digits sent to the studio's server: ${leaks.join('\n')}`);
		eq(await page.evaluate(() => [...document.querySelectorAll('input')].some(i => /\d{12}/.test(i.value.replace(/\D/g, '')))), false,
			'a card number in the page itself');
	});

	test('payments: an admin approves it in the console (redlight in tmux) and the deposit is captured', async () => {
		if (!p.code1) t.cannotRun('no booking to approve');
		p.sock = `rle2epay-${process.pid}`;
		const tmux = (...a) => execFileSync('tmux', ['-L', p.sock, '-f', '/dev/null', ...a], { encoding: 'utf8' });
		const screen = () => tmux('capture-pane', '-p', '-t', 'adm');
		const see = (what, re) => until(`the console to show ${what}`, () => re.test(screen()), 15000);
		tmux('new-session', '-d', '-s', 'adm', '-x', '100', '-y', '30', '-e', `DATABASE_URL=${db}`, '-e', 'LANG=C.UTF-8',
			`exec '${redlight}' 2>'${p.dir}/console.err'`);
		await see('the sign-in', /Sign in to the redlight console/);
		tmux('send-keys', '-t', 'adm', 'C-u');
		tmux('send-keys', '-t', 'adm', '-l', '--', ADMIN);
		tmux('send-keys', '-t', 'adm', 'Enter');
		tmux('send-keys', '-t', 'adm', '-l', '--', DEMO_PASSWORD);
		tmux('send-keys', '-t', 'adm', 'Enter');
		await see('its tabs', /2 Queue/);
		tmux('send-keys', '-t', 'adm', '2');
		await see(`${p.code1} on top of the queue`, new RegExp(`^ >   ${p.code1}`, 'm'));
		tmux('send-keys', '-t', 'adm', 'a');
		await see('the approve form', new RegExp(`Approve ${p.code1}`));
		tmux('send-keys', '-t', 'adm', 'Enter');
		await see('the approval', new RegExp(`approved ${p.code1}`));
		eq(sql(`SELECT status FROM booking WHERE code = '${p.code1}'`), 'confirmed', 'the booking after the console\'s approval');
		tmux('kill-server');
		p.sock = null;
		const pi = await until('the capture at Stripe', async () => {
			const x = await stripe(`/v1/payment_intents/${pay(p.code1)[0]}`);
			return x.status === 'succeeded' && x;
		}, 15000);
		eq(pi.amount_received, p.deposit1, 'captured at Stripe');
		await until('our row to say captured', () => pay(p.code1)[3] === String(p.deposit1), 10000);
	});

	test('payments: another request, paid with the test card, is rejected and nothing is charged (the intent is canceled)', async () => {
		const page = p.page;
		const free = await slotsOf(DAY);
		if (!free.length) t.cannotRun(`no free rental left in Studio B on ${DAY}`);
		const code = await bookAndPay(page, DAY, free[0]);
		rl('reject', code, '--message', 'Sorry, the room is taken', '--as', ADMIN);
		const pi = await until('the intent to be canceled at Stripe', async () => {
			const x = await stripe(`/v1/payment_intents/${pay(code)[0]}`);
			return x.status === 'canceled' && x;
		}, 15000);
		eq(pi.amount_received, 0, 'received for the rejected booking');
		const ch = await stripe(`/v1/charges/${pi.latest_charge}`);
		eq(ch.captured, false, 'the charge was never captured');
	});

	test('payments: a request left unpaid (the tab closed before the card) shows "Pay now" in My bookings, which opens the card step there and authorizes the deposit', async () => {
		const page = p.page;
		const free = await slotsOf(DAY);
		if (!free.length) t.cannotRun(`no free rental left in Studio B on ${DAY}`);
		const code = await book(page, DAY, free[0]);
		await cardFrame(page).getByLabel('Card number').waitFor();
		/* the artist walks away; later, from My bookings */
		await page.goto(p.base + '/me/bookings');
		await waitH1(page, /^My bookings$/);
		const card = page.locator(`[data-code="${code}"]`);
		if (p.code1) eq(await page.locator(`[data-code="${p.code1}"]`).getByRole('button', { name: 'Pay now' }).count(), 0,
			'"Pay now" on a booking whose deposit was paid');
		await card.getByRole('button', { name: 'Pay now' }).click();
		await cardFrame(page).getByLabel('Card number').waitFor();
		eq(await card.locator('iframe[title="Secure payment input frame"]').count(), 1, 'the card form in the booking\'s own card');
		await enterCard(page, '4000 0000 0000 0002');
		await card.locator('[role=alert]', { hasText: 'Your card was declined' }).waitFor();
		await enterCard(page, '4242 4242 4242 4242');
		await card.locator('[role=status]', { hasText: 'Deposit authorized' }).waitFor({ timeout: 15000 });
		const [, status, authorized, , deposit] = pay(code);
		eq(`${status} ${authorized}`, `requires_capture ${deposit}`, 'the payment row after "Pay now"');
		await shot(page, 'pay-from-my-bookings');
		await page.reload();
		await waitH1(page, /^My bookings$/);
		eq(await page.locator(`[data-code="${code}"]`).getByRole('button', { name: 'Pay now' }).count(), 0, '"Pay now" once paid');
	});

	test('payments: a confirmed booking canceled some 30 hours before its start gets 50 % of its deposit back (the demo policy)', async () => {
		const page = p.page;
		if (!p.signedUp) t.cannotRun('no account');
		/* a start 26 to 46 hours ahead: the policy's 50 % tier */
		const now = Date.now(), lo = now + 26 * 3600e3, hi = now + 46 * 3600e3;
		const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
		let day = null, start = null;
		for (const d of [...new Set([fmt.format(lo), fmt.format(hi)])]) {
			start = (await slotsOf(d)).find(s => Date.parse(s) >= lo && Date.parse(s) <= hi);
			if (start) { day = d; break; }
		}
		assert(start, 'no free rental in Studio B 26 to 46 hours ahead');
		const code = await bookAndPay(page, day, start);
		rl('approve', code, '--as', ADMIN);
		await until('the capture', () => pay(code)[3] !== '0', 15000);
		const deposit = +pay(code)[4];
		await page.goto(p.base + '/me/bookings');
		const card = page.locator(`[data-code="${code}"]`);
		await card.getByRole('button', { name: 'Cancel…' }).click();
		await card.locator('.policy-result').waitFor();
		await card.getByRole('button', { name: 'Cancel booking' }).click();
		await until('the Canceled chip', async () => (await card.locator('.chip').textContent()).trim() === 'Canceled');
		const want = Math.round(deposit / 2);
		const ch = await until('the refund at Stripe', async () => {
			const pi = await stripe(`/v1/payment_intents/${pay(code)[0]}`);
			const c = await stripe(`/v1/charges/${pi.latest_charge}`);
			return c.amount_refunded > 0 && c;
		}, 15000);
		eq(ch.amount_captured, deposit, 'captured before the cancel');
		eq(ch.amount_refunded, want, `refunded of ${deposit} (50 %)`);
		p.refunded = { code, deposit, want };
	});

	test('payments: the receipt shows the deposit\'s payment and its refund, from the stored rows', async () => {
		const page = p.page;
		if (!p.refunded) t.cannotRun('no refunded booking');
		const { code, deposit, want } = p.refunded;
		await until('the refund row settled', () => sql(`SELECT r.status FROM refund r JOIN payment q ON q.id = r.payment_id
			JOIN booking b ON b.id = q.booking_id WHERE b.code = '${code}'`) === 'succeeded', 15000);
		await page.goto(p.base + '/receipt/' + code);
		await waitH1(page, /^Receipt/);
		const rows = page.locator('table.moneyrows tbody tr');
		eq(await rows.count(), 2, 'payment and refund rows');
		const cents = c => `${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
		const pay1 = (await rows.nth(0).textContent()), ref1 = (await rows.nth(1).textContent());
		assert(/Card payment/.test(pay1) && /charged/.test(pay1) && pay1.includes(cents(deposit)), `the payment row: ${pay1}`);
		assert(/Refund/.test(ref1) && /refunded/.test(ref1) && ref1.includes('-') && ref1.includes(cents(want)), `the refund row: ${ref1}`);
		await shot(page, 'receipt-refund');
	});

	test('payments: My bookings keeps the artist\'s phone for texts, sealed, with the opt-in; a bad number is named', async () => {
		const page = p.page;
		if (!p.signedUp) t.cannotRun('no account');
		await page.goto(p.base + '/me/bookings');
		await waitH1(page, /^My bookings$/);
		const form = page.locator('form.phone');
		const stored = () => sql(`SELECT (phone_enc IS NOT NULL)::text || '|' || sms_opt_in::text FROM app_user WHERE email = '${p.email}'`);
		await form.getByLabel('Mobile phone').fill('not a phone');
		await form.getByRole('button', { name: 'Save phone' }).click();
		await form.locator('[role=alert]').waitFor();
		eq(await form.getByLabel('Mobile phone').getAttribute('aria-invalid'), 'true', 'the bad number is marked');
		eq(stored(), 'false|false', 'nothing stored after a bad number');
		await form.getByLabel('Mobile phone').fill('');
		await form.getByLabel(/Text me/).check();
		await form.getByRole('button', { name: 'Save phone' }).click();
		await until('texts without a phone refused', async () => /phone/.test(await form.locator('[role=alert]').textContent()));
		await form.getByLabel('Mobile phone').fill('+1 416 555 0123');
		await form.getByRole('button', { name: 'Save phone' }).click();
		await until('saved', async () => /texts you/.test(await form.locator('[role=status]').textContent().catch(() => '')));
		eq(stored(), 'true|true', 'phone sealed and texts opted in');
		eq(sql(`SELECT position(convert_to('4165550123', 'UTF8') IN phone_enc) = 0 FROM app_user WHERE email = '${p.email}'`), 't',
			'the phone is not stored in the clear');
	});

	test('payments: under automatic approval the page says the deposit is charged at once, and paying captures it (automatic capture)', async () => {
		const page = p.page;
		if (!p.signedUp) t.cannotRun('no account');
		rl('settings-set', 'approval_mode', 'auto', '--as', ADMIN);
		try {
			const free = await slotsOf(DAY);
			if (!free.length) t.cannotRun(`no free rental left in Studio B on ${DAY}`);
			const code = await book(page, DAY, free[0], async () => {
				await until('the note for automatic approval', async () =>
					/the deposit is charged then/.test(await page.locator('section[aria-labelledby=q-h]').textContent()));
			}, /^Your booking$/);
			await cardFrame(page).getByLabel('Card number').waitFor();
			assert(/charged to your card now/.test(await page.locator('main').textContent()), 'the card step does not say the deposit is charged now');
			await enterCard(page, '4242 4242 4242 4242', /^Pay /);
			await page.locator('[role=status]', { hasText: 'Deposit paid' }).waitFor({ timeout: 15000 });
			const pi = await stripe(`/v1/payment_intents/${pay(code)[0]}`);
			eq(`${pi.status} ${pi.capture_method} ${pi.amount_received}`, `succeeded automatic ${pay(code)[4]}`, 'the intent at Stripe');
		} finally {
			rl('settings-set', 'approval_mode', 'manual', '--as', ADMIN);
		}
	});
};
