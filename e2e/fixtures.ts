/**
 * The shared fixture every spec imports `test` from: each page it opens is watched for Content-
 * Security-Policy violations (the `securitypolicyviolation` event in the page, and Chromium's
 * "Refused to ..." console reports, which also cover the trace worker); any one fails the test.
 */
import { expect, test as base } from '@playwright/test';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

export const test = base.extend<{ cspWatch: void }>({
  cspWatch: [
    async ({ context }, use) => {
      const seen: string[] = [];
      await context.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__cspViolations!.push(
            `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
          );
        });
      });
      const watch = (page: import('@playwright/test').Page) =>
        page.on('console', (m) => {
          if (/Content Security Policy|Refused to (evaluate|execute|load|apply|connect)/.test(m.text()))
            seen.push(`${page.url()}: ${m.text()}`);
        });
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      for (const page of context.pages()) {
        // A page busy or closing must not hang the teardown: give it two seconds to answer.
        const inPage = await Promise.race([
          page.evaluate(() => window.__cspViolations ?? []).catch(() => [] as string[]),
          new Promise<string[]>((r) => setTimeout(() => r([]), 2000)),
        ]);
        seen.push(...inPage.map((v) => `${page.url()}: ${v}`));
      }
      expect(seen, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
