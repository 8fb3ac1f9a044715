/** At a step where a correction of the notes matters: the correction, beside the explanation (loaded on demand). */
import { useT } from '../i18n';
import type { CorrectionInfo } from '../types';
import { CorrectionCard } from './CorrectionCard';

export default function StepNote({ corrections }: { corrections: CorrectionInfo[] }) {
  const { t } = useT();
  return (
    <details className="mt-1 text-sm" data-testid="step-note">
      <summary className="cursor-pointer font-medium text-amber-800 dark:text-amber-300">
        {t('notes.atStep')}
      </summary>
      <div className="mt-1 space-y-1">
        {corrections.map((c) => (
          <CorrectionCard key={c.id} c={c} />
        ))}
      </div>
    </details>
  );
}
