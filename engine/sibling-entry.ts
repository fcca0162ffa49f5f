// The entry file of a worker thread or child process that sits next to the calling module,
// in the language the caller itself runs in: `.ts` loaded through tsx under `npm run dev`
// and vitest, the compiled `.js` with plain Node under `npm start` (dist/ holds no
// TypeScript, and tsx, a devDependency, is absent after `npm install --omit=dev`).

export interface SiblingEntry {
  /** The sibling's file URL. */
  readonly url: URL;
  /** Node options the sibling needs to load: tsx for TypeScript, none for JavaScript. */
  readonly execArgv: readonly string[];
}

/** `name` without extension, next to `base` (the caller's import.meta.url). */
export function siblingEntry(name: string, base: string): SiblingEntry {
  const typescript = new URL(base).pathname.endsWith('.ts');
  return {
    url: new URL(`./${name}${typescript ? '.ts' : '.js'}`, base),
    execArgv: typescript ? ['--import', 'tsx'] : [],
  };
}
