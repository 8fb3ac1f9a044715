/**
 * Every user-visible string of the share / edit / embed / export / import features, in English,
 * keyed by id. Placeholders are {{name}} (the i18n layer's syntax); fmt() fills them in until the
 * i18n layer takes these over.
 */
import i18next from 'i18next';

export const SHARE_STRINGS = {
  'share.copyLink': 'Copy link',
  'share.copied': 'Link copied',
  'share.copyFailed': 'Copy the link below:',
  'share.linkLabel': 'Link to this step',
  'share.embed': 'Embed',
  'share.embedTitle': 'Embed this step',
  'share.embedHelp':
    'Paste this snippet into a slide or a blog post: it shows the canvas, the playback controls and one panel.',
  'share.embedPanel': 'Panel',
  'share.snippetLabel': 'Iframe snippet',
  'share.copySnippet': 'Copy snippet',
  'share.close': 'Close',
  'share.linkError': 'This link could not be opened: {{error}}. Showing the scenario without its edits.',
  'share.dismiss': 'Dismiss',
  'share.tools': 'Share and edit',

  'link.tooLong': 'the link is too long ({{length}} characters; at most {{max}})',
  'link.badChars': 'the link contains characters that are not base64url (was it cut or changed?)',
  'link.truncated': 'the link is truncated or damaged (its compressed data does not decode)',
  'link.tooBig': 'the link expands to more than {{max}} bytes',
  'link.badUtf8': 'the link does not hold valid UTF-8 text',
  'link.badJson': 'the link does not hold valid JSON (was it cut?)',
  'link.badField': 'the link has an invalid field {{path}}: {{message}}',
  'link.newer': 'the link was made by a newer version of Packet Journey (format v{{version}})',
  'link.unknown': 'the link has no known state (expected #v1=…)',

  'editor.open': 'Edit scenario',
  'editor.close': 'Close editor',
  'editor.title': 'Scenario editor',
  'editor.loading': 'Loading the editor…',
  'editor.ok': 'Valid: the journey follows your edits.',
  'editor.checking': 'Checking…',
  'editor.error': 'Line {{line}}: {{message}}',
  'editor.tooBig': 'Not pasted: {{size}} is more than the {{max}} a scenario may have.',
  'editor.revert': 'Revert to the built-in scenario',
  'editor.openFile': 'Open a YAML file',
  'editor.label': 'Scenario YAML',
  'editor.edited': 'edited',

  'changes.title': 'Changes',
  'changes.none': 'No changes yet: commands typed in the terminal that change a table are listed here.',
  'changes.undo': 'Undo',
  'changes.undoLabel': 'Undo "{{line}}" in {{netns}}',
  'changes.compare': 'Compare before and after',
  'changes.edited': 'The scenario YAML is edited.',

  'compare.title': 'Before and after your changes',
  'compare.before': 'Before',
  'compare.after': 'After',
  'compare.same': 'The two journeys are the same, event for event.',
  'compare.part': 'The journeys part at step {{step}}.',
  'compare.why': 'Why: {{explanation}}',
  'compare.onlyBefore': 'Only before:',
  'compare.onlyAfter': 'Only after:',
  'compare.running': 'Running the flow before and after…',
  'compare.failed': 'Compare failed: {{error}}',
  'compare.verdict': 'Verdict: {{before}} → {{after}}',

  'export.button': 'Export',
  'export.png': 'Canvas as PNG',
  'export.svg': 'Canvas as SVG',
  'export.json': 'Trace as JSON',
  'export.pcapng': 'Captures as pcapng',
  'export.yaml': 'Scenario as YAML',
  'export.noCanvas': 'The canvas is not ready yet.',
  'export.failed': 'Export failed: {{error}}',

  'import.button': 'Import from a node',
  'import.title': 'Import from your own nodes',
  'import.help':
    'Run these commands on each node and paste their output below, one block per node, each starting with a header line "### node: NAME". Everything stays in this page.',
  'import.paste': 'Command output',
  'import.file': 'Or choose a file',
  'import.convert': 'Convert to a scenario',
  'import.tooBig': 'Not imported: {{size}} is more than the {{max}} an import may have.',
  'import.failed': 'Could not import: {{error}}',
  'import.warnings': 'Notes',
  'import.done': 'Loaded into the editor.',

  'file.badUtf8': 'The file is not valid UTF-8 text.',
  'file.tooBig': '{{size}} is more than the {{max}} allowed.',

  'draft.overflow':
    'Your edits no longer fit in a link ({{length}} characters; a link holds at most {{max}}). They are kept as a local draft in this browser, restored when this page reloads; download the scenario to keep or share them.',
  'draft.notSaved':
    'Your edits no longer fit in a link ({{length}} characters; a link holds at most {{max}}) and this browser would not keep a local draft of them ({{error}}). Download the scenario now, or they are lost when this page closes.',
  'draft.restored':
    'Restored your local draft from {{when}}: these edits are too large for a link, so this browser kept them.',
  'draft.discard': 'Discard the draft',
  'draft.download': 'Download the scenario (.yaml)',
  'draft.missing':
    'it names a local draft ({{id}}) that this browser does not have: edits too large for a link stay in the browser that made them',
  'draft.execsHeader':
    'Terminal changes (not part of the scenario file): type these in the terminal, in this order.',
  'share.tooLong':
    'No link copied: with your edits it would be {{length}} characters, more than the {{max}} a link may hold, so it could not open. Share the scenario as a file instead.',
  'skipped.title': 'Skipped {{count}} change(s) that fail here; the journey is traced without them:',
  'skipped.badge': 'skipped: {{error}}',
  'editor.restored': 'Restored the text you were editing before the page reloaded.',
  'editor.discardRestored': 'Discard it',
  'editor.dropTooBig': 'Not dropped: {{size}} is more than the {{max}} a scenario may have.',
  'import.inputTooBig': 'Not inserted: {{size}} is more than the {{max}} an import may have.',
  'offline.chunkFailed':
    'A newer version of Packet Journey was installed while this page was open, and part of this page can no longer load. Reload to use the new version.',
  'offline.reload': 'Reload',

  'embed.open': 'Open in Packet Journey',
  'embed.noPanel': 'No panel',
} as const;

export type ShareStringId = keyof typeof SHARE_STRINGS;

/** The English string `id` with its {{placeholders}} filled in. */
export function fmt(id: ShareStringId, args: Record<string, string | number> = {}): string {
  // The page's language (src/app/i18n registers these ids with their zh-CN translations).
  if (i18next.isInitialized && i18next.language !== 'en' && i18next.exists(id)) return i18next.t(id, args);
  return SHARE_STRINGS[id].replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}

/** A byte count as people read it: 512 B, 12.3 KB, 50.0 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
