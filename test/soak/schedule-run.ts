/**
 * Runs one schedule: a fresh folder, Pail home and repository, the steps in order (recording
 * what the oracle needs), then quiescence — faults cleared, passes until two in a row change
 * nothing, holds confirmed as a person would — and the oracle's verdict.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { blobSha, contentBytes } from './content.js'
import { snapshotFolder, type Snapshot } from './folder-snapshot.js'
import { commitsOn } from './git-facts.js'
import { applyLocalStep, type Places } from './local-ops.js'
import { runOracle, type Failure } from './oracle.js'
import { PailUnderTest, type PassOutcome } from './pail-under-test.js'
import { Records, type RunFigures } from './records.js'
import { RemoteSide } from './bitbucket-side.js'
import type { SoakEmulator } from './soak-emulator.js'
import { describeStep, isLocalStep, type LocalStep, type Schedule, type Step } from './steps.js'

/** One line of what happened: the step as written, and what came of it. */
export interface TraceLine {
  label: string
  text: string
  result: string
  /** How long the step took, in ms. */
  ms?: number
}

export interface ScheduleResult {
  schedule: Schedule
  failures: Failure[]
  trace: TraceLine[]
  figures: RunFigures & { commits: number }
  wallMs: number
  /** Where the schedule's folders were kept (`keep`), else null. */
  keptAt: string | null
}

/** What a tampering hook may touch (oracle.test.ts breaks things on purpose to see the checks fail). */
export interface TamperContext {
  places: Places
  remote: RemoteSide
  marker: string
}

export interface RunOptions {
  /** Keep the folder, home and outside folder of a failed schedule, for a look. */
  keep?: boolean
  passTimeoutMs?: number
  /** Test hooks: called after the last step, before quiescence, and before the oracle. */
  tamper?: {
    beforeQuiescence?: (ctx: TamperContext) => Promise<void>
    beforeOracle?: (ctx: TamperContext) => Promise<void>
  }
}

const BRANCHES = ['sync', 'team/notes', 'pail-sync']
const QUIESCENCE_CAP = 10
/** Largest content sent through the control endpoint's JSON (its body limit is 1 MiB). */
const MAX_REMOTE_BYTES = 400_000

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** `promise`, or 'timeout' after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `condition` every 5 ms until it holds, `done` settles, or `ms` pass; returns whether it held. */
async function until(condition: () => boolean, done: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false
  void done.then(
    () => (settled = true),
    () => (settled = true),
  )
  const deadline = Date.now() + ms
  while (!condition()) {
    if (settled || Date.now() > deadline) return condition()
    await sleep(5)
  }
  return true
}

export function describeOutcome(outcome: PassOutcome | 'timeout'): string {
  if (outcome === 'timeout') return 'did not finish in time'
  switch (outcome.kind) {
    case 'committed':
      return `committed ${outcome.commit.slice(0, 10)}${outcome.downloaded ? `, ${outcome.downloaded} downloaded` : ''}${outcome.conflicts.length ? `, kept both versions of ${outcome.conflicts.map((c) => JSON.stringify(c)).join(', ')}` : ''}`
    case 'up-to-date':
      return `up to date${outcome.downloaded ? `, ${outcome.downloaded} downloaded` : ''}`
    case 'held':
      return `held (${outcome.reason})`
    case 'error':
      return `error: ${outcome.message}`
  }
}

/** Three passes in a row ending in the same error: more passes would not change a thing. */
function repeatsError(outcomes: readonly string[]): boolean {
  const tail = outcomes.slice(-3)
  return tail.length === 3 && tail.every((o) => o === tail[0] && o.includes('error:'))
}

function sameEntries(a: Snapshot, b: Snapshot): boolean {
  if (a.entries.size !== b.entries.size) return false
  for (const [path, entry] of a.entries) {
    const other = b.entries.get(path)
    if (!other || other.sha !== entry.sha || other.kind !== entry.kind) return false
  }
  return true
}

