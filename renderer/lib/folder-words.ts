/**
 * The Folders screen's words: each folder's state, the answers to a held change, where both
 * versions of a conflict are, and one line for all folders together (the window's header).
 */
import type { FolderState, FolderView, HoldChoice, SettingsView } from '../../shared/ipc/views.js'
import { formatCount, formatUntil, type TimeStyle } from './format.js'

/** A folder's state in a few words, with a tone for its colour. */
export interface StateWords {
  label: string
  tone: 'ok' | 'busy' | 'paused' | 'attention' | 'error'
}

const stateWords: Record<FolderState, StateWords> = {
  'up-to-date': { label: 'Saved to Bitbucket', tone: 'ok' },
  syncing: { label: 'Syncing', tone: 'busy' },
  paused: { label: 'Paused', tone: 'paused' },
  held: { label: 'Waiting for your answer', tone: 'attention' },
  error: { label: 'Not syncing', tone: 'error' },
  'signed-out': { label: 'Waiting for you to sign in', tone: 'error' },
}

/** The label of a folder's state; a paused folder says until when. */
export function folderStateWords(folder: Pick<FolderView, 'state' | 'paused'>, style: TimeStyle): StateWords {
  const words = stateWords[folder.state]
  if (folder.paused) return { label: `Paused ${formatUntil(folder.paused.until, style)}`, tone: 'paused' }
  return words
}

/** The button for each answer to a held change, in the words of the CLI's answers (main/cli/hold-answer.ts). */
export const holdChoiceLabels: Record<HoldChoice, string> = {
  delete: 'Delete them from Bitbucket too',
  restore: 'Put them back from Bitbucket',
  'recreate-branch': 'Create the branch again',
}

/** "report.docx changed here and in Bitbucket: …", saying where each of the two versions now is. */
export function conflictSentence(conflict: FolderView['conflicts'][number]): string {
  // apply-remote.ts: the branch's version takes the file's name, this computer's goes to the copy.
  return `${conflict.path} changed here and in Bitbucket: Bitbucket's version is now in ${conflict.path}, and yours is kept beside it as ${conflict.copy}. Both are saved to Bitbucket.`
}

/** One line for the header: the most urgent thing first. */
export function overallStatus(folders: readonly FolderView[], settings: SettingsView | null, style: TimeStyle): string {
  if (settings && settings.pausedAll) return `Everything is paused ${formatUntil(settings.pausedAll.until, style)}.`
  if (folders.length === 0) return 'No folders are syncing yet.'
  const count = (state: FolderState): number => folders.filter((f) => f.state === state).length
  const needs = count('held') + count('error') + count('signed-out')
  if (needs > 0) return `${formatCount(needs, 'folder needs', 'folders need')} your attention.`
  if (count('syncing') > 0) return `Syncing ${formatCount(count('syncing'), 'folder')}…`
  const paused = folders.filter((f) => f.paused).length
  if (paused === folders.length) return 'All folders are paused.'
  return paused > 0
    ? `Everything else is saved to Bitbucket; ${formatCount(paused, 'folder is', 'folders are')} paused.`
    : 'Everything is saved to Bitbucket.'
}

/** A folder's destination as the window names it: "workspace/slug", the branch, and the path when there is one. */
export function folderDestination(
  folder: Pick<FolderView, 'workspace' | 'repository' | 'branch' | 'pathInRepo'>,
): string {
  const where = folder.pathInRepo ? `, in ${folder.pathInRepo}` : ''
  return `${folder.workspace}/${folder.repository}, branch ${folder.branch}${where}`
}
