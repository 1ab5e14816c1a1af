/**
 * What the journey checks on the Bitbucket side, through the emulator's API with the seeded
 * repository access token (a credential of its own, untouched when the journey revokes Pail's
 * sign-in): that a commit the window links to exists, and what it holds.
 */
import type { RunningEmulator } from '../../emulator/harness.js'

async function api(emu: RunningEmulator, path: string): Promise<Response> {
  return fetch(`${emu.info.apiUrl}/2.0/repositories/${emu.info.repository.fullName}${path}`, {
    headers: { authorization: `Bearer ${emu.info.repositoryAccessToken}` },
  })
}

/** The commit's message, or an error saying the repository has no such commit. */
export async function commitMessage(emu: RunningEmulator, hash: string): Promise<string> {
  const res = await api(emu, `/commit/${hash}`)
  if (res.status !== 200)
    throw new Error(`${emu.info.repository.fullName} has no commit ${hash} (the emulator answered ${res.status})`)
  return ((await res.json()) as { message: string }).message
}

/** The size of `path` in the commit, or null when the commit has no such file. */
export async function fileSize(emu: RunningEmulator, hash: string, path: string): Promise<number | null> {
  const res = await api(emu, `/src/${hash}/${path.split('/').map(encodeURIComponent).join('/')}?format=meta`)
  if (res.status === 404) return null
  if (res.status !== 200) throw new Error(`Reading ${path} at ${hash}: the emulator answered ${res.status}`)
  return ((await res.json()) as { size: number }).size
}
