/** Every read route of the API listener (bitbucket-api.md §4), in matching order. */
import type { Route } from '../router.js'
import { branchRoutes } from './branch-routes.js'
import { diffstatRoutes } from './diffstat.js'
import { repositoryRoutes } from './repository-routes.js'
import { srcReadRoutes } from './src-read.js'
import { userRoutes } from './user-routes.js'

export const readRoutes: Route[] = [
  ...userRoutes,
  ...repositoryRoutes,
  ...branchRoutes,
  ...srcReadRoutes,
  ...diffstatRoutes,
]
