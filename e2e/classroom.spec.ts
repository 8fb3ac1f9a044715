/**
 * The classroom: Simplified Chinese everywhere (and through the link), the predict-the-next-hop quiz,
 * presenter mode on a 1280x720 projector, and the site working offline after the first visit.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { loadScenario, traceFlow } from '../src/engine';
import { questionsFor } from '../src/app/quiz/questions';

const root = path.resolve(import.meta.dirname, '..');
const vxlan = traceFlow(
  loadScenario(
    readFileSync(path.join(root, 'scenarios/flannel-vxlan.yaml'), 'utf8'),
    'scenarios/flannel-vxlan.yaml',
  ),
  'pod-a-ping-pod-b',
);
const STEPS = vxlan.events.length;

/** A screenshot kept in the test's output folder and attached to the report. */
async function shot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file, ...opts });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Words allowed in the zh-CN chrome: technical terms kept as the tools print them, and product names. */
const ALLOWED = new Set(
  [
    'veth',
    'FDB',
    'VTEP',
    'VNI',
    'conntrack',
    'MASQUERADE',
    'DNAT',
    'SNAT',
    'iptables',
    'tcpdump',
    'Linux',
    'bash',
    'root',
    'flannel',
    'flanneld',
    'Calico',
    'Docker',
    'Kubernetes',
    'VXLAN',
    'IPIP',
    'ICMP',
    'IPv4',
    'netfilter',
    'kube-proxy',
    'English',
    'pcapng',
    'JSON',
    'YAML',
    'iframe',
    'onlink',
    'proxy_arp',
    'PERMANENT',
    'STALE',
    'REACHABLE',
    'DELAY',
    'echo',
    'request',
    'reply',
    'icmp_seq',
    'loopback',
    'local',
    'PREROUTING',
    'POSTROUTING',
    'FORWARD',
    'INPUT',
    'OUTPUT',
    'ACCEPT',
    'DROP',
    'filter',
    'PACKET_OTHERHOST',
    // Names in the glossary's definitions, as the tools print them.
    'docker0',
    'tunl0',
    'mangle',
    'br_netfilter',
    'IPVS',
    'ipvs',
    'ClusterIP',
    'Service',
    'NEXT_HOP',
    'UPDATE',
    'BIRD',
    'iBGP',
    'neigh',
    'ping',
  ].map((w) => w.toLowerCase()),
);

/** Names from the scenario itself (namespaces, machines, interfaces): values, not chrome. */
const NAMES = [
  ...vxlan.topology.netns.flatMap((n) => [n.name, n.machine, ...n.interfaces.map((i) => i.name)]),
  ...vxlan.topology.machines.map((m) => m.name),
].sort((a, b) => b.length - a.length);

/** Visible text of the page's chrome (not tables, captures, terminal output, code or drawn labels) and accessible names. */
async function chromeTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const SKIP =
      'svg, code, pre, kbd, samp, script, style, [data-raw], [data-arg], [role="log"], dialog:not([open])';
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!el || !text || el.closest(SKIP) || el.closest('option')) continue;
      if (!el.checkVisibility()) continue;
      out.push(text);
    }
    for (const sel of document.querySelectorAll('select')) {
      if (!sel.closest(SKIP) && sel.checkVisibility()) out.push(sel.selectedOptions[0]?.text ?? '');
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], optgroup[label]')) {
      if (el.closest(SKIP) || !(el as HTMLElement).checkVisibility?.()) continue;
      for (const a of ['aria-label', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out;
  });
}

function english(texts: string[]): string[] {
  const bad = new Set<string>();
  for (let text of texts) {
    for (const name of NAMES) text = text.split(name).join(' ');
    for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9_-]*/g)) {
      const word = m[0];
      if (!/[A-Za-z]{4,}/.test(word)) continue;
      if (ALLOWED.has(word.toLowerCase())) continue;
      bad.add(`${word} (in "${texts.find((t) => t.includes(word))?.slice(0, 80)}")`);
    }
  }
  return [...bad];
}

