/* account.js: the booking page's account screens, a module that index.html
 * imports when one is opened (see lazy there): sign-in and sign-up, My
 * bookings (cancel, reschedule, the phone for texts) and the receipt with
 * its payments and refunds as stored. Kept out of the first view. */
/* the style of these screens and book.js's, added to the page's once */
const CSS = `
input[type=checkbox] { width: 1.3rem; height: 1.3rem; min-height: 0; margin: 0; flex: none; }
.check { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1rem; }
legend { font-weight: 700; padding: 0 .3rem; }
.timer { font-variant-numeric: tabular-nums; font-weight: 700; font-size: 1.25rem; }
.chip { display: inline-block; border-radius: 1rem; padding: .05rem .7rem; font-size: .9rem; font-weight: 700;
	border: 1px solid currentColor; white-space: nowrap; }
.s-awaiting_approval { color: var(--warn); background: #fff4d6; }
.s-confirmed { color: var(--ok); background: #e6f5ea; }
.s-canceled { color: #3f3f46; background: #ececec; }
.s-rejected { color: var(--red-dk); background: #fde7ea; }
.s-completed { color: #1f4f8a; background: #e8f0fb; }

.two { display: grid; gap: 1rem; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
@media (max-width: 50rem) { .two { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .25rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody th, tfoot th { font-weight: 400; }
tr.total td, tr.total th { font-weight: 700; border-top: 2px solid var(--ink); }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.25rem; font-weight: 700; letter-spacing: .05em; }

[role=tablist] { display: flex; gap: .25rem; border-bottom: 2px solid var(--line); margin-bottom: 1rem; }
[role=tab] { border: 0; border-radius: .4rem .4rem 0 0; background: none; font-weight: 700; color: var(--mute); }
[role=tab][aria-selected=true] { color: var(--ink); box-shadow: inset 0 -3px 0 var(--red); }
.bookings { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; }
.panel { margin-top: .75rem; border-top: 1px dashed var(--line); padding-top: .75rem; }

.receipt, .phone { max-width: 44rem; }
.phone { margin-top: 2rem; }
@media print {
	.top, .foot, .skip, .noprint { display: none !important; }
	body, main, .card { background: #fff; border: 0; padding: 0; }
	a { color: inherit; text-decoration: none; }
}
`;

