'use strict';
/* measure.js: the booking page's two budgets, as figures (no assertions):
 *   - the bytes of HTML, CSS and JavaScript under web/static: the first view
 *     and the whole site with the screens loaded later (budget 80 KB), and,
 *     with BASE_URL, the first view as redlightd sends it gzipped on the
 *     wire (budget 14 KB), counted by budget.js;
 *   - how long the availability page takes to become interactive: from the
 *     start of navigation to the page's "rl-interactive" performance mark
 *     (set in the first task after the frame that draws the first search's
 *     slots, once the controls work), and Chromium's first contentful
 *     paint beside it, read with Chromium's performance timing, over fresh
 *     browser contexts (cold cache), after one warm-up load (budget 200 ms).
 *     While
 *     the page loads the harness runs nothing in it but one small promise
 *     (sent over CDP as the navigation commits): playwright's own helper
 *     scripts, which waitForFunction or evaluate would compile in the page
 *     first, cost a cold renderer tens of milliseconds and would be counted
 *     as the page's; nor do Chromium's own omnibox popups load beside it
 *     (see NO_POPUP). Two addresses: /availability?date=...&svc=...&dur=...
 *     naming the whole search (what the page writes into the address, so
 *     every reload and bookmark), and the bare /availability of a first visit
 *     (today, default filters), which the page's links name. redlightd
 *     answers both with the first search in the page's boot data.
 *
 * usage: node tests/e2e/measure.js [BASE_URL] [--static DIR] [--date YYYY-MM-DD]
 *                                  [--runs N]
 * Without BASE_URL (a running redlightd with the demo studio, as tools/bench
 * starts) only the sizes are printed. Chromium is RL_CHROMIUM or
 * /usr/bin/chromium; playwright-core comes from tests/e2e/node_modules (npm ci
 * there) or NODE_PATH. Lines start with "web:". */
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
function opt(name, dflt) {
	const i = args.indexOf(name);
	if (i < 0) return dflt;
	const v = args[i + 1];
	args.splice(i, 2);
	return v;
}
const staticDir = opt('--static', path.join(__dirname, '../../web/static'));
const runs = Math.max(1, +opt('--runs', 10) || 10);
let day = opt('--date', '');
const base = (args[0] || '').replace(/\/+$/, '');

const { FIRST_VIEW_WIRE_BUDGET, SITE_BUDGET, staticBytes, servedFirstView } = require('./budget.js');
const sz = staticBytes(staticDir);
console.log(`web: static first view ${sz.first} bytes; whole site ${sz.site} bytes (html ${sz.by.html}, css ${sz.by.css}, js ${sz.by.js}), budget ${SITE_BUDGET}, ${(100 * sz.site / SITE_BUDGET).toFixed(0)}% used`);

if (!base) process.exit(0);

/* the first view as sent, before anything else loads the server */
async function firstView() {
	try {
		const fv = await servedFirstView(base);
		console.log(`web: first view on the wire ${fv.bytes} bytes gzipped (${fv.parts.join(', ')}), budget ${FIRST_VIEW_WIRE_BUDGET}, ${(100 * fv.bytes / FIRST_VIEW_WIRE_BUDGET).toFixed(0)}% used`);
	} catch (e) {
		console.log(`web: first view on the wire: failed (${e.message})`);
	}
}

