/**
 * The folders inside a folder, for the browser's folder chooser of `pail serve`: the person's home
 * by default, never Pail's own home or anything inside it, hidden folders left out.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import type { FolderListing } from '../../../shared/ipc/views.js'
import type { ReadGuard } from '../fs/read-guard.js'
import { AppError } from './app-error.js'

export async function browseFolders(guard: ReadGuard, path: string | undefined): Promise<FolderListing> {
  const wanted = path === undefined || path.trim() === '' ? homedir() : path
  if (!isAbsolute(wanted))
    throw new AppError(
      'folders.not-absolute',
      `“${wanted}” is not a full folder path.`,
      'Choose a folder from the list.',
    )
  const folder = resolve(wanted)
  const info = await stat(folder).catch(() => null)
  if (!info) throw new AppError('folders.missing', `The folder ${folder} does not exist.`, 'Choose another folder.')
  if (!info.isDirectory()) throw new AppError('folders.not-a-folder', `${folder} is a file, not a folder.`)
  const real = await realpath(folder)
  if (guard.covers(real))
    throw new AppError(
      'folders.pail-home',
      `${folder} is Pail's own folder, with your sign-in secrets.`,
      'Choose another folder.',
    )
  let names: string[]
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name)
  } catch (error) {
    throw new AppError(
      'folders.unreadable',
      `Pail may not look inside ${folder} (${(error as NodeJS.ErrnoException).code ?? 'refused'}).`,
      'Choose another folder.',
    )
  }
  const folders: FolderListing['folders'] = []
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    if (name.startsWith('.')) continue
    const child = join(folder, name)
    const childReal = await realpath(child).catch(() => null)
    if (childReal === null || guard.covers(childReal)) continue
    folders.push({ name, path: child })
  }
  const parent = dirname(folder)
  return { path: folder, parent: parent === folder ? null : parent, folders }
}