class ScheduleRun {
  readonly trace: TraceLine[] = []
  // The schedules never name a file Pail ignores (generator.test.ts), so such a file is Pail's own.
  readonly records = new Records((path) => PailUnderTest.isIgnoredByDefault(path.slice(path.lastIndexOf('/') + 1)))
  /** Paths the person changed during the pass in flight (null: none in flight). */
  private touched: string[] | null = null
  private outsideBaseline: Snapshot | null = null
  private readonly passTimeoutMs: number

  constructor(
    private readonly places: Places,
    private readonly remote: RemoteSide,
    private readonly pail: PailUnderTest,
    options: RunOptions,
  ) {
    this.passTimeoutMs = options.passTimeoutMs ?? 120_000
  }

  private log(label: string, text: string, result: string): void {
    this.trace.push({ label, text, result })
  }

  /** A trace line whose result is filled in later (a pass with steps inside it). */
  private begin(label: string, text: string): TraceLine {
    const line = { label, text, result: 'running' }
    this.trace.push(line)
    return line
  }

  async snapshot(forceReadable = false): Promise<Snapshot> {
    const snap = await snapshotFolder(this.places.folder, { forceReadable })
    this.records.observe(snap)
    return snap
  }

  /** The outside folder as the harness left it; differences found later are Pail's doing. */
  async checkOutside(when: string): Promise<void> {
    const now = await snapshotFolder(this.places.outside, { forceReadable: true })
    const baseline = this.outsideBaseline
    if (baseline && !sameEntries(baseline, now)) {
      const changes = [...new Set([...baseline.entries.keys(), ...now.entries.keys()])].sort().flatMap((path) => {
        const was = baseline.entries.get(path)
        const is = now.entries.get(path)
        if (was?.sha === is?.sha) return []
        return [`${JSON.stringify(path)} ${!was ? 'created' : !is ? 'deleted' : 'changed'}`]
      })
      this.records.outside.push(`${when}: outside the folder, ${changes.join(', ')}`)
    }
    this.outsideBaseline = now
  }

  /** Runs one step and notes how long it took on its trace line. */
  async step(step: Step, label: string): Promise<void> {
    const started = Date.now()
    const first = this.trace.length
    await this.run(step, label)
    const line = this.trace.find((l, i) => i >= first && l.label === label)
    if (line) line.ms = Date.now() - started
  }

  private async run(step: Step, label: string): Promise<void> {
    this.records.clock++
    this.records.stepClock.set(label, this.records.clock)
    this.records.figures.steps++
    const text = describeStep(step)
    if (isLocalStep(step)) return this.local(step, label)
    switch (step.op) {
      case 'remote-commit':
        return this.remoteCommit(step.files, step.deletions, label, text)
      case 'remote-push': {
        if (!(await this.remote.branchTip())) return this.log(label, text, 'nothing to do: the branch is gone')
        const files = step.files.map((f) => ({
          path: f.path,
          mode: f.mode,
          ...(f.content ? { content: contentBytes(f.content) } : {}),
          ...(f.target ? { target: f.target.replace('<outside>', this.places.outside) } : {}),
        }))
        let hash: string
        try {
          hash = await this.remote.pushAsOther(files)
        } catch (error) {
          // A path the branch cannot take as it is (a file where a folder would have to be).
          return this.log(label, text, `refused: ${(error as Error).message.split('\n')[0]}`)
        }
        this.records.figures.remoteCommits++
        for (const f of files) {
          const bytes = f.content ?? Buffer.from(f.target!)
          this.records.remote.push({ path: f.path, sha: blobSha(bytes), size: bytes.length, commit: hash, step: label })
        }
        return this.log(label, text, `pushed ${hash.slice(0, 10)}`)
      }
      case 'delete-branch':
        if (!(await this.remote.branchTip())) return this.log(label, text, 'nothing to do: the branch is gone')
        await this.remote.deleteBranch()
        this.records.branchDeletions.push(this.records.clock)
        return this.log(label, text, 'deleted')
      case 'create-branch':
        if (await this.remote.branchTip()) return this.log(label, text, 'nothing to do: the branch exists')
        await this.remote.createBranch()
        return this.log(label, text, 'created')
      case 'fault':
        await this.remote.armFault(step)
        this.records.figures.faults++
        return this.log(label, text, 'armed')
      case 'expire-tokens':
        return this.log(label, text, `${await this.remote.expireTokens()} expired`)
      case 'revoke-tokens':
        return this.log(label, text, `${await this.remote.revokeTokens()} revoked`)
      case 'pass':
        return this.pass(label, text, step.confirmIfHeld)
      case 'pass-during':
        return this.passDuring(step, label, text)
      case 'kill':
        return this.kill(step, label, text)
    }
  }

