/** The lesson card's words in English and Simplified Chinese (loaded with the card). */
export const LESSON_EN = {
  heading: 'Lesson {n} of {total}: {title}',
  goal: 'Goal',
  watch: 'Watch for',
  flows: 'Flows, in order',
  checkpoint: 'Checkpoint',
  quiz: 'Answer the questions on "{flow}" ({pass} of {total} right at least).',
  takeQuiz: 'Take the checkpoint',
  challenge: 'Solve the challenge "{title}".',
  takeChallenge: 'Start the challenge',
  passed: '✓ Lesson done',
  progress: 'So far: {correct} right of {answered} answered, {total} questions.',
  details: 'Goal, what to watch for, checkpoint',
  welcome: 'Welcome to Packet Journey',
  welcomeText:
    'Every journey here is computed by a model of the Linux kernel from the real commands that build the network. The guided path has {total} lessons; each has a goal, things to watch for, and a checkpoint.',
  start: 'Start lesson 1',
  explore: 'Just explore',
  current: 'current',
} as const;

export type LessonKey = keyof typeof LESSON_EN;

export const LESSON_ZH: Record<LessonKey, string> = {
  heading: '第 {n} 课（共 {total} 课）：{title}',
  goal: '目标',
  watch: '留意',
  flows: '按顺序看这些流程',
  checkpoint: '检查点',
  quiz: '回答“{flow}”上的题目（{total} 题中至少答对 {pass} 题）。',
  takeQuiz: '开始检查',
  challenge: '解决挑战“{title}”。',
  takeChallenge: '开始挑战',
  passed: '✓ 本课完成',
  progress: '目前：已答 {answered} 题，答对 {correct} 题，共 {total} 题。',
  details: '目标、留意事项、检查点',
  welcome: '欢迎来到数据包之旅',
  welcomeText:
    '这里的每一段旅程，都是由 Linux 内核模型根据搭建网络的真实命令计算出来的。引导路径共有 {total} 课，每课都有目标、需要留意的地方和一个检查点。',
  start: '从第 1 课开始',
  explore: '随便看看',
  current: '当前',
};

export function lessonText(
  lang: 'en' | 'zh-CN',
  key: LessonKey,
  args: Record<string, string | number> = {},
): string {
  const s = (lang === 'zh-CN' ? LESSON_ZH : LESSON_EN)[key];
  return s.replace(/\{(\w+)\}/g, (m, n: string) => (args[n] === undefined ? m : String(args[n])));
}
