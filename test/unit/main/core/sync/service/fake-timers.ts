/**
 * A clock that moves only when told, with timers that fire in time order as it moves: for the
 * debounce (DirtyTracker) and the schedule (PairScheduler) without sleeping.
 */
import type { Timers } from '../../../../../../main/core/sync/local/dirty-tracker.js'

/** How many timers one advanceAsync call may fire. */
const MAX_FIRINGS = 1000

export class FakeTimers implements Timers {
  private time = 1_000_000
  private timers: { at: number; fn: () => void; id: number }[] = []
  private nextId = 0

  now(): number {
    return this.time
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++
    this.timers.push({ at: this.time + ms, fn, id })
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id)
    }
  }

  /** How many timers are armed. */
  get pendingTimers(): number {
    return this.timers.length
  }

  /** When the earliest armed timer fires, or null. */
  get nextDue(): number | null {
    return this.timers.length === 0 ? null : Math.min(...this.timers.map((t) => t.at))
  }

  /** Moves the clock by `ms`, firing due timers in order (callers that need no promise settling). */
  advance(ms: number): void {
    const end = this.time + ms
    for (let due = this.takeDue(end); due; due = this.takeDue(end)) due.fn()
    this.time = end
  }

  /**
   * Moves the clock by `ms`, firing due timers in order and letting the promises they start
   * settle after each one (and before the first), so async work reacts as it would in real time.
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.time + ms
    await settle()
    let fired = 0
    for (let due = this.takeDue(end); due; due = this.takeDue(end)) {
      // A timer that keeps re-arming itself with no delay would spin here for ever.
      if (++fired > MAX_FIRINGS) throw new Error(`more than ${MAX_FIRINGS} timers fired within ${ms} ms`)
      due.fn()
      await settle()
    }
    this.time = end
    await settle()
  }

  private takeDue(end: number): { at: number; fn: () => void } | undefined {
    const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0]
    if (!due) return undefined
    this.timers = this.timers.filter((timer) => timer !== due)
    this.time = due.at
    return due
  }
}

/** Lets pending promise callbacks run (a few turns of the event loop, no time passing on the fake clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}
