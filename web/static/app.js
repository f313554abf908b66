/* redlight: the booking page. Plain JavaScript, no framework, no build step.
 * One page app over the JSON API; routes work as /#/path and, when the
 * server sends index.html for them, as /path. Times are shown in the
 * studio's time zone (settings.timezone). */
'use strict';
(() => {
const main = document.getElementById('main');
const S = { settings: null, rooms: [], services: [], user: undefined, tz: 'UTC' };
let gen = 0, cleanups = [], first = true, booted = null;

/* ---- DOM ---- */
/* h(tag, [attributes], ...children): attributes are a plain object; on* are listeners */
function h(tag, props, ...kids) {
	const el = document.createElement(tag);
	if (!props || props.constructor !== Object) {
		kids.unshift(props);
		props = {};
	}
	for (const k in props) {
		const v = props[k];
		if (v == null || v === false) continue;
		if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
		else if (k === 'style') el.style.cssText = v;
		else el.setAttribute(k, v === true ? '' : v);
	}
	for (const c of kids.flat(9)) if (c != null && c !== false) el.append(c);
	return el;
}
const $ = (sel, el) => (el || document).querySelector(sel);
/* btn: a button that is not a form's submit */
const btn = (text, onclick, cls) => h('button', { type: 'button', class: cls, onclick }, text);
let ids = 0;
const uid = p => (p || 'f') + ++ids;
function say(text) {
	const r = $('#say');
	r.textContent = '';
	setTimeout(() => { r.textContent = text; }, 50);
}

/* ---- formats: the studio's zone and currency ---- */
/* formatters are made when first needed: each costs time on a slow phone */
const F = {};
const DF = {
	time: [, { hour: 'numeric', minute: '2-digit' }],
	day: [, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }],
	ymd: ['en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }],
	utcDay: [, { timeZone: 'UTC', weekday: 'long', month: 'long', day: 'numeric' }],
	short: ['en-US', { timeZoneName: 'short' }],
	long: ['en-US', { timeZoneName: 'long' }],
};
const fmt = k => F[k] || (F[k] = new Intl.DateTimeFormat(DF[k][0], Object.assign({ timeZone: S.tz }, DF[k][1])));
const money = c => (F.money || (F.money = new Intl.NumberFormat(undefined,
	{ style: 'currency', currency: S.settings.currency || 'CAD' }))).format((c || 0) / 100);
const time = s => fmt('time').format(new Date(s));
function zoneName(at, style) {
	const p = fmt(style || 'short').formatToParts(at ? new Date(at) : new Date()).find(x => x.type === 'timeZoneName');
	return p ? p.value : S.tz;
}
const zoneLong = at => `${zoneName(at, 'long')} (${S.tz})`;
function span(a, b) {
	return `${fmt('day').format(new Date(a))}, ${time(a)} – ${time(b)} ${zoneName(a)}`;
}
function localYmd(ms) {
	const p = {};
	for (const x of fmt('ymd').formatToParts(ms)) p[x.type] = x.value;
	return `${p.year}-${p.month}-${p.day}`;
}
function addDays(ymd, n) {
	const d = new Date(ymd + 'T12:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
const dayName = ymd => fmt('utcDay').format(new Date(ymd + 'T12:00:00Z'));
function hours(min) {
	if (min % 60) return `${min} minutes`;
	return min === 60 ? '1 hour' : `${min / 60} hours`;
}
const STATUS = { awaiting_approval: 'Awaiting approval', confirmed: 'Confirmed', canceled: 'Canceled',
	rejected: 'Rejected', completed: 'Completed' };
const chip = st => h('span', { class: 'chip s-' + st }, STATUS[st] || st);
const room = id => S.rooms.find(r => r.id === id);
const service = id => S.services.find(s => s.id === id);

/* ---- the API ---- */
class ApiError extends Error {
	constructor(status, code, message, field) { super(message); Object.assign(this, { status, code, field }); }
}
function uuid() {
	if (crypto.randomUUID) return crypto.randomUUID();
	const b = crypto.getRandomValues(new Uint8Array(16));
	b[6] = b[6] & 15 | 64; b[8] = b[8] & 63 | 128;
	const x = [...b].map(v => v.toString(16).padStart(2, '0')).join('');
	return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
async function api(method, path, body, extra) {
	const o = Object.assign({ method, headers: {}, credentials: 'same-origin', cache: 'no-store' }, extra);
	if (body !== undefined) {
		o.headers['Content-Type'] = 'application/json';
		o.body = JSON.stringify(body);
	}
	if (method !== 'GET') o.headers['Idempotency-Key'] = uuid();
	let res, data = null;
	try {
		res = await fetch(path, o);
	} catch (e) {
		throw new ApiError(0, 'unreachable', "We can't reach the studio's server right now.");
	}
	api.date = res.headers.get('Date');
	if (res.status === 204) return null;
	try { data = await res.json(); } catch (e) { /* not JSON */ }
	if (!res.ok) {
		const er = (data && data.error) || {};
		if (res.status >= 502 && !er.code) throw new ApiError(0, 'unreachable', "The studio's server is not answering.");
		let msg = er.message || `The server answered ${res.status}.`;
		if (res.status === 429) msg = `Too many attempts in a short time. Wait ${res.headers.get('Retry-After') || 'a few'} seconds and try again.`;
		throw new ApiError(res.status, er.code || 'http_' + res.status, msg, er.field);
	}
	return data;
}
const post = (path, body) => api('POST', path, body || {});

/* ---- routing ---- */
const pathMode = !location.hash.startsWith('#/') && !/^\/(index\.html)?$/.test(location.pathname);
const link = p => (pathMode ? p : '#' + p);
function here() {
	const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : location.pathname + location.search;
	const i = raw.indexOf('?');
	const path = (i < 0 ? raw : raw.slice(0, i)).replace(/\/+$/, '').replace(/^\/index\.html$/, '') || '/';
	return { path, q: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}
function go(p, replace) {
	if (pathMode || replace) {
		history[replace ? 'replaceState' : 'pushState'](null, '', link(p));
		if (!replace) render();
	} else {
		location.hash = p;
	}
}
const qs = o => {
	const u = new URLSearchParams();
	for (const k in o) if (o[k] != null && o[k] !== '') u.set(k, o[k]);
	const s = u.toString();
	return s ? '?' + s : '';
};
const a = (to, text, cls) => h('a', { href: link(to), class: cls }, text);

const routes = [
	[/^\/$/, pageHome],
	[/^\/availability$/, pageAvail],
	[/^\/book$/, pageBook],
	[/^\/book\/sent\/([\w-]+)$/, pageSubmitted],
	[/^\/me\/bookings$/, pageMine],
	[/^\/receipt\/([\w-]+)$/, pageReceipt],
	[/^\/me\/signin$/, pageSignin],
];

function boot() {
	if (!booted) {
		/* the catalogue is preloaded by index.html; who is signed in is
		 * not needed to show free times, so it does not hold them up */
		const c = { cache: 'default' };
		S.who = api('GET', '/api/auth/session').then(x => x.user, e => { if (e.status === 401) return null; throw e; })
			.then(u => { S.user = u; if (S.settings) drawWho(); }, e => { booted = null; throw e; });
		S.who.catch(() => {});
		booted = Promise.all([api('GET', '/api/settings/public', undefined, c), api('GET', '/api/rooms', undefined, c),
			api('GET', '/api/services', undefined, c)]).then(([st, r, sv]) => {
			S.settings = st;
			S.tz = st.timezone || 'UTC';
			S.rooms = r.rooms || [];
			S.services = sv.services || [];
			$('#studio').textContent = st.studio_name || 'Studio';
			setTimeout(() => { $('#zone').textContent = `: ${zoneLong()}`; drawWho(); });
		}).catch(e => { booted = null; throw e; });
	}
	return booted;
}

async function render() {
	const { path, q } = here();
	for (const f of cleanups.splice(0)) try { f(); } catch (e) { /* gone */ }
	const my = ++gen;
	let fn = pageNotFound, m = null;
	for (const [re, f] of routes) if ((m = path.match(re))) { fn = f; break; }
	for (const el of document.querySelectorAll('nav a')) {
		if (el.dataset.to === path) el.setAttribute('aria-current', 'page');
		else el.removeAttribute('aria-current');
	}
	main.setAttribute('aria-busy', 'true');
	if (!first) main.replaceChildren(h('p', { class: 'state' }, 'Loading…'));
	const ctx = { m, q, path, alive: () => gen === my };
	try {
		await boot();
		if (fn !== pageAvail && fn !== pageHome) await S.who;
		if (ctx.alive()) await fn(ctx);
	} catch (e) {
		if (ctx.alive()) failPage(e);
	}
	if (ctx.alive()) main.removeAttribute('aria-busy');
}

/* show: the page's content; moves focus to its heading after navigation */
function show(ctx, title, ...kids) {
	if (!ctx.alive()) return false;
	document.title = `${title} · ${(S.settings && S.settings.studio_name) || 'Studio'}`;
	main.replaceChildren(...kids.flat(9).filter(Boolean));
	main.removeAttribute('aria-busy');
	const h1 = $('h1', main);
	if (h1 && !first) {
		h1.setAttribute('tabindex', '-1');
		h1.focus();
	}
	first = false;
	return true;
}

function failPage(e) {
	const off = !e || e.status === 0 || !(e instanceof ApiError);
	document.title = off ? "Can't reach the studio" : 'Something went wrong';
	const retry = btn('Try again', () => render(), 'primary');
	main.replaceChildren(
		h('h1', off ? "We can't reach the studio right now" : 'Something went wrong'),
		h('div', { class: 'box err', role: 'alert' },
			h('p', off ? "The booking server isn't answering. Check your internet connection; if it is fine, the studio's server may be restarting."
				: (e.message || 'The page could not be loaded.')),
			h('p', 'Nothing was changed. Your bookings are safe.')),
		h('div', { class: 'row' }, retry, a('/', 'Go to the home page')));
	main.removeAttribute('aria-busy');
	if (!first) retry.focus();
	first = false;
}

/* errBox: an alert with e's message (an error or a string) */
function errBox(e, ...more) {
	return h('div', { class: 'box err', role: 'alert' }, h('p', e.message || String(e)), ...more);
}

/* ---- who is signed in ---- */
function drawWho() {
	const w = $('#who');
	if (S.user === undefined) return;
	if (S.user) {
		w.replaceChildren(h('span', S.user.name || S.user.email),
			btn('Sign out', signOut, 'link'));
	} else {
		w.replaceChildren(a('/me/signin' + qs({ next: here().path === '/me/signin' ? '' : here().path }), 'Sign in'));
	}
}
async function signOut() {
	try {
		await post('/api/auth/logout');
	} catch (e) {
		if (e.status !== 401) { say(e.message); return; }
	}
	S.user = null;
	drawWho();
	say('You are signed out.');
	go('/');
}

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

/* ---- pages ---- */
function pageHome(ctx) {
	const st = S.settings;
	const mains = S.services.filter(s => !s.is_addon);
	return show(ctx, 'Home',
		h('section', { class: 'hero' },
			h('h1', st.studio_name || 'Our studio'),
			h('p', 'Book recording, mixing and rehearsal time. Pick a day, choose a free time, and the studio confirms your request by email.'),
			a('/availability', 'Check availability', 'btn primary cta')),
		h('h2', 'Rooms'),
		S.rooms.length ? h('div', { class: 'cards' }, S.rooms.map(roomCard))
			: h('p', { class: 'box info' }, "The studio hasn't listed its rooms yet. Check back soon, or call the studio."),
		mains.length > 0 && [h('h2', 'Services'), h('ul', mains.map(s => h('li',
			h('strong', s.name), ` — ${money(s.base_price_cents)} per ${hours(s.default_duration_min)}`,
			s.requires_engineer ? ', with an engineer' : '', s.description ? `. ${s.description}` : '')))],
		st.policy_summary && [h('h2', 'Cancellations and changes'), h('p', st.policy_summary)]);
}

function roomCard(r) {
	return h('article', { class: 'card room', style: `--c:${safeColor(r.color)}` },
		h('h3', h('span', { class: 'swatch', 'aria-hidden': 'true' }), r.name),
		r.description && h('p', r.description),
		h('dl', { class: 'facts' },
			h('dt', 'Capacity'), h('dd', `Up to ${r.capacity} ${r.capacity === 1 ? 'person' : 'people'}`),
			(r.equipment || []).length > 0 && [h('dt', 'Equipment'), h('dd', r.equipment.join(', '))]),
		(r.tags || []).length > 0 && h('ul', { class: 'tags', 'aria-label': 'Good for' }, r.tags.map(t => h('li', t))),
		a('/availability' + qs({ room: r.id }), `See free times in ${r.name}`));
}
const safeColor = c => (/^#[0-9a-f]{3,8}$/i.test(c || '') ? c : '#d4d4d8');

/* -- availability -- */
function durations(svc) {
	const base = (svc && svc.default_duration_min) || 60, out = [];
	for (let m = base; m <= 600; m += base) out.push(m);
	return out;
}
function field(label, control, hint) {
	control.id = control.id || uid();
	return h('div', { class: 'field' }, h('label', { for: control.id }, label, hint && h('span', { class: 'hint' }, ' ' + hint)), control);
}
function options(sel, list, value) {
	sel.replaceChildren(...list.map(([v, t]) => h('option', { value: v, selected: String(v) === String(value) }, t)));
	if (value != null && list.some(([v]) => String(v) === String(value))) sel.value = String(value);
}

function pageAvail(ctx) {
	const q = ctx.q, mains = S.services.filter(s => !s.is_addon), okDay = d => /^\d{4}-\d{2}-\d{2}$/.test(d);
	const f = {
		date: okDay(q.get('date') || '') ? q.get('date') : localYmd(Date.now()),
		svc: service(q.get('svc')) ? q.get('svc') : ((mains.find(s => s.requires_engineer) || mains[0] || {}).id || ''),
		room: room(q.get('room')) ? q.get('room') : '',
		skill: q.get('skill') || '',
	};
	const pickDur = want => {
		const list = durations(service(f.svc));
		return list.includes(want) ? want : (list.includes(120) ? 120 : list[0]);
	};
	f.dur = pickDur(+q.get('dur'));
	/* the search goes first: the page is built while it is answered */
	const ask = () => search0({ date: f.date, duration_min: f.dur, service_id: f.svc || undefined,
		room_id: f.room || undefined, staff_skill: f.skill || undefined });
	let early = ask();
	const today = localYmd(Date.now()), last = addDays(today, S.settings.horizon_days || 90);
	const date = h('input', { type: 'date', min: today, max: last, value: f.date, required: true });
	const svc = h('select'), dur = h('select'), rm = h('select'), skill = h('select');
	options(svc, mains.map(s => [s.id, `${s.name} (${money(s.base_price_cents)} per ${hours(s.default_duration_min)})`]), f.svc);
	options(rm, [['', 'All rooms'], ...S.rooms.map(r => [r.id, r.name])], f.room);
	const skills = [...new Set(S.services.map(s => s.staff_skill_required).filter(Boolean))];
	options(skill, [['', 'Any'], ...skills.map(s => [s, s[0].toUpperCase() + s.slice(1)])], f.skill);
	function fillDur() {
		f.svc = svc.value;
		options(dur, durations(service(f.svc)).map(m => [m, hours(m)]), f.dur = pickDur(f.dur));
	}
	fillDur();
	const status = h('p', { role: 'status', class: 'state', tabindex: '-1' });
	const grid = h('div', { 'aria-live': 'off' });
	const prev = btn('‹ Previous day', () => shift(-1));
	const next = btn('Next day ›', () => shift(1));
	const live = h('p', { class: 'hint' });
	function shift(n) {
		const d = addDays(date.value || today, n);
		if (d < today || d > last) return;
		date.value = d;
		search();
	}
	let seq = 0, shown = null, timer = 0;
	async function search(why) {
		if (!early) {
			f.date = date.value;
			f.svc = svc.value; f.room = rm.value; f.skill = skill.value; f.dur = +dur.value;
		}
		if (!okDay(f.date)) {
			status.textContent = 'Enter a date to see free times.';
			return;
		}
		const n = ++seq, req = early || ask();
		early = null;
		prev.disabled = f.date <= today;
		next.disabled = f.date >= last;
		go('/availability' + qs(f), true);
		if (!why) {
			grid.setAttribute('aria-busy', 'true');
			status.textContent = `Looking for free times on ${dayName(f.date)}…`;
		}
		let r;
		try {
			r = await req;
		} catch (e) {
			if (n !== seq || !ctx.alive()) return;
			grid.removeAttribute('aria-busy');
			shown = null;
			if (e.status === 0) return failPage(e);
			status.textContent = '';
			grid.replaceChildren(errBox(e, h('p', 'Change the date, duration or service and the search runs again.')));
			return;
		}
		if (n !== seq || !ctx.alive()) return;
		grid.removeAttribute('aria-busy');
		draw(r.slots || [], why);
	}
	function draw(slots, why) {
		const focused = document.activeElement && document.activeElement.dataset.slot;
		const keys = new Set(slots.map(s => s.room_id + '|' + s.start_at));
		const byRoom = new Map(S.rooms.map(r => [r.id, []]));
		for (const s of slots) {
			if (!byRoom.has(s.room_id)) byRoom.set(s.room_id, []);
			byRoom.get(s.room_id).push(s);
		}
		const day = dayName(f.date);
		if (!slots.length) {
			status.textContent = `No free times on ${day}.`;
			grid.replaceChildren(h('div', { class: 'box info' },
				h('p', h('strong', `Nothing free on ${day} for ${hours(f.dur)}${f.room ? ' in ' + room(f.room).name : ''}.`)),
				h('p', 'Try another day, a shorter session, or all rooms. Engineers work set hours, so a session with an engineer has fewer times.'),
				h('div', { class: 'row' }, f.date < last && btn('Try the next day', () => shift(1), 'primary'),
					f.room && btn('Show all rooms', () => { rm.value = ''; search(); }))));
		} else {
			status.textContent = `${slots.length} free ${slots.length === 1 ? 'time' : 'times'} on ${day} for ${hours(f.dur)}.`;
			grid.replaceChildren(h('div', { class: 'grid' }, [...byRoom].filter(x => x[1].length).map(([rid, list]) => {
				const r = room(rid) || { name: 'Room', color: '' };
				const hid = uid('r');
				return h('section', { class: 'card room', style: `--c:${safeColor(r.color)}`, 'aria-labelledby': hid },
					h('h2', { id: hid }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), r.name),
					h('ul', { class: 'slots' }, list.map(s => h('li', h('button', {
						type: 'button', class: 'slot', 'data-slot': s.room_id + '|' + s.start_at,
						onclick: () => go('/book' + qs({ room: s.room_id, start: s.start_at, end: s.end_at, svc: f.svc, dur: f.dur })),
					}, h('span', time(s.start_at)), h('span', { class: 'sr' }, ` to ${time(s.end_at)},`),
					h('small', money(s.price_cents)))))));
			})));
		}
		if (why && shown) {
			let gone = 0, added = 0;
			for (const k of shown) if (!keys.has(k)) gone++;
			for (const k of keys) if (!shown.has(k)) added++;
			if (gone || added) {
				const t = [gone && `${gone} ${gone === 1 ? 'time was' : 'times were'} just taken`,
					added && `${added} ${added === 1 ? 'time' : 'times'} opened up`].filter(Boolean).join(', ');
				live.textContent = `Updated ${time(Date.now())}: ${t}.`;
				say(`Availability updated: ${t}.`);
			}
		}
		shown = keys;
		if (focused) {
			const el = grid.querySelector(`[data-slot="${CSS.escape(focused)}"]`);
			(el || status).focus();
		}
		if (!performance.getEntriesByName('rl-interactive').length) {
			performance.mark('rl-interactive');
			document.documentElement.dataset.interactive = '1';
		}
	}
	for (const el of [date, dur, rm, skill]) el.addEventListener('change', () => search());
	svc.addEventListener('change', () => { fillDur(); search(); });
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find free times', onsubmit: e => { e.preventDefault(); search(); } },
		field('Date', date), field('Service', svc), field('Duration', dur), field('Room', rm), field('Engineer skill', skill),
		h('div', { class: 'row' }, prev, next));
	search();
	show(ctx, 'Availability',
		h('h1', 'Availability'),
		h('p', `Times are in the studio's time zone: ${zoneLong(f.date + 'T12:00:00Z')}. Choose a time to see its price and hold it while you book.`),
		form, status, live, grid);

	/* live: another booking or hold re-runs the search */
	if (window.EventSource) {
		const es = new EventSource('/api/events');
		let lost = false;
		const soon = () => { clearTimeout(timer); timer = setTimeout(() => search('live'), 120); };
		es.addEventListener('availability', ev => {
			let d = {};
			try { d = JSON.parse(ev.data); } catch (e) { /* refresh anyway */ }
			const lo = Date.parse(f.date + 'T00:00:00Z') - 864e5, hi = lo + 3 * 864e5;
			if (d.from && d.to && (Date.parse(d.to) < lo || Date.parse(d.from) > hi)) return;
			if (d.room_id && f.room && d.room_id !== f.room) return;
			soon();
		});
		es.onerror = () => {
			if (!lost) live.textContent = 'Live updates paused; reconnecting…';
			lost = true;
		};
		es.onopen = () => {
			if (lost) { live.textContent = 'Live updates are back.'; soon(); }
			lost = false;
		};
		cleanups.push(() => { es.close(); clearTimeout(timer); });
	}
}

/* -- book: summary, add-ons, quote, hold, sign-in, policy, submit -- */
const HOLD = 'rl-hold';
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
			sessionStorage.setItem('rl-sent', JSON.stringify(x));
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
				h('p', { class: 'box info' }, h('strong', 'No payment is taken now. '),
					'The studio reviews your request first. The deposit shown is what the studio will ask for once it approves.')),
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
			h('li', 'No payment has been taken.')),
		pending && h('p', 'Keep your booking code for any question to the studio.'),
		h('div', { class: 'row' }, a('/me/bookings', 'See my bookings', 'btn primary'),
			a('/receipt/' + encodeURIComponent(b.code), 'Receipt', 'btn'), a('/availability', 'Book another session', 'btn')));
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
			list.length ? h('ul', { class: 'bookings' }, list.map(b => h('li', bookingCard(b, i === 0))))
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
		h('p', `Times are in the studio's time zone, ${zoneLong()}.`), tl, panels);
}

