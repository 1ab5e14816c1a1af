/**
 * Starts the emulator: one listener standing for https://bitbucket.org (OAuth, consent page,
 * git smart HTTP, the test control endpoint) and one for https://api.bitbucket.org (REST 2.0).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { controlRoutes } from './control.js'
import { scenarioControlRoutes } from './control-scenarios.js'
import type { Emulator, RequestLogEntry } from './context.js'
import { applyFault, consumerOfRequest, FaultBox, sendRateLimited } from './faults.js'
import { GitRepository } from './git/git-store.js'
import { gitHttpRoutes } from './git/git-http.js'
import { ApiError, noApiHere, sendError } from './http.js'
import { World, type Repository } from './model.js'
import { oauthRoutes } from './oauth.js'
import { readRoutes } from './api/read-routes.js'
import { srcWriteRoutes } from './api/src-write.js'
import { RateLimitExceeded, SharedBudgets } from './rate-limit.js'
import { countRequests, isGitPath, type RequestCounts } from './request-counts.js'
import { Router, type RequestContext } from './router.js'
import { seedWorld, type SeedCredentials } from './seed.js'
import { defaultSettings, mergeSettings, type EmulatorSettings } from './settings.js'

export interface StartOptions {
  dataDir: string
  /** Port of the web listener; 0 picks a free one. */
  port?: number
  /** Port of the API listener; 0 picks a free one. */
  apiPort?: number
  /** Callback URL registered on the seeded public consumer. */
  callbackUrl?: string
  settings?: Partial<EmulatorSettings>
  /** Answer protocol v2 ref advertisements without starting git (git/native-refs.ts; the office simulation). */
  nativeRefAdvertisement?: boolean
}

/** Pail's default loopback callback; the sign-in issue documents the same value. */
export const DEFAULT_CALLBACK_URL = 'http://127.0.0.1:31842/pail/callback'

/** What the emulator prints when ready (one JSON line) and `GET /_emulator/info` answers. */
export interface EmulatorInfo {
  webUrl: string
  apiUrl: string
  controlUrl: string
  dataDir: string
  user: { nickname: string; displayName: string; email: string; uuid: string; accountId: string }
  otherUser: { nickname: string; displayName: string; email: string; uuid: string }
  workspace: string
  repository: { workspace: string; slug: string; fullName: string; mainBranch: string; cloneUrl: string }
  publicConsumer: SeedCredentials['publicConsumer']
  privateConsumer: SeedCredentials['privateConsumer']
  repositoryAccessToken: string
  apiToken: SeedCredentials['apiToken']
  settings: EmulatorSettings
}

export class EmulatorServer implements Emulator {
  readonly world: World
  settings: EmulatorSettings
  webUrl = ''
  apiUrl = ''
  readonly issuedSecrets: string[] = []
  readonly requestLog: RequestLogEntry[] = []
  readonly budgets = new SharedBudgets()
  nativeRefAdvertisement = false
  readonly faults = new FaultBox((req) => consumerOfRequest(this.world, req))
  private readonly repos = new Map<string, GitRepository>()
  private readonly webRouter = new Router()
  private readonly apiRouter = new Router()
  private readonly servers: Server[] = []
  private seed: SeedCredentials | null = null

  constructor(
    readonly dataDir: string,
    settings: Partial<EmulatorSettings> = {},
  ) {
    this.world = new World(dataDir)
    this.settings = mergeSettings(defaultSettings, settings)
    this.webRouter.add(...controlRoutes(this), ...scenarioControlRoutes(this), ...oauthRoutes, ...gitHttpRoutes)
    this.apiRouter.add(...readRoutes, ...srcWriteRoutes)
  }

  git(repo: Repository): GitRepository {
    const dir = join(this.dataDir, 'repositories', repo.workspace, `${repo.slug}.git`)
    let handle = this.repos.get(dir)
    if (!handle) {
      handle = new GitRepository(dir)
      this.repos.set(dir, handle)
    }
    return handle
  }

  issued(secret: string): void {
    this.issuedSecrets.push(secret)
    // `npm test` gives every emulator one ledger, then scans all test output for what it lists.
    const ledger = process.env.PAIL_SECRET_LEDGER
    if (ledger) appendFileSync(ledger, `${secret}\n`, { mode: 0o600 })
  }

  /** The request log's API and git requests since `since` (epoch ms), in total and per consumer. */
  requestCounts(since = 0): RequestCounts {
    return countRequests(this.requestLog, since)
  }

  updateSettings(patch: Record<string, unknown>): EmulatorSettings {
    this.settings = mergeSettings(this.settings, patch)
    return this.settings
  }

  async start(options: StartOptions): Promise<EmulatorInfo> {
    const web = await this.listen('web', options.port ?? 0)
    const api = await this.listen('api', options.apiPort ?? 0)
    this.webUrl = `http://127.0.0.1:${web}`
    this.apiUrl = `http://127.0.0.1:${api}`
    this.seed = await seedWorld(this, options.callbackUrl ?? DEFAULT_CALLBACK_URL)
    for (const secret of [
      this.seed.publicConsumer.secret,
      this.seed.privateConsumer.secret,
      this.seed.repositoryAccessToken,
      this.seed.apiToken.token,
    ])
      this.issued(secret)
    return this.info()
  }

