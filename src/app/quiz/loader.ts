/** The quiz's questions are a chunk of their own, fetched when the quiz is first turned on. */
type QuizSet = typeof import('./set');

let mod: QuizSet | null = null;
let loading: Promise<QuizSet> | null = null;

export function loadQuizSet(): Promise<QuizSet> {
  loading ??= import('./set').then((m) => {
    mod = m;
    return m;
  });
  return loading;
}

/** The loaded module, or null (and the load started). */
export function quizSet(): QuizSet | null {
  if (!mod) void loadQuizSet();
  return mod;
}
