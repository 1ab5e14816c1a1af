/**
 * The message of a sync commit, readable in Bitbucket's history: a summary line, then one line
 * per file — `+ added`, `~ changed`, `− deleted`. The template may use {summary} and {files}.
 */

export interface MessageFiles {
  added: readonly string[]
  changed: readonly string[]
  deleted: readonly string[]
}

export const DEFAULT_TEMPLATE = '{summary}\n\n{files}'

/** Files listed one per line, at most `max` of them (a burst of 1,000 files stays readable). */
export function commitMessage(files: MessageFiles, template = DEFAULT_TEMPLATE, max = 100): string {
  const parts: string[] = []
  if (files.added.length) parts.push(`${files.added.length} added`)
  if (files.changed.length) parts.push(`${files.changed.length} changed`)
  if (files.deleted.length) parts.push(`${files.deleted.length} deleted`)
  const summary = `Pail: ${parts.join(', ') || 'no changes'}`
  const lines = [
    ...files.added.map((p) => `+ ${p}`),
    ...files.changed.map((p) => `~ ${p}`),
    ...files.deleted.map((p) => `− ${p}`),
  ]
  const shown = lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines
  return template.replaceAll('{summary}', summary).replaceAll('{files}', shown.join('\n')).trim()
}

/** The message of the empty commit that creates a branch (again) from the folder as last synced. */
export function branchCreatedMessage(branch: string): string {
  return `Pail: created the branch ${branch} from the synced folder`
}
