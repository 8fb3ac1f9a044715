/** The look of a header-menu button (Share, Tools) and of the buttons in their notices and dialogs. */
export const toolBtn =
  'inline-flex h-8 items-center rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';
