/**
 * A branch's tip from git's smart-HTTP ref advertisement (gitprotocol-http), not from the REST
 * API: `GET {webUrl}/{ws}/{slug}.git/info/refs?service=git-upload-pack`. Git requests count
 * against git's own allowance (60,000 an hour), not the OAuth consumer's 1,000 that every member
 * of staff shares (bitbucket-api.md §5), so polling a branch this way costs the office nothing.
 *
 * With `Git-Protocol: version=2`, a server that speaks v2 answers with its capabilities, and one
 * `ls-refs` command with `ref-prefix refs/heads/{branch}` names just that branch (two small
 * requests, whatever the number of branches and tags); a server that does not answers with the
 * v0 advertisement, which lists every ref at once (one request). Bitbucket's git host is the web
 * URL (https://bitbucket.org); credentials are Basic `x-token-auth:{token}` (§6). After a 401 the
 * token is renewed once and the request sent again, as the API client does.
 *
 * Requests go through undici's global dispatcher (proxy and TLS settings are installed there).
 */
import { gunzipSync } from 'node:zlib'
import { request } from 'undici'
import { assertRepositoryRef } from '../../../shared/bitbucket/names.js'
import type { Authorizer } from '../bitbucket/api-client.js'
import type { RepoRef } from '../bitbucket/api-paths.js'
import { DELIM, FLUSH, parsePktLines, pktLine, PktLineError, type Packet } from './pkt-line.js'

/** Why git could not say where a branch is; the caller asks the REST API instead. */
export type UnavailableReason = 'unreachable' | 'refused' | 'not-git' | 'branch-name' | 'too-large'

/** Git could not answer (the message is plain words, for the log). */
export class GitRefsUnavailable extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    /** The HTTP status, when there was one. */
    readonly status: number | null = null,
  ) {
    super(message)
  }
}

export interface RefAdvertisementOptions {
  /** Bitbucket's web URL, which also serves git (Endpoints.webUrl). */
  webUrl: string
  /** The `Authorization` header for git, and a second chance after a 401. */
  authorizer: Authorizer
  /** Ask for protocol v2 (default true); false reads the v0 advertisement whatever the server offers. */
  protocolV2?: boolean
}

interface Answer {
  status: number
  contentType: string
  body: Buffer
}

const ADVERTISEMENT_TYPE = 'application/x-git-upload-pack-advertisement'
const RESULT_TYPE = 'application/x-git-upload-pack-result'
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/**
 * What git's check-ref-format would refuse in a branch name (a space, a control character, `..`,
 * `~^:?*[\`, a leading `-`, an end in `/`, `.` or `.lock`): such a name cannot be asked for in a
 * `ref-prefix` line, and the REST API answers for it instead.
 */
