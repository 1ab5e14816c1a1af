/**
 * Where downloads are staged, written down before the staging starts (issue #7, point 3). A
 * download goes to a temporary file beside its target so that it can replace the target by one
 * rename; if the process is killed meanwhile, that file would stay in the person's folder for ever.
 * So each staging run draws a token, and before it creates its first temporary file in a folder it
 * records (token, folder) here, in the pair's state folder — never in the person's folder. Its
 * temporary files are named `.pail-<token>-<n>.tmp`, so the record names them exactly.
 *
 * A run that ends normally removes whatever of its files is still there (a failure between staging
 * and placing) and forgets itself. A run the record still names at the next pass was killed: the
 * next pass looks for its files in the whole folder — the person may have moved or renamed the
 * folder meanwhile, taking the file along — removes them (through InsideFolder), then forgets it.
 *
 * One record per folder rather than per file: a first sync of 1,000 files in 100 folders writes
 * the record about 100 times, not 2,000.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { OutsideFolderError, type InsideFolder } from '../../fs/inside-folder.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'

interface StagingFile {
  version: 1
  /** Staging runs not known to have finished: their token and the folders they staged in ('' for the pair's folder). */
  runs: { token: string; folders: string[] }[]
}

const stagingSchema = z.object({
  version: z.literal(1),
  runs: z.array(z.object({ token: z.string().regex(/^[0-9a-f]{12}$/), folders: z.array(z.string()) })),
}) satisfies z.ZodType<StagingFile>

const TEMP_NAME = /^\.pail-([0-9a-f]{12})-\d+\.tmp$/

/** Whether a file name is one of Pail's staged downloads (of any run). */
export function isStagedName(name: string): boolean {
  return TEMP_NAME.test(name)
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** The temporary files of one pass's downloads. */
export class StagingRun {
  private readonly folders = new Set<string>()
  /** Temporary files made and not yet placed or removed. */
  private readonly outstanding = new Set<string>()
  private count = 0

  constructor(
    private readonly record: StagingRecord,
    readonly token: string,
    private readonly inside: InsideFolder,
  ) {}

  /** A fresh temporary name beside `localPath`, recorded before it is used. */
  async tempFor(localPath: string): Promise<string> {
    const folder = folderOf(localPath)
    if (!this.folders.has(folder)) {
      await this.record.note(this.token, folder)
      this.folders.add(folder)
    }
    const name = `.pail-${this.token}-${++this.count}.tmp`
    return folder === '' ? name : `${folder}/${name}`
  }

  /** A temporary file now exists under `path`. */
  made(path: string): void {
    this.outstanding.add(path)
  }

  /** A temporary file was renamed into place, or removed: nothing of it is left to clean. */
  done(path: string): void {
    this.outstanding.delete(path)
  }

  /** Removes a temporary file of this run; one no longer where it was made stays outstanding. */
  async drop(path: string): Promise<void> {
    if (await this.inside.remove(path)) this.done(path)
  }

  /**
   * Ends the run: a temporary file still outstanding (a failure between staging and placing) is
   * removed — where it was made, or wherever in the folder it went since — then the run is forgotten.
   */
  async finish(): Promise<void> {
    if (this.folders.size === 0) return
    for (const path of [...this.outstanding]) await this.drop(path).catch(() => undefined)
    // Still outstanding: moved away with its folder meanwhile; looked for in the whole folder.
    if (this.outstanding.size > 0) await this.record.sweep(this.inside, this.token)
    else await this.record.forget(this.token)
  }
}

/** The pair's record of staging runs (`<state>/staging.json`). */
export class StagingRecord {
  private readonly store: JsonStore<StagingFile>

  constructor(
    stateDir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.store = new JsonStore<StagingFile>({
      file: join(stateDir, 'staging.json'),
      schema: stagingSchema,
      empty: () => ({ version: 1, runs: [] }),
      // A damaged record loses only the names of leftovers; nothing is uploaded or deleted because of it.
      damage: { kind: 'rebuild' },
      logger,
    })
  }

  /** Starts a run with a new token, staging inside `inside`. */
  start(inside: InsideFolder): StagingRun {
    return new StagingRun(this, randomBytes(6).toString('hex'), inside)
  }

  /** Records that `token` is about to stage in `folder`. */
  async note(token: string, folder: string): Promise<void> {
    await this.store.update((file) => {
      const run = file.runs.find((r) => r.token === token)
      if (!run) file.runs.push({ token, folders: [folder] })
      else if (!run.folders.includes(folder)) run.folders.push(folder)
    })
  }

  /** Forgets a run that left nothing behind. */
  async forget(token: string): Promise<void> {
    await this.store.update((file) => {
      file.runs = file.runs.filter((r) => r.token !== token)
    })
  }

  /**
   * Removes the temporary files of recorded runs — every one, or only `token`'s — wherever they are
   * in the folder, through `inside`, and forgets the runs. Returns how many files it removed. A
   * folder that cannot be looked at safely (a link, say) is not entered: nothing outside is removed.
   * While the pair's folder is missing (a drive unplugged) the runs stay recorded for the next pass.
   */
  async sweep(inside: InsideFolder, token?: string): Promise<number> {
    const runs = (await this.store.read()).runs.filter((r) => token === undefined || r.token === token)
    if (runs.length === 0) return 0
    const tokens = new Set(runs.map((r) => r.token))
    let removed = 0
    const queue = ['']
    while (queue.length > 0) {
      const folder = queue.shift()!
      let entries
      try {
        entries = await inside.list(folder)
      } catch (error) {
        if (error instanceof OutsideFolderError && error.reason === 'root-missing') {
          this.logger.warn('sync.staging-sweep-later', { reason: 'the folder is not there' })
          return removed
        }
        this.logger.warn('sync.staging-sweep-skipped', { folder, error: (error as Error).message })
        continue
      }
      for (const entry of entries) {
        const path = folder === '' ? entry.name : `${folder}/${entry.name}`
        if (entry.isDirectory()) queue.push(path)
        else if (entry.isFile() && tokens.has(TEMP_NAME.exec(entry.name)?.[1] ?? '') && (await inside.remove(path)))
          removed++
      }
    }
    await this.store.update((file) => {
      file.runs = file.runs.filter((r) => !tokens.has(r.token))
    })
    if (removed > 0) this.logger.info('sync.staging-swept', { removed })
    return removed
  }
}
