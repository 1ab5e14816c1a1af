/**
 * What every command needs, built from the environment: Pail's home, the provisioning file,
 * Bitbucket's addresses, the network (proxy from the environment, trusted CAs), the secrets file
 * and the auth service.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import {
  assertBranchName,
  assertWorkspaceName,
  BitbucketNameError,
  parseRepositoryRef,
} from '../../shared/bitbucket/names.js'
import { protectHome, type ReadGuard } from '../core/fs/read-guard.js'
import { AuthService } from '../core/auth/auth-service.js'
import { resolveEndpoints, type Endpoints } from '../core/config/endpoints.js'
import { pailHome } from '../core/config/pail-home.js'
import { HistoryStore } from '../core/history/history-store.js'
import { FileLogger } from '../core/log/logger.js'
import { JsonSettingsStore } from '../core/settings/settings-store.js'
import { PairStore } from '../core/sync/pairs/pair-store.js'
import {
  loadProvisioning,
  ProvisioningError,
  provisioningPath,
  type Provisioning,
} from '../core/config/provisioning.js'
import { installNetworkOrTell } from '../core/net/network.js'
import { HomeLocks } from '../core/store/home-locks.js'
import type { NoticeSink } from '../core/store/json-store.js'
import { systemClock, type Opener } from '../core/ports.js'
import { FileSecretStore } from '../core/secrets/file-secret-store.js'

export interface Output {
  out(text: string): void
  err(text: string): void
}

export interface CliContext extends Output {
  env: NodeJS.ProcessEnv
  home: string
  provisioning: Provisioning
  endpoints: Endpoints
  auth: AuthService
  pairs: PairStore
  history: HistoryStore
  logger: FileLogger
  /** Refuses to read anything inside Pail's home for upload (built once, from its real path). */
  readGuard: ReadGuard
  /** Standard input as text (git's credential protocol, a piped secret). */
  readStdin(): Promise<string>
  /** Asks on the terminal without echoing what is typed; null when standard input is not a terminal. */
  promptSecret: ((question: string) => Promise<string>) | null
}

/** A command's failure: one plain sentence (and what to do), printed without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

/** Runs a name check, turning its refusal into a usage error (exit 2) with the same sentence. */
function usageOnBadName<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof BitbucketNameError) throw new CliError(error.message, 2)
    throw error
  }
}

/** "workspace/repository", checked as Bitbucket names; anything else is a usage error saying what is wrong. */
export function parseRepo(value: string | undefined): { workspace: string; repository: string } {
  return usageOnBadName(() => parseRepositoryRef(value ?? ''))
}

/** A workspace ID, checked; anything else is a usage error. */
export function parseWorkspace(value: string): string {
  usageOnBadName(() => assertWorkspaceName(value))
  return value
}

/** A branch name, checked by git's rules; anything else is a usage error. */
export function parseBranch(value: string): string {
  usageOnBadName(() => assertBranchName(value))
  return value
}

/** Opens URLs with the desktop's opener when there is a desktop; headless machines print instead. */
export function systemOpener(env: NodeJS.ProcessEnv): Opener {
  return {
    open(url) {
      const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
      if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return Promise.resolve(false)
      if (env.PAIL_NO_BROWSER === '1') return Promise.resolve(false)
      return new Promise((resolve) => {
        const child = spawn(command, [url], { stdio: 'ignore', detached: true })
        child.once('error', () => resolve(false))
        child.once('spawn', () => {
          child.unref()
          resolve(true)
        })
      })
    },
  }
}

export async function createCliContext(
  output: Output,
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
  promptSecret: ((question: string) => Promise<string>) | null = null,
  opener?: Opener,
): Promise<CliContext> {
  const home = pailHome(env)
  const readGuard = await protectHome(home)
  const logger = new FileLogger(join(home, 'logs', 'pail.log'))
  // Damage to Pail's own files is told once, on standard error, and the command carries on.
  const notices: NoticeSink = (notice) => output.err(`pail: ${notice.message}\n`)
  const stores = { locks: HomeLocks.for(home, logger), notices, logger }
  const provisioning = await loadProvisioningOrWarn(provisioningPath(home, env), output)
  const endpoints = resolveEndpoints(provisioning, env)
  // Every request to Bitbucket from here on: HTTPS_PROXY/HTTP_PROXY/NO_PROXY, and the system's and the admin's CAs.
  await installNetworkOrTell({ proxy: { kind: 'environment', env }, caFile: provisioning.caFile, logger }, (message) =>
    output.err(`pail: ${message}\n`),
  )
  const secrets = new FileSecretStore(join(home, 'secrets.json'), null, stores)
  const auth = new AuthService({
    home,
    secrets,
    clock: systemClock,
    opener: opener ?? systemOpener(env),
    provisioning,
    endpoints,
    logger,
    notices,
  })
  const pairs = new PairStore(new JsonSettingsStore(home, stores), home)
  const history = new HistoryStore(home, undefined, stores.locks)
  return {
    ...output,
    env,
    home,
    provisioning,
    endpoints,
    auth,
    pairs,
    history,
    logger,
    readGuard,
    readStdin,
    promptSecret,
  }
}

/**
 * The admin's provisioning file. It is the admin's, so Pail never moves or rewrites it: a broken
 * one is reported with what to fix, and the command goes on without it (signing out, status and
 * history need none; signing in then says what is missing).
 */
async function loadProvisioningOrWarn(file: string, output: Output): Promise<Provisioning> {
  try {
    return await loadProvisioning(file)
  } catch (error) {
    if (!(error instanceof ProvisioningError)) throw error
    output.err(`pail: ${error.message} Pail carries on without it.\n`)
    return {}
  }
}
