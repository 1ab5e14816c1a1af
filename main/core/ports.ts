/**
 * Small interfaces the core depends on and each shell implements (DESIGN.md §2): the Electron
 * shell with Electron's APIs, the headless shell with Node's, tests with in-memory fakes.
 */

/** Opens a URL in the user's browser. Resolves false when there is no browser to open. */
export interface Opener {
  open(url: string): Promise<boolean>
}

/** The time, so tests can move it. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