export function init(U) {
	const { S, h, $, btn, uid, say, fmt, money, time, zoneLong, span, localYmd, dayName, hours, room, service, api, post, go, qs, a, render, show, errBox, field, safeColor, drawWho } = U;
	const sheet = new CSSStyleSheet();
	sheet.replaceSync(CSS);
	document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
	const STATUS = { awaiting_approval: 'Awaiting approval', confirmed: 'Confirmed', canceled: 'Canceled',
		rejected: 'Rejected', completed: 'Completed' };
	const chip = st => h('span', { class: 'chip s-' + st }, STATUS[st] || st);
	/* a due-now payment whose card is still to be given */
	const UNPAID = ['pending', 'requires_payment_method', 'requires_confirmation', 'requires_action'];
	const PAYST = { requires_payment_method: 'awaiting the card', requires_capture: 'authorized, not charged',
		succeeded: 'charged', partial_refunded: 'charged, partly refunded', refunded: 'refunded' };

	/* authForm: sign in or create an account in place; then done(user) */
	function authForm(done, intro) {
		let create = !!intro;
		const eid = uid('e'), pid = uid('p'), nid = uid('n'), hid = uid('h');
		const msg = h('div', { 'aria-live': 'polite' });
		const name = h('input', { id: nid, name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
		const email = h('input', { id: eid, name: 'email', type: 'email', autocomplete: 'email', required: true });
		const pass = h('input', { id: pid, name: 'password', type: 'password', required: true, 'aria-describedby': hid });
		const hint = h('span', { id: hid, class: 'hint' });
		const nameRow = h('div', { class: 'field' }, h('label', { for: nid }, 'Your name'), name);
		const legend = h('legend');
		const submit = h('button', { class: 'primary', type: 'submit' });
		const swap = btn('', () => { create = !create; draw(); (create ? name : email).focus(); }, 'link');
		function draw() {
			legend.textContent = create ? 'Create an account' : 'Sign in';
			nameRow.hidden = !create;
			name.required = create;
			pass.setAttribute('autocomplete', create ? 'new-password' : 'current-password');
			pass.minLength = create ? 10 : 0;
			hint.textContent = create ? ' At least 10 characters.' : '';
			submit.textContent = create ? 'Create account and continue' : 'Sign in';
			swap.textContent = create ? 'I already have an account' : 'New here? Create an account';
			msg.replaceChildren();
		}
		const form = h('form', { class: 'card auth', novalidate: true, onsubmit: async ev => {
			ev.preventDefault();
			msg.replaceChildren();
			const bad = (create && !name.value.trim() && [name, 'Enter your name.']) ||
				(!/^\S+@\S+\.\S+$/.test(email.value.trim()) && [email, 'Enter your email address, like you@example.com.']) ||
				(create && pass.value.length < 10 && [pass, 'Choose a password of at least 10 characters.']) ||
				(!pass.value && [pass, 'Enter your password.']);
			if (bad) {
				msg.replaceChildren(errBox(bad[1]));
				bad[0].setAttribute('aria-invalid', 'true');
				bad[0].focus();
				return;
			}
			for (const i of [name, email, pass]) i.removeAttribute('aria-invalid');
			submit.disabled = true;
			try {
				const r = create
					? await post('/api/auth/register', { email: email.value.trim(), password: pass.value, name: name.value.trim() })
					: await post('/api/auth/login', { email: email.value.trim(), password: pass.value });
				S.user = r.user;
				drawWho();
				say(`Signed in as ${r.user.name || r.user.email}.`);
				done(r.user);
			} catch (e) {
				submit.disabled = false;
				if (e.code === 'email_taken') {
					create = false;
					draw();
					e.message = 'An account with this email already exists. Sign in with its password instead.';
					pass.focus();
				}
				msg.replaceChildren(errBox(e));
				const f = { email, password: pass, name }[e.field];
				if (f) f.setAttribute('aria-invalid', 'true');
			}
		} },
		h('fieldset', legend, intro && h('p', intro), nameRow,
			h('div', { class: 'field' }, h('label', { for: eid }, 'Email'), email),
			h('div', { class: 'field' }, h('label', { for: pid }, 'Password', hint), pass),
			msg, h('div', { class: 'row' }, submit, swap)));
		draw();
		return form;
	}

	/* lineName: "Recording session, 2 hours" for the main service, "Backline × 2" for an add-on */
	function lineName(id, name, n) {
		const sv = service(id);
		if (sv && !sv.is_addon) return `${name}, ${hours(n * sv.default_duration_min)}`;
		return n > 1 ? `${name} × ${n}` : name;
	}

	/* loadBooking: GET one booking, asking for a sign-in when needed */
	async function loadBooking(ctx, code, title) {
		try {
			return await api('GET', '/api/bookings/' + encodeURIComponent(code));
		} catch (e) {
			if (e.status === 401) {
				show(ctx, title, h('h1', title), authForm(() => render()));
				return null;
			}
			if (e.status === 404) {
				show(ctx, title, h('h1', 'Booking not found'),
					h('div', { class: 'box info' }, h('p', `This account has no booking ${code}. Check the code, or sign in with the account that made it.`),
						a('/me/bookings', 'See my bookings', 'btn')));
				return null;
			}
			throw e;
		}
	}

	/* -- my bookings -- */
	async function pageMine(ctx) {
		if (!S.user) {
			return show(ctx, 'My bookings', h('h1', 'My bookings'),
				h('p', 'Sign in to see your upcoming and past sessions.'), authForm(() => render()));
		}
		let data;
		try {
			data = await api('GET', '/api/me/bookings');
		} catch (e) {
			if (e.status === 401) { S.user = null; drawWho(); return pageMine(ctx); }
			throw e;
		}
		const want = ctx.q.get('tab') === 'past' ? 1 : 0;
		const tabs = [['Upcoming', data.upcoming || []], ['Past', data.past || []]];
		const tl = h('div', { role: 'tablist', 'aria-label': 'Bookings' });
		const panels = [];
		const btns = tabs.map(([name, list], i) => {
			const pid = 'tp' + i, tid = 'tb' + i;
			panels.push(h('div', { role: 'tabpanel', id: pid, 'aria-labelledby': tid, tabindex: '0', hidden: i !== want },
				list.length ? h('ul', { class: 'bookings' }, list.map(b => h('li', bookingCard(ctx, b, i === 0))))
					: h('div', { class: 'box info' }, h('p', i === 0 ? 'No upcoming sessions.' : 'No past sessions yet.'),
						i === 0 && a('/availability', 'Check availability', 'btn primary'))));
			return h('button', { type: 'button', role: 'tab', id: tid, 'aria-controls': pid, 'aria-selected': String(i === want),
				tabindex: i === want ? '0' : '-1', onclick: () => pick(i) }, `${name} (${list.length})`);
		});
		function pick(i, focus) {
			btns.forEach((b, k) => {
				b.setAttribute('aria-selected', String(k === i));
				b.tabIndex = k === i ? 0 : -1;
				panels[k].hidden = k !== i;
			});
			if (focus) btns[i].focus();
			go('/me/bookings' + (i ? '?tab=past' : ''), true);
		}
		tl.addEventListener('keydown', e => {
			const i = btns.indexOf(document.activeElement);
			const k = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: btns.length - 1 }[e.key];
			if (i < 0 || k == null) return;
			e.preventDefault();
			pick((k + btns.length) % btns.length, true);
		});
		tl.append(...btns);
		show(ctx, 'My bookings', h('h1', 'My bookings'),
			h('p', `Times are in the studio's time zone, ${zoneLong()}.`), tl, panels, phoneForm());
	}

	/* phoneForm: the artist's phone and whether the studio may text it
	 * (PUT /api/me/phone; the number is kept sealed, never shown back) */
	function phoneForm() {
		const tel = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', placeholder: '+1 416 555 0100' });
		const optId = uid('sms'), opt = h('input', { type: 'checkbox', id: optId });
		const msg = h('div', { 'aria-live': 'polite' }), save = h('button', { type: 'submit' }, 'Save phone');
		return h('form', { class: 'card phone', novalidate: true, onsubmit: async ev => {
			ev.preventDefault();
			msg.replaceChildren();
			tel.removeAttribute('aria-invalid');
			save.disabled = true;
			try {
				const r = await api('PUT', '/api/me/phone', { phone: tel.value.trim(), sms_opt_in: opt.checked });
				msg.replaceChildren(h('p', { class: 'box okbox', role: 'status' }, !r.phone_set ? 'No phone is kept for your account.'
					: r.sms_opt_in ? 'Saved. The studio texts you about your bookings.' : 'Saved. The studio will not text you.'));
				tel.value = '';
			} catch (e) {
				msg.replaceChildren(errBox(e));
				if (e.field === 'phone') { tel.setAttribute('aria-invalid', 'true'); tel.focus(); }
			}
			save.disabled = false;
		} },
		h('h2', 'Texts about your bookings'),
		field('Mobile phone', tel, '(with its country code; leave empty to remove it)'),
		h('label', { class: 'check', for: optId }, opt, 'Text me when the studio approves, changes or reminds me of a booking.'),
		msg, save);
	}

	function bookingCard(ctx, b, upcoming) {
		const el = h('article', { class: 'card room', style: `--c:${safeColor((room(b.room.id) || {}).color)}`, 'data-code': b.code });
		const panel = h('div', { 'aria-live': 'polite' });
		const stEl = h('span', chip(b.status));
		const whenEl = h('p', span(b.start_at, b.end_at));
		const live = b.status === 'awaiting_approval' || b.status === 'confirmed';
		const mains = (b.services || []).filter(s => !s.is_addon).map(s => s.name);
		const extra = (b.services || []).filter(s => s.is_addon).map(s => `${s.name}${s.quantity > 1 ? ' × ' + s.quantity : ''}`);
		const actions = h('div', { class: 'row' }), api1 = '/api/bookings/' + encodeURIComponent(b.code);
		const cancelBtn = btn('Cancel…', () => cancelFlow(), 'danger');
		const moveBtn = btn('Reschedule…', () => moveFlow());
		/* the card still to be given (the tab was closed, a decline): back
		 * to the card step, pay.js, in this card's panel */
		const payBtn = btn('Pay now', async () => {
			payBtn.remove();
			panel.replaceChildren(h('div', { class: 'panel' }));
			(await import('/pay.js')).card(ctx, b, { h, $, api, money, errBox, holdMin: S.settings.hold_ttl_min, into: panel.firstChild });
		}, 'primary');
		if (upcoming && live && S.settings.payments && UNPAID.includes(b.payment_status)) actions.append(payBtn);
		if (upcoming && live) actions.append(moveBtn, cancelBtn);
		actions.append(a('/receipt/' + encodeURIComponent(b.code), 'Receipt'));
		function closePanel(focusEl) { panel.replaceChildren(); (focusEl || actions.firstChild).focus(); }
		function box(title, ...kids) {
			const hh = h('h4', { tabindex: '-1' }, title);
			panel.replaceChildren(h('div', { class: 'panel' }, hh, ...kids));
			hh.focus();
		}
		async function cancelFlow() {
			box('Cancel this booking?', h('p', { class: 'state' }, 'Checking the cancellation policy…'));
			let x;
			try {
				x = await post(api1 + '/cancel', { dry_run: true });
			} catch (e) {
				return box('This booking cannot be canceled here', errBox(e), btn('Close', () => closePanel()));
			}
			const reason = h('textarea', { rows: 2, maxlength: 500 });
			const yes = btn('Cancel booking', async () => {
				yes.disabled = true;
				try {
					const r = await post(api1 + '/cancel', { reason: reason.value.trim() || undefined });
					b.status = r.status;
					stEl.replaceChildren(chip(r.status));
					cancelBtn.remove();
					moveBtn.remove();
					box('Booking canceled', h('p', { role: 'status' }, r.summary, ' ', refundText(r)));
					say(`Booking ${b.code} canceled. ${r.summary}`);
				} catch (e) {
					yes.disabled = false;
					panel.firstChild.append(errBox(e));
				}
			}, 'primary');
			box('Cancel this booking?',
				h('p', { class: 'policy-result' }, h('strong', x.summary), ' ', refundText(x)),
				field('Reason', reason, '(optional; the studio sees it)'),
				h('div', { class: 'row' }, yes, btn('Keep booking', () => closePanel(cancelBtn))));
		}
		async function moveFlow() {
			const svcId = ((b.services || []).find(s => !s.is_addon) || {}).service_id;
			const dur = Math.round((Date.parse(b.end_at) - Date.parse(b.start_at)) / 60000);
			const d = h('input', { type: 'date', min: localYmd(Date.now()), value: localYmd(Date.parse(b.start_at)) });
			const list = h('div', { 'aria-live': 'polite' });
			async function find() {
				list.replaceChildren(h('p', { class: 'state' }, 'Looking for free times…'));
				try {
					const r = await post('/api/availability/search', { date: d.value, duration_min: dur, service_id: svcId, room_id: b.room.id });
					const slots = (r.slots || []).filter(s => s.start_at !== b.start_at);
					list.replaceChildren(slots.length
						? h('ul', { class: 'slots' }, slots.map(s => h('li', btn(time(s.start_local || s.start_at), () => weigh(s), 'slot'))))
						: h('p', { class: 'box info' }, `No free times in ${b.room.name} on ${dayName(d.value)}. Try another day.`));
				} catch (e) { list.replaceChildren(errBox(e)); }
			}
			async function weigh(s) {
				list.replaceChildren(h('p', { class: 'state' }, 'Checking the reschedule policy…'));
				let x;
				try {
					x = await post(api1 + '/reschedule', { new_start_at: s.start_at, new_end_at: s.end_at, dry_run: true });
				} catch (e) { return list.replaceChildren(errBox(e)); }
				const yes = btn('Move my booking', async () => {
					yes.disabled = true;
					try {
						const r = await post(api1 + '/reschedule', { new_start_at: s.start_at, new_end_at: s.end_at });
						b.start_at = r.start_at; b.end_at = r.end_at;
						whenEl.textContent = span(r.start_at, r.end_at);
						box('Booking moved', h('p', { role: 'status' }, `Now ${span(r.start_at, r.end_at)}. ${r.summary}`));
					} catch (e) { yes.disabled = false; list.append(errBox(e)); }
				}, 'primary');
				list.replaceChildren(h('p', `New time: ${span(s.start_at, s.end_at)}.`),
					h('p', { class: 'policy-result' }, h('strong', x.summary), x.fee_cents > 0 ? ` Fee: ${money(x.fee_cents)}.` : ' No fee.'),
					h('div', { class: 'row' }, yes, btn('Pick another time', find)));
				yes.focus();
			}
			d.addEventListener('change', find);
			box('Move this booking',
				h('p', `Same room and length (${hours(dur)}). Pick a day, then a time.`),
				field('New date', d), list,
				btn('Keep the current time', () => closePanel(moveBtn)));
			find();
		}
		el.append(h('h3', `${b.room.name} `, stEl), whenEl,
			h('p', 'Code ', h('span', { class: 'code' }, b.code), ` · ${[...mains, ...extra].join(', ') || 'Room only'} · ${money(b.totals && b.totals.total_cents)}`),
			actions, panel);
		return el;
	}
	function refundText(x) {
		if (!x.paid_cents) return 'Nothing has been charged, so nothing is owed either way.';
		return `Refund: ${x.refund_percent}% of ${money(x.paid_cents)} paid, ${money(x.refund_cents)}.`;
	}

	/* -- receipt -- */
	async function pageReceipt(ctx) {
		const code = decodeURIComponent(ctx.m[1]).toUpperCase();
		const b = await loadBooking(ctx, code, 'Receipt');
		if (!b) return;
		const t = b.totals || {};
		const rc = b.receipt || {}, pays = rc.payments || [], refunds = rc.refunds || [];
		const paid = pays.filter(p => p.captured_cents > 0);
		/* one row per stored payment and refund, in the order they came */
		const moneyRow = (at, what, st, c) => h('tr', h('td', fmt('day').format(new Date(at))), h('td', what),
			h('td', st.replace(/_/g, ' ')), h('td', { class: 'n' }, money(c)));
		show(ctx, 'Receipt ' + b.code, h('article', { class: 'card receipt' },
			h('p', h('strong', S.settings.studio_name)),
			h('h1', 'Receipt ', h('span', { class: 'code' }, b.code)),
			h('dl', { class: 'facts' },
				h('dt', 'Status'), h('dd', chip(b.status)),
				h('dt', 'Booked by'), h('dd', (S.user && (S.user.name || S.user.email)) || ''),
				h('dt', 'Session'), h('dd', span(b.start_at, b.end_at)),
				h('dt', 'Room'), h('dd', b.room.name),
				(b.staff || []).length > 0 && [h('dt', 'Staff'), h('dd', b.staff.map(s => s.name).join(', '))],
				h('dt', 'Requested'), h('dd', fmt('day').format(new Date(b.created_at)))),
			h('table', h('caption', { class: 'sr' }, 'Charges'),
				h('thead', h('tr', h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col', class: 'n' }, 'Qty'),
					h('th', { scope: 'col', class: 'n' }, 'Unit'), h('th', { scope: 'col', class: 'n' }, 'Amount'))),
				h('tbody', (b.services || []).map(s => h('tr', h('td', lineName(s.service_id, s.name, s.quantity)), h('td', { class: 'n' }, s.quantity),
					h('td', { class: 'n' }, money(s.unit_price_cents)), h('td', { class: 'n' }, money(s.total_cents))))),
				h('tfoot',
					[['Subtotal', t.subtotal_cents], t.fees_cents > 0 && ['Fees', t.fees_cents], ['Tax', t.taxes_cents], ['Total', t.total_cents, 'total'],
						['Paid', b.paid_cents || 0], t.deposit_cents > 0 && ['Deposit due on approval', t.deposit_cents]].filter(Boolean)
						.map(([l, c, cls]) => h('tr', { class: cls }, h('th', { scope: 'row', colspan: 3 }, l), h('td', { class: 'n' }, money(c)))))),
			paid.length === 0 && h('p', 'No payment has been taken for this booking.'),
			pays.length + refunds.length > 0 && [h('h2', 'Payments and refunds'),
				h('table', { class: 'moneyrows' }, h('caption', { class: 'sr' }, 'Payments and refunds'),
					h('thead', h('tr', ['Date', 'What', 'Status'].map(x => h('th', { scope: 'col' }, x)), h('th', { scope: 'col', class: 'n' }, 'Amount'))),
					h('tbody', pays.map(p => moneyRow(p.created_at, 'Card payment', PAYST[p.status] || p.status, p.captured_cents || p.amount_cents)),
						refunds.map(r => moneyRow(r.created_at, r.reason ? `Refund: ${r.reason}` : 'Refund', r.status === 'succeeded' ? 'refunded' : r.status, -r.amount_cents))))],
			b.status === 'awaiting_approval' && h('p', 'This booking awaits the studio’s approval; it is not confirmed yet.'),
			h('p', { class: 'hint' }, `Times in ${zoneLong(b.start_at)}. Amounts in ${t.currency || S.settings.currency}.`),
			h('div', { class: 'row noprint' }, btn('Print', () => window.print(), 'primary'),
				a('/me/bookings', 'My bookings'))));
	}

	function pageSignin(ctx) {
		const next = ctx.q.get('next');
		const to = next && next.startsWith('/') && !next.startsWith('//') ? next : '/me/bookings';
		if (S.user) {
			return show(ctx, 'Signed in', h('h1', 'You are signed in'),
				h('p', `Signed in as ${S.user.name || S.user.email}.`), a(to, 'Continue', 'btn primary'));
		}
		show(ctx, 'Sign in', h('h1', 'Sign in'), h('p', 'Sign in to book and to see your bookings.'),
			authForm(() => go(to)));
	}

	return { STATUS, chip, authForm, lineName, loadBooking, pageMine, pageReceipt, pageSignin };
}
