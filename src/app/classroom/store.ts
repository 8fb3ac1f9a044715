/**
 * Classroom state: quiz (on/off and answers), presenter mode, the glossary and guided-path dialogs.
 * The quiz and presenter mode live in the URL (`quiz=1&qa=<step>.<choice>,...`, `present=1`).
 * `qv=2` marks the mechanism questions (a link without it opens the first quiz's questions, as it
 * did when it was made); `qm=1` asks every mechanism question instead of the default few.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { formatAnswers, parseAnswers } from '../quiz/answers';

/** 1: the first quiz (recall of values); 2: mechanism questions. */
export type QuizVersion = 1 | 2;
export const QUIZ_VERSION: QuizVersion = 2;

export interface ClassroomState {
  quiz: boolean;
  /** Chosen choice per question step. */
  answers: Record<number, number>;
  quizVersion: QuizVersion;
  /** Every question instead of the default few. */
  quizMore: boolean;
  presenter: boolean;
  glossaryOpen: boolean;
  /** The glossary entry to show (scrolled to and highlighted). */
  glossaryTerm: string | null;
  pathOpen: boolean;
}

export interface ClassroomActions {
  /** Turns the quiz on or off; turned on, it asks the current version's questions. */
  setQuiz(on: boolean): void;
  setQuizMore(more: boolean): void;
  answer(step: number, choice: number): void;
  resetAnswers(): void;
  setPresenter(on: boolean): void;
  openGlossary(term?: string | null): void;
  closeGlossary(): void;
  setPathOpen(open: boolean): void;
}

export type ClassroomStore = ClassroomState & ClassroomActions;

type UrlPart = Pick<ClassroomState, 'quiz' | 'answers' | 'presenter' | 'quizVersion' | 'quizMore'>;

export function parseClassroomUrl(search: string): UrlPart {
  const q = new URLSearchParams(search);
  return {
    quiz: q.get('quiz') === '1',
    answers: parseAnswers(q.get('qa')),
    quizVersion: q.get('qv') === '2' ? 2 : 1,
    quizMore: q.get('qm') === '1',
    presenter: q.get('present') === '1',
  };
}

/** The classroom's query parameters; a state without a quiz version gets the current one. */
export function formatClassroomUrl(
  search: string,
  s: Pick<UrlPart, 'quiz' | 'answers' | 'presenter'> & Partial<UrlPart>,
): string {
  const q = new URLSearchParams(search);
  if (s.quiz) q.set('quiz', '1');
  else q.delete('quiz');
  const qa = s.quiz ? formatAnswers(s.answers) : '';
  if (qa) q.set('qa', qa);
  else q.delete('qa');
  const version = s.quizVersion ?? QUIZ_VERSION;
  if (s.quiz && version > 1) q.set('qv', String(version));
  else q.delete('qv');
  if (s.quiz && s.quizMore) q.set('qm', '1');
  else q.delete('qm');
  if (s.presenter) q.set('present', '1');
  else q.delete('present');
  const out = q.toString();
  return out ? `?${out}` : '';
}

export function createClassroomStore(init: Partial<ClassroomState> = {}) {
  return createStore<ClassroomStore>()((set) => ({
    quiz: false,
    answers: {},
    quizVersion: QUIZ_VERSION,
    quizMore: false,
    presenter: false,
    glossaryOpen: false,
    glossaryTerm: null,
    pathOpen: false,
    ...init,
    setQuiz: (quiz) => set({ quiz, answers: {}, quizVersion: QUIZ_VERSION }),
    setQuizMore: (quizMore) => set({ quizMore, answers: {} }),
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
    if (
      s.quiz === prev.quiz &&
      s.answers === prev.answers &&
      s.presenter === prev.presenter &&
      s.quizVersion === prev.quizVersion &&
      s.quizMore === prev.quizMore
    )
      return;
    const search = formatClassroomUrl(window.location.search, s);
    if (search !== window.location.search)
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${search}${window.location.hash}`,
      );
  });
}
