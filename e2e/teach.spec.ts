/**
 * Teaching: mechanism questions explained, a lesson completed through its checkpoint, troubleshooting
 * challenges solved by typing fixes in the terminal (and one wrong fix that leaves the world
 * broken), a class poll, and every question kind and challenge in Chinese. The expected answers
 * come from the engine run here, as the page must show them, and the challenges' fixes from their files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { listFlows, loadScenario, traceFlow } from '../src/engine';
import { parseChallenge } from '../src/app/challenge/challenge';
import { candidates, mechanismQuestions, MECHANISM_KINDS, type MQuestion } from '../src/app/quiz/mechanism';
import { renderText } from '../src/app/quiz/mechanism/texts';

const root = path.resolve(import.meta.dirname, '..');
const load = (id: string) =>
  loadScenario(readFileSync(path.join(root, 'scenarios', `${id}.yaml`), 'utf8'), `scenarios/${id}.yaml`);
const challenge = (id: string) =>
  parseChallenge(
    readFileSync(path.join(root, 'scenarios', 'challenges', `${id}.yaml`), 'utf8'),
    `${id}.yaml`,
  );

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Answers the question on screen (`right` or not), checks its explanations, and reveals the step. */
async function answer(page: Page, q: MQuestion, right: boolean): Promise<void> {
  const box = page.locator(`[data-quiz-kind="${q.kind}"]`);
  await expect(box).toBeVisible();
  await expect(page.locator('#quiz-prompt')).toHaveText(renderText('en', q.prompt.key, q.prompt.args));
  const pick = right ? q.answer : (q.answer + 1) % q.choices.length;
  await box.locator('[data-choice]').nth(pick).click();
  await expect(page.getByTestId('quiz-feedback')).toHaveText(right ? 'Right.' : /^Not quite: the answer is/);
}

test('a wrong answer shows why, for every choice, and the summary lists what was missed', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const trace = traceFlow(load('flannel-vxlan'), 'pod-a-ping-pod-b');
  const qs = mechanismQuestions(trace);
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&quiz=1&qv=2');
  await expect(page.getByTestId('quiz')).toBeVisible();
  const encap = qs.find((q) => q.kind === 'encap')!;
  for (const q of qs) {
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('End');
    await answer(page, q, q !== encap);
    if (q === encap) {
      // Every choice is explained; the wrong one says which header field decides.
      await expect(page.getByTestId('quiz-why-wrong')).toHaveText(
        renderText(
          'en',
          encap.choices[(encap.answer + 1) % encap.choices.length]!.why.key,
          encap.choices[(encap.answer + 1) % encap.choices.length]!.why.args,
        ),
      );
      await expect(page.getByTestId('quiz-why-right')).toContainText('outer UDP header');
      await expect(page.getByTestId('quiz-decided')).toContainText('Decided by fdb in node-64-216');
      await shot(page, testInfo, 'quiz-explanation.png');
    }
    await page.getByRole('button', { name: /Reveal the step/ }).click();
  }
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('End');
  await expect(page.getByTestId('quiz-final')).toHaveText(
    `You answered ${qs.length - 1} of ${qs.length} right.`,
  );
  await expect(page.getByTestId('quiz-missed')).toContainText(
    renderText('en', encap.prompt.key, encap.prompt.args),
  );
  // The results are a link: it reopens the same answers.
  await page.getByRole('button', { name: 'Copy the link to these results' }).click();
  const link = await page.getByTestId('quiz-results-link').inputValue();
  expect(new URL(link).searchParams.get('qv')).toBe('2');
  await page.goto(link);
  await expect(page.getByTestId('quiz-score')).toHaveText(`Score: ${qs.length - 1} / ${qs.length}`);
});

