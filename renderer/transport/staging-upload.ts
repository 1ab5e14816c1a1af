/**
 * `prepareUpload` under `pail serve`: `POST /api/staging` makes a staging folder (the server picks
 * its id), then each picked file is streamed to `PUT /api/staging/<id>/<relative path>` with
 * XMLHttpRequest, whose upload progress events report the bytes sent (fetch has none for request
 * bodies). The File goes to `send` as it is, so the browser reads it from disk as it sends: nothing
 * holds a whole file in memory, a 1 GiB file works. Files go one after another; when one is
 * refused the staging is given up (`DELETE`). The answer is the staging id `upload:start` takes.
 * Routes: shared/ipc/serve-routes.ts.
 */
import type { UploadSource } from '../../shared/ipc/contract.js'
import { STAGING_ROUTE, stagedFileRoute, stagingRoute, type StagingCreated } from '../../shared/ipc/serve-routes.js'
import { fail, ok, type Result } from '../../shared/result.js'
import { pickedFilesProblem, relativePathOf, type PickedFile } from '../lib/staging-paths.js'
import { resultFromAnswer, unexpectedAnswer, unreachable } from './transport-errors.js'

/**
 * What this needs of the DOM's XMLHttpRequest (tests give a fake). Listeners are methods, so the
 * DOM's overloaded `addEventListener` fits.
 */
export interface RequestLike {
  open(method: string, url: string): void
  setRequestHeader(name: string, value: string): void
  readonly upload: { addEventListener(type: 'progress', listener: (event: { loaded: number }) => void): void }
  addEventListener(type: 'load' | 'error' | 'abort', listener: () => void): void
  readonly status: number
  readonly responseText: string
  send(body: unknown): void
}

/** What staging needs: requests with upload progress, and plain requests for the staging folder. */
export interface StagingDeps {
  newRequest: () => RequestLike
  fetch: (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'text'>>
}

/** A file as staging sends it: what it says about itself, and itself as the request body. */
export type StageableFile = PickedFile

/** A request to the staging routes that carries no file: its Result, or why it did not arrive. */
async function stagingRequest(deps: StagingDeps, method: 'POST' | 'DELETE', url: string): Promise<Result<unknown>> {
  try {
    const answer = await deps.fetch(url, { method, credentials: 'same-origin' })
    return resultFromAnswer(answer.status, await answer.text())
  } catch {
    return fail(unreachable)
  }
}

/** The id of a new staging folder. */
async function createStaging(deps: StagingDeps): Promise<Result<string>> {
  const answer = await stagingRequest(deps, 'POST', STAGING_ROUTE)
  if (!answer.ok) return answer
  const created = answer.value as Partial<StagingCreated> | null
  return typeof created?.stagingId === 'string' ? ok(created.stagingId) : fail(unexpectedAnswer(200))
}

/** Sends one file; resolves when the server took it, or with the error to show. */
function putFile(
  deps: StagingDeps,
  url: string,
  file: StageableFile,
  onLoaded: (loaded: number) => void,
): Promise<Result<null>> {
  return new Promise((resolve) => {
    const request = deps.newRequest()
    request.open('PUT', url)
    request.setRequestHeader('Content-Type', 'application/octet-stream')
    request.upload.addEventListener('progress', (event) => onLoaded(Math.min(event.loaded, file.size)))
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        onLoaded(file.size)
        resolve(ok(null))
        return
      }
      // A refusal: the server's Result says why (too large, a bad name…), or its status does.
      const answer = resultFromAnswer(request.status, request.responseText)
      resolve(answer.ok ? fail(unexpectedAnswer(request.status)) : answer)
    })
    request.addEventListener('error', () => resolve(fail(unreachable)))
    request.addEventListener('abort', () => resolve(fail(unreachable)))
    request.send(file)
  })
}

/** Streams `files` to a new staging folder of `pail serve`, reporting bytes sent of all of them. */
export function createStagingUpload(deps: StagingDeps) {
  return async (
    files: readonly StageableFile[],
    onProgress?: (bytesSent: number, bytesTotal: number) => void,
  ): Promise<Result<UploadSource>> => {
    const problem = pickedFilesProblem(files)
    if (problem) return fail({ code: 'upload.files-invalid', message: problem })
    const created = await createStaging(deps)
    if (!created.ok) return created
    const stagingId = created.value
    const total = files.reduce((sum, file) => sum + file.size, 0)
    let done = 0
    onProgress?.(0, total)
    for (const file of files) {
      const sent = await putFile(deps, stagedFileRoute(stagingId, relativePathOf(file)), file, (loaded) =>
        onProgress?.(done + loaded, total),
      )
      if (!sent.ok) {
        // What arrived is of no use without the rest; the server also removes it after a while.
        await stagingRequest(deps, 'DELETE', stagingRoute(stagingId))
        return sent
      }
      done += file.size
    }
    return ok({ kind: 'staged', stagingId })
  }
}