function usableBranchName(branch: string): boolean {
  return (
    branch !== '' &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{|\/\/|^-|^\/|[/.]$|\.lock$/.test(branch)
  )
}

/** The repository's git URL on the web host (bitbucket-api.md §6): `{webUrl}/{ws}/{slug}.git`. */
export function gitUrlOf(webUrl: string, ref: RepoRef): string {
  assertRepositoryRef(ref)
  return `${webUrl.replace(/\/+$/, '')}/${encodeURIComponent(ref.workspace)}/${encodeURIComponent(ref.repository)}.git`
}

/** Reads branch tips from git's ref advertisement. */
export class RefAdvertisement {
  constructor(private readonly options: RefAdvertisementOptions) {}

  /**
   * The commit at `refs/heads/{branch}`, or null when the repository has no such branch (or no
   * commits). Throws GitRefsUnavailable when git cannot answer: it could not be reached, refused
   * the credential or the repository, or answered something that is not git.
   */
  async branchTip(ref: RepoRef, branch: string): Promise<string | null> {
    assertRepositoryRef(ref)
    if (!usableBranchName(branch))
      throw new GitRefsUnavailable('branch-name', `The branch name “${branch}” cannot be asked for over git.`)
    const base = gitUrlOf(this.options.webUrl, ref)
    const v2 = this.options.protocolV2 ?? true
    const name = `refs/heads/${branch}`
    let authorization = await this.options.authorizer.header()
    const advertised = await this.authorized(authorization, (auth) => {
      authorization = auth
      return this.send(
        'GET',
        `${base}/info/refs?service=git-upload-pack`,
        auth,
        v2 ? { 'git-protocol': 'version=2' } : {},
      )
    })
    const packets = this.packetsOf(advertised, ADVERTISEMENT_TYPE, ref)
    // The service line and its flush come first (gitprotocol-http, "Smart Clients").
    if (typeof packets[0] === 'string' && packets[0].startsWith('# service=')) packets.splice(0, 2)
    if (packets[0] === 'version 2') {
      const capabilities = packets.slice(
        1,
        packets.findIndex((p) => typeof p !== 'string'),
      )
      if (!capabilities.some((c) => c === 'ls-refs' || (typeof c === 'string' && c.startsWith('ls-refs='))))
        throw new GitRefsUnavailable(
          'not-git',
          `Bitbucket's git service for ${ref.workspace}/${ref.repository} offers no ls-refs.`,
        )
      const body = Buffer.concat([pktLine('command=ls-refs'), DELIM, pktLine(`ref-prefix ${name}`), FLUSH])
      const listed = await this.authorized(authorization, (auth) =>
        this.send(
          'POST',
          `${base}/git-upload-pack`,
          auth,
          {
            'git-protocol': 'version=2',
            'content-type': 'application/x-git-upload-pack-request',
            accept: RESULT_TYPE,
          },
          body,
        ),
      )
      return tipIn(this.packetsOf(listed, RESULT_TYPE, ref), name)
    }
    // v0: the first ref carries the capabilities after a NUL; an empty repository lists only `capabilities^{}`.
    return tipIn(
      packets.map((p) => (typeof p === 'string' ? p.split('\0')[0]! : p)),
      name,
    )
  }

  /** Sends with `authorization`, and once more with what the authorizer hands back after a 401. */
  private async authorized(authorization: string, attempt: (auth: string) => Promise<Answer>): Promise<Answer> {
    const answer = await attempt(authorization)
    if (answer.status !== 401) return answer
    const retry = await this.options.authorizer.afterUnauthorized(authorization)
    return retry ? attempt(retry) : answer
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    authorization: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Answer> {
    try {
      const res = await request(url, {
        method,
        headers: { ...headers, authorization, 'user-agent': 'Pail' },
        ...(body ? { body } : {}),
      })
      let bytes = Buffer.from(await res.body.arrayBuffer())
      const encoding = res.headers['content-encoding']
      if (encoding === 'gzip' || encoding === 'x-gzip') bytes = gunzipSync(bytes)
      const type = res.headers['content-type']
      return { status: res.statusCode, contentType: (Array.isArray(type) ? type[0] : type) ?? '', body: bytes }
    } catch (error) {
      throw new GitRefsUnavailable(
        'unreachable',
        `Pail could not reach Bitbucket's git service (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      )
    }
  }

  /** The packets of a successful git answer of `type`; GitRefsUnavailable for anything else. */
  private packetsOf(answer: Answer, type: string, ref: RepoRef): Packet[] {
    const repo = `${ref.workspace}/${ref.repository}`
    if (answer.status !== 200)
      throw new GitRefsUnavailable(
        'refused',
        `Bitbucket's git service answered HTTP ${answer.status} for ${repo}.`,
        answer.status,
      )
    if (!answer.contentType.startsWith(type))
      throw new GitRefsUnavailable(
        'not-git',
        `The answer for ${repo} was not git's (${answer.contentType || 'no type'}).`,
      )
    try {
      return parsePktLines(answer.body)
    } catch (error) {
      if (error instanceof PktLineError) throw new GitRefsUnavailable('not-git', `${error.message} (${repo})`)
      throw error
    }
  }
}

/** The object id of `name` among `<oid> <refname>[ <attributes>]` lines, or null when it is not there. */
function tipIn(packets: readonly Packet[], name: string): string | null {
  for (const packet of packets) {
    if (typeof packet !== 'string') continue
    const [oid, refName] = packet.split(' ')
    if (refName === name && oid !== undefined && OBJECT_ID.test(oid) && !/^0+$/.test(oid)) return oid
  }
  return null
}
