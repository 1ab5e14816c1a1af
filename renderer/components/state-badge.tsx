/**
 * A short state in words with its colour ("Saved to Bitbucket", "Paused until 15:30"): the words
 * carry the meaning, the colour only repeats it.
 */
import type { StateWords } from '../lib/folder-words.js'

/** A state as a coloured badge of words. */
export function StateBadge({ words }: { words: StateWords }) {
  return <span className={`badge badge-${words.tone}`}>{words.label}</span>
}
