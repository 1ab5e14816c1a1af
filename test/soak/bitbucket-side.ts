/**
 * A schedule's side of Bitbucket: its own repository with the branch the pair syncs, its own
 * OAuth consumer (so faults and token expiry reach this schedule's Pail only), another user's
 * commits and pushes, the branch deleted and created again, and faults armed and disarmed.
 */
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { git as gitCli } from '../emulator/git/git-cli.js'
import { branchTip } from './git-facts.js'
import { ControlError, type SoakEmulator } from './soak-emulator.js'
import type { FaultStep, RequestClass } from './steps.js'

const WORKSPACE = 'pail-demo'

/** How each kind of request is singled out (by the path with its query). */
const REQUESTS: Record<RequestClass, { server: 'api' | 'web'; method?: string; pattern?: string }> = {
  // Pail reads the branch tip from git's ref advertisement (issue #12), falling back to the API's
  // GET …/refs/branches/{branch}, which `any` and a fallback after this fault reach.
  branch: { server: 'web', pattern: '\\.git/(info/refs|git-upload-pack)' },
  diffstat: { server: 'api', method: 'GET', pattern: '/diffstat/' },
  listing: { server: 'api', method: 'GET', pattern: '/src/[0-9a-f]{40}/([^?]*/)?\\?' },
  meta: { server: 'api', method: 'GET', pattern: '[?&]format=meta' },
  raw: { server: 'api', method: 'GET', pattern: '/src/[0-9a-f]{40}/[^?]*[^/?]$' },
  commit: { server: 'api', method: 'POST', pattern: '/src$' },
  'commit-read': { server: 'api', method: 'GET', pattern: '/commit/[0-9a-f]{40}' },
  token: { server: 'web', method: 'POST', pattern: '^/site/oauth2/access_token' },
  any: { server: 'api' },
}

/** A file another user pushes, with its bytes or link target resolved. */
export interface PushFile {
  path: string
  mode: 'executable' | 'link'
  content?: Buffer
  target?: string
}

export class RemoteSide {
  private readonly armed = new Set<number>()
  /** Commits the harness made as the other user (so the oracle tells them from Pail's). */
  readonly otherCommits = new Set<string>()

  private constructor(
    private readonly emu: SoakEmulator,
    readonly repository: string,
    readonly branch: string,
    readonly gitDir: string,
    /** The commit the branch was created at (the main branch's first commit). */
    readonly startCommit: string,
    readonly consumer: { key: string; secret: string },
  ) {}

  /** A fresh repository with `branch` created from main, and a consumer for this schedule's Pail. */
  static async create(emu: SoakEmulator, repository: string, branch: string): Promise<RemoteSide> {
    await emu.control('POST', '/repositories', { slug: repository })
    const made = await emu.control<{ hash: string }>('POST', '/branches', { repository, name: branch })
    const consumer = await emu.control<{ key: string; secret: string }>('POST', '/consumers', {
      isPrivate: true,
      name: `Pail soak ${repository}`,
    })
    const repo = emu.server.world.repository(WORKSPACE, repository)!
    return new RemoteSide(emu, repository, branch, emu.server.git(repo).gitDir, made.hash, consumer)
  }

  get workspace(): string {
    return WORKSPACE
  }

  branchTip(): Promise<string | null> {
    return branchTip(this.gitDir, this.branch)
  }

  /** Another user's commit through the emulator (plain files). */
  async commitAsOther(files: Record<string, string>, deletions: string[]): Promise<string> {
    const made = await this.emu.control<{ hash: string }>('POST', '/commit', {
      workspace: WORKSPACE,
      repository: this.repository,
      branch: this.branch,
      files,
      deletions,
      message: 'Edited by Robin',
    })
    this.otherCommits.add(made.hash)
    return made.hash
  }

