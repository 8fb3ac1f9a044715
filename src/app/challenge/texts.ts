/** The challenge UI's words in English and Simplified Chinese (they load with the challenge chunk). */
export const CH_EN = {
  title: 'Challenge: {title}',
  goal: 'Goal',
  solved: 'Solved: the engine traced {flow} after your changes and it was delivered.',
  broken: 'Not solved yet: {flow} ends {verdict}. Investigate with the panels, fix it in the terminal.',
  changes: 'Your changes: {n}',
  hint: 'Hint {n}',
  showHint: 'Show a hint ({shown} of {total})',
  noMoreHints: 'No more hints.',
  proof: 'This link replays your fix:',
  copy: 'Copy',
  copied: 'Copied',
  restart: 'Undo my changes',
  leave: 'Leave the challenge',
  list: 'Troubleshooting challenges',
  intro:
    'Each challenge is a broken world. Find why the packet does not arrive, fix it with real commands in the terminal; the challenge is solved when the journey is delivered.',
  start: 'Start',
  done: 'solved',
  share: 'Link to this challenge',
  own: 'Your own challenge (YAML)',
  ownHelp:
    'Paste a challenge written like scenarios/challenges/*.yaml: a scenario, the flow to deliver, hints.',
  load: 'Open it',
  'verdict.delivered': 'delivered',
  'verdict.dropped': 'dropped',
  'verdict.unreachable': 'unreachable',
  'verdict.timeout': 'in a timeout',
  'verdict.refused': 'refused',
  'verdict.unresolved': 'with a name that did not resolve',
  'verdict.error': 'in an error',
} as const;

export type ChKey = keyof typeof CH_EN;

export const CH_ZH: Record<ChKey, string> = {
  title: '挑战：{title}',
  goal: '目标',
  solved: '已解决：引擎在你的修改之后重新追踪了 {flow}，包送达了。',
  broken: '还没解决：{flow} 的结果是{verdict}。用各个面板排查，在终端里修复。',
  changes: '你的修改：{n} 条',
  hint: '提示 {n}',
  showHint: '显示一条提示（{shown} / {total}）',
  noMoreHints: '没有更多提示了。',
  proof: '这个链接会重放你的修复：',
  copy: '复制',
  copied: '已复制',
  restart: '撤销我的修改',
  leave: '退出挑战',
  list: '排障挑战',
  intro: '每个挑战都是一个出了故障的网络。找出包为什么到不了，在终端里用真实的命令修复；旅程送达即算解决。',
  start: '开始',
  done: '已解决',
  share: '这个挑战的链接',
  own: '你自己的挑战（YAML）',
  ownHelp: '粘贴一个按 scenarios/challenges/*.yaml 格式写的挑战：一个场景、要送达的流程和提示。',
  load: '打开',
  'verdict.delivered': '送达',
  'verdict.dropped': '被丢弃',
  'verdict.unreachable': '不可达',
  'verdict.timeout': '超时',
  'verdict.refused': '被拒绝',
  'verdict.unresolved': '名字未能解析',
  'verdict.error': '出错',
};

export function chText(lang: 'en' | 'zh-CN', key: ChKey, args: Record<string, string | number> = {}): string {
  const s = (lang === 'zh-CN' ? CH_ZH : CH_EN)[key];
  return s.replace(/\{(\w+)\}/g, (m, n: string) => (args[n] === undefined ? m : String(args[n])));
}