  info(): EmulatorInfo {
    const seed = this.seed
    if (!seed) throw new Error('The emulator has not started')
    const [user, other] = this.world.data.users
    const repo = this.world.repository('pail-demo', 'handbook')!
    return {
      webUrl: this.webUrl,
      apiUrl: this.apiUrl,
      controlUrl: `${this.webUrl}/_emulator`,
      dataDir: this.dataDir,
      user: {
        nickname: user!.nickname,
        displayName: user!.displayName,
        email: user!.email,
        uuid: user!.uuid,
        accountId: user!.accountId,
      },
      otherUser: { nickname: other!.nickname, displayName: other!.displayName, email: other!.email, uuid: other!.uuid },
      workspace: repo.workspace,
      repository: {
        workspace: repo.workspace,
        slug: repo.slug,
        fullName: `${repo.workspace}/${repo.slug}`,
        mainBranch: 'main',
        cloneUrl: `${this.webUrl}/${repo.workspace}/${repo.slug}.git`,
      },
      publicConsumer: seed.publicConsumer,
      privateConsumer: seed.privateConsumer,
      repositoryAccessToken: seed.repositoryAccessToken,
      apiToken: seed.apiToken,
      settings: this.settings,
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeAllConnections()
          }),
      ),
    )
    this.servers.length = 0
    // Each repository's long-lived git reader ends with the server (a later request starts it again).
    await Promise.all([...this.repos.values()].map((repo) => repo.close()))
  }

  private listen(kind: 'web' | 'api', port: number): Promise<number> {
    const server = createServer((req, res) => void this.handle(kind, req, res))
    // Large uploads may take long on a loaded machine; Bitbucket does not cut them at 5 minutes.
    server.requestTimeout = 0
    this.servers.push(server)
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
  }

  private async handle(kind: 'web' | 'api', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', kind === 'web' ? this.webUrl : this.apiUrl)
    const ctx: RequestContext = { req, res, url, params: {}, rawParams: {}, emulator: this, credential: null }
    // Logged once: when the answer ends, or with status 0 when the connection goes first (a client
    // killed or giving up mid-answer, a dropped or held request) — a request is never left out.
    let logged = false
    const logOnce = (status: number): void => {
      if (logged) return
      logged = true
      this.log(kind, req, url, status, ctx)
    }
    res.on('finish', () => logOnce(res.statusCode))
    res.on('close', () => logOnce(0))
    try {
      const fault = this.faults.take(kind, req)
      if (fault && (await applyFault(fault, req, res, this.settings))) {
        if (fault.kind === 'drop' || fault.kind === 'hang') logOnce(0)
        return
      }
      const found = (kind === 'web' ? this.webRouter : this.apiRouter).find(req.method ?? 'GET', url.pathname)
      if (!('route' in found)) {
        req.resume()
        if (kind === 'api' || url.pathname.startsWith('/2.0/')) throw noApiHere()
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
        res.end('<!doctype html><title>Page not found</title><h1>Sorry, that page doesn’t exist.</h1>')
        return
      }
      ctx.params = found.params
      ctx.rawParams = found.rawParams
      await found.route.handler(ctx)
    } catch (error) {
      req.resume()
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof RateLimitExceeded) sendRateLimited(res, this.settings)
      else if (error instanceof ApiError) sendError(res, error)
      else {
        process.stderr.write(`emulator: ${(error as Error).stack ?? String(error)}\n`)
        sendError(res, new ApiError(500, 'Something went wrong'))
      }
    }
  }

  private log(server: 'web' | 'api', req: IncomingMessage, url: URL, status: number, ctx: RequestContext): void {
    const masked = new URL(url)
    for (const key of ['access_token', 'code', 'refresh_token', 'client_secret'])
      if (masked.searchParams.has(key)) masked.searchParams.set(key, '***')
    this.requestLog.push({
      at: Date.now(),
      server,
      kind: server === 'api' ? 'api' : isGitPath(url.pathname) ? 'git' : 'web',
      method: req.method ?? 'GET',
      path: masked.pathname + masked.search,
      status,
      credential: ctx.credential?.label ?? null,
      consumer: ctx.credential?.kind === 'oauth' ? ctx.credential.record.consumerKey : null,
    })
    if (this.requestLog.length > 100_000) this.requestLog.splice(0, 50_000)
  }
}

/** Starts an emulator on loopback; the caller stops it with `stop()`. */
export async function startEmulator(options: StartOptions): Promise<{ server: EmulatorServer; info: EmulatorInfo }> {
  const server = new EmulatorServer(options.dataDir, options.settings)
  server.nativeRefAdvertisement = options.nativeRefAdvertisement === true
  const info = await server.start(options)
  return { server, info }
}
