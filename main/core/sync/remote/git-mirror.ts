/**
 * A pair's own small copy of the branch's history, fetched over git (git/upload-pack-fetch.ts), so
 * that the pass reads other people's changes — which commits came, what they changed, the files'
 * bytes — without a single REST API request (bitbucket-api.md §5: the OAuth consumer's 1,000 an
 * hour are shared by the whole office; git has 60,000 of its own).
 *
 * What is kept, in the pair's state folder (`git/`): the commits and trees of every fetch, in one
 * compressed bundle file per fetch, and which commits are complete here (their whole tree is in
 * the bundles) and which are shallow (their parents are not). Blobs are not kept: the pack of the
 * last fetch stays on disk for the pass that asked for it, and the files come out of it.
 *
 * A fetch names the complete commits it has, so the server sends only what is new: the commits,
 * the trees and the blobs of other people's changes. With none complete yet (the first time, or
 * after the cache was cleared), the fetch is shallow (`deepen 1`): the tip's commit, all its
 * trees and all its files — as much as a first sync downloads anyway, in one request instead of
 * two per file. Past MAX_BUNDLES the bundles are folded into one holding just the newest complete
 * commit, so the copy never grows with the repository's age.
 *
 * Nothing here is trusted further than its checksum: a bundle that does not read is dropped and
 * the next fetch starts afresh; a damaged pack is refused (the caller asks the REST API instead).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'
import { z } from 'zod'
import { writeFileAtomic } from '../../fs/atomic-write.js'
import {
  GitObjectError,
  objectId,
  parseCommit,
  parseTree,
  type CommitObject,
  type TreeEntry,
} from '../../git/git-objects.js'
import { PackFile, type PackedObject } from '../../git/pack-file.js'
import { GitRefsUnavailable } from '../../git/ref-advertisement.js'
import type { FetchWants, UploadPackFetch } from '../../git/upload-pack-fetch.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'
import type { RepoRef } from './remote-tree.js'

/** How many bundles are kept before they are folded into one. */
export const MAX_BUNDLES = 32
/** How many complete commits a fetch names as haves (the newest first). */
const MAX_HAVES = 16
/**
 * The largest first (shallow) fetch: the whole branch at its tip, every folder's files, not only
 * the pair's. Past it the mirror gives up for BOOTSTRAP_PAUSE_MS and the REST API reads the
 * changes, file by file, as before (a pair on a small folder of a huge repository).
 */
export const MAX_BOOTSTRAP_BYTES = 512 * 1024 * 1024
export const BOOTSTRAP_PAUSE_MS = 24 * 60 * 60 * 1000

interface MirrorState {
  version: 1
  /** Commits whose whole tree is here, newest last. */
  complete: string[]
  /** Commits here without their parents. */
  shallow: string[]
  /** When a first fetch was given up as too large (ms since the epoch). */
  tooLargeAt?: number
}

const oid = z.string().regex(/^[0-9a-f]{40}$/)
const stateSchema = z.object({
  version: z.literal(1),
  complete: z.array(oid),
  shallow: z.array(oid),
  tooLargeAt: z.number().optional(),
}) satisfies z.ZodType<MirrorState>

const TYPE_CODE = { commit: 1, tree: 2 } as const

export interface GitMirrorOptions {
  /** The mirror's folder (in the pair's state folder). */
  dir: string
  ref: RepoRef
  fetcher: Pick<UploadPackFetch, 'fetch'>
  logger?: Logger
  now?: () => number
  /** MAX_BOOTSTRAP_BYTES unless given (tests). */
  maxBootstrapBytes?: number
}

/** The tip a fetch brought, with the pack its files come out of. */
interface Fetched {
  tip: string
  pack: PackFile
  path: string
}

export class GitMirror {
  private readonly state: JsonStore<MirrorState>
  /** Commits and trees, loaded from the bundles on first use. */
  private objects: Map<string, { type: 'commit' | 'tree'; content: Buffer }> | null = null
  private readonly parsedTrees = new Map<string, TreeEntry[]>()
  private fetched: Fetched | null = null

  constructor(private readonly options: GitMirrorOptions) {
    this.state = new JsonStore({
      file: join(options.dir, 'state.json'),
      schema: stateSchema,
      empty: () => ({ version: 1, complete: [], shallow: [] }),
      damage: { kind: 'rebuild' },
      ...(options.logger ? { logger: options.logger } : {}),
    })
  }

  private get log(): Logger {
    return this.options.logger ?? silentLogger
  }