  private async local(step: LocalStep, label: string): Promise<void> {
    const before = await this.snapshot()
    if (step.op === 'folder-to-link' && step.kind === 'moved-outside') await this.checkOutside(`before step ${label}`)
    const effect = await applyLocalStep(step, this.places)
    this.touched?.push(...effect.affected)
    const after = await this.snapshot()
    this.records.noteRemovals(before, after, effect.affected, label)
    if (effect.changedOutside) this.outsideBaseline = await snapshotFolder(this.places.outside, { forceReadable: true })
    this.log(label, describeStep(step), effect.result)
  }

  private async remoteCommit(
    specs: Record<string, { tag: string; size: number }>,
    deletions: string[],
    label: string,
    text: string,
  ): Promise<void> {
    if (!(await this.remote.branchTip())) return this.log(label, text, 'nothing to do: the branch is gone')
    // The control endpoint takes text; the version recorded is the bytes it stores.
    const files = Object.fromEntries(
      Object.entries(specs).map(([path, spec]) => [
        path,
        contentBytes({ tag: spec.tag, size: Math.min(spec.size, MAX_REMOTE_BYTES) }).toString('utf8'),
      ]),
    )
    let hash: string
    try {
      hash = await this.remote.commitAsOther(files, deletions)
    } catch (error) {
      return this.log(label, text, `refused: ${(error as Error).message}`)
    }
    this.records.figures.remoteCommits++
    for (const path of deletions) this.records.removedRemotely.set(path, label)
    for (const [path, content] of Object.entries(files))
      this.records.remote.push({
        path,
        sha: blobSha(content),
        size: Buffer.byteLength(content),
        commit: hash,
        step: label,
      })
    this.log(label, text, `committed ${hash.slice(0, 10)}`)
  }

  /** After a pass: versions it saw count if it ended well; a sign-out is answered by signing in again. */
  private async afterPass(outcome: PassOutcome | 'timeout', start: Snapshot, touched: string[], label: string) {
    this.records.figures.passes++
    if (outcome === 'timeout')
      this.records.hangs.push(`step ${label}: the pass did not finish in ${this.passTimeoutMs} ms`)
    else if (outcome.kind === 'committed' || outcome.kind === 'up-to-date')
      this.records.countPass(start, touched, outcome.skipped, `seen by the pass of step ${label}`)
    await this.snapshot()
    if (outcome !== 'timeout' && outcome.kind === 'error' && (await this.pail.isSignedOut())) await this.signIn(label)
  }

