/**
 * Classroom state: quiz (on/off and answers), presenter mode, the glossary and guided-path dialogs.
 * The quiz and presenter mode live in the URL (`quiz=1&qa=<step>.<choice>,...`, `present=1`).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { formatAnswers, parseAnswers } from '../quiz/questions';

export interface ClassroomState {
  quiz: boolean;
  /** Chosen choice per question step. */
  answers: Record<number, number>;
  presenter: boolean;
  glossaryOpen: boolean;
  /** The glossary entry to show (scrolled to and highlighted). */
  glossaryTerm: string | null;
  pathOpen: boolean;
}

export interface ClassroomActions {
  setQuiz(on: boolean): void;
  answer(step: number, choice: number): void;
  resetAnswers(): void;
  setPresenter(on: boolean): void;
  openGlossary(term?: string | null): void;
  closeGlossary(): void;
  setPathOpen(open: boolean): void;
}

export type ClassroomStore = ClassroomState & ClassroomActions;

export function parseClassroomUrl(search: string): Pick<ClassroomState, 'quiz' | 'answers' | 'presenter'> {
  const q = new URLSearchParams(search);
  return {
    quiz: q.get('quiz') === '1',
    answers: parseAnswers(q.get('qa')),
    presenter: q.get('present') === '1',
  };
}

export function formatClassroomUrl(
  search: string,
  s: Pick<ClassroomState, 'quiz' | 'answers' | 'presenter'>,
): string {
  const q = new URLSearchParams(search);
  if (s.quiz) q.set('quiz', '1');
  else q.delete('quiz');
  const qa = s.quiz ? formatAnswers(s.answers) : '';
  if (qa) q.set('qa', qa);
  else q.delete('qa');
  if (s.presenter) q.set('present', '1');
  else q.delete('present');
  const out = q.toString();
  return out ? `?${out}` : '';
}

export function createClassroomStore(init: Partial<ClassroomState> = {}) {
  return createStore<ClassroomStore>()((set) => ({
    quiz: false,
    answers: {},
    presenter: false,
    glossaryOpen: false,
    glossaryTerm: null,
    pathOpen: false,
    ...init,
    setQuiz: (quiz) => set({ quiz, answers: {} }),
    answer: (step, choice) => set((s) => ({ answers: { ...s.answers, [step]: choice } })),
    resetAnswers: () => set({ answers: {} }),
    setPresenter: (presenter) => set({ presenter }),
    openGlossary: (term = null) => set({ glossaryOpen: true, glossaryTerm: term }),
    closeGlossary: () => set({ glossaryOpen: false }),
    setPathOpen: (pathOpen) => set({ pathOpen }),
  }));
}

export const classroomStore = createClassroomStore(
  typeof window === 'undefined' ? {} : parseClassroomUrl(window.location.search),
);

export function useClassroom<T>(selector: (s: ClassroomStore) => T): T {
  return useStore(classroomStore, selector);
}

/** Keeps the quiz and presenter mode in the URL. */
export function syncClassroomUrl(): () => void {
  return classroomStore.subscribe((s, prev) => {
    if (s.quiz === prev.quiz && s.answers === prev.answers && s.presenter === prev.presenter) return;
    const search = formatClassroomUrl(window.location.search, s);
    if (search !== window.location.search)
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${search}${window.location.hash}`,
      );
  });
}