function bookingCard(b, upcoming) {
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
					? h('ul', { class: 'slots' }, slots.map(s => h('li', btn(time(s.start_at), () => weigh(s), 'slot'))))
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
	const paid = (b.payments || []).filter(p => p.status === 'succeeded' || p.status === 'captured');
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

function pageNotFound(ctx) {
	show(ctx, 'Page not found', h('h1', 'Page not found'),
		h('div', { class: 'box info' }, h('p', 'There is no page at this address. It may have moved.'),
			h('div', { class: 'row' }, a('/', 'Home', 'btn'), a('/availability', 'Check availability', 'btn primary'))));
}

/* ---- start ---- */
/* search0: POST /api/availability/search, answered by the search sent at
 * start-up when the address already named it (a reload or a bookmark) */
let pre = null;
function search0(body) {
	const k = JSON.stringify(body), p = pre && pre.k === k ? pre.p : post('/api/availability/search', body);
	pre = null;
	return p;
}
{
	const { path, q } = here(), g = n => q.get(n) || undefined;
	if (path === '/availability' && g('date') && g('svc') && g('dur')) {
		const body = { date: g('date'), duration_min: +g('dur'), service_id: g('svc'), room_id: g('room'), staff_skill: g('skill') };
		pre = { k: JSON.stringify(body), p: post('/api/availability/search', body) };
		pre.p.catch(() => {});
	}
}
for (const el of document.querySelectorAll('[data-to]')) el.href = link(el.dataset.to);
document.addEventListener('click', e => {
	const el = e.target.closest && e.target.closest('a');
	if (!el) return;
	if (el.hasAttribute('data-skip')) {
		e.preventDefault();
		main.focus();
		return;
	}
	if (pathMode && el.origin === location.origin && !el.hash && !el.target && !e.ctrlKey && !e.metaKey && !e.shiftKey &&
		!el.pathname.startsWith('/api/')) {
		e.preventDefault();
		go(el.pathname + el.search);
	}
});
window.addEventListener('hashchange', () => { if (location.hash.startsWith('#/') || location.hash === '') render(); });
window.addEventListener('popstate', () => { if (pathMode) render(); });
/* a copy of the page for when the server is down (sw.js) */
window.addEventListener('load', () => {
	if ('serviceWorker' in navigator && window.isSecureContext) navigator.serviceWorker.register('/sw.js').catch(() => {});
});
render();
})();