  /**
   * Signs in again as a person does: a refused attempt (a fault still armed) is tried again. A
   * schedule arms at most a few token faults at a time (each ×1–3, some after a first request), so
   * ten attempts outlast every one of them; a sign-in refused ten times is a failure.
   */
  private async signIn(label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pail.signIn()
        return this.log(
          label,
          'the person signs in again',
          attempt === 1 ? 'signed in' : `signed in (attempt ${attempt})`,
        )
      } catch (error) {
        if (attempt === 10) throw error
      }
    }
  }

  private async pass(label: string, text: string, confirmIfHeld: boolean): Promise<void> {
    const start = await this.snapshot()
    const outcome = await within(this.pail.pass(), this.passTimeoutMs)
    this.log(label, text, describeOutcome(outcome))
    await this.afterPass(outcome, start, [], label)
    if (confirmIfHeld && outcome !== 'timeout' && outcome.kind === 'held') await this.confirm(outcome, `${label}+`)
  }

  private async confirm(held: Extract<PassOutcome, { kind: 'held' }>, label: string): Promise<void> {
    const start = await this.snapshot()
    const outcome = await within(this.pail.confirm(held), this.passTimeoutMs)
    this.log(label, `the person confirms the held pass (${held.reason})`, describeOutcome(outcome))
    await this.afterPass(outcome, start, [], label)
  }

  private async passDuring(step: Extract<Step, { op: 'pass-during' }>, label: string, text: string): Promise<void> {
    const line = this.begin(label, text)
    const id = await this.remote.hold(step.hold, { kind: 'delay', ms: step.ms })
    const start = await this.snapshot()
    const touched: string[] = []
    this.touched = touched
    const running = within(this.pail.pass(), this.passTimeoutMs)
    const held = await until(() => this.remote.fired(id), running, 10_000)
    for (const [i, inner] of step.steps.entries()) await this.local(inner, `${label}.${i + 1}`)
    const outcome = await running
    this.touched = null
    await this.remote.disarm(id)
    line.result = `${held ? '' : '(the pass made no such request) '}${describeOutcome(outcome)}`
    await this.afterPass(outcome, start, touched, label)
  }

  private async kill(step: Extract<Step, { op: 'kill' }>, label: string, text: string): Promise<void> {
    const start = await this.snapshot()
    const moment = step.moment
    const hang = moment.at === 'request' ? await this.remote.hold(moment.request, { kind: 'hang' }, moment.skip) : null
    const child = this.pail.childPass({ killAfterCommit: moment.at === 'after-commit' })
    if (hang !== null) {
      if (await until(() => this.remote.fired(hang), child.exit, this.passTimeoutMs)) child.kill()
    } else if (moment.at === 'timer') {
      await child.ready
      await sleep(moment.ms)
      child.kill()
    }
    const exit = await within(child.exit, this.passTimeoutMs)
    if (hang !== null) await this.remote.disarm(hang)
    if (exit === 'timeout') {
      child.kill()
      this.records.hangs.push(`step ${label}: the child process did not end in ${this.passTimeoutMs} ms`)
      this.log(label, text, 'did not end in time')
      await child.exit
    } else if (exit.signal === 'SIGKILL') {
      this.records.figures.kills++
      this.log(label, text, 'killed')
    } else if (exit.outcome) {
      this.log(label, text, `finished before the kill: ${describeOutcome(exit.outcome)}`)
      await this.afterPass(exit.outcome, start, [], label)
    } else {
      this.records.harnessErrors.push(`step ${label}: the child exited ${exit.code}: ${exit.stderr.slice(-800)}`)
      this.log(label, text, `the child exited ${exit.code}`)
    }
    await this.snapshot()
    if (step.restart) await this.pass(`${label}+`, 'Pail starts again: sync pass', false)
  }

  /** Faults off, then passes until two in a row change nothing (holds confirmed as a person would). */
  async quiesce(): Promise<Snapshot> {
    await this.remote.disarmAll()
    const final = await this.snapshot(true)
    let quiet = 0
    const last: string[] = []
    let n = 0
    for (; n < QUIESCENCE_CAP && quiet < 2;) {
      n++
      const label = `q${n}`
      if (await this.pail.isSignedOut()) await this.signIn(label)
      const before = await this.snapshot()
      const tipBefore = await this.remote.branchTip()
      const started = Date.now()
      let outcome = await within(this.pail.pass(), this.passTimeoutMs)
      this.trace.push({
        label,
        text: 'sync pass (quiescence)',
        result: describeOutcome(outcome),
        ms: Date.now() - started,
      })
      await this.afterPass(outcome, before, [], label)
      if (outcome !== 'timeout' && outcome.kind === 'held') {
        outcome = await within(this.pail.confirm(outcome), this.passTimeoutMs)
        this.log(`${label}+`, 'the person confirms the held pass', describeOutcome(outcome))
        await this.afterPass(outcome, before, [], `${label}+`)
        last.push(`held, then ${describeOutcome(outcome)}`)
        quiet = 0
        if (repeatsError(last)) break
        continue
      }
      const after = await this.snapshot()
      const unchanged =
        outcome !== 'timeout' &&
        outcome.kind === 'up-to-date' &&
        outcome.downloaded === 0 &&
        sameEntries(before, after) &&
        tipBefore === (await this.remote.branchTip())
      quiet = unchanged ? quiet + 1 : 0
      last.push(describeOutcome(outcome))
      if (repeatsError(last)) break
    }
    this.records.quiescence = { reached: quiet >= 2, passes: n, last: last.slice(-3) }
    return final
  }
}

