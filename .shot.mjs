import { chromium } from '@playwright/test';
const [url, out, w, h, scheme, keys] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: +w || 1280, height: +h || 720 }, colorScheme: scheme || 'light' });
p.on('pageerror', (e) => console.log('pageerror', e.message));
p.on('console', (m) => { if (m.type() === 'error') console.log('console', m.text()); });
await p.goto(url);
await p.waitForTimeout(1500);
for (const k of (keys || '').split(',').filter(Boolean)) { await p.keyboard.press(k); await p.waitForTimeout(100); }
await p.waitForTimeout(500);
const sw = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
console.log('scrollWidth/clientWidth', sw);
await p.screenshot({ path: out, fullPage: process.env.FULL === '1' });
await b.close();
