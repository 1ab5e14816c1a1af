/**
 * Nothing under Pail's own home (settings, accounts, `secrets.json`) is ever read for upload,
 * however it is reached: a paired folder that is a link to the home, a link inside a folder, a
 * `PAIL_HOME` that is itself a link, or `pail upload ~/.config/pail/secrets.json` (issue #7,
 * point 6). Every check works on real paths, links resolved.
 *
 * One guard per process: each Pail home the process uses is registered once (`protectHome`, which
 * the pair store and the shells call), its real path computed then, and `processReadGuard()`
 * covers all of them plus the home this process's environment names. The pair store, the scanner,
 * manual upload and, last of all, the code that opens a file to send it (upload-source.ts) consult it.
 *
 * Hard links are out of its reach: a second name for the same file, made on purpose, looks like
 * any other file.
 */
import { realpathSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { pailHome } from '../config/pail-home.js'

/** A path inside Pail's home that something asked to read for upload; the message is for people. */
export class ProtectedPathError extends Error {
  readonly code = 'read-guard.pail-home'

  constructor(
    /** The path as it was asked for. */
    readonly path: string,
  ) {
    super(
      `Pail does not upload "${path}": it is inside Pail's own folder, which holds your sign-in secrets. Pick files from somewhere else.`,
    )
  }
}

// macOS and Windows filesystems usually ignore case, so "Pail" and "pail" are one folder there.
const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32'

function comparable(path: string): string {
  return caseInsensitive ? path.toLowerCase() : path
}

/** Whether `path` is `root` or lies inside it (both absolute and normalised). */
function isAtOrUnder(path: string, root: string): boolean {
  const p = comparable(path)
  const r = comparable(root)
  return p === r || p.startsWith(r.endsWith(sep) ? r : r + sep)
}

/** What resolving one path gave: its real path, or the error. */
type Resolved = { real: string } | { error: unknown }

/**
 * The steps of realPathAllowingMissing, shared by its two drivers (through the thread pool, and
 * synchronously): each step yields a path to resolve and is given what resolving it gave.
 */
function* realPathSteps(path: string): Generator<string, string, Resolved> {
  const absolute = resolve(path)
  const missing: string[] = []
  let current = absolute
  for (;;) {
    const resolved = yield current
    if ('real' in resolved) return missing.length === 0 ? resolved.real : join(resolved.real, ...missing.reverse())
    const code = (resolved.error as NodeJS.ErrnoException).code
    const parent = dirname(current)
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) return absolute
    missing.push(basename(current))
    current = parent
  }
}

/**
 * The real path of `path` with every link resolved, also when its last parts do not exist yet:
 * the deepest part that exists is resolved and the rest appended (a home not created yet still
 * has the real place it will be created in).
 */
export async function realPathAllowingMissing(path: string): Promise<string> {
  const steps = realPathSteps(path)
  for (let step = steps.next(); ;) {
    if (step.done) return step.value
    let resolved: Resolved
    try {
      resolved = { real: await realpath(step.value) }
    } catch (error) {
      resolved = { error }
    }
    step = steps.next(resolved)
  }
}

/** realPathAllowingMissing, synchronously (the same realpath(3) as fs/promises' realpath, without the thread pool). */
export function realPathAllowingMissingNow(path: string): string {
  const steps = realPathSteps(path)
  for (let step = steps.next(); ;) {
    if (step.done) return step.value
    let resolved: Resolved
    try {
      resolved = { real: realpathSync.native(step.value) }
    } catch (error) {
      resolved = { error }
    }
    step = steps.next(resolved)
  }
}

/** Refuses paths whose real location is at or under one of its folders. */
export class ReadGuard {
  /** @param roots Absolute real paths of the protected folders. */
  constructor(readonly roots: readonly string[]) {}

  /** Whether `realPath` (absolute, links already resolved) is a protected folder or inside one. */
  covers(realPath: string): boolean {
    return this.roots.some((root) => isAtOrUnder(realPath, root))
  }

  /** The protected folder that `realPath` holds (is, or is a parent of), if any. */
  protectedInside(realPath: string): string | null {
    return this.roots.find((root) => isAtOrUnder(root, realPath)) ?? null
  }

  /** Whether `path`, links resolved, is a protected folder or inside one. */
  async refuses(path: string): Promise<boolean> {
    return this.covers(await realPathAllowingMissing(path))
  }

  /**
   * Throws ProtectedPathError when `path`, links resolved, is protected; else returns its real
   * path. With `isLink`, the last part is a link that will not be followed (its own text is what
   * is read), so only the folders above it are resolved.
   */
  async assertReadable(path: string, options: ReadableOptions = {}): Promise<string> {
    const real = options.isLink
      ? join(await realPathAllowingMissing(dirname(resolve(path))), basename(path))
      : await realPathAllowingMissing(path)
    return this.refuseProtected(real, path, options)
  }

  /** assertReadable, synchronously (see sync-while-fast.ts for when). */
  assertReadableNow(path: string, options: ReadableOptions = {}): string {
    const real = options.isLink
      ? join(realPathAllowingMissingNow(dirname(resolve(path))), basename(path))
      : realPathAllowingMissingNow(path)
    return this.refuseProtected(real, path, options)
  }

  private refuseProtected(real: string, path: string, options: ReadableOptions): string {
    if (this.covers(real)) throw new ProtectedPathError(options.shown ?? path)
    return real
  }
}

/** Options of assertReadable: `shown`, the path as the person gave it; `isLink`, see there. */
interface ReadableOptions {
  shown?: string
  isLink?: boolean
}

/** Home as given (resolved) → its real path, computed once per process. */
const homes = new Map<string, Promise<string>>()

/**
 * Registers `home` as a Pail home of this process, at once (its real path is found once, in the
 * background; the guard waits for it). Later calls for the same home change nothing.
 */
export function registerHome(home: string): void {
  const key = resolve(home)
  if (!homes.has(key)) homes.set(key, realPathAllowingMissing(key))
}

/** Registers `home` (registerHome) and returns the process's guard, which covers it. */
export function protectHome(home: string): Promise<ReadGuard> {
  registerHome(home)
  return processReadGuard()
}

/**
 * The guard of this process: every home registered with `protectHome`, and the home this
 * process's environment names (so a caller that forgot to register one is still covered). Both
 * the given and the real path of each are protected.
 */
export async function processReadGuard(): Promise<ReadGuard> {
  registerHome(pailHome(process.env))
  const entries = await Promise.all([...homes].map(async ([given, real]) => [given, await real]))
  return new ReadGuard([...new Set(entries.flat())])
}
