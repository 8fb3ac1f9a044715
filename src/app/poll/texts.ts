/** The poll's words in English and Simplified Chinese (loaded with the poll). */
export const POLL_EN = {
  title: 'Class poll',
  join: 'On your phone, open this site and enter the code, or open:',
  code: 'Code',
  tally: 'Show of hands: enter the count for each answer',
  more: 'One more for {letter}',
  less: 'One less for {letter}',
  votes: '{n} votes',
  reveal: 'Reveal the answer',
  close: 'Close the poll',
  right: 'Answer: {letter}',
  student: 'Class poll · code {code}',
  pick: 'Choose your answer, then raise your hand when your letter is called.',
  chosen: 'You chose {letter}. Raise your hand when the teacher calls {letter}.',
  check: 'Show the answer',
  loading: 'Loading the question…',
  unknown: 'No poll has the code "{code}". Check it on the projector.',
  none: 'No question ahead on this flow to poll.',
  open: 'Poll the class',
  sameDevice: 'Tabs of this browser vote by themselves (BroadcastChannel); phones are counted by hand.',
} as const;

export type PollKey = keyof typeof POLL_EN;

export const POLL_ZH: Record<PollKey, string> = {
  title: '课堂投票',
  join: '在手机上打开本网站并输入代码，或者打开：',
  code: '代码',
  tally: '举手统计：为每个答案填入人数',
  more: '{letter} 加一票',
  less: '{letter} 减一票',
  votes: '{n} 票',
  reveal: '揭晓答案',
  close: '结束投票',
  right: '答案：{letter}',
  student: '课堂投票 · 代码 {code}',
  pick: '选出你的答案，老师念到你的字母时举手。',
  chosen: '你选了 {letter}。老师念到 {letter} 时请举手。',
  check: '查看答案',
  loading: '正在加载题目……',
  unknown: '没有代码为“{code}”的投票。请核对投影上的代码。',
  none: '这个流程后面没有可以投票的题目。',
  open: '发起课堂投票',
  sameDevice: '同一浏览器的其他标签页会自动计票（BroadcastChannel）；手机上的票由老师手动统计。',
};

export function pollText(
  lang: 'en' | 'zh-CN',
  key: PollKey,
  args: Record<string, string | number> = {},
): string {
  const s = (lang === 'zh-CN' ? POLL_ZH : POLL_EN)[key];
  return s.replace(/\{(\w+)\}/g, (m, n: string) => (args[n] === undefined ? m : String(args[n])));
}
