/**
 * Every write, rename and delete Pail makes inside a synced folder goes through here, so that none
 * of them follows a link out of the folder (issue #7, point 5). A synced subfolder that was
 * replaced by a link to somewhere else must not receive a download, lose a file to a deletion or
 * take a conflict copy: the bytes would land, or vanish, outside the folder the person chose.
 *
 * How: each folder between the pair's folder and the target is looked at with `lstat`, one level
 * at a time. A link or anything but a folder refuses the operation; a missing folder is created
 * one level at a time (never `mkdir -p`, which would follow a link on the way) and looked at again.
 * The target itself is looked at too: a folder where a file should go is refused, and a link there
 * is replaced or removed as a link (rename and unlink act on the link, never on what it points at).
 * New files are created with O_EXCL | O_NOFOLLOW, so not even a link planted at a temporary name
 * is written through.
 *
 * The race that remains: between the last check and the system call, another process could swap a
 * checked folder for a link. Node has no `openat`/`renameat`, which would close it. It is narrowed
 * to one system call: right before acting, the parent folder is `stat`ed through its full path and
 * must still be the very folder (device and inode) the `lstat` walk vetted, so a swap during the
 * walk is caught. What is left needs a process of the same user racing within microseconds, and
 * such a process can already write anywhere Pail can; the case this guards against — a person or
 * a tool replacing a folder by a link, at any time before Pail looks — is caught every time.
 */
import type { Dirent, Stats } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, stat, symlink, unlink, type FileHandle } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { CREATE_NEW_NO_FOLLOW } from './open-flags.js'

/** Why a path inside the folder was refused. */
export type OutsideReason = 'link' | 'not-a-folder' | 'is-a-folder' | 'root-missing' | 'bad-path' | 'moved'

/** A write, rename or delete that would have left the folder (or hit a folder); the message is for people. */
export class OutsideFolderError extends Error {
  readonly code = 'PAIL_OUTSIDE_FOLDER'

  constructor(
    /** The folder-relative path Pail meant to write. */
    readonly path: string,
    /** The folder-relative path that stopped it ('' for the pair's folder itself). */
    readonly blocker: string,
    readonly reason: OutsideReason,
    folderName: string,
  ) {
    super(outsideMessage(path, blocker, reason, folderName))
  }
}

function outsideMessage(path: string, blocker: string, reason: OutsideReason, folderName: string): string {
  const where = `in the folder “${folderName}”`
  switch (reason) {
    case 'link':
      return `Pail did not change “${path}”: “${blocker}” ${where} is a link to another place, and Pail never writes outside the folder.`
    case 'not-a-folder':
      return `Pail did not change “${path}”: “${blocker}” ${where} is a file, not a folder.`
    case 'is-a-folder':
      return `Pail did not change “${path}” ${where}: there is a folder with that name.`
    case 'root-missing':
      return `Pail did not change “${path}”: the folder “${folderName}” is not there (is its drive connected?).`
    case 'moved':
      return `Pail did not change “${path}”: “${blocker}” ${where} was replaced while Pail was writing to it.`
    case 'bad-path':
      return `Pail did not change “${path}”: that is not a path inside the folder “${folderName}”.`
  }
}

/** A folder that was vetted, and how to recognise it again. */
interface Vetted {
  absolute: string
  dev: number
  ino: number
}

/** The outcome of walking to a path's parent: the vetted parent, or the first level that is missing. */
type Walked = { kind: 'ok'; parent: Vetted; absolute: string } | { kind: 'missing' }

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return null
    throw error
  }
}

/** Writes, renames and deletes inside one folder, never through a link (see the module comment). */
export class InsideFolder {
  constructor(
    /** The pair's folder, as the person chose it (it may itself be a link: that was their choice). */
    readonly root: string,
  ) {}

  /** The absolute path of a folder-relative path (no check). */
  absolute(path: string): string {
    return join(this.root, ...path.split('/'))
  }

  /**
   * Throws OutsideFolderError unless a write at `path` would stay in the folder: every existing
   * folder above it is a real folder (missing ones would be created), and `path` is not a folder.
   */
  async check(path: string): Promise<void> {
    const walked = await this.walk(path, false)
    if (walked.kind === 'ok') await this.notAFolder(path, walked.absolute)
  }

  /** Creates a new file at `path` (which must not exist), creating the folders above it; for temporary files. */
  async createFile(path: string, mode: number): Promise<FileHandle> {
    const walked = await this.walkOrThrow(path, true)
    await this.still(path, walked.parent)
    return open(walked.absolute, CREATE_NEW_NO_FOLLOW, mode)
  }

  /** Creates a link at `path` (which must not exist) holding `target`, creating the folders above it. */
  async symlink(target: string, path: string): Promise<void> {
    const walked = await this.walkOrThrow(path, true)
    await this.still(path, walked.parent)
    await symlink(target, walked.absolute)
  }

  /** Renames `from` to `to` (replacing a file or link there, never a folder), creating folders above `to`. */
  async rename(from: string, to: string): Promise<void> {
    const source = await this.walkOrThrow(from, false)
    const target = await this.walkOrThrow(to, true)
    const info = await lstatOrNull(source.absolute)
    if (info?.isDirectory()) throw new OutsideFolderError(from, from, 'is-a-folder', this.name)
    await this.notAFolder(to, target.absolute)
    await this.still(from, source.parent)
    await this.still(to, target.parent)
    await rename(source.absolute, target.absolute)
  }

