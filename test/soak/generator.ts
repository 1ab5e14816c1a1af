/**
 * Draws a schedule from a seed. The generator keeps a rough model of the folder and the branch
 * (which paths exist) only to pick meaningful targets: edits of files that exist, deletions of
 * folders that hold files, another user's edits of the files Pail has. The runner tolerates a
 * model gone stale (a step on a path that is not there is recorded as nothing to do).
 */
import { posix } from 'node:path'
import type { ContentSpec } from './content.js'
import { DIR_NAMES, dirOf, FILE_NAMES, inDir, isUnder, LINE_BREAK_NAME } from './names.js'
import { Random, scheduleSeed } from './prng.js'
import type { FaultStep, KillMoment, LinkKind, LocalStep, PushedFile, RequestClass, Schedule, Step } from './steps.js'

export interface GeneratorOptions {
  /** Steps after the opening (the branch's first files, the first pass), drawn in [min, max]. */
  minSteps: number
  maxSteps: number
  /** Relative weight of process kills (each costs a child process, about a second). */
  killWeight?: number
}

/** The size of every schedule, in `npm test` and `npm run soak` alike (so a replay line is the same for both). */
export const SCHEDULE_SIZES: GeneratorOptions = { minSteps: 15, maxSteps: 40, killWeight: 3 }

/** Schedule `index` of the run seeded `runSeed`: the same steps every time. */
export function generateSchedule(runSeed: number, index: number, options: GeneratorOptions): Schedule {
  const seed = scheduleSeed(runSeed, index)
  return { index, seed, steps: new Generator(new Random(seed), `s${index}`).build(options) }
}

type Kind = 'file' | 'exec' | 'link'

class Generator {
  private readonly files = new Map<string, Kind>()
  private readonly remote = new Set<string>()
  private branchExists = true
  private tags = 0

  constructor(
    private readonly random: Random,
    private readonly prefix: string,
  ) {}

  build(options: GeneratorOptions): Step[] {
    const r = this.random
    const steps: Step[] = []
    // The branch starts with another user's files; the folder sometimes has files of its own.
    const first: Record<string, ContentSpec> = {}
    for (let i = r.int(2, 6); i > 0; i--) first[this.newFilePath(true)] = this.content()
    steps.push(this.remoteCommit(first, []))
    for (let i = r.chance(0.4) ? r.int(1, 3) : 0; i > 0; i--) steps.push(this.writeNew())
    steps.push(this.pass(false))
    const count = r.int(options.minSteps, options.maxSteps)
    while (steps.length < count + 2) steps.push(...this.next(options.killWeight ?? 3))
    return steps
  }

  private next(killWeight: number): Step[] {
    const r = this.random
    const choice = r.weighted({
      local: 46,
      remoteCommit: this.branchExists ? 10 : 0,
      remotePush: this.branchExists ? 2 : 0,
      deleteBranch: this.branchExists ? 1 : 0,
      createBranch: this.branchExists ? 0 : 3,
      fault: 8,
      expire: 1.5,
      revoke: 1,
      pass: 15,
      passDuring: 6,
      kill: killWeight,
    })
    switch (choice) {
      case 'local':
        return [this.local()]
      case 'remoteCommit':
        return [this.remoteEdit()]
      case 'remotePush':
        return [this.remotePush()]
      case 'deleteBranch':
        this.branchExists = false
        this.remote.clear()
        return [{ op: 'delete-branch' }]
      case 'createBranch':
        this.branchExists = true
        return [{ op: 'create-branch' }]
      case 'fault':
        return [this.fault()]
      case 'expire':
        return [{ op: 'expire-tokens' }]
      case 'revoke':
        // Sometimes the renewal is refused as well: the person must sign in again.
        return r.chance(0.5)
          ? [{ op: 'revoke-tokens' }]
          : [
              { op: 'revoke-tokens' },
              { op: 'fault', fault: 'refuse-token', request: 'token', count: 1, status: r.pick([400, 401]) },
            ]
      case 'pass':
        return [this.pass(r.chance(0.5))]
      case 'passDuring': {
        const hold = r.pick<RequestClass>(['diffstat', 'branch', 'raw', 'meta', 'commit', 'listing'])
        const inner = Array.from({ length: r.int(1, 3) }, () => this.local())
        this.synced()
        return [{ op: 'pass-during', hold, ms: r.int(200, 800), steps: inner }]
      }
      case 'kill':
        return [{ op: 'kill', moment: this.killMoment(), restart: r.chance(0.7) }]
    }
  }

