/**
 * File and folder names the schedules draw from: plain ones, accents in NFC and in NFD (two
 * different names on Linux), emoji, spaces, and the characters URLs and shells treat specially.
 * None matches Pail's built-in ignore list (generator.test.ts checks), so every file created here
 * must reach Bitbucket unless Pail reports it skipped.
 */
export const FILE_NAMES: readonly string[] = [
  'notes.txt',
  'report.md',
  'data.csv',
  'todo',
  'Budget 2025.xlsx',
  'photo.jpg',
  'index.html',
  'caf\u00e9.txt',
  'cafe\u0301.txt',
  'Gr\u00fc\u00dfe.md',
  'nai\u0308ve plan.txt',
  '日本語.txt',
  '📦 box.txt',
  'plan 🚀.md',
  'my notes.txt',
  'two  spaces.txt',
  'trailing .txt',
  'a#b.txt',
  '100%.txt',
  'c++ notes.txt',
  'say "hi".txt',
  "it's.txt",
  'q?.txt',
  '[draft] (1).txt',
  'a&b=c.txt',
  'semi;colon.txt',
  'x+y.txt',
]

export const DIR_NAMES: readonly string[] = [
  'docs',
  'Photos 2024',
  'archive',
  'caf\u00e9',
  'emoji 📁',
  'a#b %20',
  'deep',
]

/** A name Bitbucket cannot take: git paths may hold a line break, Bitbucket's form fields cannot. */
export const LINE_BREAK_NAME = 'line\nbreak.txt'

/** The folder-relative path of `name` in `dir` ('' for the top). */
export function inDir(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

/** The folder a path is in ('' for the top). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** Whether `path` is `prefix` or lies under it. */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`)
}