/** Runs one schedule against the shared emulator and judges it. */
export async function runSchedule(
  emu: SoakEmulator,
  schedule: Schedule,
  options: RunOptions = {},
): Promise<ScheduleResult> {
  const started = Date.now()
  const root = await mkdtemp(join(tmpdir(), `pail-soak-${schedule.index}-`))
  const places: Places = { folder: join(root, 'My Folder'), outside: join(root, 'outside'), home: join(root, 'home') }
  const marker = `PAIL-SOAK-MARKER-${randomBytes(12).toString('hex')}`
  const failures: Failure[] = []
  let run: ScheduleRun | null = null
  let remote: RemoteSide | null = null
  try {
    await mkdir(places.folder, { recursive: true })
    await mkdir(join(places.outside, 'dir'), { recursive: true })
    await writeFile(join(places.outside, 'marker.txt'), `${marker}\n`)
    await writeFile(join(places.outside, 'dir', 'inner.txt'), `${marker} (in a folder)\n`)
    const repository = `soak-${schedule.index}-${randomBytes(3).toString('hex')}`
    const branch = BRANCHES[schedule.seed % BRANCHES.length]!
    remote = await RemoteSide.create(emu, repository, branch)
    const pail = await PailUnderTest.create({
      home: places.home,
      folder: places.folder,
      webUrl: emu.info.webUrl,
      apiUrl: emu.info.apiUrl,
      consumer: remote.consumer,
      workspace: remote.workspace,
      repository,
      branch,
    })
    await writeFile(join(places.home, 'soak-marker.txt'), `${marker} (in Pail's home)\n`)
    run = new ScheduleRun(places, remote, pail, options)
    await run.checkOutside('at the start')
    for (const [i, step] of schedule.steps.entries()) await run.step(step, String(i + 1))
    const tamper: TamperContext = { places, remote, marker }
    await options.tamper?.beforeQuiescence?.(tamper)
    const final = await run.quiesce()
    await options.tamper?.beforeOracle?.(tamper)
    await run.checkOutside('after quiescence')
    failures.push(
      ...(await runOracle({ places, remote, pail, marker, records: run.records, finalLocal: final, scratch: root })),
    )
  } catch (error) {
    failures.push({ check: 'harness', detail: (error as Error).stack ?? String(error) })
  }
  await remote?.disarmAll().catch(() => undefined)
  const commits = remote && !failures.some((f) => f.check === 'harness') ? await countPailCommits(remote) : 0
  let keptAt: string | null = null
  if (options.keep && failures.length > 0) keptAt = root
  else await removeTree(root)
  return {
    schedule,
    failures,
    trace: run?.trace ?? [],
    figures: { ...(run?.records.figures ?? { steps: 0, passes: 0, kills: 0, faults: 0, remoteCommits: 0 }), commits },
    wallMs: Date.now() - started,
    keptAt,
  }
}

async function countPailCommits(remote: RemoteSide): Promise<number> {
  const commits = await commitsOn(remote.gitDir, remote.branch, remote.startCommit)
  return commits.filter((c) => !remote.otherCommits.has(c.hash)).length
}

/** Removes a schedule's folders, giving back permissions the steps took away. */
async function removeTree(root: string): Promise<void> {
  await new Promise<void>((resolve) => execFile('chmod', ['-R', 'u+rwx', root], () => resolve()))
  await rm(root, { recursive: true, force: true }).catch(() => chmod(root, 0o700))
}
