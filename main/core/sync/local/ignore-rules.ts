/**
 * Which paths of a folder Pail leaves alone: a built-in list of OS and editor litter (temp, lock
 * and partial-download files, peer-apps.md §5 "Ignore temp and lock files by default") and the
 * gitignore-style `.pailignore` files the user writes, in the folder and in any subfolder.
 *
 * `.pailignore` itself is synced, like `.gitignore` in git: the rules then travel with the
 * repository, so every computer syncing the same repository skips the same files, and anyone
 * looking at the repository on Bitbucket can see why a file is not there.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { silentLogger, type Logger } from '../../log/logger.js'

/** The name of the per-folder rules file. */
export const RULES_FILE = '.pailignore'

/**
 * The built-in rules, in gitignore syntax. They have the lowest precedence, like git's global
 * excludes file: a `.pailignore` line such as `!*.tmp` brings a pattern back.
 */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  // Office owner files and LibreOffice lock files: they appear while a document is open.
  '~$*',
  '.~lock.*#',
  // macOS Finder, Spotlight and volume litter; AppleDouble `._x` files on non-Mac drives.
  '.DS_Store',
  '._*',
  '.Spotlight-V100',
  '.Trashes',
  '.fseventsd',
  '.TemporaryItems',
  '.DocumentRevisions-V100',
  // Windows Explorer litter and the recycle bin of a drive.
  'Thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '$RECYCLE.BIN',
  // Linux: the trash folder of a removable drive, and files deleted while still open on FUSE.
  '.Trash-*',
  '.fuse_hidden*',
  // Vim swap files (.swp, .swo … .swa) and backup files.
  '.*.sw[a-p]',
  '*~',
  // Emacs auto-save and lock files ("#" must be escaped or the line is a comment).
  '\\#*#',
  '.#*',
  // Partial downloads and temporary files (Chrome, Firefox, Safari, Edge, Office's ~WRL*.tmp).
  '*.crdownload',
  '*.part',
  '*.partial',
  '*.download',
  '*.tmp',
]

// Rules no `.pailignore` can override. Git refuses any path with a `.git` component (files too:
// a submodule or worktree has a `.git` file), so such a path could never be committed.
const HARD_IGNORED_NAMES = new Set(['.git'])
// The macOS custom-folder-icon file is named "Icon" + carriage return. gitignore syntax cannot
// express it (trailing whitespace is trimmed, which would ignore every file named "Icon").
const ICON_FILE = 'Icon\r'

/** Options for IgnoreRules. */
export interface IgnoreRulesOptions {
  /** Patterns used instead of DEFAULT_IGNORE_PATTERNS. */
  defaults?: readonly string[]
  logger?: Logger
}

/**
 * The ignore rules of one folder. Paths are relative to the folder, '/'-separated. Rules files in
 * subfolders are picked up as the scanner walks into them (`refresh`), and the watcher refreshes
 * a rules file when it changes; `isIgnored` itself is synchronous so chokidar can call it.
 */
export class IgnoreRules {
  private readonly defaults: Ignore
  /** The built-in rules as one test of a name, when they allow it (namePattern); else null. */
  private readonly defaultNames: RegExp | null
  /** Rules per folder that has a rules file ('' is the root), in gitignore's own precedence. */
  private readonly files = new Map<string, Ignore>()
  /** The text each rules file was built from, so an unchanged file is not rebuilt. */
  private readonly texts = new Map<string, string>()
  private readonly directoryCache = new Map<string, boolean>()
  private readonly logger: Logger

  constructor(
    readonly root: string,
    options: IgnoreRulesOptions = {},
  ) {
    // Case-insensitive like git on Windows and macOS, where "Thumbs.db" and "THUMBS.DB" are one file.
    this.defaults = ignore({ ignorecase: true }).add([...(options.defaults ?? DEFAULT_IGNORE_PATTERNS)])
    this.defaultNames = namePattern(options.defaults ?? DEFAULT_IGNORE_PATTERNS)
    this.logger = options.logger ?? silentLogger
  }

  /** Rules for `root`, with its top-level `.pailignore` read; subfolders' files come with a scan. */
  static async load(root: string, options: IgnoreRulesOptions = {}): Promise<IgnoreRules> {
    const rules = new IgnoreRules(root, options)
    await rules.refresh('')
    return rules
  }

  /** Whether `relativePath` names a rules file. */
  static isRulesFile(relativePath: string): boolean {
    return baseName(relativePath) === RULES_FILE
  }

  /** Whether the folder `directory` ('' for the root) has a rules file loaded. */
  hasRulesFor(directory: string): boolean {
    return this.files.has(directory)
  }

  /** The folders whose rules files are loaded. */
  ruleDirectories(): string[] {
    return [...this.files.keys()]
  }

