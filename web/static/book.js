/* book.js: the booking page's booking form (hold, quote, sign-in, submit)
 * and its "Request sent" screen, a module that index.html imports when one
 * is opened (see lazy there); account.js's helpers come as U.acc. */
export function init(U) {
	const { S, h, $, btn, uid, say, fmt, money, time, zoneLong, span, localYmd, dayName, hours, room, service, api, post, go, qs, a, render, show, errBox, field, safeColor, drawWho, cleanups } = U, { STATUS, chip, authForm, lineName, loadBooking } = U.acc;

	/* -- book: summary, add-ons, quote, hold, sign-in, policy, submit -- */
	const HOLD = 'rl-hold';
	/* the last booking's payment as its answer gave it ({code, payment}):
	 * kept in memory for "Request sent" only, never stored (its secret) */
	let paid = null;
	function savedHold(key) {
		try {
			const x = JSON.parse(sessionStorage.getItem(HOLD) || 'null');
			if (x && x.key === key && Date.parse(x.expires_at) - skew > Date.now() + 5000) return x;
		} catch (e) { /* none */ }
		return null;
	}
	/* the server's clock minus ours, from the Date header of the last answer */
	let skew = 0;
	function learnSkew() {
		const t = Date.parse(api.date || '');
		if (t) skew = t - Date.now();
	}

	function pageBook(ctx) {
		const q = ctx.q, r = room(q.get('room')), sv = service(q.get('svc'));
		const start = q.get('start'), end = q.get('end');
		const dur = Math.round((Date.parse(end) - Date.parse(start)) / 60000);
		const back = '/availability' + qs({ date: start && localYmd(Date.parse(start)), svc: q.get('svc'), dur: dur || '', room: q.get('room') });
		if (!r || !sv || !(dur > 0)) {
			return show(ctx, 'Book', h('h1', 'Choose a time first'),
				h('div', { class: 'box info' }, h('p', 'Pick a time on the availability page first: the time chosen is missing or no longer valid.'),
					a('/availability', 'Check availability', 'btn primary')));
		}
		const key = [r.id, start, end].join('|');
		let hold = savedHold(key), done = false, tick = 0, qseq = 0;
		const addons = S.services.filter(s => s.is_addon);
		const qty = {};
		const holdBox = h('div', { 'aria-live': 'polite' });
		const timerEl = h('span', { class: 'timer', role: 'timer', 'aria-live': 'off' });
		const timerSay = h('span', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
		const quoteBox = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'state' }, 'Pricing your session…'));
		const notes = h('textarea', { maxlength: 2000, rows: 4 });
		const ackId = uid('ack');
		const ack = h('input', { type: 'checkbox', id: ackId, required: true });
		const policy = h('p', S.settings.policy_summary || 'The studio’s standard cancellation policy applies.');
		const result = h('div', { 'aria-live': 'assertive' });
		const send = h('button', { type: 'submit', class: 'primary cta' }, 'Send booking request');

		function stopTimer() { clearInterval(tick); tick = 0; }
		function expired() {
			stopTimer();
			hold = null;
			sessionStorage.removeItem(HOLD);
			holdBox.replaceChildren(h('div', { class: 'box err', role: 'alert' },
				h('p', h('strong', 'Your hold on this time has expired.'), ' The time may still be free.'),
				h('div', { class: 'row' }, btn('Hold this time again', placeHold, 'primary'),
					a(back, 'Choose another time'))));
		}
		function countdown() {
			stopTimer();
			let lastMin = -1;
			const step = () => {
				const left = Math.max(0, Math.round((Date.parse(hold.expires_at) - (Date.now() + skew)) / 1000));
				timerEl.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
				const m = Math.ceil(left / 60);
				if (left > 0 && m !== lastMin && (left % 60 === 0 || lastMin < 0 || left <= 60)) {
					if (lastMin >= 0 || left <= 60) timerSay.textContent = left <= 60 ? 'Less than a minute left on your hold.' : `${m} minutes left on your hold.`;
					lastMin = m;
				}
				if (left <= 0) expired();
			};
			holdBox.replaceChildren(h('div', { class: 'box okbox' },
				h('p', 'We are holding this time for you. Time left: ', timerEl, timerSay),
				h('p', { class: 'hint' }, 'Send your request before the hold ends; after that, someone else may book it.')));
			step();
			tick = setInterval(step, 1000);
		}
		async function placeHold() {
			holdBox.replaceChildren(h('p', { class: 'state' }, 'Holding this time for you…'));
			try {
				const x = await post('/api/holds', { room_id: r.id, start_at: start, end_at: end, service_id: sv.id });
				learnSkew();
				if (!ctx.alive()) { api('DELETE', '/api/holds/' + x.hold_id).catch(() => {}); return; }
				hold = { key, id: x.hold_id, expires_at: x.expires_at };
				sessionStorage.setItem(HOLD, JSON.stringify(hold));
				result.replaceChildren();
				countdown();
			} catch (e) {
				if (!ctx.alive()) return;
				if (e.status === 401) return needSignIn('Your session ended. Sign in again to hold this time.');
				holdBox.replaceChildren(taken(e));
			}
		}
		function taken(e) {
			const gone = e.code === 'slot_unavailable';
			return h('div', { class: 'box err', role: 'alert' },
				h('p', h('strong', gone ? 'Sorry, this time was just taken.' : "We couldn't hold this time.")),
				h('p', gone ? 'Someone else booked or is holding it. Nothing was sent and nothing was charged.' : e.message),
				a(back, 'Choose another time', 'btn primary'));
		}
		function needSignIn(why) {
			holdBox.replaceChildren(h('div', { class: 'box info' },
				h('p', why || 'Sign in or create an account to hold this time; the studio uses it to reach you about the booking.')),
			authForm(() => placeHold(), S.user ? null : 'New here? Create your account without leaving this page.'));
		}
		async function requote() {
			const n = ++qseq;
			quoteBox.setAttribute('aria-busy', 'true');
			try {
				const x = await post('/api/quote', { room_id: r.id, service_id: sv.id, start_at: start, duration_min: dur,
					addons: Object.keys(qty).filter(k => qty[k] > 0).map(k => ({ service_id: k, qty: qty[k] })) });
				if (n !== qseq || !ctx.alive()) return;
				if (x.policy_summary) policy.textContent = x.policy_summary;
				quoteBox.replaceChildren(quoteTable(x, x.lines));
			} catch (e) {
				if (n !== qseq || !ctx.alive()) return;
				quoteBox.replaceChildren(errBox(e, btn('Try again', requote)));
			}
			quoteBox.removeAttribute('aria-busy');
		}
		let qt = 0;
		const addonRows = addons.map(s => {
			const inp = h('input', { type: 'number', min: 0, max: 10, value: 0, inputmode: 'numeric', style: 'width:6rem' });
			inp.addEventListener('input', () => {
				const v = Math.max(0, Math.min(10, Math.floor(+inp.value) || 0));
				qty[s.id] = v;
				clearTimeout(qt);
				qt = setTimeout(requote, 200);
			});
			return field(`${s.name}, quantity`, inp, `${money(s.base_price_cents)} each${s.description ? '. ' + s.description : ''}`);
		});

		const form = h('form', { novalidate: true, onsubmit: async ev => {
			ev.preventDefault();
			result.replaceChildren();
			if (!S.user) {
				result.replaceChildren(errBox('Sign in or create an account first (above).'));
				const i = [...holdBox.querySelectorAll('input')].find(x => x.offsetParent);
				if (i) i.focus();
				return;
			}
			if (!ack.checked) {
				ack.setAttribute('aria-invalid', 'true');
				result.replaceChildren(errBox('Tick the box to accept the cancellation policy before sending.'));
				ack.focus();
				return;
			}
			ack.removeAttribute('aria-invalid');
			if (!hold) {
				result.replaceChildren(errBox('This time is not held for you any more. Hold it again, or choose another time.'));
				return;
			}
			send.disabled = true;
			send.textContent = 'Sending…';
			try {
				const x = await post('/api/bookings', { hold_id: hold.id, room_id: r.id, start_at: start, end_at: end,
					service_items: [{ service_id: sv.id, qty: 1 }, ...addons.filter(s => qty[s.id] > 0).map(s => ({ service_id: s.id, qty: qty[s.id] }))],
					notes: notes.value.trim() || undefined });
				done = true;
				stopTimer();
				sessionStorage.removeItem(HOLD);
				paid = { code: x.code, payment: x.payment };
				sessionStorage.setItem('rl-sent', JSON.stringify({ ...x, payment: undefined }));
				go('/book/sent/' + encodeURIComponent(x.code));
			} catch (e) {
				send.disabled = false;
				send.textContent = 'Send booking request';
				if (!ctx.alive()) return;
				if (e.code === 'hold_expired') {
					expired();
					result.replaceChildren(errBox('Your hold expired, so the request was not sent. Hold the time again, or choose another.'));
				} else if (e.code === 'slot_unavailable') {
					stopTimer();
					hold = null;
					sessionStorage.removeItem(HOLD);
					holdBox.replaceChildren();
					result.replaceChildren(taken(e));
				} else if (e.status === 401) {
					S.user = null;
					drawWho();
					needSignIn('Your session ended. Sign in again, then send the request.');
				} else if (e.status === 0) {
					result.replaceChildren(errBox("The studio's server could not be reached; the request was not sent. Check your connection and try again."));
				} else {
					result.replaceChildren(errBox(e));
				}
				const al = $('[role=alert]', result);
				if (al) { al.tabIndex = -1; al.focus(); }
			}
		} },
		h('div', { class: 'two' },
			h('div',
				h('section', { class: 'card', 'aria-labelledby': 'sum-h' },
					h('h2', { id: 'sum-h' }, 'Your session'),
					h('dl', { class: 'facts' },
						h('dt', 'When'), h('dd', span(start, end)),
						h('dt', 'Length'), h('dd', hours(dur)),
						h('dt', 'Room'), h('dd', h('span', { class: 'swatch', style: `--c:${safeColor(r.color)}`, 'aria-hidden': 'true' }), r.name),
						h('dt', 'Service'), h('dd', sv.name),
						sv.requires_engineer && [h('dt', 'Engineer'), h('dd', `The studio assigns an engineer${sv.staff_skill_required ? ' who does ' + sv.staff_skill_required : ''}.`)]),
					a(back, 'Change the time')),
				h('h2', 'Hold and account'),
				holdBox,
				addons.length > 0 && h('fieldset', h('legend', 'Add-ons'), addonRows),
				field('Notes for the studio', notes, '(optional: what you are recording, gear you bring)'),
				h('fieldset', h('legend', 'Cancellation policy'), policy,
					h('label', { class: 'check', for: ackId }, ack, 'I have read the cancellation policy and accept it.'))),
			h('div',
				h('section', { class: 'card', 'aria-labelledby': 'q-h' },
					h('h2', { id: 'q-h' }, 'Price'), quoteBox,
					h('p', { class: 'box info' }, S.settings.payment_note)),
				result,
				h('p', send))));
		show(ctx, 'Book ' + r.name, h('h1', `Book ${r.name}`), form);
		requote();
		if (hold) countdown();
		else if (S.user) placeHold();
		else needSignIn();
		cleanups.push(() => {
			stopTimer();
			clearTimeout(qt);
			if (hold && !done) {
				api('DELETE', '/api/holds/' + hold.id, undefined, { keepalive: true }).catch(() => {});
				sessionStorage.removeItem(HOLD);
			}
		});
	}

	function quoteTable(x, lines) {
		const cur = x.currency;
		const row = (label, c, cls) => h('tr', { class: cls }, h('th', { scope: 'row' }, label), h('td', { class: 'n' }, money(c)));
		return h('table', h('caption', { class: 'sr' }, `Price in ${cur || 'the studio currency'}`),
			h('tbody',
				(lines || []).map(l => row(lineName(l.service_id, l.name, l.quantity), l.total_cents)),
				row('Subtotal', x.subtotal_cents),
				x.fees_cents > 0 && row('Fees', x.fees_cents),
				row('Tax', x.taxes_cents),
				row('Total', x.total_cents, 'total'),
				x.deposit_cents > 0 && row('Deposit on approval', x.deposit_cents)));
	}

	async function pageSubmitted(ctx) {
		const code = decodeURIComponent(ctx.m[1]);
		let b = null;
		try {
			const x = JSON.parse(sessionStorage.getItem('rl-sent') || 'null');
			if (x && x.code === code) b = { code, status: x.status, start_at: x.start_at, end_at: x.end_at, room: room(x.room_id), totals: x.quote };
		} catch (e) { /* fetch it */ }
		if (!b && !(b = await loadBooking(ctx, code, 'Request sent'))) return;
		const pending = b.status === 'awaiting_approval';
		show(ctx, 'Request sent',
			h('h1', pending ? 'Request sent: awaiting the studio’s approval' : 'Your booking'),
			h('div', { class: 'box okbox', role: 'status' },
				h('p', 'Booking code ', h('span', { class: 'code' }, b.code), ' ', chip(b.status)),
				h('p', `${(b.room && b.room.name) || ''} · ${span(b.start_at, b.end_at)}`)),
			!pending && h('p', `This booking is ${(STATUS[b.status] || b.status).toLowerCase()}.`),
			pending && h('h2', 'What happens next'),
			pending && h('ol',
				h('li', 'The studio reviews your request. Until then the time is kept for you and nobody else can book it.'),
				h('li', 'When the studio approves it, you get an email confirming the booking, with a calendar invite (.ics) attached.'),
				h('li', 'If the studio cannot take it, you get an email saying so.'),
				!S.settings.payments && h('li', 'No payment has been taken.')),
			pending && h('p', 'Keep your booking code for any question to the studio.'),
			h('div', { class: 'row' }, a('/me/bookings', 'See my bookings', 'btn primary'),
				a('/receipt/' + encodeURIComponent(b.code), 'Receipt', 'btn'), a('/availability', 'Book another session', 'btn')));
		/* the answer's payment once: a later visit asks the server */
		if (paid && paid.code === b.code) b.payment = paid.payment;
		paid = null;
		if (S.settings.payments) (await import('/pay.js')).card(ctx, b, { h, $, api, money, errBox, holdMin: S.settings.hold_ttl_min });
	}

	return { pageBook, pageSubmitted };
}
