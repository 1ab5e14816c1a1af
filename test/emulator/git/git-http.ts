/** TODO(#2): being written. */
import type { Route } from '../router.js'

export const gitHttpRoutes: Route[] = []
