/**
 * What a soak run prints: for a failed schedule, its seed, the failed checks, the steps in
 * readable form with what came of each, and the one command that replays it; at the end, a summary.
 */
import type { CheckName } from './oracle.js'
import type { ScheduleResult } from './schedule-run.js'

/** The command that replays one schedule of a run. */
export function replayCommand(runSeed: number, index: number): string {
  return `npm run soak -- --seed ${runSeed} --only ${index}`
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n')
}

/** The full account of one failed schedule. */
export function formatFailure(result: ScheduleResult, runSeed: number): string {
  const { schedule } = result
  const lines = [
    `✗ schedule ${schedule.index} (seed ${schedule.seed} of run ${runSeed}) failed ${result.failures.length} check(s):`,
    ...result.failures.map((f) => `  [${f.check}]\n${indent(f.detail)}`),
    '  steps:',
    ...result.trace.map(
      (t) =>
        `    ${t.label.padStart(4)}. ${t.text.replace(/\n/g, '\\n')}\n          → ${t.result.replace(/\n/g, ' ')}${t.ms !== undefined && t.ms >= 1000 ? ` (${(t.ms / 1000).toFixed(1)} s)` : ''}`,
    ),
    `  replay: ${replayCommand(runSeed, schedule.index)}`,
  ]
  if (result.keptAt) lines.push(`  folders kept in ${result.keptAt}`)
  return lines.join('\n')
}

export interface RunSummary {
  runSeed: number
  schedules: number
  failed: number
  steps: number
  passes: number
  commits: number
  kills: number
  faults: number
  remoteCommits: number
  failuresByCheck: Partial<Record<CheckName, number>>
  wallMs: number
}

export function summarise(runSeed: number, results: readonly ScheduleResult[], wallMs: number): RunSummary {
  const summary: RunSummary = {
    runSeed,
    schedules: results.length,
    failed: 0,
    steps: 0,
    passes: 0,
    commits: 0,
    kills: 0,
    faults: 0,
    remoteCommits: 0,
    failuresByCheck: {},
    wallMs,
  }
  for (const r of results) {
    if (r.failures.length) summary.failed++
    summary.steps += r.figures.steps
    summary.passes += r.figures.passes
    summary.commits += r.figures.commits
    summary.kills += r.figures.kills
    summary.faults += r.figures.faults
    summary.remoteCommits += r.figures.remoteCommits
    for (const check of new Set(r.failures.map((f) => f.check)))
      summary.failuresByCheck[check] = (summary.failuresByCheck[check] ?? 0) + 1
  }
  return summary
}

export function formatSummary(s: RunSummary): string {
  const checks = Object.entries(s.failuresByCheck)
    .sort((a, b) => b[1] - a[1])
    .map(([check, n]) => `${check} ${n}`)
  return [
    `soak run ${s.runSeed}: ${s.schedules} schedules, ${s.failed} failed`,
    `  ${s.steps} steps, ${s.passes} passes, ${s.commits} Pail commits, ${s.remoteCommits} commits by another user, ${s.kills} kills, ${s.faults} faults`,
    `  failures by check: ${checks.length ? checks.join(', ') : 'none'}`,
    `  wall time ${(s.wallMs / 1000).toFixed(1)} s`,
  ].join('\n')
}
