/**
 * Fetches objects over git's smart HTTP, protocol v2 `fetch` (gitprotocol-v2): the commits, trees
 * and blobs reachable from the wanted commits and not from those the client says it has, as one
 * packfile written straight to disk. It is how Pail reads other people's changes without spending
 * the OAuth consumer's hourly REST budget that every member of staff shares (bitbucket-api.md §5):
 * git requests count against git's own 60,000 an hour.
 *
 * The pack arrives in side-band packets (band 1 data, 2 progress, 3 a fatal error); its trailing
 * checksum is verified before the caller reads it. The same credentials and 401 renewal as the ref
 * advertisement (ref-advertisement.ts); requests go through undici's global dispatcher (proxy, TLS).
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { request } from 'undici'
import type { Authorizer } from '../bitbucket/api-client.js'
import type { RepoRef } from '../bitbucket/api-paths.js'
import { DELIM, FLUSH, pktLine, PktLineError, readPktLines, type RawPacket } from './pkt-line.js'
import { gitUrlOf, GitRefsUnavailable } from './ref-advertisement.js'

export interface FetchWants {
  /** The commits wanted. */
  wants: readonly string[]
  /** Commits the client has with everything they reach (the server leaves those objects out). */
  haves: readonly string[]
  /** Commits the client has without their parents (gitprotocol-v2 `shallow`). */
  shallow: readonly string[]
  /** Fetch only this many commits of history from each want (a shallow fetch). */
  deepen?: number
  /** Stop (GitRefsUnavailable 'too-large') once the pack grows past this many bytes. */
  maxBytes?: number
}

/** What the server said of the client's shallow boundaries after the fetch. */
export interface FetchedShallow {
  shallow: string[]
  unshallow: string[]
}

export interface UploadPackOptions {
  webUrl: string
  authorizer: Authorizer
}

const RESULT_TYPE = 'application/x-git-upload-pack-result'
const OID = /^[0-9a-f]{40}$/

/** Fetches packs from one account's git host. */
export class UploadPackFetch {
  constructor(private readonly options: UploadPackOptions) {}

  /**
   * Fetches `what` of `ref` into a new file at `packPath`. Throws GitRefsUnavailable when git cannot
   * answer (unreachable, refused, not git, or a pack that is not whole); the file may then be left
   * half-written for the caller to remove.
   */
  async fetch(ref: RepoRef, what: FetchWants, packPath: string): Promise<FetchedShallow> {
    for (const oid of [...what.wants, ...what.haves, ...what.shallow])
      if (!OID.test(oid)) throw new RangeError(`Not a commit id: ${oid}`)
    const body = Buffer.concat([
      pktLine('command=fetch'),
      DELIM,
      pktLine('no-progress'),
      pktLine('ofs-delta'),
      ...(what.deepen ? [pktLine(`deepen ${what.deepen}`)] : []),
      ...what.shallow.map((oid) => pktLine(`shallow ${oid}`)),
      ...what.wants.map((oid) => pktLine(`want ${oid}`)),
      ...what.haves.map((oid) => pktLine(`have ${oid}`)),
      pktLine('done'),
      FLUSH,
    ])
    const url = `${gitUrlOf(this.options.webUrl, ref)}/git-upload-pack`
    const repo = `${ref.workspace}/${ref.repository}`
    let authorization = await this.options.authorizer.header()
    let res = await this.post(url, authorization, body)
    if (res.statusCode === 401) {
      await res.body.dump()
      const retry = await this.options.authorizer.afterUnauthorized(authorization)
      if (retry) {
        authorization = retry
        res = await this.post(url, authorization, body)
      }
    }
    const type = String(res.headers['content-type'] ?? '')
    if (res.statusCode !== 200 || !type.startsWith(RESULT_TYPE)) {
      await res.body.dump()
      throw new GitRefsUnavailable(
        res.statusCode === 200 ? 'not-git' : 'refused',
        res.statusCode === 200
          ? `The answer to a git fetch of ${repo} was not git's (${type || 'no type'}).`
          : `Bitbucket's git service answered HTTP ${res.statusCode} to a fetch of ${repo}.`,
        res.statusCode,
      )
    }
    const encoding = res.headers['content-encoding']
    const source: AsyncIterable<Uint8Array> =
      encoding === 'gzip' || encoding === 'x-gzip' ? res.body.pipe(createGunzip()) : res.body
    try {
      return await readResponse(source, packPath, repo, what.maxBytes ?? Infinity)
    } catch (error) {
      res.body.destroy()
      if (error instanceof PktLineError) throw new GitRefsUnavailable('not-git', `${error.message} (${repo})`)
      if (error instanceof GitRefsUnavailable || (error as NodeJS.ErrnoException).syscall !== undefined) throw error
      throw new GitRefsUnavailable('unreachable', `The git fetch of ${repo} was cut off (${(error as Error).message}).`)
    }
  }

