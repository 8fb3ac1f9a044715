/** Untrusted text from a paste or a file: size-capped and strictly UTF-8. */
import { fmt, formatBytes } from './strings';

/** Most bytes a scenario or an import may have (the scenario loader's own cap). */
export const MAX_TEXT_BYTES = 1024 * 1024;

export type TextResult = { ok: true; text: string } | { ok: false; error: string };

/** The size error for a text of `bytes`, or null when it fits. */
export function sizeError(bytes: number, max = MAX_TEXT_BYTES): string | null {
  return bytes > max ? fmt('file.tooBig', { size: formatBytes(bytes), max: formatBytes(max) }) : null;
}

/** UTF-8 size of `text`, counting at most up to `max + 1`. */
export function textBytes(text: string, max = MAX_TEXT_BYTES): number {
  if (text.length > max) return text.length;
  return new TextEncoder().encode(text).length;
}

export async function readTextFile(file: Blob, max = MAX_TEXT_BYTES): Promise<TextResult> {
  const tooBig = sizeError(file.size, max);
  if (tooBig) return { ok: false, error: tooBig };
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, error: fmt('file.badUtf8') };
  }
}
