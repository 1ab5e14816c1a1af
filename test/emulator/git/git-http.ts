/**
 * Git smart HTTP at `{webUrl}/{workspace}/{slug}.git/…`, as https://bitbucket.org serves it
 * (bitbucket-api.md §6): `info/refs?service=…`, `git-upload-pack` and `git-receive-pack`, served
 * by the real `git http-backend` so that the wire protocol (v0 and v2, gzip bodies, chunked
 * pushes) is git's own. Authentication and authorisation are in git-auth.ts.
 */
import { execFile } from 'node:child_process'
import { basename, dirname } from 'node:path'
import { promisify } from 'node:util'
import type { RequestContext, Route } from '../router.js'
import { applyGitBudget } from '../rate-limit.js'
import { runCgi } from './cgi.js'
import { authorizeGit, GIT_REALM_CHALLENGE, type GitAccess } from './git-auth.js'
import { isolatedGitEnv } from './git-env.js'
import { serveRefsNatively } from './native-refs.js'

let gitVersion: Promise<string> | null = null

/** `2.39.5` from `git version 2.39.5`, asked once. */
function installedGitVersion(): Promise<string> {
  gitVersion ??= promisify(execFile)('git', ['version']).then(({ stdout }) => stdout.trim().split(' ')[2] ?? 'unknown')
  return gitVersion
}

type Endpoint = 'info/refs' | 'git-upload-pack' | 'git-receive-pack'

function sendText(ctx: RequestContext, status: number, text: string, headers: Record<string, string> = {}): void {
  ctx.req.resume()
  const body = `${text}\n`
  ctx.res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  ctx.res.end(body)
}

/** The web listener's page for an unknown URL (server.ts answers the same). */
function notFoundPage(ctx: RequestContext): void {
  ctx.req.resume()
  ctx.res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
  ctx.res.end('<!doctype html><title>Page not found</title><h1>Sorry, that page doesn’t exist.</h1>')
}

/** The environment of `git http-backend`: nothing inherited but PATH and HOME, so a caller's GIT_DIR cannot leak in. */
function backendEnv(
  ctx: RequestContext,
  projectRoot: string,
  pathInfo: string,
  remoteUser: string,
): Record<string, string> {
  const { req, url } = ctx
  const env: Record<string, string> = {
    ...isolatedGitEnv(),
    // Smart HTTP only: Bitbucket serves no dumb-protocol files. Pushes are allowed (git-auth.ts
    // has judged the credential) and a fetch may want any SHA. These two were repository config;
    // given here they cost no git process per repository created.
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_0: 'http.getanyfile',
    GIT_CONFIG_VALUE_0: 'false',
    GIT_CONFIG_KEY_1: 'http.receivepack',
    GIT_CONFIG_VALUE_1: 'true',
    GIT_CONFIG_KEY_2: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_2: 'true',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  }
  if (remoteUser) env.REMOTE_USER = remoteUser
  const contentType = req.headers['content-type']
  if (contentType) env.CONTENT_TYPE = contentType
  // Chunked pushes carry no length; http-backend then reads to end of input.
  const length = req.headers['content-length']
  if (length) env.CONTENT_LENGTH = length
  const encoding = req.headers['content-encoding']
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding
  const protocol = req.headers['git-protocol']
  if (typeof protocol === 'string') {
    env.GIT_PROTOCOL = protocol
    env.HTTP_GIT_PROTOCOL = protocol
  }
  return env
}

async function serve(ctx: RequestContext, endpoint: Endpoint): Promise<void> {
  const { emulator, params, url } = ctx
  let slug = params.repo!
  if (slug.endsWith('.git')) slug = slug.slice(0, -'.git'.length)
  else if (!emulator.settings.gitUrlWithoutDotGit) return notFoundPage(ctx)

  let access: GitAccess = 'read'
  if (endpoint === 'git-receive-pack') access = 'write'
  if (endpoint === 'info/refs') {
    const service = url.searchParams.get('service')
    // Without `service` a client is asking for the dumb protocol, which is not served.
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack')
      return sendText(ctx, 403, 'Smart HTTP only: add ?service=git-upload-pack or ?service=git-receive-pack.')
    if (service === 'git-receive-pack') access = 'write'
  }

  const decision = authorizeGit(emulator, ctx.req.headers.authorization, params.workspace!, slug, access)
  if (!decision.ok)
    return sendText(
      ctx,
      decision.status,
      decision.message,
      decision.challenge ? { 'www-authenticate': GIT_REALM_CHALLENGE } : {},
    )
  ctx.credential = decision.credential
  // §5: git has its own hourly allowance; whether OAuth git requests also draw on the consumer's is UNCONFIRMED.
  applyGitBudget(ctx, decision.credential)

  const gitDir = emulator.git(decision.repo).gitDir
  let req = ctx.req
  if (emulator.nativeRefAdvertisement) {
    const native = await serveRefsNatively(ctx, endpoint, gitDir, await installedGitVersion())
    if (native.served) return
    if (native.replay) req = native.replay
  }
  const env = backendEnv(ctx, dirname(gitDir), `/${basename(gitDir)}/${endpoint}`, decision.remoteUser)
  try {
    await runCgi({ command: 'git', args: ['http-backend'], env, req, res: ctx.res })
  } finally {
    // A push adds objects the store did not write: its counted size is stale.
    if (access === 'write') emulator.git(decision.repo).objectsWritten()
  }
}

/** Routes of the web listener for git smart HTTP; `{repo}` is the slug with (or, by setting, without) `.git`. */
export const gitHttpRoutes: Route[] = [
  { method: 'GET', template: '/{workspace}/{repo}/info/refs', handler: (ctx) => serve(ctx, 'info/refs') },
  { method: 'POST', template: '/{workspace}/{repo}/git-upload-pack', handler: (ctx) => serve(ctx, 'git-upload-pack') },
  {
    method: 'POST',
    template: '/{workspace}/{repo}/git-receive-pack',
    handler: (ctx) => serve(ctx, 'git-receive-pack'),
  },
]