  private async post(url: string, authorization: string, body: Buffer): Promise<Awaited<ReturnType<typeof request>>> {
    try {
      return await request(url, {
        method: 'POST',
        headers: {
          authorization,
          'user-agent': 'Pail',
          'git-protocol': 'version=2',
          'content-type': 'application/x-git-upload-pack-request',
          accept: RESULT_TYPE,
        },
        body,
      })
    } catch (error) {
      throw new GitRefsUnavailable(
        'unreachable',
        `Pail could not reach Bitbucket's git service (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      )
    }
  }
}

/** Reads a v2 fetch response: its shallow-info, and its packfile section into `packPath`. */
async function readResponse(
  source: AsyncIterable<Uint8Array>,
  packPath: string,
  repo: string,
  maxBytes: number,
): Promise<FetchedShallow> {
  const shallow: FetchedShallow = { shallow: [], unshallow: [] }
  const packets = readPktLines(source)
  let section: string | null = null
  for (;;) {
    const next = await packets.next()
    if (next.done) throw new GitRefsUnavailable('not-git', `The git fetch of ${repo} ended before its pack.`)
    const packet: RawPacket = next.value
    if (!Buffer.isBuffer(packet)) {
      section = null
      continue
    }
    const line = packet.toString('utf8').replace(/\n$/, '')
    if (line.startsWith('ERR '))
      throw new GitRefsUnavailable('refused', `Git refused the fetch of ${repo}: ${line.slice(4)}`)
    if (section === null) {
      section = line
      if (section === 'packfile') break
      continue
    }
    if (section === 'shallow-info') {
      const [word, oid] = line.split(' ')
      if (word === 'shallow' && oid) shallow.shallow.push(oid)
      if (word === 'unshallow' && oid) shallow.unshallow.push(oid)
    }
  }
  await writePack(packets, packPath, repo, maxBytes)
  return shallow
}

/** Writes band 1 of the side-band packets to `packPath`, checking the pack's trailing SHA-1. */
async function writePack(
  packets: AsyncGenerator<RawPacket>,
  packPath: string,
  repo: string,
  maxBytes: number,
): Promise<void> {
  const file = await open(packPath, 'wx', 0o600)
  const hash = createHash('sha1')
  // The last 20 bytes are the checksum of all before them: held back until more bytes arrive.
  let tail = Buffer.alloc(0)
  let flushed = false
  let written = 0
  try {
    for await (const packet of packets) {
      if (!Buffer.isBuffer(packet)) {
        flushed = packet.special === 'flush'
        break
      }
      const band = packet[0]
      const data = packet.subarray(1)
      if (band === 3)
        throw new GitRefsUnavailable('refused', `Git stopped the fetch of ${repo}: ${data.toString('utf8').trim()}`)
      if (band !== 1) continue
      written += data.length
      if (written > maxBytes)
        throw new GitRefsUnavailable('too-large', `The git fetch of ${repo} is larger than ${maxBytes} bytes.`)
      await file.write(data)
      const joined = Buffer.concat([tail, data])
      hash.update(joined.subarray(0, Math.max(0, joined.length - 20)))
      tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 20)))
    }
    if (!flushed) throw new GitRefsUnavailable('unreachable', `The git fetch of ${repo} was cut off.`)
    if (tail.length !== 20 || !hash.digest().equals(tail))
      throw new GitRefsUnavailable('not-git', `The pack fetched from ${repo} is damaged (its checksum does not match).`)
  } finally {
    await file.close()
  }
}
