/**
 * The screen the address names (`#/folders`), following the address as links and the back button
 * change it.
 */
import { useEffect, useState } from 'react'
import { parseRoute, type Route } from '../lib/route.js'

/** The current route; re-renders when the hash changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash)
  useEffect(() => {
    const changed = (): void => setHash(window.location.hash)
    window.addEventListener('hashchange', changed)
    return () => window.removeEventListener('hashchange', changed)
  }, [])
  return parseRoute(hash)
}
