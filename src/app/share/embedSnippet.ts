/** The iframe snippet for an embed link (attribute-escaped: the link is data, never markup). */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The iframe's size: the canvas beside one panel needs about this much for its names to be read
 * on a projected slide (at 960x600 the drawing's text came out near 8 px).
 */
export const EMBED_SIZE = { width: 1280, height: 720 } as const;

export function embedSnippet(url: string, title = 'Packet Journey'): string {
  return (
    `<iframe src="${escapeAttr(url)}" title="${escapeAttr(title)}" ` +
    `width="${EMBED_SIZE.width}" height="${EMBED_SIZE.height}" ` +
    `style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>`
  );
}