  private pass(confirmIfHeld: boolean): Step {
    this.synced()
    return { op: 'pass', confirmIfHeld }
  }

  /** After a pass the model takes both sides as one (roughly: downloads in, uploads out). */
  private synced(): void {
    if (!this.branchExists) return
    for (const path of this.remote) if (!this.files.has(path) && !this.hasDirAt(path)) this.files.set(path, 'file')
    this.remote.clear()
    for (const path of this.files.keys()) this.remote.add(path)
  }

  private tag(): string {
    return `${this.prefix}.${++this.tags}`
  }

  private content(): ContentSpec {
    const r = this.random
    const roll = r.float()
    const size =
      roll < 0.05 ? 0 : roll < 0.9 ? r.int(20, 4000) : roll < 0.99 ? r.int(4000, 40_000) : r.int(200_000, 1_500_000)
    return { tag: this.tag(), size, ...(r.chance(0.15) ? { binary: true } : {}) }
  }

  private dirs(): string[] {
    const dirs = new Set<string>()
    for (const path of this.files.keys()) for (let d = dirOf(path); d !== ''; d = dirOf(d)) dirs.add(d)
    return [...dirs].sort()
  }

  private hasDirAt(path: string): boolean {
    for (const file of this.files.keys()) if (file.startsWith(`${path}/`)) return true
    return false
  }

  /** A path for a new file: in the top folder, an existing folder or a new one. */
  private newFilePath(remote = false): string {
    const r = this.random
    for (let attempt = 0; attempt < 10; attempt++) {
      const dirs = this.dirs()
      const roll = r.float()
      const dir =
        roll < 0.35 || (dirs.length === 0 && roll < 0.6)
          ? ''
          : roll < 0.7 && dirs.length > 0
            ? r.pick(dirs)
            : inDir(r.chance(0.3) && dirs.length > 0 ? r.pick(dirs) : '', r.pick(DIR_NAMES))
      const path = inDir(dir, r.pick(FILE_NAMES))
      const clash = this.files.get(dirOf(path)) !== undefined || this.hasDirAt(path)
      if (!clash && !(remote && this.remote.has(path))) return path
    }
    return inDir('', `extra ${this.tag()}.txt`)
  }

  private pickFile(kinds: readonly Kind[] = ['file', 'exec']): string | null {
    const candidates = [...this.files].filter(([, kind]) => kinds.includes(kind)).map(([path]) => path)
    return candidates.length ? this.random.pick(candidates.sort()) : null
  }

  private remove(prefix: string): void {
    for (const path of [...this.files.keys()]) if (isUnder(path, prefix)) this.files.delete(path)
  }

  private writeNew(executable = false): LocalStep {
    const path = this.newFilePath()
    this.files.set(path, executable ? 'exec' : 'file')
    return { op: 'write', path, content: this.content(), ...(executable ? { executable } : {}) }
  }

