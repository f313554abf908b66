/* pay.js: the booking page's card step, a module that index.html imports
 * on the "Request sent" page when the studio takes payments
 * (settings.payments), so the first view never carries it.
 *
 * The card goes into Stripe's own form: the Payment Element of Stripe.js,
 * loaded from the studio's stripe_js_url, lives in a frame of Stripe's
 * origin, so this page never sees a card number. The server's worker makes
 * the PaymentIntent a moment after the booking commits, and the booking's
 * own answer (POST /api/bookings) carries its client_secret when it came
 * within the server's wait; only when it did not (payment.client_secret
 * null, or a page opened later: My bookings, a reload) does the step ask
 * GET /api/bookings/:id/payment until it is there. It confirms it without
 * leaving the page (redirect: 'if_required'), and says "processing" until
 * the server has recorded the authorization (the same GET, once Stripe's
 * webhook has reached it). A decline is said plainly and the booking keeps
 * its time for the hold's lifetime from the request (hold_ttl_min, after
 * which the worker's sweep cancels it), so another card can be tried.
 *
 * index.html hands it its helpers (h, $, api, money, errBox), which live
 * inside that page's script. */

/* held: the intent's states in which the money is the studio's to take */
const HELD = ['requires_capture', 'processing', 'succeeded'];
const sleep = ms => new Promise(r => setTimeout(r, ms));
let stripeJs = null, h, $, api, money, errBox, holdMin;

/* loadStripe: Stripe.js from url, once per page */
function loadStripe(url) {
	return stripeJs || (stripeJs = new Promise((resolve, reject) => {
		const s = h('script', { src: url });
		s.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not load.')));
		s.onerror = () => {
			stripeJs = null;
			reject(new Error('Stripe’s payment form could not be loaded. Check your connection and reload the page.'));
		};
		document.head.append(s);
	}));
}

/* poll: the booking's payment as the server has it, asked again (more
 * slowly each time) until ok(it) or ms pass; null then, or once ctx died */
async function poll(ctx, code, ok, ms) {
	const end = Date.now() + ms;
	for (let wait = 250; ctx.alive(); wait = Math.min(wait * 1.5, 2000)) {
		const p = await api('GET', `/api/bookings/${encodeURIComponent(code)}/payment`);
		if (ok(p)) return p;
		if (Date.now() > end) break;
		await sleep(wait);
	}
	return null;
}

/* authorized: what the artist reads once the server has the money held
 * (or, under automatic capture, taken); what: "Deposit" or "Payment" */
function authorized(p, what) {
	return h('div', { class: 'box okbox', role: 'status' },
		p.status === 'succeeded'
			? h('p', h('strong', `${what} paid: ${money(p.amount_cents)}.`))
			: [h('p', h('strong', `${what} authorized: ${money(p.amount_cents)} is held on your card.`)),
				h('p', 'It is charged when the studio approves your request, and released if the studio declines it.')]);
}

/* declined: Stripe's error, said plainly; Stripe's message follows ours */
function declined(er) {
	const card = er.type === 'card_error';
	const msg = (er.message || '').replace(card ? /^Your card was declined\.\s*/ : /^$/, '');
	return h('div', { class: 'box err', role: 'alert' },
		h('p', card && h('strong', 'Your card was declined. '), msg || (card ? '' : 'The card could not be used.')),
		card && h('p', `Your session stays held for ${holdMin} minute${holdMin === 1 ? '' : 's'} from your request: try another card before then, or the request is canceled and the time freed.`));
}

/* card: the step for booking b (awaiting approval, or confirmed at once
 * under automatic approval), drawn under its status box while ctx lives;
 * b.payment: the booking's answer's payment, when this page made it; u:
 * index.html's helpers, and u.into: where to draw it instead (My
 * bookings' panel) */
