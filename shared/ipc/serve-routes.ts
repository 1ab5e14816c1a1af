/**
 * The HTTP routes of `pail serve`, shared by the server (main/cli/serve/) and the window's browser
 * client, so neither can name a route the other does not serve.
 *
 * - `POST /api/invoke/<channel>`, a JSON body (the payload; empty for channels that take none):
 *   the channel's `Result`, as JSON. A name outside the contract is a plain 404.
 * - `GET /api/events`: server-sent events, one event type per contract event (`event: auth:changed`,
 *   `data:` its payload as JSON), and a comment line as a heartbeat.
 * - `POST /api/staging`: a new staging folder for a manual upload; answers `Result<StagingCreated>`.
 *   `PUT /api/staging/<id>/<relative path>`, the file's bytes as the body: one file into it;
 *   answers `Result<StagedFile>`. `DELETE /api/staging/<id>`: gives it up. Then `upload:start` with
 *   `{ kind: 'staged', stagingId }` commits what was staged.
 *
 * Every request needs the session cookie (from the address `pail serve` printed); every request that
 * changes something, and the event stream, must come from the window's own origin.
 */

/** The query parameter of the printed address that carries the one-time secret. */
export const SECRET_PARAMETER = 's'

/** Where a channel is invoked. */
export function invokeRoute(channel: string): string {
  return `/api/invoke/${channel}`
}

/** The event stream. */
export const EVENTS_ROUTE = '/api/events'

/** Where staging folders are made. */
export const STAGING_ROUTE = '/api/staging'

/** A staging folder (DELETE gives it up). */
export function stagingRoute(stagingId: string): string {
  return `${STAGING_ROUTE}/${stagingId}`
}

/** Where one file of a staging folder is PUT: its relative path ('/'-separated), each part URL-encoded. */
export function stagedFileRoute(stagingId: string, relativePath: string): string {
  return `${stagingRoute(stagingId)}/${relativePath.split('/').map(encodeURIComponent).join('/')}`
}

/** The answer of `POST /api/staging`. */
export interface StagingCreated {
  stagingId: string
}

/** The answer of a staged file's PUT: its path as stored and the bytes received. */
export interface StagedFile {
  path: string
  bytes: number
}