  private local(): LocalStep {
    const r = this.random
    const choice = r.weighted({
      writeNew: 10,
      edit: 8,
      append: 4,
      truncate: 2,
      delete: 5,
      rename: 4,
      moveFolder: 2,
      burst: 2,
      link: 3,
      chmod: 2,
      fileToFolder: 1,
      folderToFile: 1,
      folderToLink: 1,
      lineBreak: 0.25,
      executable: 1,
    })
    const file = this.pickFile()
    const dirs = this.dirs()
    switch (choice) {
      case 'edit':
        if (file) return { op: 'write', path: file, content: this.content() }
        break
      case 'append':
        if (file) return { op: 'append', path: file, content: { tag: this.tag(), size: r.int(1, 2000) } }
        break
      case 'truncate':
        if (file) return { op: 'truncate', path: file, size: r.chance(0.5) ? 0 : r.int(1, 30) }
        break
      case 'delete': {
        const target = dirs.length > 0 && r.chance(0.3) ? r.pick(dirs) : this.pickFile(['file', 'exec', 'link'])
        if (target) {
          this.remove(target)
          return { op: 'delete', path: target }
        }
        break
      }
      case 'rename':
        if (file) {
          const to = r.chance(0.5) ? inDir(dirOf(file), r.pick(FILE_NAMES)) : this.newFilePath()
          if (to !== file && !this.files.has(to) && !this.hasDirAt(to)) {
            const kind = this.files.get(file)!
            this.files.delete(file)
            this.files.set(to, kind)
            return { op: 'rename', from: file, to }
          }
        }
        break
      case 'moveFolder':
        if (dirs.length > 0) {
          const from = r.pick(dirs)
          const to = inDir(r.chance(0.3) ? '' : dirOf(from), `${r.pick(DIR_NAMES)} moved ${this.tags}`)
          for (const [path, kind] of [...this.files]) {
            if (!isUnder(path, from)) continue
            this.files.delete(path)
            this.files.set(to + path.slice(from.length), kind)
          }
          return { op: 'rename', from, to }
        }
        break
      case 'burst': {
        const dir = inDir(dirs.length > 0 && r.chance(0.3) ? r.pick(dirs) : '', `burst ${this.tags + 1}`)
        const tag = this.tag()
        const count = r.int(8, 30)
        for (let i = 0; i < count; i++) this.files.set(inDir(dir, `${tag} ${i}.txt`), 'file')
        return { op: 'burst', dir, count, tag }
      }
      case 'link':
        return this.link()
      case 'chmod': {
        const target = dirs.length > 0 && r.chance(0.3) ? r.pick(dirs) : file
        if (target) return { op: 'chmod', path: target, mode: r.pick([0o000, 0o000, 0o755, 0o644, 0o700]) }
        break
      }
      case 'fileToFolder':
        if (file) {
          const child = r.pick(FILE_NAMES)
          this.files.delete(file)
          this.files.set(inDir(file, child), 'file')
          return { op: 'file-to-folder', path: file, child, content: this.content() }
        }
        break
      case 'folderToFile':
        if (dirs.length > 0) {
          const dir = r.pick(dirs)
          this.remove(dir)
          this.files.set(dir, 'file')
          return { op: 'folder-to-file', path: dir, content: this.content() }
        }
        break
      case 'folderToLink':
        if (dirs.length > 0) {
          const dir = r.pick(dirs)
          this.remove(dir)
          this.files.set(dir, 'link')
          return {
            op: 'folder-to-link',
            path: dir,
            kind: r.pick(['moved-outside', 'moved-outside', 'outside-dir', 'home']),
          }
        }
        break
      case 'lineBreak': {
        const path = inDir(dirs.length > 0 && r.chance(0.3) ? r.pick(dirs) : '', LINE_BREAK_NAME)
        this.files.set(path, 'file')
        return { op: 'write', path, content: this.content() }
      }
      case 'executable':
        return this.writeNew(true)
      case 'writeNew':
        break
    }
    return this.writeNew()
  }

  private link(): LocalStep {
    const r = this.random
    const path = this.newFilePath()
    const kind = r.pick<LinkKind>([
      'inside-file',
      'inside-file',
      'inside-dir',
      'outside-file',
      'outside-dir',
      'dangling',
      'loop',
      'home',
      'home-secrets',
    ])
    const file = this.pickFile()
    const dirs = this.dirs().filter((d) => !isUnder(dirOf(path), d))
    this.files.set(path, 'link')
    if (kind === 'inside-file' && file) return { op: 'link', path, kind, target: posix.relative(dirOf(path), file) }
    if (kind === 'inside-dir' && dirs.length > 0)
      return { op: 'link', path, kind, target: posix.relative(dirOf(path), r.pick(dirs)) || '.' }
    if (kind === 'inside-file' || kind === 'inside-dir') return { op: 'link', path, kind: 'dangling' }
    return { op: 'link', path, kind }
  }

