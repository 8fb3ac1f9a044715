/** The packet's bytes as a hex dump, encoded by the engine (loaded on demand). */
import { useEffect, useState } from 'react';
import type { Layer } from '../types';
import { useT } from '../i18n';

function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = [...bytes.subarray(off, off + 16)];
    const hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = chunk.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

export function PacketBytes({ layers, payload }: { layers: Layer[]; payload: number }) {
  const { t } = useT();
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import('../../engine/net/encode')
      .then(({ encodePacket }) => {
        if (live) setText(hexdump(encodePacket({ layers, payload })));
      })
      .catch((e: unknown) => live && setText(`cannot encode: ${String(e)}`));
    return () => {
      live = false;
    };
  }, [layers, payload]);
  return (
    <pre
      aria-label={t('headers.bytes')}
      className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-[11px] leading-4 dark:bg-slate-800"
    >
      {text ?? t('headers.encoding')}
    </pre>
  );
}
