/**
 * Helpers for the createCommit integration tests: a Pail ApiClient on an emulator token, a local
 * folder to upload from, and a fresh repository judged by git on its bare directory.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { TestContext } from 'node:test'
import { ApiClient, type Authorizer } from '../../../main/core/bitbucket/api-client.js'
import type { CommitRequest } from '../../../main/core/bitbucket/src-commit.js'
import type { FileMode, Upload } from '../../../main/core/sync/types.js'
import { freshRepo, tipOf } from '../../emulator/api/src-test-helpers.js'
import type { RunningEmulator } from '../../emulator/harness.js'

/** An Authorizer with a fixed Bearer token and no second chance. */
export function bearer(token: string): Authorizer {
  return { header: async () => `Bearer ${token}`, afterUnauthorized: async () => null }
}

/** An ApiClient for the emulator's API with `authorizer`. */
export function apiFor(emu: RunningEmulator, authorizer: Authorizer): ApiClient {
  return new ApiClient({ apiUrl: emu.info.apiUrl, authorizer })
}

/** A temporary local folder, removed after the test. */
export async function localFolder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-commit-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Writes `content` under `folder` at a safe local name and returns the Upload for `repoPath`. */
export async function fileUpload(
  folder: string,
  repoPath: string,
  content: Buffer | string,
  mode: FileMode = 'file',
): Promise<Upload> {
  // Local names are numbered: the hostile repository paths need not be valid file names here.
  const absolutePath = join(folder, `f${Math.random().toString(36).slice(2)}`, 'data')
  await mkdir(dirname(absolutePath), { recursive: true })
  await writeFile(absolutePath, content)
  return { repoPath, absolutePath, mode }
}

/** A fresh repository `pail-demo/{slug}` (README.md on main) with its bare git dir and tip. */
export async function repoFor(
  emu: RunningEmulator,
  slug: string,
): Promise<{ gitDir: string; tip: string; target: Pick<CommitRequest, 'workspace' | 'repository' | 'branch'> }> {
  const gitDir = await freshRepo(emu, slug)
  return {
    gitDir,
    tip: (await tipOf(gitDir, 'main'))!,
    target: { workspace: 'pail-demo', repository: slug, branch: 'main' },
  }
}

/** POSTs to `/src` that reached the emulator for `slug`. */
export function srcPosts(emu: RunningEmulator, slug: string): number {
  return emu.server.requestLog.filter(
    (r) => r.method === 'POST' && r.path === `/2.0/repositories/pail-demo/${slug}/src`,
  ).length
}
