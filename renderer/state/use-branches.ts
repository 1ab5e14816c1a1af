/**
 * The branches of the repository a form has chosen (`workspace/slug`), asked for each time the
 * choice changes; an answer for an earlier choice is dropped. Empty until they arrive, or when
 * they cannot be read (the branch field then stays free to type in).
 */
import { useEffect, useState } from 'react'
import { splitFullName } from '../lib/repositories.js'
import { usePail } from './pail-context.js'

/** The branches, and whether they are the answer for `fullName` (false while asking). */
export function useBranches(fullName: string): { branches: string[]; loaded: boolean } {
  const api = usePail()
  const [answer, setAnswer] = useState<{ fullName: string; branches: string[] } | null>(null)
  useEffect(() => {
    const names = splitFullName(fullName)
    if (!names) return
    let current = true
    void api.reposListBranches(names).then((result) => {
      if (current) setAnswer({ fullName, branches: result.ok ? result.value : [] })
    })
    return () => {
      current = false
    }
  }, [api, fullName])
  const loaded = answer !== null && answer.fullName === fullName
  return { branches: loaded ? answer.branches : [], loaded }
}