test('zh-CN changes every visible string and survives a reload through the link', async ({
  page,
}, testInfo) => {
  await page.goto(`/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=26`);
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(`Step 27 / ${STEPS}`);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');

  await expect(page.getByRole('button', { name: '播放' })).toBeVisible();
  await expect(page.getByRole('button', { name: '下一步' })).toBeVisible();
  await expect(page.getByRole('button', { name: '上一步' })).toBeVisible();
  await expect(page.getByRole('button', { name: '重置' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: '语言' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据包之旅');
  await expect(counter).toHaveText(`第 27 / ${STEPS} 步`);
  // The explanation is the engine's template in Chinese, filled with the step's real values.
  await expect(page.getByTestId('narration')).toContainText('VTEP 10.10.10.217');
  await expect(page.getByTestId('narration')).toContainText('封装');
  // The scenario's title comes from the YAML's zh.
  await expect(page.getByRole('combobox', { name: '场景' })).toContainText(
    'flannel VXLAN：节点之间 UDP 里的 Pod 帧',
  );
  await expect(page).toHaveURL(/[?&]lang=zh-CN(&|$)/);
  // The canvas's own words follow (interface names and addresses stay as the tools print them).
  const canvas = page.locator('.pj-canvas');
  await expect(canvas).toContainText('node-64-216 (根命名空间)');
  await expect(canvas).not.toContainText('root ns');

  expect(english(await chromeTexts(page))).toEqual([]);

  // Playing to the end shows the verdict in Chinese too.
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('End');
  await expect(page.getByTestId('verdict')).toHaveText('已送达');
  expect(english(await chromeTexts(page))).toEqual([]);

  await shot(page, testInfo, 'zh-CN.png', { fullPage: true });

  // The glossary opens from a linked term, in Chinese.
  await page.getByRole('slider', { name: '步骤' }).fill('26');
  await page.getByTestId('narration').locator('[data-term="vtep"]').click();
  const dialog = page.getByRole('dialog', { name: '术语表' });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-entry="vtep"]')).toContainText('VXLAN 隧道端点');
  expect(english(await chromeTexts(page))).toEqual([]);
  await dialog.getByRole('button', { name: '关闭' }).click();

  await page.reload();
  await expect(page.getByRole('button', { name: '播放' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据包之旅');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(canvas).toContainText('node-64-216 (根命名空间)');
});

test('the quiz on flannel-vxlan asks five kinds of question and scores them', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const questions = questionsFor(vxlan);
  const expected = questions.filter((q) => q.answer === 0).length;
  await page.goto(`/?s=flannel-vxlan&f=pod-a-ping-pod-b&quiz=1`);
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(`Step 1 / ${STEPS}`);
  const quiz = page.getByTestId('quiz');
  await expect(quiz).toBeVisible();

  const kinds = new Set<string>();
  let shotTaken = false;
  let checkedHold = false;
  const answerBox = quiz.locator('[data-quiz-kind]');
  for (let i = 0; i < questions.length + 5; i++) {
    // End jumps as far as the quiz allows: to the step just before the next unanswered question.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('End');
    await expect(answerBox.or(page.getByTestId('quiz-final'))).toBeVisible();
    if (await page.getByTestId('quiz-final').isVisible()) break;
    kinds.add((await answerBox.getAttribute('data-quiz-kind'))!);
    if (!checkedHold) {
      // Stepping is held back until the question is answered.
      checkedHold = true;
      const before = await counter.innerText();
      await page.keyboard.press('ArrowRight');
      await page.getByRole('button', { name: 'Step forward' }).click();
      await expect(counter).toHaveText(before);
    }
    await answerBox.getByRole('button').first().click();
    await expect(page.getByTestId('quiz-feedback')).toBeVisible();
    if (!shotTaken && kinds.size >= 3) {
      shotTaken = true;
      await shot(page, testInfo, 'quiz.png');
    }
    await page.getByRole('button', { name: 'Reveal the step' }).click();
  }
  await expect(page.getByTestId('quiz-final')).toHaveText(
    `Finished: ${expected} of ${questions.length} correct.`,
  );
  expect(kinds.size).toBeGreaterThanOrEqual(5);
  await expect(page).toHaveURL(/[?&]quiz=1(&|$)/);
  await expect(page).toHaveURL(/[?&]qa=/);

  // The progress is in the link: a reload keeps the score.
  await page.reload();
  await expect(page.getByTestId('quiz-score')).toHaveText(`Score: ${expected} / ${questions.length}`);

  // "Copy link" shares the quiz, not this learner's answers.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const field = page.getByTestId('share-link');
  await expect(field).toHaveValue(/^http/);
  const shared = new URL(await field.inputValue());
  expect(shared.searchParams.get('quiz')).toBe('1');
  expect(shared.searchParams.get('qa')).toBeNull();
  expect(shared.searchParams.get('s')).toBe('flannel-vxlan');
});

test('presenter mode is readable at 1280x720 and follows a clicker', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=26`);
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(`Step 27 / ${STEPS}`);
  await page.getByRole('button', { name: 'Classroom', exact: true }).click();
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page).toHaveURL(/[?&]present=1(&|$)/);
  await expect(page.getByRole('region', { name: 'Terminal' })).toBeHidden();

  // A clicker sends PageDown / PageUp.
  // The header has stepped aside: focus leaves the button for the page.
  await page.getByTestId('caption').click();
  // The clicker steps by hop: from a hop's stop, PageDown is the next hop and PageUp comes back.
  const hop = page.getByTestId('hop-counter');
  const hopNo = async () => Number(/(\d+) \/ \d+/.exec(await hop.innerText())?.[1]);
  await page.keyboard.press('PageDown');
  await expect(counter).not.toHaveText(`Step 27 / ${STEPS}`);
  const first = await hopNo();
  const atFirst = await counter.innerText();
  await page.keyboard.press('PageDown');
  await expect.poll(hopNo).toBe(first + 1);
  await page.keyboard.press('PageUp');
  await expect.poll(hopNo).toBe(first);
  await expect(counter).toHaveText(atFirst);

  // The laser pointer follows the mouse.
  await page.mouse.move(400, 300);
  await page.mouse.move(420, 310);
  await expect(page.getByTestId('laser')).toBeVisible();
  const fontPx = await page
    .getByTestId('caption')
    .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(28);
  await expect(page.getByTestId('caption')).toBeInViewport();
  await shot(page, testInfo, 'presenter-1280x720.png');
});

test('the page reloads offline, and nothing is requested from another host', async ({
  page,
  context,
  baseURL,
}) => {
  const hosts = new Set<string>();
  page.on('request', (r) => hosts.add(new URL(r.url()).host));
  await page.goto('/?s=veth-pair');
  await expect(page.getByTestId('step-counter')).toContainText('Step 1 /');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      );
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Packet Journey');
  await expect(page.getByTestId('step-counter')).toContainText('Step 1 /');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.keyboard.press('End');
  await expect(page.getByTestId('verdict')).toBeVisible();
  await context.setOffline(false);
  // The server's own host, whatever port PW_PORT gave it.
  expect([...hosts]).toEqual([new URL(baseURL!).host]);

  // The built files name no third-party host to load from (URLs inside messages and namespaces are text).
  const dist = path.join(root, 'dist');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dist);
  // Scenario text names hosts too: addresses, single-label cluster names (`curl http://web/`) and
  // RFC 2606's reserved example domains; none of them can be fetched from the internet.
  const TEXT_ONLY =
    /^(www\.w3\.org|json-schema\.org|www\.eclipse\.org|react\.dev|react\.i18next\.com|rolldown\.rs|tailwindcss\.com|\d+\.\d+\.\d+\.\d+|[a-z][a-z0-9-]*|(www\.)?example\.(com|org|net))$/;
  for (const f of files.filter((f) => /\.(html|css|js)$/.test(f))) {
    const text = readFileSync(f, 'utf8');
    if (/\.(html|css)$/.test(f))
      expect(text, f).not.toMatch(/(src|href)=["']?https?:|url\(["']?https?:|@import\s+["']?https?:/);
    for (const m of text.matchAll(/https?:\/\/([a-zA-Z0-9.-]+)/g)) expect(m[1], f).toMatch(TEXT_ONLY);
  }
});
