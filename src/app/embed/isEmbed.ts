import { parseQuery } from '../share/link';

/** True for an embed link (`?embed=1`): the page then draws the embed view instead of the full page. */
export function isEmbed(search: string): boolean {
  return parseQuery(search).embed;
}