let chromium;
try {
	({ chromium } = require('playwright-core'));
} catch (e) {
	firstView().then(() => {
		console.log('web: availability interactive: skipped (no playwright-core: npm ci in tests/e2e)');
		process.exit(0);
	});
	return;
}
const exe = process.env.RL_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(exe)) {
	firstView().then(() => {
		console.log(`web: availability interactive: skipped (no ${exe}: apt-get install chromium)`);
		process.exit(0);
	});
	return;
}
if (!day) {
	/* three days out in the demo studio's zone: past the lead time, in the horizon */
	const t = new Date(Date.now() + 3 * 864e5);
	day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto', year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

/* Chromium's headless mode is the whole browser: each new context opens a
 * new window, and (Chromium 156) each new window loads its omnibox popups,
 * WebUI pages of some 70 modules (chrome://omnibox-popup.top-chrome and its
 * AI-mode sibling), in renderers of their own while the page loads, on the
 * same two cores: 60-150 ms of the page's figure here. A user's browser
 * loaded them when its window opened, not when they follow a link, so the
 * figures are taken with them off (the popup falls back to its native
 * view; all three features must be off, the first alone changes nothing);
 * the last line is the same load in a stock new window, for comparison. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const NO_POPUP = '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup';

const DESKTOP = { width: 1280, height: 800 }, PHONE = { width: 375, height: 812 };

/* load: one cold load of url in a fresh context of browser */
async function load(browser, url, viewport) {
	const ctx = await browser.newContext({ viewport });
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await page.goto(url, { waitUntil: 'commit' });
	const waited = await cdp.send('Runtime.evaluate', { awaitPromise: true, returnByValue: true, expression: `new Promise(res => {
		const t = setTimeout(() => res('no rl-interactive mark after 15 s'), 15000);
		new PerformanceObserver((l, o) => {
			if (l.getEntriesByName('rl-interactive').length) { o.disconnect(); clearTimeout(t); res(''); }
		}).observe({ type: 'mark', buffered: true });
	})` });
	if (waited.exceptionDetails || waited.result.value) throw new Error(waited.result.value || waited.exceptionDetails.text);
	/* and the first contentful paint, as Chromium reports it (its
	 * compositor presents the frame after the page's own work) */
	const fcp = await cdp.send('Runtime.evaluate', { awaitPromise: true, returnByValue: true, expression: `new Promise(res => {
		const t = setTimeout(() => res(-1), 5000);
		new PerformanceObserver((l, o) => {
			const e = l.getEntriesByName('first-contentful-paint')[0];
			if (e) { o.disconnect(); clearTimeout(t); res(e.startTime); }
		}).observe({ type: 'paint', buffered: true });
	})` });
	const m = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0];
		const mark = performance.getEntriesByName('rl-interactive')[0];
		return { tti: mark.startTime, dcl: nav.domContentLoadedEventEnd, slots: document.querySelectorAll('[data-slot]').length };
	});
	m.fcp = fcp.result ? fcp.result.value : -1;
	await ctx.close();
	/* the closed context's processes exit in the background: let them, so
	 * the next load starts on an idle machine */
	await new Promise(r => setTimeout(r, 300));
	return m;
}

/* series: for each [what, browser, url, viewport], a warm-up load, then runs cold
 * loads, taken in turn (so a slower minute of a shared machine weighs on
 * each alike); a line of figures each */
async function series(list) {
	const med = a => a[Math.floor((a.length - 1) / 2)];
	const f = x => x.toFixed(1);
	const got = list.map(() => []);
	for (const [, browser, url, viewport] of list) await load(browser, url, viewport);
	for (let i = 0; i < runs; i++)
		for (let j = 0; j < list.length; j++) got[j].push(await load(...list[j].slice(1)));
	list.forEach(([what], j) => {
		const tti = got[j].map(g => g.tti).sort((x, y) => x - y);
		const dcl = got[j].map(g => g.dcl).sort((x, y) => x - y);
		const fcp = got[j].map(g => g.fcp).sort((x, y) => x - y);
		console.log(`web: availability interactive, ${what}: median ${f(med(tti))} ms, min ${f(tti[0])}, ` +
			`max ${f(tti[tti.length - 1])} over ${runs} cold loads (DOMContentLoaded median ${f(med(dcl))} ms, ` +
			`first contentful paint median ${f(med(fcp))} ms; ${got[j][0].slots} slots); budget 200 ms`);
	});
}

(async () => {
	const browsers = [];
	await firstView();
	try {
		/* the service the page picks by default: the first main one with an engineer */
		const { services } = await (await fetch(`${base}/api/services`)).json();
		const mains = services.filter(s => !s.is_addon);
		const svc = (mains.find(s => s.requires_engineer) || mains[0]).id;
		const bookmarked = `${base}/availability?date=${day}&svc=${svc}&dur=120`;
		const b = await chromium.launch({ executablePath: exe, args: ARGS.concat(NO_POPUP) });
		browsers.push(b);
		const stock = await chromium.launch({ executablePath: exe, args: ARGS });
		browsers.push(stock);
		await series([[`bookmarked (${day})`, b, bookmarked, DESKTOP], ['first visit (today)', b, `${base}/availability`, DESKTOP],
			['bookmarked, on a phone-sized page (375x812)', b, bookmarked, PHONE],
			['bookmarked, in a new window of stock Chromium loading its omnibox popups beside it', stock, bookmarked, DESKTOP]]);
	} catch (e) {
		console.log(`web: availability interactive: failed (${e.message.split('\n')[0]})`);
	}
	for (const b of browsers) await b.close();
})();
