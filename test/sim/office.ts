/**
 * An office on one OAuth consumer (issue 12 §1): `staff` people, one folder each, in teams that
 * share a repository (everyone syncs the whole team repository, so each save must reach every
 * teammate's folder), each saving a file every `saveEveryMs`, over simulated time.
 *
 * Each person is a real Pail engine — a PairScheduler (the watch's schedule, with its poll cadence
 * and back-off) running PairSyncer passes, as SyncService does — with their own home, OAuth token
 * (one consumer for all) and folder, against one emulator. Only time is simulated
 * (virtual-clock.ts): passes take no simulated time, so latencies are what the schedule makes them.
 * The watcher is left out: a save asks the scheduler for a pass with its path, as the watcher's
 * flush does. Figures come from the emulator's request log.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pLimit from 'p-limit'
import type { Session } from '../../main/core/auth/auth-service.js'
import { tokenAuthorizer } from '../../main/core/auth/auth-service.js'
import { secretKeys, type AccountRecord } from '../../main/core/auth/account.js'
import { AccountStore } from '../../main/core/auth/account-store.js'
import { TokenSource } from '../../main/core/auth/token-source.js'
import { ApiClient } from '../../main/core/bitbucket/api-client.js'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { silentLogger } from '../../main/core/log/logger.js'
import { systemClock } from '../../main/core/ports.js'
import type { SyncPair } from '../../main/core/sync/pairs/sync-pair.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import type { SyncOutcome } from '../../main/core/sync/pass/pass-run.js'
import { classifyFailure, type BackoffPolicy } from '../../main/core/sync/service/backoff.js'
import { PairScheduler, type Ran } from '../../main/core/sync/service/pair-scheduler.js'
import { MemorySecretStore } from '../fakes/memory-secret-store.js'
import { newToken, newUuid } from '../emulator/model.js'
import { createRepository } from '../emulator/seed.js'
import { startEmulator } from '../emulator/server.js'
import { VirtualClock } from './virtual-clock.js'

export interface OfficeOptions {
  staff: number
  /** People per team; each team shares one repository. */
  teamSize: number
  /** Simulated duration. */
  durationMs: number
  saveEveryMs: number
  /** The consumer's hourly budget in the emulator (0: unlimited, to measure what the office needs). */
  consumerBudget: number
  /** Everyone's first save at this simulated moment (a meeting ends); by default a random one each. */
  firstSaveAtMs?: number
  /** Back-off timings (default: Pail's). */
  backoff?: Partial<BackoffPolicy>
  seed?: number
}

/** A rate-limited pass's back-off, as the scheduler decided it. */
export interface Backoff {
  person: number
  /** Simulated time of the failure, ms after the start. */
  at: number
  delayMs: number
}

export interface OfficeFigures {
  options: OfficeOptions
  saves: number
  commits: number
  passes: number
  api: { requests: number; rateLimited: number; byKind: Record<string, number> }
  git: { requests: number; rateLimited: number }
  /** For each version a teammate saw: simulated ms from the save to its arrival in the teammate's folder. */
  latencies: number[]
  /** Versions a teammate never saw because a newer one of the same file came first. */
  superseded: number
  /** Versions saved more than two minutes before the end that some teammate had not seen by then. */
  unseen: number
  backoffs: Backoff[]
  wallMs: number
}