  private remoteCommit(chosen: Record<string, ContentSpec>, deletions: string[]): Step {
    // One commit cannot hold a file and a folder of the same name ("deep" and "deep/a.txt"): git
    // keeps only one of them, so the other "version" never existed. Of such a pair, the later stays.
    const paths = Object.keys(chosen)
    const files = Object.fromEntries(
      Object.entries(chosen).filter(
        ([path], i) => !paths.slice(i + 1).some((o) => isUnder(o, path) || isUnder(path, o)),
      ),
    )
    for (const path of Object.keys(files)) this.remote.add(path)
    for (const path of deletions) this.remote.delete(path)
    return { op: 'remote-commit', files, deletions }
  }

  /** Another user edits files Pail has, adds others, and sometimes deletes one. */
  private remoteEdit(): Step {
    const r = this.random
    const files: Record<string, ContentSpec> = {}
    const shared = [...this.remote].filter((p) => this.files.get(p) === 'file' || this.files.get(p) === 'exec').sort()
    for (let i = r.int(0, 2); i > 0 && shared.length > 0; i--) files[r.pick(shared)] = this.content()
    if (Object.keys(files).length === 0 || r.chance(0.4)) files[this.newFilePath(true)] = this.content()
    const deletable = [...this.remote].filter((p) => !(p in files)).sort()
    const deletions = deletable.length > 0 && r.chance(0.3) ? [r.pick(deletable)] : []
    return this.remoteCommit(files, deletions)
  }

  private remotePush(): Step {
    const r = this.random
    const path = this.newFilePath(true)
    this.remote.add(path)
    let file: PushedFile
    if (r.chance(0.5)) file = { path, mode: 'executable', content: this.content() }
    else {
      const sibling = [...this.remote].filter((p) => p !== path).sort()
      const target = r.pick([
        sibling.length > 0 ? posix.relative(dirOf(path), r.pick(sibling)) : 'missing.txt',
        '<outside>/marker.txt',
        '../../outside.txt',
        'nowhere.txt',
      ])
      file = { path, mode: 'link', target }
    }
    return { op: 'remote-push', files: [file] }
  }

  private fault(): FaultStep {
    const r = this.random
    const fault = r.weighted({ status: 4, drop: 2, cut: 2, 'rate-limit': 1.5, delay: 1 })
    const any: RequestClass[] = [
      'branch',
      'diffstat',
      'listing',
      'meta',
      'raw',
      'commit',
      'commit-read',
      'token',
      'any',
    ]
    switch (fault) {
      case 'status':
        return {
          op: 'fault',
          fault,
          request: r.pick(any),
          status: r.pick([500, 502, 503, 504]),
          count: r.int(1, 3),
          skip: r.int(0, 2),
        }
      case 'drop': {
        const request = r.pick<RequestClass>(['commit', 'commit', 'raw', 'diffstat', 'branch', 'meta'])
        return { op: 'fault', fault, request, count: 1, afterBytes: request === 'commit' ? r.int(0, 3000) : 0 }
      }
      case 'cut':
        return {
          op: 'fault',
          fault,
          request: r.pick(['raw', 'raw', 'meta']),
          count: 1,
          afterBytes: r.int(0, 200),
          skip: r.int(0, 1),
        }
      case 'rate-limit':
        return { op: 'fault', fault, request: r.pick(any), count: r.int(1, 2) }
      case 'delay':
        return { op: 'fault', fault, request: r.pick(any), count: r.int(1, 3), ms: r.int(100, 1500) }
    }
  }

  private killMoment(): KillMoment {
    const r = this.random
    switch (r.weighted({ request: 3, afterCommit: 2, timer: 2 })) {
      case 'request':
        return {
          at: 'request',
          request: r.pick<RequestClass>(['commit', 'commit', 'diffstat', 'raw', 'branch', 'meta', 'commit-read']),
          skip: Number(r.weighted({ '0': 7, '1': 2, '2': 1 })),
        }
      case 'afterCommit':
        return { at: 'after-commit' }
      case 'timer':
        return { at: 'timer', ms: r.int(0, 600) }
    }
  }
}