  /**
   * Whether a path is ignored. As in git, nothing inside an ignored folder can be brought back;
   * deeper rules files win over shallower ones, and the built-in list comes last.
   */
  isIgnored(relativePath: string, isDirectory: boolean): boolean {
    if (relativePath === '') return false
    const parent = parentOf(relativePath)
    if (parent !== '' && this.isDirectoryIgnored(parent)) return true
    return this.matches(relativePath, isDirectory)
  }

  /**
   * Re-reads the rules file of one folder ('' for the root). A missing file drops its rules. A
   * file that cannot be read keeps the rules last read (dropping them could upload files the
   * user meant to keep out of Bitbucket). Returns whether the rules changed.
   */
  async refresh(directory: string): Promise<boolean> {
    const file = join(this.root, ...directory.split('/').filter(Boolean), RULES_FILE)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return this.set(directory, undefined)
      this.logger.warn('ignore.rules-unreadable', { file, error: (error as Error).message })
      return false
    }
    // Notepad writes a byte-order mark, which would otherwise become part of the first pattern.
    return this.set(directory, text.replace(/^\uFEFF/, ''))
  }

  private set(directory: string, text: string | undefined): boolean {
    if (this.texts.get(directory) === text) return false
    if (text === undefined) {
      this.texts.delete(directory)
      this.files.delete(directory)
    } else {
      this.texts.set(directory, text)
      this.files.set(directory, ignore({ ignorecase: true }).add(text))
    }
    this.directoryCache.clear()
    return true
  }

  private isDirectoryIgnored(directory: string): boolean {
    const cached = this.directoryCache.get(directory)
    if (cached !== undefined) return cached
    const parent = parentOf(directory)
    const result = (parent !== '' && this.isDirectoryIgnored(parent)) || this.matches(directory, true)
    this.directoryCache.set(directory, result)
    return result
  }

  /** The rules applied to the path itself (its parent folders are checked by the caller). */
  private matches(relativePath: string, isDirectory: boolean): boolean {
    const name = baseName(relativePath)
    if (HARD_IGNORED_NAMES.has(name.toLowerCase()) || name === ICON_FILE) return true
    const suffix = isDirectory ? '/' : ''
    // Deepest rules file first: the first one with an opinion on this path decides.
    for (let dir: string | null = parentOf(relativePath); dir !== null; dir = dir === '' ? null : parentOf(dir)) {
      const rules = this.files.get(dir)
      if (!rules) continue
      const sub = dir === '' ? relativePath : relativePath.slice(dir.length + 1)
      const result = safeTest(rules, sub + suffix)
      if (result.ignored) return true
      if (result.unignored) return false
    }
    return this.defaultNames ? this.defaultNames.test(name) : safeTest(this.defaults, relativePath + suffix).ignored
  }
}

/**
 * Patterns that are all plain globs of one name (no "/", no "!", no "**", no trailing space),
 * as the built-in list is, as one case-insensitive RegExp on a name; null for any other list.
 * Such a pattern matches a path whose last name matches (its folders are checked on their own,
 * see isIgnored), so this is what `ignore` answers, without its per-path cache: `ignore` keeps
 * every path it was asked about, and a scan of 100,000 files spent ~200 ms there.
 */
function namePattern(patterns: readonly string[]): RegExp | null {
  const sources: string[] = []
  for (const pattern of patterns) {
    if (pattern === '' || /[/!]|\*\*|\s$/.test(pattern) || pattern.startsWith('#')) return null
    let source = ''
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!
      if (c === '\\') {
        const next = pattern[++i]
        if (next === undefined) return null
        source += escapeRegExp(next)
      } else if (c === '*') source += '[^/]*'
      else if (c === '?') source += '[^/]'
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 2)
        const body = pattern.slice(i + 1, end)
        if (end < 0 || /[\\[]/.test(body)) return null
        source += `[${body.replace(/^!/, '^')}]`
        i = end
      } else source += escapeRegExp(c)
    }
    sources.push(source)
  }
  return sources.length ? new RegExp(`^(?:${sources.join('|')})$`, 'i') : /(?!)/
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
}

function safeTest(rules: Ignore, path: string): { ignored: boolean; unignored: boolean } {
  try {
    return rules.test(path)
  } catch {
    // `ignore` refuses names it cannot treat as relative paths; no rule can match those anyway.
    return { ignored: false, unignored: false }
  }
}

function parentOf(relativePath: string): string {
  const slash = relativePath.lastIndexOf('/')
  return slash < 0 ? '' : relativePath.slice(0, slash)
}

function baseName(relativePath: string): string {
  return relativePath.slice(relativePath.lastIndexOf('/') + 1)
}
