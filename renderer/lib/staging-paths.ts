/**
 * Where each file a person picked goes under `pail serve`'s staging folder: its path relative to
 * what was picked (a folder picked with its files keeps its folders), checked before anything is
 * sent. The URL it goes to is `stagedFileRoute` (shared/ipc/serve-routes.ts).
 */
import { isUploadableName } from '../../shared/bitbucket/names.js'

/** What a picked or dropped file says about itself (the DOM's `File` has both). */
export interface PickedFile {
  name: string
  /** "photos/2024/a.jpg" when picked with a folder (`webkitdirectory`), else "". */
  webkitRelativePath?: string
  size: number
}

/** The file's path relative to what was picked: its folder path when it has one, else its name. */
export function relativePathOf(file: PickedFile): string {
  return file.webkitRelativePath && file.webkitRelativePath.length > 0 ? file.webkitRelativePath : file.name
}

/** Why this relative path cannot be staged, in words for people, or null when it can. */
export function stagingPathProblem(path: string): string | null {
  if (path === '') return 'A file without a name cannot be uploaded.'
  const parts = path.split('/')
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..'))
    return `"${path}" cannot be uploaded: its name points outside the chosen files. Rename it and try again.`
  if (path.includes('\\') || !isUploadableName(path))
    return `"${path}" cannot be uploaded: Bitbucket does not take names with a line break or a backslash. Rename it and try again.`
  return null
}

/** The first problem with a set of picked files (an empty set, a bad name, two files with one path), or null. */
export function pickedFilesProblem(files: readonly PickedFile[]): string | null {
  if (files.length === 0) return 'Choose the files to upload first.'
  const seen = new Set<string>()
  for (const file of files) {
    const path = relativePathOf(file)
    const problem = stagingPathProblem(path)
    if (problem) return problem
    if (seen.has(path))
      return `Two of the chosen files are both called "${path}". Upload them one at a time, or rename one.`
    seen.add(path)
  }
  return null
}
