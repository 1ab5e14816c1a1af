/**
 * What a fake `window.pail` answers with (fake-window-pail.ts): a signed-in office worker with two
 * workspaces, three folders in different states, a history, settings. Plain data in the contract's
 * view types, so a changed view fails the type check here too.
 */
import { featureReadiness } from '../../shared/auth/scope-catalogue.js'
import type {
  AccountView,
  AppInfo,
  ConsumerCheckView,
  FolderListing,
  FolderPreview,
  FolderView,
  HistoryView,
  SettingsView,
  WorkspaceView,
} from '../../shared/ipc/views.js'

/** Everything the fake answers; each screen test may change parts. */
export interface PailFixtures {
  info: AppInfo
  account: AccountView
  /** The sign-in the window starts in. */
  start: 'signed-in' | 'signed-out' | 'waiting' | 'expired'
  workspaces: WorkspaceView[]
  branches: string[]
  folders: FolderView[]
  history: HistoryView[]
  settings: SettingsView
  preview: FolderPreview
  listing: FolderListing
  /** The admin's consumer check: the fake answers `failing` to the secret `not-the-secret`, `passing` to any other. */
  consumerCheck: { passing: ConsumerCheckView; failing: ConsumerCheckView }
  /** Fixed "now" for the fixtures' times (epoch ms). */
  now: number
}

const HOUR = 3_600_000
const web = 'https://bitbucket.example'

function repository(workspace: string, slug: string, name: string, isPrivate = true) {
  return {
    workspace,
    slug,
    fullName: `${workspace}/${slug}`,
    name,
    isPrivate,
    mainBranch: 'main',
    link: `${web}/${workspace}/${slug}`,
  }
}

const baseFolder = {
  branch: 'main',
  paused: null,
  nextAttemptAt: null,
  progress: null,
  hold: null,
  conflicts: [],
  skipped: [],
  skippedCount: 0,
}

