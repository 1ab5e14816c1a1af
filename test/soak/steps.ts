/**
 * The steps of a soak schedule: what the person at the computer does to the folder, what another
 * Bitbucket user does to the branch, what goes wrong on the way (faults, expired or revoked
 * tokens, killed processes), and when Pail runs. Steps are plain data, printed one per line.
 */
import { describeContent, type ContentSpec } from './content.js'

/** Where a link points (the runner turns the outside and home kinds into absolute paths). */
export type LinkKind =
  'inside-file' | 'inside-dir' | 'outside-file' | 'outside-dir' | 'dangling' | 'loop' | 'home' | 'home-secrets'

/** A kind of request Pail makes, as faults and holds single it out. */
export type RequestClass =
  'branch' | 'diffstat' | 'listing' | 'meta' | 'raw' | 'commit' | 'commit-read' | 'token' | 'any'

/** What the person does in the folder. Paths are folder-relative, '/'-separated. */
export type LocalStep =
  | { op: 'write'; path: string; content: ContentSpec; executable?: boolean }
  | { op: 'append'; path: string; content: ContentSpec }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'delete'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'burst'; dir: string; count: number; tag: string }
  | { op: 'link'; path: string; kind: LinkKind; target?: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'file-to-folder'; path: string; child: string; content: ContentSpec }
  | { op: 'folder-to-file'; path: string; content: ContentSpec }
  /** The folder moved out of the paired folder (to "elsewhere") and a link left in its place. */
  | { op: 'folder-to-link'; path: string; kind: 'moved-outside' | 'outside-dir' | 'home' }

/** A file another user pushes with git: an executable or a link. */
export interface PushedFile {
  path: string
  mode: 'executable' | 'link'
  content?: ContentSpec
  /** For links: the target text ('<outside>' is replaced by the outside folder's path). */
  target?: string
}

export type FaultKind = 'status' | 'drop' | 'cut' | 'rate-limit' | 'delay' | 'refuse-token'

export interface FaultStep {
  op: 'fault'
  fault: FaultKind
  request: RequestClass
  count: number
  status?: number
  afterBytes?: number
  ms?: number
  skip?: number
}

/** When a pass in a child process dies. */
export type KillMoment =
  { at: 'request'; request: RequestClass; skip: number } | { at: 'after-commit' } | { at: 'timer'; ms: number }

export type Step =
  | LocalStep
  | { op: 'remote-commit'; files: Record<string, ContentSpec>; deletions: string[] }
  | { op: 'remote-push'; files: PushedFile[] }
  | { op: 'delete-branch' }
  | { op: 'create-branch' }
  | FaultStep
  | { op: 'expire-tokens' }
  | { op: 'revoke-tokens' }
  | { op: 'pass'; confirmIfHeld: boolean }
  | { op: 'pass-during'; hold: RequestClass; ms: number; steps: LocalStep[] }
  | { op: 'kill'; moment: KillMoment; restart: boolean }

/** A schedule: its place in the run, its seed, and its steps. */
export interface Schedule {
  index: number
  seed: number
  steps: Step[]
}

const LOCAL_OPS = new Set([
  'write',
  'append',
  'truncate',
  'delete',
  'rename',
  'burst',
  'link',
  'chmod',
  'file-to-folder',
  'folder-to-file',
  'folder-to-link',
])

export function isLocalStep(step: Step): step is LocalStep {
  return LOCAL_OPS.has(step.op)
}

/** A path as printed: JSON quoting shows spaces, quotes, line breaks and NFD accents (as escapes). */
export function showPath(path: string): string {
  const quoted = JSON.stringify(path)
  return path.normalize('NFC') === path
    ? quoted
    : `${quoted.replace(/[\u0300-\u036f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)} (NFD)`
}

/** One step in plain words. */
export function describeStep(step: Step): string {
  switch (step.op) {
    case 'write':
      return `write ${showPath(step.path)} (${describeContent(step.content)}${step.executable ? ', executable' : ''})`
    case 'append':
      return `append to ${showPath(step.path)} (${describeContent(step.content)})`
    case 'truncate':
      return `truncate ${showPath(step.path)} to ${step.size} bytes`
    case 'delete':
      return `delete ${showPath(step.path)}`
    case 'rename':
      return `rename ${showPath(step.from)} to ${showPath(step.to)}`
    case 'burst':
      return `burst of ${step.count} small files in ${showPath(step.dir)} «${step.tag}»`
    case 'link':
      return `link ${showPath(step.path)} → ${step.kind}${step.target === undefined ? '' : ` ${showPath(step.target)}`}`
    case 'chmod':
      return `chmod ${step.mode.toString(8).padStart(3, '0')} ${showPath(step.path)}`
    case 'file-to-folder':
      return `replace file ${showPath(step.path)} by a folder holding ${showPath(step.child)} (${describeContent(step.content)})`
    case 'folder-to-file':
      return `replace folder ${showPath(step.path)} by a file (${describeContent(step.content)})`
    case 'folder-to-link':
      return `replace folder ${showPath(step.path)} by a link (${step.kind})`
    case 'remote-commit': {
      const files = Object.entries(step.files).map(([p, c]) => `${showPath(p)} (${describeContent(c)})`)
      const deletions = step.deletions.map((p) => `−${showPath(p)}`)
      return `another user commits ${[...files, ...deletions].join(', ') || 'nothing'}`
    }
    case 'remote-push':
      return `another user pushes ${step.files
        .map((f) =>
          f.mode === 'link'
            ? `link ${showPath(f.path)} → ${showPath(f.target ?? '')}`
            : `executable ${showPath(f.path)} (${describeContent(f.content!)})`,
        )
        .join(', ')}`
    case 'delete-branch':
      return 'another user deletes the branch on Bitbucket'
    case 'create-branch':
      return 'another user creates the branch again, from main'
    case 'fault': {
      const what =
        step.fault === 'status'
          ? `HTTP ${step.status}`
          : step.fault === 'drop'
            ? `connection dropped after ${step.afterBytes ?? 0} request bytes`
            : step.fault === 'cut'
              ? `download cut after ${step.afterBytes ?? 0} bytes`
              : step.fault === 'delay'
                ? `delay ${step.ms} ms`
                : step.fault === 'refuse-token'
                  ? `token endpoint refuses (HTTP ${step.status})`
                  : '429 rate limit'
      return `fault: ${what} on ${step.request} requests${step.skip ? ` after ${step.skip}` : ''}, ${step.count === -1 ? 'until cleared' : `×${step.count}`}`
    }
    case 'expire-tokens':
      return "Bitbucket expires Pail's access tokens"
    case 'revoke-tokens':
      return "Bitbucket revokes Pail's tokens"
    case 'pass':
      return `sync pass${step.confirmIfHeld ? ' (confirm if held)' : ''}`
    case 'pass-during':
      return `sync pass, and while its ${step.hold} request is held ${step.ms} ms: ${step.steps.map(describeStep).join('; ')}`
    case 'kill': {
      const at =
        step.moment.at === 'request'
          ? `during its ${step.moment.request} request${step.moment.skip ? ` #${step.moment.skip + 1}` : ''}`
          : step.moment.at === 'after-commit'
            ? "right after Bitbucket's 201, before the index is written"
            : `${step.moment.ms} ms after it starts`
      return `sync pass in a child process, SIGKILLed ${at}${step.restart ? ', then restarted' : ''}`
    }
  }
}
