/**
 * The browser's side of a manual upload: `POST /api/staging` makes a staging folder,
 * `PUT /api/staging/<id>/<relative path>` streams one file into it, `DELETE /api/staging/<id>` gives
 * it up (routes: shared/ipc/serve-routes.ts). The files themselves are handled by StagingArea.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StagedFile, StagingCreated } from '../../../shared/ipc/serve-routes.js'
import { ok } from '../../../shared/result.js'
import { sendError, sendJson } from './responses.js'
import { StagingError, type StagingArea } from './staging-area.js'

/** A staging id as StagingArea makes them. */
const STAGING_ID = /^[0-9a-f]{32}$/

/** Answers the staging routes. */
export class StagingRoutes {
  constructor(private readonly area: StagingArea) {}

  /** `POST /api/staging`. */
  async create(response: ServerResponse): Promise<void> {
    const stagingId = await this.area.create()
    sendJson(response, 200, ok<StagingCreated>({ stagingId }))
  }

  /** `PUT /api/staging/<id>/<path…>`: `rawPath` is the parts after the id, still URL-encoded. */
  async put(id: string, rawPath: string[], request: IncomingMessage, response: ServerResponse): Promise<void> {
    const length = request.headers['content-length']
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined
    let file: StagedFile
    try {
      if (!STAGING_ID.test(id)) throw new StagingError(404, 'serve.staging-unknown', 'There is no such upload.')
      file = await this.area.receive(id, rawPath, request, declared)
    } catch (error) {
      // The browser gave up on the file (tab closed, upload cancelled): nothing of it was kept, nobody to answer.
      if (request.destroyed && !(error instanceof StagingError)) return
      if (!(error instanceof StagingError)) throw error
      // What the browser still sends of a refused file is not read: close rather than drain it.
      response.setHeader('Connection', 'close')
      return sendError(response, error.status, error.toUserError())
    }
    sendJson(response, 200, ok(file))
  }

  /** `DELETE /api/staging/<id>`. */
  async remove(id: string, response: ServerResponse): Promise<void> {
    if (STAGING_ID.test(id)) await this.area.discard(id)
    sendJson(response, 200, ok(null))
  }
}
