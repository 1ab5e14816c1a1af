/**
 * Applies the latest of a stream of values at most once per interval: the first at once, then the
 * newest one when the interval is over; a value equal to the one applied is not applied again.
 *
 * The tray's icon goes through it: Mullvad found that "the icon doesn't update if the iconSet is
 * changed too quickly" (src/main/tray-icon-controller.ts, style-anchors.md §6), and a sync can
 * flip between states many times a second.
 */
export class LatestThrottle<T> {
  private lastAppliedAt = Number.NEGATIVE_INFINITY
  private hasApplied = false
  private applied: T | undefined
  private pending: { value: T } | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private disposed = false

  constructor(
    private readonly apply: (value: T) => void,
    private readonly intervalMs: number,
    private readonly isSame: (a: T, b: T) => boolean = Object.is,
  ) {}

  /** Offers `value`: applied now, or when the interval since the last one is over (if still the latest). */
  push(value: T): void {
    if (this.disposed) return
    this.pending = { value }
    if (this.timer) return
    const wait = this.lastAppliedAt + this.intervalMs - Date.now()
    if (wait <= 0) this.flush()
    else this.timer = setTimeout(() => this.flush(), wait)
  }

  /** Stops: nothing pending is applied, nothing pushed later either. */
  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    this.timer = null
    const pending = this.pending
    this.pending = null
    if (!pending) return
    if (this.hasApplied && this.isSame(this.applied as T, pending.value)) return
    this.hasApplied = true
    this.applied = pending.value
    this.lastAppliedAt = Date.now()
    this.apply(pending.value)
  }
}