/** The fixtures at `now`. */
export function pailFixtures(now: number): PailFixtures {
  const commit = (hash: string, repo = 'acme/reports') => ({ hash, link: `${web}/${repo}/commits/${hash}` })
  return {
    now,
    start: 'signed-in',
    info: {
      name: 'Pail',
      version: '0.1.0',
      shell: 'headless',
      callbackUrl: 'http://127.0.0.1:8417/callback',
      webUrl: web,
      hasConsumer: true,
    },
    account: {
      displayName: 'Alice Martin',
      nickname: 'alice',
      kind: 'oauth',
      kindWords: 'your Bitbucket account, in the browser',
      permissions: [
        {
          id: 'account',
          label: 'Account: Read',
          description: 'see your name, email address and the workspaces you belong to',
        },
        {
          id: 'repository:write',
          label: 'Repositories: Write',
          description: 'upload files and commit changes to repositories',
        },
      ],
      features: featureReadiness('oauth', ['account', 'repository:write']),
      renewedAt: now - 2 * HOUR,
      expiresAt: now + HOUR,
    },
    workspaces: [
      {
        slug: 'acme',
        repositories: [repository('acme', 'reports', 'Reports'), repository('acme', 'website', 'Website', false)],
      },
      { slug: 'alice', repositories: [repository('alice', 'notes', 'Notes')] },
    ],
    branches: ['main', 'drafts'],
    folders: [
      {
        ...baseFolder,
        id: '0a1b2c3d',
        folder: '/home/alice/Documents/Reports',
        workspace: 'acme',
        repository: 'reports',
        pathInRepo: '',
        state: 'up-to-date',
        message: 'Everything is saved to Bitbucket.',
        lastSyncAt: now - 5 * 60_000,
        lastCommit: commit('4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b'),
        skipped: [
          {
            path: 'video/launch.mov',
            reason: 'too-large',
            label: 'Too large',
            message: 'Bitbucket takes files up to 100 MB here. Keep it elsewhere, or make it smaller.',
          },
        ],
        skippedCount: 1,
        link: `${web}/acme/reports/src/main/`,
      },
      {
        ...baseFolder,
        id: '1b2c3d4e',
        folder: '/home/alice/Pictures/Site',
        workspace: 'acme',
        repository: 'website',
        pathInRepo: 'images',
        state: 'held',
        message: 'Pail waits for your answer before it removes files from Bitbucket.',
        lastSyncAt: now - 26 * HOUR,
        lastCommit: commit('9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d', 'acme/website'),
        hold: {
          reason: 'mass-delete',
          message: '42 files were deleted from this folder at once. Should Pail delete them from Bitbucket too?',
          files: ['images/logo.png', 'images/banner.jpg', 'images/team.jpg'],
          count: 42,
          choices: ['delete', 'restore'],
        },
        conflicts: [{ path: 'index.html', copy: 'index (Alice’s version).html' }],
        link: `${web}/acme/website/src/main/images`,
      },
      {
        ...baseFolder,
        id: '2c3d4e5f',
        folder: '/home/alice/Notes',
        workspace: 'alice',
        repository: 'notes',
        pathInRepo: '',
        state: 'syncing',
        message: 'Saving 3 files to Bitbucket…',
        lastSyncAt: now - 3 * HOUR,
        lastCommit: null,
        progress: { filesDone: 1, filesTotal: 3, bytesSent: 1_200_000, bytesTotal: 3_400_000 },
        link: `${web}/alice/notes/src/main/`,
      },
    ],
    history: [
      {
        id: 'h1',
        time: now - 5 * 60_000,
        folder: { id: '0a1b2c3d', path: '/home/alice/Documents/Reports' },
        workspace: 'acme',
        repository: 'reports',
        branch: 'main',
        files: [
          { path: 'Q3/summary.docx', operation: 'add', bytes: 48_213 },
          { path: 'Q3/figures.xlsx', operation: 'change', bytes: 120_400 },
          { path: 'old/draft.docx', operation: 'delete', bytes: 0 },
        ],
        outcome: 'committed',
        who: 'Alice Martin',
        commit: commit('4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b'),
        error: null,
        note: null,
      },
      {
        id: 'h2',
        time: now - 26 * HOUR,
        folder: null,
        workspace: 'acme',
        repository: 'website',
        branch: 'main',
        files: [{ path: 'downloads/brochure.pdf', operation: 'add', bytes: 25_165_824 }],
        outcome: 'failed',
        who: 'Alice Martin',
        commit: null,
        error: 'Bitbucket did not answer in time. Pail tries again by itself; nothing is lost.',
        note: null,
      },
    ],
    settings: {
      launchAtLogin: null,
      notifications: true,
      commitMessageTemplate: 'Saved by Pail from {folder}',
      pausedAll: false,
    },
    preview: {
      target: { folder: '', workspace: '', repository: '', branch: 'main', pathInRepo: '' },
      files: 128,
      bytes: 57_671_680,
      ignored: { sample: ['.DS_Store', '~$report.docx', 'Thumbs.db'], count: 7 },
      skipped: {
        sample: [
          {
            path: 'backup.zip',
            reason: 'too-large',
            label: 'Too large',
            message: 'Bitbucket takes files up to 100 MB here. Keep it elsewhere, or make it smaller.',
          },
        ],
        count: 1,
      },
      incoming: { files: 2, bytes: 4096, sample: ['README.md', 'templates/letter.dotx'] },
      bothSides: { count: 0, sample: [] },
      warnings: [],
    },
    listing: {
      path: '/home/alice',
      parent: '/home',
      folders: [
        { name: 'Documents', path: '/home/alice/Documents' },
        { name: 'Pictures', path: '/home/alice/Pictures' },
      ],
    },
    consumerCheck: {
      passing: {
        verdict: 'ready',
        ready: true,
        summary: 'Staff can sign in and upload.',
        canProvision: true,
        consumerKey: 'KeyOfPail',
        webUrl: web,
        callbackUrl: 'http://127.0.0.1:8417/callback',
        items: [
          {
            id: 'credentials',
            status: 'ok',
            statusWords: 'Works',
            text: "Bitbucket accepts the consumer's key and secret.",
            fix: null,
            byHand: null,
          },
          {
            id: 'private-consumer',
            status: 'info',
            statusWords: 'Note',
            text: 'This is a private consumer: its client-credentials grant works.',
            fix: null,
            byHand: null,
          },
          {
            id: 'permissions',
            status: 'ok',
            statusWords: 'Works',
            text: "The consumer's permissions: Account: Read, Repositories: Write. Every Pail feature has what it needs.",
            fix: null,
            byHand: null,
          },
        ],
        features: [
          { label: 'Sync folders and upload files', ready: true, missing: [] },
          { label: 'See who is signed in', ready: true, missing: [] },
        ],
      },
      failing: {
        verdict: 'needs-fixes',
        ready: false,
        summary: 'Staff cannot sign in and upload yet: change what is marked “To fix”, then check again.',
        canProvision: false,
        consumerKey: 'KeyOfPail',
        webUrl: web,
        callbackUrl: 'http://127.0.0.1:8417/callback',
        items: [
          {
            id: 'credentials',
            status: 'fix',
            statusWords: 'To fix',
            text: "Bitbucket does not accept the consumer's key and secret.",
            fix: 'Copy the Key and the Secret again from Workspace settings → OAuth consumers.',
            byHand: null,
          },
          {
            id: 'callback',
            status: 'unverified',
            statusWords: 'Not checked',
            text: 'Pail could not verify that Bitbucket accepts its callback URL.',
            fix: null,
            byHand: 'Open the sign-in page in a browser where you are signed in to Bitbucket.',
          },
        ],
        features: null,
      },
    },
  }
}