/** A small reproducible generator in [0, 1) (mulberry32), one per person: nearby seeds give unrelated streams. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** What an API request was for, from its method and path. */
export function apiKind(method: string, path: string): string {
  const p = path.split('?')[0]!
  if (method === 'POST' && p.endsWith('/src')) return 'POST src (commit)'
  if (p.includes('/refs/branches/')) return 'GET refs/branches (tip)'
  if (/\/commit\/[0-9a-f]{40}$/.test(p)) return 'GET commit (ancestry walk)'
  if (p.includes('/diffstat/')) return 'GET diffstat'
  if (/\/src\/[0-9a-f]{40}\/.*[^/]$/.test(p)) return path.includes('format=meta') ? 'GET src meta' : 'GET src raw'
  if (/\/src\/[0-9a-f]{40}\//.test(p)) return 'GET src listing'
  return `${method} other`
}

interface Person {
  index: number
  team: number
  folder: string
  pair: SyncPair
  session: Session
  history: HistoryStore
  stateDir: string
  scheduler?: PairScheduler<SyncOutcome>
  /** Last version seen of each teammate's file. */
  seen: Map<number, number>
}

const fileOf = (person: number): string => `notes-${person}.txt`

/** Runs the office; removes its files afterwards. */
export async function runOffice(options: OfficeOptions): Promise<OfficeFigures> {
  const started = Date.now()
  const root = await mkdtemp(join(tmpdir(), 'pail-office-'))
  const { server, info } = await startEmulator({
    dataDir: join(root, 'emulator'),
    nativeRefAdvertisement: true,
    // The warm-up (everyone's first sync) is not the office's hour: no budget until it is done.
    settings: { consumerRateLimitPerHour: 0 },
  })
  try {
    return await simulate(options, root, server, info, started)
  } finally {
    await server.stop()
    await rm(root, { recursive: true, force: true })
  }
}

async function simulate(
  options: OfficeOptions,
  root: string,
  server: Awaited<ReturnType<typeof startEmulator>>['server'],
  info: Awaited<ReturnType<typeof startEmulator>>['info'],
  started: number,
): Promise<OfficeFigures> {
  const { world } = server
  const consumer = info.publicConsumer.key
  const teams = Math.ceil(options.staff / options.teamSize)
  const teamOf = (i: number): number => Math.floor(i / options.teamSize)
  const uuids = Array.from({ length: options.staff }, (_, i) => {
    const uuid = newUuid()
    world.data.users.push({
      uuid,
      accountId: `sim-${i}`,
      nickname: `staff-${i}`,
      displayName: `Staff ${i}`,
      email: `staff-${i}@example.com`,
      createdOn: new Date().toISOString(),
    })
    return uuid
  })
  for (let team = 0; team < teams; team++)
    await createRepository(server, {
      workspace: 'pail-demo',
      slug: `team-${team}`,
      permissions: Object.fromEntries(uuids.filter((_, i) => teamOf(i) === team).map((u) => [u, 'write' as const])),
      firstCommit: true,
    })
  const people: Person[] = []
  for (const [index, uuid] of uuids.entries()) {
    const team = teamOf(index)
    const token = newToken(64)
    world.addAccessToken(token, {
      kind: 'oauth',
      scopes: ['account', 'repository:write'],
      userUuid: uuid,
      consumerKey: consumer,
      workspace: null,
      repository: null,
      expiresAt: null,
      revoked: false,
      email: null,
      grant: 'authorization_code',
    })
    server.issued(token)
    const home = join(root, `home-${index}`)
    await mkdir(home, { recursive: true })
    const account: AccountRecord = {
      id: `staff-${index}`,
      kind: 'oauth',
      webUrl: info.webUrl,
      apiUrl: info.apiUrl,
      displayName: `Staff ${index}`,
      nickname: `staff-${index}`,
      accountId: null,
      uuid,
      email: null,
      consumerKey: consumer,
      resource: null,
      scopes: ['account', 'repository:write'],
      accessTokenExpiresAt: null,
      accessTokenLifetimeMs: null,
      status: 'signed-in',
      signedOutReason: null,
      updatedAt: Date.now(),
    }
    const secrets = new MemorySecretStore()
    await secrets.set(secretKeys.accessToken(account.id), token)
    const tokens = new TokenSource(account, {
      accounts: new AccountStore(home),
      secrets,
      clock: systemClock,
      renewal: null,
    })
    const folder = join(root, `folder-${index}`)
    await mkdir(folder)
    const pair: SyncPair = {
      id: `pair-${index}`,
      folder,
      workspace: 'pail-demo',
      repository: `team-${team}`,
      branch: 'main',
      pathInRepo: '',
      paused: null,
      createdAt: Date.now(),
    }
    people.push({
      index,
      team,
      folder,
      pair,
      session: {
        account,
        tokens,
        api: new ApiClient({ apiUrl: info.apiUrl, authorizer: tokenAuthorizer(tokens) }),
        logger: silentLogger,
      },
      history: new HistoryStore(home),
      stateDir: join(home, 'pairs', pair.id),
      seen: new Map(),
    })
  }

  const syncOnce = (person: Person, paths?: ReadonlySet<string>): Promise<SyncOutcome> =>
    new PairSyncer(person.pair, {
      session: person.session,
      history: person.history,
      stateDir: person.stateDir,
      device: `pc-${person.index}`,
    }).syncOnce(paths ? { paths } : {})

  // Warm-up: everyone's first sync, before the hour and outside the budget.
  const limit = pLimit(8)
  await Promise.all(people.map((person) => limit(() => syncOnce(person))))
  server.updateSettings({ consumerRateLimitPerHour: options.consumerBudget })

  // Polls and saves within two simulated seconds run together; latencies are exact to that.
  const clock = new VirtualClock(2000)
  const t0 = clock.now()
  const hourStart = Date.now()
  const saveTimes = new Map<string, number>()
  const latencies: number[] = []
  let superseded = 0
  let passes = 0
  let saves = 0
  const backoffs: Backoff[] = []

  /** After a pass of `person`: which teammates' versions arrived, and how long after their save. */
  const look = async (person: Person): Promise<void> => {
    for (const mate of people) {
      if (mate.team !== person.team || mate === person) continue
      const text = await readFile(join(person.folder, fileOf(mate.index)), 'utf8').catch(() => '')
      const version = Number(/^save (\d+)$/m.exec(text)?.[1] ?? 0)
      const last = person.seen.get(mate.index) ?? 0
      if (version <= last) continue
      superseded += version - last - 1
      person.seen.set(mate.index, version)
      latencies.push(clock.now() - saveTimes.get(`${mate.index}:${version}`)!)
    }
  }

  for (const person of people) {
    const random = seeded((options.seed ?? 1) * 7919 + person.index)
    const scheduler = new PairScheduler<SyncOutcome>({
      pairId: person.pair.id,
      timers: clock,
      random,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      run: (request) =>
        clock.track(async (): Promise<Ran<SyncOutcome>> => {
          passes++
          try {
            const outcome = await syncOnce(person, request.full ? undefined : request.paths)
            if (outcome.status !== 'held' && outcome.downloaded > 0) await look(person)
            return {
              verdict:
                outcome.status === 'held'
                  ? { kind: 'held' }
                  : { kind: 'done', scanned: request.full ? 'full' : 'paths' },
              result: outcome,
            }
          } catch (error) {
            return { verdict: { kind: 'failed', retry: classifyFailure(error) }, result: null, thrown: error }
          }
        }),
      settled: async (_ran, next) => {
        if (next?.kind === 'rate-limited')
          backoffs.push({ person: person.index, at: clock.now() - t0, delayMs: next.delayMs })
      },
    })
    person.scheduler = scheduler
    // Each person's first save at a random moment of the interval (teammates do not save together),
    // or all at firstSaveAtMs; then one every saveEveryMs.
    let version = 0
    const save = (): void => {
      void clock.track(async () => {
        version++
        saves++
        saveTimes.set(`${person.index}:${version}`, clock.now())
        await writeFile(join(person.folder, fileOf(person.index)), `Staff ${person.index}\nsave ${version}\n`)
        scheduler.request({ paths: [fileOf(person.index)] })
      })
      clock.setTimer(save, options.saveEveryMs)
    }
    clock.setTimer(save, options.firstSaveAtMs ?? Math.floor(random() * options.saveEveryMs))
    scheduler.start()
  }
  await clock.runUntil(t0 + options.durationMs)
  await Promise.all(people.map((p) => p.scheduler!.stop()))

  const log = server.requestLog.filter((r) => r.at >= hourStart)
  const byKind: Record<string, number> = {}
  let commits = 0
  for (const r of log)
    if (r.kind === 'api') {
      const kind = `${apiKind(r.method, r.path)}${r.status === 429 ? ' → 429' : r.status === 409 ? ' → 409' : ''}`
      byKind[kind] = (byKind[kind] ?? 0) + 1
      if (r.method === 'POST' && r.status === 201) commits++
    }
  const counts = server.requestCounts(hourStart)
  // Versions saved at least two minutes before the end that some teammate still lacked.
  let unseen = 0
  const end = t0 + options.durationMs
  for (const [key, at] of saveTimes) {
    if (at > end - 120_000) continue
    const [who, version] = key.split(':').map(Number) as [number, number]
    const owner = people[who]!
    for (const mate of people)
      if (mate.team === owner.team && mate !== owner && (mate.seen.get(who) ?? 0) < version) unseen++
  }
  return {
    options,
    saves,
    commits,
    passes,
    api: { requests: counts.api.requests, rateLimited: counts.api.rateLimited, byKind },
    git: { requests: counts.git.requests, rateLimited: counts.git.rateLimited },
    latencies,
    superseded,
    unseen,
    backoffs,
    wallMs: Date.now() - started,
  }
}

/** The figures as lines for people. */
export function describeOffice(f: OfficeFigures): string[] {
  const sorted = [...f.latencies].sort((a, b) => a - b)
  const at = (q: number): string =>
    sorted.length ? `${Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000)} s` : '-'
  const o = f.options
  const budget = o.consumerBudget > 0 ? `${o.consumerBudget.toLocaleString('en-US')}` : 'unlimited'
  return [
    `${o.staff} staff in teams of ${o.teamSize} (${Math.ceil(o.staff / o.teamSize)} shared repositories), ${o.durationMs / 60_000} simulated minutes, a save every ${o.saveEveryMs / 60_000} min each; consumer budget ${budget}/h`,
    `saves ${f.saves}, commits ${f.commits}, passes ${f.passes}`,
    `REST API requests: ${f.api.requests.toLocaleString('en-US')} (${f.api.rateLimited} refused with 429); Bitbucket's budget: 1,000/h, the emulator's here: ${budget}`,
    ...Object.entries(f.api.byKind)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `  ${kind}: ${n.toLocaleString('en-US')}`),
    `git requests: ${f.git.requests.toLocaleString('en-US')} (${f.git.rateLimited} refused)`,
    `a teammate's save seen after: median ${at(0.5)}, p95 ${at(0.95)}, max ${at(1)} (${f.latencies.length} versions seen; ${f.superseded} overtaken by a newer one; ${f.unseen} not seen by the end)`,
    `rate-limit back-offs: ${f.backoffs.length}`,
    `wall time ${(f.wallMs / 1000).toFixed(1)} s`,
  ]
}
