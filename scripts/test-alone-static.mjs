// The static pass of scripts/test-alone.mjs (--static): in a test file, the variables declared
// outside the tests that one test assigns or changes (push, set, add, delete…) and another
// reads: state handed from test to test in the file's order, found without running anything.
// A counter only ever incremented (`name ${++n}`, for names of a test's own) is left out: a
// test alone still gets a fresh value. What tests leave in a database is not seen here; the
// runs of test-alone.mjs find that.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const TEST_CALLS = new Set(['test', 'it']);
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'set', 'add', 'delete', 'clear']);

/**
 * The variables of `file` written by one test and read by another: each with its line, and
 * the lines and names of the tests that write and read it.
 */
export function sharedState(file) {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS,
  );
  const line = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const tests = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && TEST_CALLS.has(calleeName(node.expression))) {
      const body = node.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (body) {
        const title = node.arguments[0];
        tests.push({ body, line: line(node), name: title && ts.isStringLiteralLike(title) ? title.text : title ? title.getText(source) : '(unnamed)' });
        return; // a test's subtests are part of it
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  const uses = new Map(); // declaration → { name, line, writes: Map<test, onlyIncrements>, reads: Set<test> }
  for (const t of tests) {
    const walk = (node) => {
      if (ts.isIdentifier(node) && isReference(node)) {
        const decl = declarationOf(node, node.text);
        if (decl && !within(decl, t.body)) {
          const use = uses.get(decl) ?? { name: node.text, line: line(decl), writes: new Map(), reads: new Set() };
          uses.set(decl, use);
          const write = writeKind(node);
          if (write) use.writes.set(t, (use.writes.get(t) ?? true) && write === 'increment');
          use.reads.add(t);
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(t.body);
  }
  const found = [];
  for (const use of uses.values()) {
    const writers = [...use.writes.keys()];
    if (writers.length === 0 || [...use.writes.values()].every((onlyIncrements) => onlyIncrements)) continue;
    const readBy = [...use.reads].filter((r) => writers.some((w) => w !== r));
    if (readBy.length > 0)
      found.push({
        name: use.name,
        line: use.line,
        writtenBy: writers.map((t) => ({ line: t.line, name: t.name })),
        readBy: readBy.map((t) => ({ line: t.line, name: t.name })),
      });
  }
  return found.sort((a, b) => a.line - b.line);
}

function calleeName(e) {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return e.expression.text; // test.skip, it.only
  return undefined;
}

/** An identifier that names a variable (not a property name, a label or a declaration's own name). */
function isReference(id) {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p) || ts.isTypeReferenceNode(p) || ts.isQualifiedName(p)) return false;
  return true;
}

/** 'assign' when `id` is assigned or a mutating method is called on it, 'increment' for ++ and --, else undefined. */
function writeKind(id) {
  const p = id.parent;
  if (
    ts.isBinaryExpression(p) &&
    p.left === id &&
    p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    p.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  )
    return 'assign';
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && [ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken].includes(p.operator))
    return 'increment';
  if (ts.isPropertyAccessExpression(p) && p.expression === id && MUTATORS.has(p.name.text) && ts.isCallExpression(p.parent) && p.parent.expression === p)
    return 'assign';
  return undefined;
}

/** The node that declares `name` as seen from `from`: the nearest enclosing scope that does. */
function declarationOf(from, name) {
  for (let scope = from.parent; scope; scope = scope.parent) {
    const decl = declaredIn(scope, name);
    if (decl) return decl;
  }
  return undefined;
}

function declaredIn(scope, name) {
  const named = (binding) => {
    if (ts.isIdentifier(binding)) return binding.text === name;
    return binding.elements.some((e) => !ts.isOmittedExpression(e) && named(e.name));
  };
  const fromList = (list) => list.declarations.find((d) => named(d.name));
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const s of scope.statements) {
      if (ts.isVariableStatement(s)) {
        const d = fromList(s.declarationList);
        if (d) return d;
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name) return s;
    }
  }
  if (ts.isFunctionLike(scope)) return scope.parameters?.find((p) => named(p.name));
  if (
    (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) &&
    scope.initializer &&
    ts.isVariableDeclarationList(scope.initializer)
  )
    return fromList(scope.initializer);
  if (ts.isCatchClause(scope) && scope.variableDeclaration && named(scope.variableDeclaration.name)) return scope.variableDeclaration;
  return undefined;
}

function within(node, ancestor) {
  for (let n = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}