  /** Another user's `git push` of executables and links (the emulator's /commit writes plain files only). */
  async pushAsOther(files: PushFile[]): Promise<string> {
    const work = await mkdtemp(join(tmpdir(), 'pail-soak-push-'))
    try {
      await gitCli(['clone', '--quiet', '--branch', this.branch, this.gitDir, work])
      for (const file of files) {
        const target = join(work, ...file.path.split('/'))
        await mkdir(dirname(target), { recursive: true })
        await rm(target, { recursive: true, force: true })
        if (file.mode === 'link') await symlink(file.target!, target)
        else {
          await writeFile(target, file.content!)
          await chmod(target, 0o755)
        }
      }
      const options = { cwd: work, config: { 'core.symlinks': 'true', 'core.filemode': 'true' } }
      await gitCli(['add', '--all'], options)
      await gitCli(['commit', '--quiet', '--allow-empty', '-m', 'Pushed by another user'], options)
      const hash = (await gitCli(['rev-parse', 'HEAD'], options)).stdout.trim()
      await gitCli(['push', '--quiet', 'origin', `HEAD:refs/heads/${this.branch}`], options)
      this.otherCommits.add(hash)
      return hash
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  }

  async deleteBranch(): Promise<void> {
    await this.emu.control('DELETE', '/branches', { repository: this.repository, name: this.branch })
  }

  async createBranch(): Promise<void> {
    await this.emu.control('POST', '/branches', { repository: this.repository, name: this.branch })
  }

  /** Arms a fault for this schedule's consumer; returns its id. */
  async armFault(step: FaultStep): Promise<number> {
    const filter = REQUESTS[step.request]
    const spec: Record<string, unknown> = { count: step.count, consumer: this.consumer.key, ...filter }
    if (step.skip) spec.skip = step.skip
    switch (step.fault) {
      case 'status':
        Object.assign(spec, { kind: 'status', status: step.status })
        break
      case 'refuse-token':
        Object.assign(spec, {
          kind: 'status',
          status: step.status,
          contentType: 'application/json',
          body: JSON.stringify({ error: 'invalid_grant', error_description: 'Access token expired or revoked' }),
        })
        break
      case 'drop':
        Object.assign(spec, { kind: 'drop', afterBytes: step.afterBytes ?? 0 })
        break
      case 'cut':
        Object.assign(spec, { kind: 'cut', afterBytes: step.afterBytes ?? 0 })
        break
      case 'rate-limit':
        Object.assign(spec, { kind: 'rate-limit' })
        break
      case 'delay':
        Object.assign(spec, { kind: 'delay', ms: step.ms })
        break
    }
    return this.arm(spec)
  }

  /** Holds one request of a class: `delay` serves it late, `hang` never (for a kill). */
  hold(request: RequestClass, how: { kind: 'delay'; ms: number } | { kind: 'hang' }, skip = 0): Promise<number> {
    return this.arm({ ...REQUESTS[request], ...how, count: 1, consumer: this.consumer.key, ...(skip ? { skip } : {}) })
  }

  private async arm(spec: Record<string, unknown>): Promise<number> {
    const { id } = await this.emu.control<{ id: number }>('POST', '/faults', spec)
    this.armed.add(id)
    return id
  }

  /** Whether the fault has fired its last time (a fault with count 1: the request arrived). */
  fired(id: number): boolean {
    return !this.emu.server.faults.list().some((f) => f.id === id)
  }

  async disarm(id: number): Promise<void> {
    this.armed.delete(id)
    try {
      await this.emu.control('DELETE', `/faults/${id}`)
    } catch (error) {
      if (!(error instanceof ControlError && error.status === 404)) throw error
    }
  }

  /** Disarms every fault this schedule armed. */
  async disarmAll(): Promise<void> {
    for (const id of [...this.armed]) await this.disarm(id)
  }

  async expireTokens(): Promise<number> {
    return (await this.emu.control<{ expired: number }>('POST', '/tokens/expire', { consumer: this.consumer.key }))
      .expired
  }

  async revokeTokens(): Promise<number> {
    return (await this.emu.control<{ revoked: number }>('POST', '/tokens/revoke', { consumer: this.consumer.key }))
      .revoked
  }

  issuedSecrets(): Promise<string[]> {
    return this.emu.control<string[]>('GET', '/issued-secrets')
  }
}
