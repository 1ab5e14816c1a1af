/**
 * A sync pair against a running emulator: a fresh folder, a Pail home signed in with the private
 * consumer, and the means to judge the result with git — clone the branch, compare its tree with
 * the folder byte for byte.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { promisify } from 'node:util'
import type { Session } from '../../main/core/auth/auth-service.js'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import { HoldStore, type Hold, type HoldResolution } from '../../main/core/sync/pass/hold-store.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import type { PairSyncDeps, PassOptions, SyncOutcome } from '../../main/core/sync/pass/pass-run.js'
import type { SyncPair } from '../../main/core/sync/pairs/sync-pair.js'
import { useEmulator, type RunningEmulator } from '../emulator/harness.js'
import type { EmulatorSettings } from '../emulator/settings.js'
import { pailAuth } from './pail-auth.js'

const run = promisify(execFile)

export interface SyncFixture {
  emu: RunningEmulator
  folder: string
  home: string
  session: Session
  pair: SyncPair
  history: HistoryStore
  /** The pair's state folder (index, journal, hold…). */
  stateDir: string
  /** The emulator's bare repository. */
  gitDir: string
  /** A fresh PairSyncer (as a new process would make) reconciling once. */
  syncOnce(options?: PassOptions, deps?: Partial<PairSyncDeps>): Promise<SyncOutcome>
  /** Records the person's answer to the pair's hold, as the CLI or the window does. */
  answer(resolution: HoldResolution): Promise<Hold>
  /** The files of the pair's branch, by path: content, or `-> target` for links. */
  remoteTree(): Promise<Map<string, string>>
  /** Every file and link in the folder, hidden and temporary ones included. */
  localTree(): Promise<Map<string, string>>
  /** Asserts the branch and the folder hold the same files, byte for byte. */
  assertInSync(): Promise<void>
  /** Commits on the pair's branch. */
  commitCount(): Promise<number>
}

async function treeOf(root: string, skip: (name: string) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (skip(entry.name)) continue
      const abs = join(dir, entry.name)
      const rel = prefix + entry.name
      if (entry.isSymbolicLink()) out.set(rel, `-> ${await readlink(abs)}`)
      else if (entry.isDirectory()) await walk(abs, `${rel}/`)
      else
        out.set(
          rel,
          `${((await lstat(abs)).mode & 0o111) !== 0 ? 'x ' : ''}${(await readFile(abs)).toString('base64')}`,
        )
    }
  }
  await walk(root, '')
  return out
}

export async function syncFixture(
  t: TestContext,
  options: {
    settings?: Partial<EmulatorSettings>
    repository?: string
    emptyRepository?: boolean
    /** The pair's branch (default main); it need not exist. */
    branch?: string
    /** False: passes read other people's changes over the REST API only (tests of that path). */
    readBranchOverGit?: boolean
  } = {},
): Promise<SyncFixture> {
  const emu = await useEmulator(t, options.settings ?? {})
  const slug = options.repository ?? 'handbook'
  if (slug !== 'handbook') await emu.control('POST', '/repositories', { slug, empty: options.emptyRepository === true })
  const root = await mkdtemp(join(tmpdir(), 'pail-sync-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const folder = join(root, 'My Documents')
  await run('mkdir', ['-p', folder])
  const pail = await pailAuth(t, emu, { open: async () => false }, 1)
  await pail.auth.signInWithClientCredentials(emu.info.privateConsumer)
  const session = (await pail.auth.session())!
  const pairs = new PairStore(new JsonSettingsStore(pail.home), pail.home)
  const branch = options.branch ?? 'main'
  const pair = await pairs.add({ folder, workspace: 'pail-demo', repository: slug, branch })
  const history = new HistoryStore(pail.home)
  const repo = emu.server.world.repository('pail-demo', slug)!
  const gitDir = emu.server.git(repo).gitDir
  const stateDir = join(pail.home, 'pairs', pair.id)
  let clones = 0
  const fixture: SyncFixture = {
    emu,
    folder,
    home: pail.home,
    session,
    pair,
    history,
    stateDir,
    gitDir,
    syncOnce: (opts = {}, deps = {}) =>
      new PairSyncer(pair, {
        session,
        history,
        stateDir,
        device: 'test-pc',
        ...(options.readBranchOverGit === false ? { readBranchOverGit: false } : {}),
        ...deps,
      }).syncOnce(opts),
    answer: (resolution) => new HoldStore(stateDir).resolve(resolution),
    async remoteTree() {
      const clone = join(root, `clone-${++clones}`)
      await run('git', ['clone', '--quiet', '--branch', branch, gitDir, clone], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
      })
      const tree = await treeOf(clone, (name) => name === '.git')
      await rm(clone, { recursive: true, force: true })
      return tree
    },
    // Nothing is left out: a temporary file Pail left behind is a difference (issue #7, point 3).
    localTree: () => treeOf(folder, () => false),
    async assertInSync() {
      const [remote, local] = [await fixture.remoteTree(), await fixture.localTree()]
      assert.deepEqual([...local.keys()].sort(), [...remote.keys()].sort(), 'the same paths on both sides')
      for (const [path, content] of local)
        assert.equal(content, remote.get(path), `the same bytes and mode for ${path}`)
    },
    async commitCount() {
      return Number((await run('git', ['--git-dir', gitDir, 'rev-list', '--count', branch])).stdout.trim())
    },
  }
  return fixture
}
