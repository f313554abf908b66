'use strict';
/* budget.js: the booking page's bytes, counted one way for the e2e test's
 * budget (booking.test.js) and tools/bench's figures (measure.js).
 *
 * The first view is what a visit loads before anything is asked of it:
 * index.html (with its style and script inline) and the service worker.
 * The files in LATER are loaded only on a step that needs them (pay.js:
 * the card step, imported on the "Request sent" page when the studio takes
 * payments), so they count in the whole site, not in the first view. */
const fs = require('node:fs');
const path = require('node:path');

const FIRST_VIEW_BUDGET = 60 * 1024;
const SITE_BUDGET = 80 * 1024;
const LATER = ['pay.js'];

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

module.exports = { FIRST_VIEW_BUDGET, SITE_BUDGET, LATER, staticBytes };