test('turning the quiz on keeps the step', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=30');
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(/^Step 30 \//);
  await page.getByRole('button', { name: 'Classroom', exact: true }).click();
  await page.getByRole('button', { name: 'Predict the next hop' }).click();
  await expect(page.getByTestId('quiz')).toBeVisible();
  await expect(counter).toHaveText(/^Step 30 \//);
});

test('a first visit offers lesson 1, and its checkpoint quiz marks the lesson done', async ({ page }) => {
  test.setTimeout(180_000);
  const trace = traceFlow(load('veth-pair'), 'ns2-ping-ns1');
  const qs = mechanismQuestions(trace);
  await page.goto('/');
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('veth-pair');
  await expect(page.getByTestId('lesson')).toContainText('Lesson 1 of 13');
  await page.getByRole('button', { name: 'Start lesson 1' }).click();
  await expect(page.getByTestId('welcome')).toBeHidden();
  await page.getByRole('button', { name: 'Take the checkpoint' }).click();
  for (const q of qs) {
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('End');
    await answer(page, q, true);
    await page.getByRole('button', { name: /Reveal the step/ }).click();
  }
  await expect(page.getByTestId('lesson-done')).toBeVisible();
  await page.getByRole('button', { name: 'Classroom', exact: true }).click();
  await page.getByRole('button', { name: /Guided path/ }).click();
  await expect(page.getByTestId('path-progress')).toHaveText('1 of 13 lessons done');
});

async function startChallenge(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: 'Classroom', exact: true }).click();
  await page.getByRole('button', { name: 'Challenges' }).click();
  await page.locator(`[data-challenge="${id}"]`).click();
  await expect(page.getByTestId('challenge-status')).toContainText('Not solved yet');
}

async function type(page: Page, netns: string, line: string): Promise<void> {
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.scrollIntoViewIfNeeded();
  await terminal.locator('select').selectOption(netns);
  await terminal.locator('input').fill(line);
  await terminal.locator('input').press('Enter');
  await expect(terminal).toContainText('the world changed');
}

test('three challenges solved by typing fixes, one wrong fix refused by the journey', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/?s=flannel-host-gw&f=pod1-ping-pod3');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  for (const id of ['missing-route', 'forward-drop', 'vxlan-fdb']) {
    const c = challenge(id);
    await startChallenge(page, id);
    if (id === 'missing-route') {
      // A wrong fix changes the world, but the engine still does not deliver the goal flow.
      await type(page, c.wrongFix[0]!.netns, c.wrongFix[0]!.line);
      await expect(page.getByTestId('challenge-status')).toContainText(
        /Not solved yet: .* ends (dropped|unreachable)/,
      );
      await page.getByTestId('challenge').getByRole('button', { name: 'Undo my changes' }).click();
      await page.getByRole('button', { name: /Show a hint/ }).click();
      await expect(page.getByTestId('challenge-hints')).toContainText(c.hints[0]!.en);
    }
    for (const fix of c.fix) await type(page, fix.netns, fix.line);
    await expect(page.getByTestId('challenge')).toHaveAttribute('data-solved', 'yes');
    await expect(page.getByTestId('challenge-status')).toContainText('Solved');
    if (id === 'missing-route') await shot(page, testInfo, 'challenge-solved.png');
    // The proof link replays the fix in a fresh page.
    const proof = await page.getByTestId('challenge-proof').inputValue();
    const fresh = await page.context().newPage();
    await fresh.goto(proof);
    await expect(fresh.getByTestId('challenge')).toHaveAttribute('data-solved', 'yes');
    await fresh.close();
  }
});

test("a teacher's own challenge opens from its link, world and hints included", async ({ page }) => {
  test.setTimeout(120_000);
  // A teacher writes a challenge in the catalog's format; the page gives it a link of its own.
  const own = readFileSync(path.join(root, 'scenarios', 'challenges', 'forward-drop.yaml'), 'utf8')
    .replace(/^id: .*$/m, 'id: my-class-forward')
    .replace(/^ {2}en: (.*)$/m, '  en: My class - $1');
  const title = parseChallenge(own, 'own.yaml').title.en;
  await page.goto('/?s=flannel-host-gw&f=pod1-ping-pod3');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.getByRole('button', { name: 'Classroom', exact: true }).click();
  await page.getByRole('button', { name: 'Challenges' }).click();
  await page.getByText('Your own challenge (YAML)').click();
  await page.getByRole('textbox', { name: 'Your own challenge (YAML)' }).fill(own);
  await page.getByRole('button', { name: 'Open it' }).click();
  await expect(page.getByTestId('challenge')).toContainText(title);
  await expect(page.getByTestId('challenge-status')).toContainText('Not solved yet');
  await expect.poll(() => new URL(page.url()).searchParams.get('chy')).not.toBeNull();
  const link = page.url();
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(fresh.getByTestId('challenge')).toContainText(title);
  await expect(fresh.getByTestId('challenge-status')).toContainText('Not solved yet');
  await fresh.getByRole('button', { name: /Show a hint/ }).click();
  await expect(fresh.getByTestId('challenge-hints')).toContainText(
    parseChallenge(own, 'own.yaml').hints[0]!.en,
  );
  await fresh.close();
});

