/** The iframe snippet for an embed link (attribute-escaped: the link is data, never markup). */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function embedSnippet(url: string, title = 'Packet Journey'): string {
  return (
    `<iframe src="${escapeAttr(url)}" title="${escapeAttr(title)}" width="960" height="600" ` +
    `style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>`
  );
}
