/**
 * Reads the meta fields of a `/src` request into a commit plan, with the 400s of
 * bitbucket-api.md §3: `branch` cannot be repeated, only one parent SHA, `author` is
 * `Name <email>`, and "commits cannot be created anonymously".
 */
import type { Credential } from '../auth.js'
import { git as runGit, type GitRepository } from '../git/git-store.js'
import { ApiError } from '../http.js'
import type { EmulatorSettings } from '../settings.js'
import { normalisePath, type SrcForm, type Upload } from './src-form.js'

/** A git author: name and email. */
export interface Identity {
  name: string
  email: string
}

/** What one `/src` request asks for, validated. */
export interface CommitPlan {
  /** The `branch` field; null when omitted (the main branch). */
  branch: string | null
  /** The one `parents` SHA as sent; null when omitted. */
  parent: string | null
  message: string
  author: Identity
  /** Path → upload; a path sent twice keeps its last upload (Django's `MultiValueDict.get`). */
  uploads: Map<string, Upload>
  /** `files` paths with no same-named upload: "the file is deleted" (§3). */
  deletions: string[]
}

/** Parses a raw `Name <email>` author (§3); null when it is not of that form. */
export function parseAuthor(raw: string): Identity | null {
  const match = /^([^<>\n]*?)\s*<([^<>\n]*)>$/.exec(raw.trim())
  if (!match || match[1]!.trim() === '') return null
  return { name: match[1]!.trim(), email: match[2]!.trim() }
}

/**
 * The author when `author` is omitted: "the authenticated user's full/display name and primary
 * email address" (§3). An access token has no user: UNCONFIRMED, `settings.accessTokenAuthor`.
 */
export function defaultAuthor(credential: Credential, settings: EmulatorSettings): Identity {
  if (credential.user) return { name: credential.user.displayName, email: credential.user.email }
  const standIn = settings.accessTokenAuthor === '' ? null : parseAuthor(settings.accessTokenAuthor)
  if (!standIn)
    throw new ApiError(400, 'Commits cannot be created anonymously; send an author.', {
      fields: { author: ['This field is required.'] },
    })
  return standIn
}

function chooseAuthor(values: string[], credential: Credential, settings: EmulatorSettings): Identity {
  const raw = values.at(-1)
  if (raw === undefined) return defaultAuthor(credential, settings)
  const parsed = parseAuthor(raw)
  if (parsed) return parsed
  if (settings.malformedAuthor === 'fallback') return defaultAuthor(credential, settings)
  throw new ApiError(400, 'Invalid author; use the form "Full Name <email@example.com>".', {
    fields: { author: ['Expected "Name <email>".'] },
  })
}

function chooseParent(values: string[]): string | null {
  const shas = values.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '')
  // "Support for specifying multiple parent commits is deprecated … Only a single SHA1 is accepted." (§3)
  if (shas.length > 1)
    throw new ApiError(400, 'Only a single parent commit is supported.', {
      fields: { parents: ['Only a single SHA1 is accepted.'] },
    })
  return shas[0] ?? null
}

/**
 * Branch name → whether git accepts it. git's answer depends on the name alone, so a client
 * sending the same branch every time costs one `check-ref-format`. Bounded, for long runs.
 */
const checkedNames = new Map<string, boolean>()
const MAX_CHECKED_NAMES = 1000

/**
 * git's rules for a branch name, checked on the full ref (`check-ref-format --branch` would
 * expand `@` and `@{-1}` instead of refusing them), plus what `git branch` itself refuses.
 */
async function isBranchName(git: GitRepository, name: string): Promise<boolean> {
  if (name === 'HEAD' || name === '@' || name.startsWith('-')) return false
  let valid = checkedNames.get(name)
  if (valid === undefined) {
    try {
      await runGit(git.gitDir, ['check-ref-format', `refs/heads/${name}`])
      valid = true
    } catch {
      valid = false
    }
    if (checkedNames.size >= MAX_CHECKED_NAMES) checkedNames.clear()
    checkedNames.set(name, valid)
  }
  return valid
}

async function chooseBranch(values: string[], git: GitRepository): Promise<string | null> {
  // "The branch field cannot be repeated." (§3)
  if (values.length > 1)
    throw new ApiError(400, 'The branch field cannot be repeated.', {
      fields: { branch: ['This field cannot be repeated.'] },
    })
  const name = values[0]
  if (name === undefined) return null
  if (!(await isBranchName(git, name)))
    throw new ApiError(400, `Invalid branch name: ${name}`, { fields: { branch: ['Not a valid branch name.'] } })
  return name
}

/** Builds the plan, or throws the 400 the first bad field earns. */
export async function planCommit(
  form: SrcForm,
  credential: Credential,
  settings: EmulatorSettings,
  git: GitRepository,
): Promise<CommitPlan> {
  const branch = await chooseBranch(form.meta.branch, git)
  const parent = chooseParent(form.meta.parents)
  const author = chooseAuthor(form.meta.author, credential, settings)
  const rawMessage = form.meta.message.at(-1) ?? settings.defaultCommitMessage
  // git's own convention: a message ends with a newline.
  const message = rawMessage === '' || rawMessage.endsWith('\n') ? rawMessage : `${rawMessage}\n`
  const uploads = new Map<string, Upload>()
  for (const upload of form.uploads) {
    uploads.delete(upload.path)
    uploads.set(upload.path, upload)
  }
  const deletions: string[] = []
  for (const raw of form.meta.files) {
    const path = normalisePath(raw)
    // A path both listed in `files` and uploaded is simply written (§3).
    if (!uploads.has(path) && !deletions.includes(path)) deletions.push(path)
  }
  if (settings.fileDirectoryConflict === 'error') {
    for (const path of uploads.keys()) {
      const segments = path.split('/')
      for (let i = 1; i < segments.length; i++) {
        const ancestor = segments.slice(0, i).join('/')
        if (uploads.has(ancestor))
          throw new ApiError(400, `Path conflict: "${path}" lies under the uploaded file "${ancestor}"`, {
            fields: { path: ['A file cannot also be a directory.'] },
          })
      }
    }
  }
  return { branch, parent, message, author, uploads, deletions }
}
