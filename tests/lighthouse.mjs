// Lighthouse's audit, with the defaults its command line uses (mobile, simulated throttling), of every page given,
// one after the other in one Chromium: each run opens a tab of its own, clears the origin's storage and closes the
// tab again, as the command line does, without starting Node, Lighthouse and Chromium over for every page.
//
//   node lighthouse.mjs LIGHTHOUSE_FOLDER CHROMIUM_FLAGS URL...   →   {"URL": {"performance": 0.98, …}, …} on stdout

import {pathToFileURL} from 'node:url';

const [folder, chromeFlags, ...urls] = process.argv.slice(2);
const module = (path) => import(pathToFileURL(`${folder}/node_modules/${path}`).href);
const {default: lighthouse} = await module('lighthouse/core/index.js');
const {launch} = await module('chrome-launcher/dist/index.js');

const chrome = await launch({chromeFlags: chromeFlags.split(' '), logLevel: 'silent'});
const scores = {};
try {
  for (const url of urls) {
    const {lhr} = await lighthouse(url, {port: chrome.port, logLevel: 'silent', output: 'json'});
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
    scores[url] = Object.fromEntries(Object.entries(lhr.categories).map(([name, category]) => [name, category.score]));
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(scores));
