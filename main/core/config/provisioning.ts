/**
 * The admin's provisioning file: the OAuth consumer, the callback port and path, the Bitbucket
 * URLs, an optional default repository and an optional extra CA file (`caFile`: the company's
 * root certificate where the network inspects TLS), so staff never type a key. JSON, looked for
 * at `PAIL_PROVISIONING` or `<pail home>/provisioning.json`.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { z } from 'zod'
import { readCaFile } from '../net/trusted-certificates.js'
import { ProvisioningError } from './provisioning-error.js'

export const DEFAULT_CALLBACK_PORT = 31842
export const DEFAULT_CALLBACK_PATH = '/pail/callback'

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must start with https:// or http://')
  .transform((u) => u.replace(/\/+$/, ''))

export const provisioningSchema = z
  .object({
    consumer: z
      .object({ key: z.string().min(1), secret: z.string().min(1) })
      .strict()
      .optional(),
    callback: z
      .object({
        port: z.number().int().min(1024).max(65535).default(DEFAULT_CALLBACK_PORT),
        path: z.string().startsWith('/').default(DEFAULT_CALLBACK_PATH),
      })
      .strict()
      .optional(),
    webUrl: httpUrl.optional(),
    apiUrl: httpUrl.optional(),
    defaultRepository: z
      .object({ workspace: z.string().min(1), slug: z.string().min(1), branch: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** A PEM file of one or more CA certificates to trust besides the system's; relative to the provisioning file. */
    caFile: z.string().min(1).optional(),
  })
  .strict()

export type Provisioning = z.infer<typeof provisioningSchema>

export { ProvisioningError }

/** Where the provisioning file is looked for. */
export function provisioningPath(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.PAIL_PROVISIONING?.trim() || join(home, 'provisioning.json')
}

/** Reads and checks the provisioning file; an absent file is an empty provisioning. */
export async function loadProvisioning(file: string): Promise<Provisioning> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new ProvisioningError(`Pail could not read its provisioning file ${file}: ${(error as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ProvisioningError(`The provisioning file ${file} is not valid JSON. Ask your admin for a correct copy.`)
  }
  const parsed = provisioningSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the file'
    throw new ProvisioningError(
      `The provisioning file ${file} has a problem at ${where}: ${issue.message}. Ask your admin for a correct copy.`,
    )
  }
  const provisioning = parsed.data
  if (provisioning.caFile === undefined) return provisioning
  // Read now, so a missing or damaged certificate file is told like any other fault of the file.
  const caFile = caFilePath(provisioning.caFile, file)
  await readCaFile(caFile)
  return { ...provisioning, caFile }
}

/** Where `caFile` is: as written when absolute, else beside the provisioning file `file`. */
export function caFilePath(caFile: string, file: string): string {
  return resolve(dirname(file), caFile)
}

/** The callback port and path the provisioning in force names, or Pail's defaults. */
export function callbackInForce(provisioning: Pick<Provisioning, 'callback'>): { port: number; path: string } {
  return {
    port: provisioning.callback?.port ?? DEFAULT_CALLBACK_PORT,
    path: provisioning.callback?.path ?? DEFAULT_CALLBACK_PATH,
  }
}