export async function card(ctx, b, u) {
	({ h, $, api, money, errBox, holdMin } = u);
	if (b.status !== 'awaiting_approval' && b.status !== 'confirmed') return;
	const held = b.status === 'awaiting_approval';
	/* a 0 % deposit means the whole price is due now */
	const what = b.totals && b.totals.deposit_cents === 0 ? 'Payment' : 'Deposit';
	const status = h('p', { role: 'status' }, 'Preparing the card form…');
	const sec = h('section', { class: 'card', 'aria-labelledby': 'pay-h' },
		h('h2', { id: 'pay-h' }, what === 'Deposit' ? 'Pay the deposit' : 'Pay for the session'), status);
	const box = u.into || $('main .okbox');
	if (!ctx.alive() || !box) return;
	if (u.into) box.append(sec);
	else box.after(sec);
	try {
		/* the answer's secret at once; the server's read otherwise */
		const p = b.payment && b.payment.client_secret
			? { configured: true, ...b.payment, amount_cents: b.payment.amount_due_now_cents }
			: await poll(ctx, b.code, x => !x.configured || x.status !== 'pending', 30000);
		if (!ctx.alive()) return;
		if (!p) return status.replaceWith(errBox('The payment is not ready yet. Reload this page in a minute to pay.'));
		if (!p.configured) return status.replaceWith(h('p', p.message));
		if (HELD.includes(p.status)) return status.replaceWith(authorized(p, what));
		if (!p.client_secret) return status.replaceWith(errBox(`This booking’s payment is ${p.status.replace(/_/g, ' ')}: ask the studio.`));
		const stripe = (await loadStripe(p.js_url))(p.publishable_key);
		const elements = stripe.elements({ clientSecret: p.client_secret,
			appearance: { theme: 'stripe', variables: { colorPrimary: '#b0001a', borderRadius: '6px' } } });
		const amount = money(p.amount_cents);
		const label = `${held ? 'Authorize' : 'Pay'} ${amount}`;
		const go = h('button', { type: 'submit', class: 'primary' }, label);
		const result = h('div');
		const slot = h('div', { class: 'pay-el' });
		const form = h('form', { 'aria-labelledby': 'pay-h', onsubmit: async ev => {
			ev.preventDefault();
			go.disabled = true;
			go.textContent = 'Processing…';
			result.replaceChildren(h('p', { role: 'status' }, 'Processing: checking your card with your bank…'));
			const again = el => {
				go.disabled = false;
				go.textContent = label;
				result.replaceChildren(el);
			};
			try {
				const r = await stripe.confirmPayment({ elements, redirect: 'if_required' });
				if (!ctx.alive()) return;
				if (r.error) return again(declined(r.error));
				/* Stripe has it; the server learns it from Stripe's webhook */
				const q = await poll(ctx, b.code, x => HELD.includes(x.status), 60000);
				if (!ctx.alive()) return;
				if (q) form.replaceWith(authorized(q, what));
				else result.replaceChildren(h('p', { role: 'status' },
					'Processing: your bank accepted the card and the studio is still recording it. Reload this page in a minute to see it done.'));
			} catch (e) {
				/* Stripe.js refused, or the studio's server did not answer: nothing is lost */
				if (ctx.alive()) again(errBox(e));
			}
		} },
			h('p', held ? `${what === 'Deposit' ? 'The deposit' : 'The price'}, ${amount}, is held on your card until the studio approves your request; it is charged then, and released if the studio declines.`
				: `${what === 'Deposit' ? 'The deposit' : 'The price'}, ${amount}, is charged to your card now: the studio has confirmed your booking.`),
			h('p', { class: 'hint' }, 'Your card details go straight to Stripe, the studio’s payment processor: the studio never sees them.'),
			slot, result, h('p', go));
		status.replaceWith(form);
		elements.create('payment').mount(slot);
	} catch (e) {
		if (ctx.alive()) status.isConnected ? status.replaceWith(errBox(e)) : sec.append(errBox(e));
	}
}