  /** Moves the folder `from` (a real folder, not a link) to `to`, which must not exist; for conflict copies. */
  async moveFolder(from: string, to: string): Promise<void> {
    const source = await this.walkOrThrow(from, false)
    const target = await this.walkOrThrow(to, true)
    const info = await lstatOrNull(source.absolute)
    if (!info?.isDirectory() || info.isSymbolicLink())
      throw new OutsideFolderError(from, from, 'not-a-folder', this.name)
    if (await lstatOrNull(target.absolute)) {
      const error = new Error(`“${to}” already exists in the folder “${this.name}”.`) as NodeJS.ErrnoException
      error.code = 'EEXIST'
      throw error
    }
    await this.still(from, source.parent)
    await this.still(to, target.parent)
    await rename(source.absolute, target.absolute)
  }

  /** Removes the file or link at `path`; false when nothing is there. Never removes a folder. */
  async remove(path: string): Promise<boolean> {
    const walked = await this.walk(path, false)
    if (walked.kind === 'missing') return false
    const info = await lstatOrNull(walked.absolute)
    if (!info) return false
    if (info.isDirectory()) throw new OutsideFolderError(path, path, 'is-a-folder', this.name)
    await this.still(path, walked.parent)
    try {
      await unlink(walked.absolute)
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return false
      throw error
    }
    return true
  }

  /** What the folder `path` holds ('' for the pair's folder); empty when it is missing. */
  async list(path: string): Promise<Dirent[]> {
    const folder = await this.vetFolders(path, path === '' ? [] : this.segments(path), false)
    if (!folder) return []
    await this.still(path, folder)
    return readdir(folder.absolute, { withFileTypes: true })
  }

  private get name(): string {
    return basename(this.root) || this.root
  }

  private async walkOrThrow(path: string, create: boolean): Promise<Extract<Walked, { kind: 'ok' }>> {
    const walked = await this.walk(path, create)
    if (walked.kind === 'missing') {
      const error = new Error(`“${path}” is not in the folder “${this.name}” any more.`) as NodeJS.ErrnoException
      error.code = 'ENOENT'
      throw error
    }
    return walked
  }

  /** The segments of a folder-relative path; refuses anything that could name a place outside. */
  private segments(path: string): string[] {
    const parts = path.split('/')
    const bad = (part: string): boolean =>
      part === '' ||
      part === '.' ||
      part === '..' ||
      part.includes('\0') ||
      (process.platform === 'win32' && /[\\:]/.test(part))
    if (parts.some(bad)) throw new OutsideFolderError(path, path, 'bad-path', this.name)
    return parts
  }

  private async vetRoot(path: string): Promise<Vetted> {
    let info: Stats
    try {
      // The folder itself may be a link the person chose; what lies below it may not be.
      info = await stat(this.root)
    } catch {
      throw new OutsideFolderError(path, '', 'root-missing', this.name)
    }
    if (!info.isDirectory()) throw new OutsideFolderError(path, '', 'root-missing', this.name)
    return { absolute: this.root, dev: info.dev, ino: info.ino }
  }

  /** Vets every folder above `path`, creating missing ones one level at a time when `create`. */
  private async walk(path: string, create: boolean): Promise<Walked> {
    const segments = this.segments(path)
    const parent = await this.vetFolders(path, segments.slice(0, -1), create)
    if (!parent) return { kind: 'missing' }
    return { kind: 'ok', parent, absolute: join(parent.absolute, segments.at(-1)!) }
  }

  /** Vets the folders `segments` name, from the pair's folder down; null when one is missing and not created. */
  private async vetFolders(path: string, segments: string[], create: boolean): Promise<Vetted | null> {
    let parent = await this.vetRoot(path)
    for (let i = 0; i < segments.length; i++) {
      const relative = segments.slice(0, i + 1).join('/')
      const absolute = join(parent.absolute, segments[i]!)
      let info = await lstatOrNull(absolute)
      if (!info) {
        if (!create) return null
        // The parent was vetted just now; one level, no recursion, so nothing is created through a link.
        await this.still(path, parent)
        try {
          await mkdir(absolute)
        } catch (error) {
          if (codeOf(error) !== 'EEXIST') throw error
        }
        info = await lstat(absolute)
      }
      if (info.isSymbolicLink()) throw new OutsideFolderError(path, relative, 'link', this.name)
      if (!info.isDirectory()) throw new OutsideFolderError(path, relative, 'not-a-folder', this.name)
      parent = { absolute, dev: info.dev, ino: info.ino }
    }
    return parent
  }

  /** Refuses when a folder is at `absolute` (a file or link there is replaced as itself). */
  private async notAFolder(path: string, absolute: string): Promise<void> {
    const info = await lstatOrNull(absolute)
    if (info?.isDirectory()) throw new OutsideFolderError(path, path, 'is-a-folder', this.name)
  }

  /** Right before acting: the parent, reached through its full path, is still the folder that was vetted. */
  private async still(path: string, parent: Vetted): Promise<void> {
    const now = await stat(parent.absolute).catch(() => null)
    if (!now || now.dev !== parent.dev || now.ino !== parent.ino) {
      const relative = parent.absolute === this.root ? '' : parent.absolute.slice(this.root.length + 1)
      throw new OutsideFolderError(path, relative.split(/[\\/]/).join('/'), 'moved', this.name)
    }
  }
}
