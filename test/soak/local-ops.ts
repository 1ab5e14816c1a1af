/**
 * The person at the computer: carries out a schedule's folder steps with plain filesystem calls.
 * The harness never writes through a link (a link in the way means there is nothing to do), so
 * anything that appears outside the folder was put there by Pail.
 */
import { appendFile, chmod, lstat, mkdir, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { contentBytes } from './content.js'
import { dirOf, isUnder } from './names.js'
import type { LinkKind, LocalStep } from './steps.js'

/** The folders a schedule plays in. */
export interface Places {
  folder: string
  /** Beside the folder: files Pail must never read, write or delete (markers, moved folders). */
  outside: string
  /** Pail's home. */
  home: string
}

export interface LocalEffect {
  /** "ok", or why there was nothing to do. */
  result: string
  /** Folder paths (files or folders) the step changed at or under. */
  affected: string[]
  /** Whether the step changed the outside folder (a folder moved out of the paired one). */
  changedOutside: boolean
}

class NothingToDo extends Error {}

const abs = (places: Places, path: string): string => join(places.folder, ...path.split('/'))

async function kindAt(file: string): Promise<'file' | 'dir' | 'link' | 'other' | null> {
  const info = await lstat(file).catch(() => null)
  if (!info) return null
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other'
}

/** Refuses a path whose folders above are links or files (writing there would leave the folder). */
async function guardParents(places: Places, path: string, create: boolean): Promise<void> {
  const parts = dirOf(path) === '' ? [] : dirOf(path).split('/')
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/')
    const kind = await kindAt(abs(places, prefix))
    if (kind === 'dir') continue
    if (kind === null && create) {
      await mkdir(abs(places, prefix))
      continue
    }
    throw new NothingToDo(kind === null ? `${prefix} is not there` : `${prefix} is a ${kind}, not a folder`)
  }
}

async function must(places: Places, path: string, kinds: readonly string[]): Promise<void> {
  await guardParents(places, path, false)
  const kind = await kindAt(abs(places, path))
  if (!kind || !kinds.includes(kind)) throw new NothingToDo(`${path} is ${kind ? `a ${kind}` : 'not there'}`)
}

function linkTarget(places: Places, path: string, kind: LinkKind, target: string | undefined): string {
  switch (kind) {
    case 'inside-file':
    case 'inside-dir':
      return target ?? 'missing'
    case 'outside-file':
      return join(places.outside, 'marker.txt')
    case 'outside-dir':
      return join(places.outside, 'dir')
    case 'dangling':
      return `missing-${path.split('/').pop()}`
    case 'loop':
      return path.split('/').pop()!
    case 'home':
      return places.home
    case 'home-secrets':
      return join(places.home, 'secrets.json')
  }
}

let moved = 0

async function apply(step: LocalStep, places: Places): Promise<{ affected: string[]; changedOutside?: boolean }> {
  switch (step.op) {
    case 'write': {
      await guardParents(places, step.path, true)
      const file = abs(places, step.path)
      const kind = await kindAt(file)
      if (kind === 'dir' || kind === 'other') throw new NothingToDo(`${step.path} is a ${kind}`)
      if (kind === 'link') await rm(file)
      await writeFile(file, contentBytes(step.content))
      if (step.executable) await chmod(file, 0o755)
      return { affected: [step.path] }
    }
    case 'append':
      await must(places, step.path, ['file'])
      await appendFile(abs(places, step.path), contentBytes(step.content))
      return { affected: [step.path] }
    case 'truncate':
      await must(places, step.path, ['file'])
      await truncate(abs(places, step.path), step.size)
      return { affected: [step.path] }
    case 'delete':
      await must(places, step.path, ['file', 'dir', 'link', 'other'])
      await rm(abs(places, step.path), { recursive: true })
      return { affected: [step.path] }
    case 'rename': {
      await must(places, step.from, ['file', 'dir', 'link'])
      if (isUnder(step.to, step.from)) throw new NothingToDo(`${step.to} lies inside ${step.from}`)
      await guardParents(places, step.to, true)
      if (await kindAt(abs(places, step.to))) throw new NothingToDo(`${step.to} exists`)
      await rename(abs(places, step.from), abs(places, step.to))
      return { affected: [step.from, step.to] }
    }
    case 'burst': {
      await guardParents(places, `${step.dir}/x`, true)
      for (let i = 0; i < step.count; i++) {
        const file = abs(places, `${step.dir}/${step.tag} ${i}.txt`)
        if ((await kindAt(file)) === null)
          await writeFile(file, contentBytes({ tag: `${step.tag}.${i}`, size: 40 + i }))
      }
      return { affected: [step.dir] }
    }
    case 'link': {
      await guardParents(places, step.path, true)
      const file = abs(places, step.path)
      if ((await kindAt(file)) === 'dir') throw new NothingToDo(`${step.path} is a folder`)
      await rm(file, { force: true })
      await symlink(linkTarget(places, step.path, step.kind, step.target), file)
      return { affected: [step.path] }
    }
    case 'chmod':
      // chmod follows links: a link's target may lie outside the folder, so links are left alone.
      await must(places, step.path, ['file', 'dir'])
      await chmod(abs(places, step.path), step.mode)
      return { affected: [step.path] }
    case 'file-to-folder': {
      await must(places, step.path, ['file'])
      const file = abs(places, step.path)
      await rm(file)
      await mkdir(file)
      await writeFile(join(file, step.child), contentBytes(step.content))
      return { affected: [step.path] }
    }
    case 'folder-to-file': {
      await must(places, step.path, ['dir'])
      const file = abs(places, step.path)
      await rm(file, { recursive: true })
      await writeFile(file, contentBytes(step.content))
      return { affected: [step.path] }
    }
    case 'folder-to-link': {
      await must(places, step.path, ['dir'])
      const file = abs(places, step.path)
      let target: string
      if (step.kind === 'moved-outside') {
        target = join(places.outside, `moved-${++moved}`)
        await rename(file, target)
      } else {
        await rm(file, { recursive: true })
        target = step.kind === 'home' ? places.home : join(places.outside, 'dir')
      }
      await symlink(target, file)
      return { affected: [step.path], changedOutside: step.kind === 'moved-outside' }
    }
  }
}

/** The folder paths a step may change, at or under. */
export function stepPaths(step: LocalStep): string[] {
  switch (step.op) {
    case 'rename':
      return [step.from, step.to]
    case 'burst':
      return [step.dir]
    default:
      return [step.path]
  }
}

const PERSON_ERRORS = new Set(['EACCES', 'EPERM', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'ENOENT', 'EEXIST'])

/** Carries out one folder step; a step with nothing to act on is reported, not thrown. */
export async function applyLocalStep(step: LocalStep, places: Places): Promise<LocalEffect> {
  try {
    const done = await apply(step, places)
    return { result: 'ok', affected: done.affected, changedOutside: done.changedOutside === true }
  } catch (error) {
    if (error instanceof NothingToDo)
      return { result: `nothing to do: ${error.message}`, affected: [], changedOutside: false }
    const code = (error as NodeJS.ErrnoException).code ?? ''
    // The person's own command failing (in a folder they made unreadable, say) may have done part
    // of its work: the paths count as changed, and the snapshots around the step tell what happened.
    if (PERSON_ERRORS.has(code))
      return { result: `the command failed (${code})`, affected: stepPaths(step), changedOutside: true }
    throw error
  }
}