test('a class poll: the projector shows a code, a phone answers, the teacher tallies and reveals', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=20&present=1&quiz=1&qv=2');
  await page.getByTestId('quiz').getByRole('button', { name: 'Poll the class' }).click();
  const code = await page.getByTestId('poll-code').innerText();
  expect(code).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
  await expect(page.getByTestId('poll-link')).toContainText(`?poll=${code}`);
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`/?poll=${code}`);
  const student = phone.getByTestId('poll-student');
  await expect(student.getByRole('button', { name: /^B/ })).toBeVisible();
  await expect(student).toContainText(await page.locator('[data-testid="poll"] p.text-xl').innerText());
  await student.getByRole('button', { name: /^B/ }).click();
  await expect(student).toContainText('You chose B.');
  // Same browser: the phone's tab voted over the BroadcastChannel; hands are added by the teacher.
  await expect(page.getByTestId('poll-votes-B')).toHaveText('1 votes');
  await page.getByRole('button', { name: 'One more for A' }).click();
  await page.getByRole('button', { name: 'One more for A' }).click();
  await expect(page.getByTestId('poll-votes-A')).toHaveText('2 votes');
  await page.getByRole('button', { name: 'Reveal the answer' }).click();
  await expect(page.getByTestId('poll-answer')).toHaveText(/^Answer: [A-D]$/);
  await shot(page, testInfo, 'poll-presenter.png');
});

test.describe('zh-CN', () => {
  // One flow per question kind, found by the generator on the catalog.
  const byKind = new Map<string, { scenario: string; flow: string; q: MQuestion }>();
  for (const file of readdirSync(path.join(root, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const id = file.replace(/\.yaml$/, '');
    const s = load(id);
    for (const f of listFlows(s)) {
      if (byKind.size === MECHANISM_KINDS.length) break;
      const kinds = MECHANISM_KINDS.filter((k) => !byKind.has(k));
      if (kinds.length === 0) break;
      for (const q of candidates(traceFlow(s, f.id)))
        if (!byKind.has(q.kind)) byKind.set(q.kind, { scenario: id, flow: f.id, q });
    }
  }

  test('every question kind is asked and explained in Chinese', async ({ page }) => {
    test.setTimeout(120_000);
    expect([...byKind.keys()].sort()).toEqual([...MECHANISM_KINDS].sort());
    for (const [kind, { scenario, flow, q }] of byKind) {
      await page.goto(`/?s=${scenario}&f=${flow}&quiz=1&qv=2&qm=1&lang=zh-CN&event=${q.step}`);
      const box = page.locator(`[data-quiz-kind="${kind}"]`);
      await expect(box, kind).toBeVisible();
      await expect(page.locator('#quiz-prompt')).toHaveText(renderText('zh-CN', q.prompt.key, q.prompt.args));
      await box.locator('[data-choice]').nth(q.answer).click();
      await expect(page.getByTestId('quiz-feedback')).toHaveText('答对了。');
      await expect(page.getByTestId('quiz-why-right')).toHaveText(
        renderText('zh-CN', q.choices[q.answer]!.why.key, q.choices[q.answer]!.why.args),
      );
    }
  });

  test('every challenge is told in Chinese', async ({ page }) => {
    test.setTimeout(120_000);
    for (const file of readdirSync(path.join(root, 'scenarios', 'challenges')).sort()) {
      const c = challenge(file.replace(/\.yaml$/, ''));
      await page.goto(`/?ch=${c.id}&lang=zh-CN`);
      await expect(page.getByTestId('challenge')).toContainText(`挑战：${c.title.zh}`);
      await expect(page.getByTestId('challenge')).toContainText(c.goal.zh);
      await expect(page.getByTestId('challenge-status')).toContainText('还没解决');
    }
  });
});