  /**
   * Makes sure `tip` is here: its commit and trees, and the files that changed since the complete
   * commits this mirror has (in the pack of this fetch). Throws GitRefsUnavailable when git cannot
   * answer, GitObjectError when what came is damaged.
   */
  async bring(tip: string): Promise<void> {
    if (this.fetched?.tip === tip) return
    const objects = await this.load()
    const state = await this.state.read()
    const complete = state.complete.filter((c) => objects.has(c))
    const now = (this.options.now ?? Date.now)()
    if (complete.length === 0 && state.tooLargeAt !== undefined && now - state.tooLargeAt < BOOTSTRAP_PAUSE_MS)
      throw new GitRefsUnavailable('too-large', 'The branch was too large to fetch over git the last time.')
    const what: FetchWants =
      complete.length > 0
        ? { wants: [tip], haves: complete.slice(-MAX_HAVES).reverse(), shallow: state.shallow }
        : {
            wants: [tip],
            haves: [],
            shallow: [],
            deepen: 1,
            maxBytes: this.options.maxBootstrapBytes ?? MAX_BOOTSTRAP_BYTES,
          }
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 })
    const path = join(this.options.dir, `fetch-${randomBytes(6).toString('hex')}.pack`)
    let pack: PackFile
    let shallow: { shallow: string[]; unshallow: string[] }
    try {
      shallow = await this.options.fetcher.fetch(this.options.ref, what, path)
      pack = await PackFile.open(path)
    } catch (error) {
      await rm(path, { force: true })
      if (error instanceof GitRefsUnavailable && error.reason === 'too-large')
        await this.state.replace({ ...state, tooLargeAt: now })
      throw error
    }
    const added = await this.keep(pack, objects)
    const shallowSet = new Set(what.deepen ? [] : state.shallow)
    for (const s of shallow.shallow) shallowSet.add(s)
    for (const s of shallow.unshallow) shallowSet.delete(s)
    const nowComplete = this.hasWholeTree(tip) ? [...complete.filter((c) => c !== tip), tip] : complete
    await this.state.replace({ version: 1, complete: nowComplete, shallow: [...shallowSet] })
    await this.drop()
    this.fetched = { tip, pack, path }
    this.log.info('sync.git-fetch', {
      repository: `${this.options.ref.workspace}/${this.options.ref.repository}`,
      kind: what.deepen ? 'shallow' : 'incremental',
      objects: pack.objects.size,
      kept: added,
    })
    await this.fold(nowComplete)
  }

  /** A commit, or null when it is not here. */
  commit(oid: string): CommitObject | null {
    const found = this.objects?.get(oid)
    return found?.type === 'commit' ? parseCommit(found.content) : null
  }

  /** A tree's entries, or null when it is not here. */
  tree(oid: string): TreeEntry[] | null {
    const parsed = this.parsedTrees.get(oid)
    if (parsed) return parsed
    const found = this.objects?.get(oid)
    if (found?.type !== 'tree') return null
    const entries = parseTree(found.content)
    if (this.parsedTrees.size > 4096) this.parsedTrees.clear()
    this.parsedTrees.set(oid, entries)
    return entries
  }

  /** A blob of the last fetch's pack, or null when that pack does not hold it. */
  blob(oid: string): PackedObject | null {
    const found = this.fetched?.pack.objects.get(oid)
    return found?.type === 'blob' ? found : null
  }

  /** Hands the bytes of a blob of the last fetch's pack to `write`. */
  streamBlob(oid: string, write: (chunk: Buffer) => Promise<void>): Promise<void> {
    if (!this.fetched) throw new GitObjectError(`The blob ${oid} is not here.`)
    return this.fetched.pack.streamBlob(oid, write)
  }

  /** Closes and removes the last fetch's pack (its blobs are no longer needed). */
  async drop(): Promise<void> {
    const fetched = this.fetched
    this.fetched = null
    if (!fetched) return
    await fetched.pack.close()
    await rm(fetched.path, { force: true })
  }

  /** Whether every tree under `commit` is here. */
  private hasWholeTree(commit: string): boolean {
    const root = this.commit(commit)?.tree
    if (!root) return false
    const queue = [root]
    const seen = new Set(queue)
    while (queue.length > 0) {
      const entries = this.tree(queue.pop()!)
      if (!entries) return false
      for (const e of entries)
        if (e.kind === 'tree' && !seen.has(e.oid)) {
          seen.add(e.oid)
          queue.push(e.oid)
        }
    }
    return true
  }

  /** Adds the pack's commits and trees to the objects and writes them as a new bundle; returns how many. */
  private async keep(
    pack: PackFile,
    objects: Map<string, { type: 'commit' | 'tree'; content: Buffer }>,
  ): Promise<number> {
    const records: Buffer[] = []
    for (const [id, info] of pack.objects) {
      if ((info.type !== 'commit' && info.type !== 'tree') || objects.has(id)) continue
      const { content } = await pack.read(id)
      objects.set(id, { type: info.type, content })
      records.push(record(info.type, id, content))
    }
    if (records.length > 0) await this.writeBundle(records)
    return records.length
  }

  private async writeBundle(records: Buffer[]): Promise<void> {
    const name = `${Date.now().toString(36).padStart(10, '0')}-${randomBytes(4).toString('hex')}.bundle`
    await writeFileAtomic(join(this.bundleDir, name), deflateSync(Buffer.concat(records)))
  }

  private get bundleDir(): string {
    return join(this.options.dir, 'bundles')
  }

  /** Past MAX_BUNDLES: one bundle with the newest complete commit and its trees, which becomes shallow. */
  private async fold(complete: readonly string[]): Promise<void> {
    const names = await this.bundleNames()
    const newest = complete.at(-1)
    if (names.length <= MAX_BUNDLES || !newest || !this.objects) return
    const keep = new Map<string, { type: 'commit' | 'tree'; content: Buffer }>()
    const commit = this.objects.get(newest)!
    keep.set(newest, commit)
    const queue = [parseCommit(commit.content).tree]
    while (queue.length > 0) {
      const id = queue.pop()!
      if (keep.has(id)) continue
      const tree = this.objects.get(id)!
      keep.set(id, tree)
      for (const e of parseTree(tree.content)) if (e.kind === 'tree') queue.push(e.oid)
    }
    await this.writeBundle([...keep].map(([id, o]) => record(o.type, id, o.content)))
    await this.state.replace({ version: 1, complete: [newest], shallow: [newest] })
    for (const name of names) await rm(join(this.bundleDir, name), { force: true })
    this.objects = keep
    this.parsedTrees.clear()
  }

  private async bundleNames(): Promise<string[]> {
    const names = await readdir(this.bundleDir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith('.bundle')).sort()
  }

  /** The objects of every bundle that reads; a damaged one is removed (its commits are no longer complete). */
  private async load(): Promise<Map<string, { type: 'commit' | 'tree'; content: Buffer }>> {
    if (this.objects) return this.objects
    const objects = new Map<string, { type: 'commit' | 'tree'; content: Buffer }>()
    // Packs of a process that stopped mid-pass: their blobs are of no use now.
    for (const name of await readdir(this.options.dir).catch(() => [] as string[]))
      if (/^fetch-[0-9a-f]{12}\.pack$/.test(name)) await rm(join(this.options.dir, name), { force: true })
    for (const name of await this.bundleNames()) {
      const file = join(this.bundleDir, name)
      try {
        for (const [id, o] of readBundle(await readFile(file))) objects.set(id, o)
      } catch (error) {
        this.log.warn('sync.git-bundle-damaged', {
          file,
          size: (await stat(file).catch(() => null))?.size ?? null,
          error: (error as Error).message,
        })
        await rm(file, { force: true })
      }
    }
    this.objects = objects
    return objects
  }
}

/** One bundle record: type code, 20-byte id, 4-byte length, content. */
function record(type: 'commit' | 'tree', id: string, content: Buffer): Buffer {
  const head = Buffer.alloc(25)
  head[0] = TYPE_CODE[type]
  head.write(id, 1, 'hex')
  head.writeUInt32BE(content.length, 21)
  return Buffer.concat([head, content])
}

/** The records of a bundle, each checked against its id. */
function readBundle(file: Buffer): [string, { type: 'commit' | 'tree'; content: Buffer }][] {
  const data = inflateSync(file)
  const out: [string, { type: 'commit' | 'tree'; content: Buffer }][] = []
  let at = 0
  while (at < data.length) {
    if (at + 25 > data.length) throw new GitObjectError('A bundle is cut short.')
    const type = data[at] === 1 ? 'commit' : data[at] === 2 ? 'tree' : null
    const id = data.toString('hex', at + 1, at + 21)
    const length = data.readUInt32BE(at + 21)
    const content = Buffer.from(data.subarray(at + 25, at + 25 + length))
    if (!type || content.length !== length || objectId(type, content) !== id)
      throw new GitObjectError('A bundle record does not match its id.')
    out.push([id, { type, content }])
    at += 25 + length
  }
  return out
}
