// The ESLint rule behind the layer table of ../shared/DESIGN.md §2 (the table itself is in
// eslint.config.js). Like VS Code's `code-layering` rule it decides by where a file stands and where
// each import lands, and it sees every way a module can be named: `import`, `export … from`,
// `import type`, `import()`, `require()`, `import x = require()`, `typeof import()` and
// `/// <reference>`. Core `no-restricted-imports` sees only the static forms and cannot tell a
// relative import that stays inside a layer from one that leaves it, so it is not used for layers.
import { builtinModules } from 'node:module'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const BUILTINS = new Set(builtinModules)

/** True for a Node built-in, with or without the `node:` prefix (`fs`, `fs/promises`, `node:test`). */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier)
}

/** The npm package a bare specifier names: `react-dom/client` → `react-dom`, `@a/b/c` → `@a/b`. */
function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** `electron-*` matches by prefix; any other entry matches exactly. */
function listed(names, name) {
  return names.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name))
}

/** The layer a path (relative to the project root, with `/`) lies in: the longest matching folder. */
function layerOf(layers, path) {
  const matches = Object.keys(layers).filter((layer) => path === layer || path.startsWith(`${layer}/`))
  return matches.sort((a, b) => b.length - a.length)[0]
}

/** What a layer may import, in words: "shared/ may import only shared/ and zod". */
function summary(layer, policy) {
  const allowed = policy.layers.map((name) => `${name}/`)
  if (policy.node) allowed.push('Node built-ins')
  if (policy.packages) allowed.push(...policy.packages)
  else allowed.push(`any library but ${policy.forbiddenPackages.join(', ')}`)
  const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} and ${allowed.at(-1)}` : allowed[0]
  return `${layer}/ may import ${policy.packages ? 'only ' : ''}${list} (DESIGN.md §2)`
}

/**
 * Why `specifier`, imported by the file `from` in `layer`, breaks the layer's policy (`shown` names it
 * in the message); undefined if it does not.
 */
function violation(options, layer, from, specifier, shown) {
  const policy = options.layers[layer]
  if (specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:')) {
    const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(from), specifier)
    const path = relative(options.root, target).split(sep).join('/')
    const targetLayer = layerOf(options.layers, path)
    if (targetLayer && policy.layers.includes(targetLayer)) return undefined
    // A project file outside every layer that a layer may read as data (core's package.json).
    if (!targetLayer && policy.files?.includes(path)) return undefined
    return `'${specifier}' leads to ${targetLayer ? `${targetLayer}/` : path}: ${summary(layer, policy)}.`
  }
  if (isNodeBuiltin(specifier))
    return policy.node ? undefined : `'${shown}' is a Node built-in: ${summary(layer, policy)}.`
  const name = packageName(specifier)
  if (policy.packages && !listed(policy.packages, name))
    return `'${name}' is not on this layer's list of libraries: ${summary(layer, policy)}. A library that is safe here goes on that list in eslint.config.js.`
  if (policy.forbiddenPackages && listed(policy.forbiddenPackages, name))
    return `'${name}' may not be imported here: ${summary(layer, policy)}.`
  return undefined
}

/** The string a node names, when it is a literal (a template literal without `${}` counts). */
function literal(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked
  return undefined
}

const REFERENCE = /^\/\s*<reference\s+(types|path|lib)\s*=\s*["']([^"']+)["']/

/** @type {import('eslint').Rule.RuleModule} */
export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only what ../shared/DESIGN.md §2 allows it.' },
    schema: [{ type: 'object', additionalProperties: true }],
  },
  create(context) {
    const options = context.options[0]
    const from = context.filename
    const path = relative(options.root, from).split(sep).join('/')
    const layer = layerOf(options.layers, path)
    if (!layer)
      return {
        Program: (node) =>
          context.report({
            node,
            message: `${path} is in no layer: move it into one of ${Object.keys(options.layers).join(', ')} (DESIGN.md §2).`,
          }),
      }

    function check(node, specifier, shown = specifier) {
      const problem = violation(options, layer, from, specifier, shown)
      if (problem) context.report({ node, message: problem })
    }
    function checkDynamic(node, source) {
      const specifier = literal(source)
      if (specifier !== undefined) check(node, specifier)
      else
        context.report({
          node,
          message: `A module loaded by a computed name cannot be checked against the layer rules (DESIGN.md §2): name it in a string literal.`,
        })
    }
    const isRequire = (callee) =>
      (callee.type === 'Identifier' && callee.name === 'require') ||
      (callee.type === 'MemberExpression' && callee.object.name === 'require' && callee.property.name === 'resolve')

    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const match = comment.type === 'Line' ? REFERENCE.exec(comment.value) : null
          if (!match) continue
          const [, kind, value] = match
          if (kind === 'lib')
            context.report({
              node: comment,
              message: `A layer's libraries are set by its tsconfig.json, not by /// <reference lib>.`,
            })
          else if (kind === 'path') check(comment, value.startsWith('.') ? value : `./${value}`)
          else if (value === 'node') check(comment, 'node:', `/// <reference types="node" />`)
          else check(comment, value)
        }
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => checkDynamic(node, node.source),
      CallExpression: (node) => isRequire(node.callee) && checkDynamic(node, node.arguments[0]),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' && check(node, node.moduleReference.expression.value),
      TSImportType: (node) => {
        const specifier = literal(node.source ?? node.argument?.literal)
        if (specifier !== undefined) check(node, specifier)
      },
    }
  },
}
