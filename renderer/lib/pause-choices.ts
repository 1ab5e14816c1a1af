/**
 * The two ways to pause (a folder, or everything): for an hour, or until resumed — as the choices
 * the window offers and the `until` the contract takes (epoch ms, or null for "until resumed").
 */

export type PauseChoice = 'hour' | 'until-resumed'

const HOUR = 60 * 60 * 1000

/** The choices, with their buttons' words and the same words inside a sentence ("Pause everything for 1 hour"). */
export const pauseChoices: { choice: PauseChoice; label: string; phrase: string }[] = [
  { choice: 'hour', label: 'For 1 hour', phrase: 'for 1 hour' },
  { choice: 'until-resumed', label: 'Until I resume', phrase: 'until I resume' },
]

/** The `until` for a choice made at `now`. */
export function pauseUntil(choice: PauseChoice, now: number): number | null {
  return choice === 'hour' ? now + HOUR : null
}
