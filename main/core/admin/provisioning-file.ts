/**
 * Writes the provisioning file an admin hands to staff (`pail admin provision`): the consumer,
 * the callback port and path that were checked, Bitbucket's addresses when they are not
 * Bitbucket Cloud's, and the default repository. Checked by the same schema Pail reads it with,
 * written atomically and readable by its owner only (it holds the consumer's secret), and never
 * over an existing file unless asked.
 */
import { lstat } from 'node:fs/promises'
import { BITBUCKET_CLOUD, type Endpoints } from '../config/endpoints.js'
import { provisioningSchema, type Provisioning } from '../config/provisioning.js'
import { writeFileAtomic } from '../fs/atomic-write.js'

export interface ProvisioningDraft {
  consumer: { key: string; secret: string }
  callback: { port: number; path: string }
  endpoints: Endpoints
  defaultRepository?: { workspace: string; slug: string; branch?: string } | null
}

/** A provisioning file Pail will not write; the message says why and what to do. */
export class ProvisioningWriteError extends Error {}

/** The file's content, validated by provisioningSchema; Bitbucket Cloud's addresses are left out. */
export function buildProvisioning(draft: ProvisioningDraft): Provisioning {
  const cloud = (url: string, cloudUrl: string): boolean => url.replace(/\/+$/, '') === cloudUrl
  const candidate = {
    consumer: draft.consumer,
    callback: draft.callback,
    ...(cloud(draft.endpoints.webUrl, BITBUCKET_CLOUD.webUrl) ? {} : { webUrl: draft.endpoints.webUrl }),
    ...(cloud(draft.endpoints.apiUrl, BITBUCKET_CLOUD.apiUrl) ? {} : { apiUrl: draft.endpoints.apiUrl }),
    ...(draft.defaultRepository ? { defaultRepository: draft.defaultRepository } : {}),
  }
  const parsed = provisioningSchema.safeParse(candidate)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ProvisioningWriteError(
      `Pail did not write the provisioning file: "${issue.path.join('.')}" ${issue.message}.`,
    )
  }
  return parsed.data
}

/** The file's text, as Pail writes it (and as the window saves it). */
export function provisioningText(provisioning: Provisioning): string {
  return `${JSON.stringify(provisioning, null, 2)}\n`
}

/** Throws ProvisioningWriteError when `file` is a folder, or exists and `force` is not given. */
export async function assertWritableTarget(file: string, force: boolean): Promise<void> {
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  if (existing?.isDirectory())
    throw new ProvisioningWriteError(
      `${file} is a folder. Give the path of the file to write, e.g. ${file}/provisioning.json`,
    )
  if (existing && !force)
    throw new ProvisioningWriteError(`${file} already exists; Pail left it as it is. Add --force to replace it.`)
}

/**
 * Writes `provisioning` to `file` (mode 0600, atomically); refuses an existing file unless `force`.
 * The check and the rename are two steps: a file created between them by someone else is replaced.
 */
export async function writeProvisioningFile(
  file: string,
  provisioning: Provisioning,
  options: { force?: boolean } = {},
): Promise<void> {
  await assertWritableTarget(file, options.force === true)
  await writeFileAtomic(file, provisioningText(provisioning), { mode: 0o600 })
}
