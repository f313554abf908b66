'use strict';
/* budget.js: the booking page's bytes, counted one way for the e2e test's
 * budget (booking.test.js) and tools/bench's figures (measure.js).
 *
 * The first view is what a visit loads before anything is asked of it:
 * index.html (with its style and script inline, and its boot data) and the
 * service worker. The files in LATER are modules loaded only on a screen
 * that needs them (account.js: sign-in, My bookings, the receipt; book.js:
 * the booking form and "Request sent"; pay.js: the card step, on "Request
 * sent" when the studio takes payments), so they count in the whole site,
 * not in the first view.
 *
 * Budgets (issue 16), both asserted by the e2e test: the first view's
 * bytes on the wire as redlightd sends them to a browser (Accept-Encoding:
 * gzip; index.html with its boot data) in 14 KB, one TCP initial window
 * (ten segments); the whole site's files, uncompressed, under 80 KB. */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const FIRST_VIEW_WIRE_BUDGET = 14 * 1024;
const FIRST_VIEW = ['/', '/sw.js'];
const SITE_BUDGET = 80 * 1024;
const LATER = ['account.js', 'book.js', 'pay.js'];

/* staticBytes: {first, site, by: {html, css, js}, parts: ["name bytes"]} for dir */
function staticBytes(dir) {
	const out = { first: 0, site: 0, by: { html: 0, css: 0, js: 0 }, parts: [] };
	for (const f of fs.readdirSync(dir).sort()) {
		const m = /\.(html|css|js)$/.exec(f);
		if (!m) continue;
		const n = fs.statSync(path.join(dir, f)).size;
		out.by[m[1]] += n;
		out.site += n;
		if (!LATER.includes(f)) out.first += n;
		out.parts.push(`${f} ${n}${LATER.includes(f) ? ' (later)' : ''}`);
	}
	return out;
}

/* wireBytes: the body bytes one GET of url puts on the wire, as sent to a
 * client accepting gzip (not unpacked), and its Content-Encoding. */
function wireBytes(url) {
	return new Promise((resolve, reject) => {
		http.get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
			let n = 0;
			res.on('data', (c) => { n += c.length; });
			res.on('end', () => res.statusCode === 200 ? resolve({ bytes: n, encoding: res.headers['content-encoding'] || 'identity' })
				: reject(new Error(`GET ${url}: ${res.statusCode}`)));
		}).on('error', reject);
	});
}

/* servedFirstView: {bytes, parts: ["path bytes encoding"]} of the first
 * view as the redlightd at base serves it */
async function servedFirstView(base) {
	const out = { bytes: 0, parts: [] };
	for (const p of FIRST_VIEW) {
		const r = await wireBytes(base + p);
		out.bytes += r.bytes;
		out.parts.push(`${p} ${r.bytes} ${r.encoding}`);
	}
	return out;
}

module.exports = { FIRST_VIEW_WIRE_BUDGET, SITE_BUDGET, LATER, FIRST_VIEW, staticBytes, servedFirstView };
