#!/usr/bin/env node
// Launches the `pail` CLI from its TypeScript sources through tsx, so `npx pail` works right
// after `npm ci` without a build step.
import { register } from 'tsx/esm/api'

register()
await import('../main/cli/main.ts')
