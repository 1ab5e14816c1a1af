/**
 * A stand-in for the Bitbucket API as remote-download.ts uses it: `format=meta` and the raw bytes
 * of files at one commit. A file's body can be cut short (the connection drops) or come back with
 * fewer bytes than its meta announced.
 */
import { Readable } from 'node:stream'
import type { ApiClient } from '../../../../../../main/core/bitbucket/api-client.js'

export interface FakeFile {
  content: Buffer
  attributes?: string[]
  /** Send this many bytes, then fail the stream as a dropped connection does. */
  cutAfter?: number
  /** Announce this size in `format=meta` instead of the content's. */
  metaSize?: number
}

/** The repository path of a `/src/{commit}/{path}` URL. */
function repoPathOf(url: string): string {
  const path = url.split('?')[0]!.replace(/^.*?\/src\/[0-9a-f]{40}\//, '')
  return path.split('/').map(decodeURIComponent).join('/')
}

/** A fake ApiClient serving `files`; `requests` lists the paths asked for. */
export function fakeBranch(files: Record<string, FakeFile>): { api: ApiClient; requests: string[] } {
  const requests: string[] = []
  const lookup = (url: string): FakeFile => {
    const file = files[repoPathOf(url)]
    if (!file) throw new Error(`no such file in the fake branch: ${url}`)
    return file
  }
  const fake = {
    async getJson(url: string) {
      requests.push(url)
      const file = lookup(url)
      return { size: file.metaSize ?? file.content.length, attributes: file.attributes ?? [] }
    },
    async download(url: string, sink: (body: Readable) => Promise<void>) {
      requests.push(url)
      const file = lookup(url)
      const body =
        file.cutAfter === undefined
          ? Readable.from([file.content])
          : Readable.from(
              (async function* () {
                yield file.content.subarray(0, file.cutAfter)
                throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
              })(),
            )
      await sink(body)
    },
  }
  // Only the two methods remote-download.ts calls are needed; the rest of ApiClient is never reached.
  return { api: fake as unknown as ApiClient, requests }
}
