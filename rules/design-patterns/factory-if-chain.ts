import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import { enclosingDef, findDescendants, isNestedScope, parameterNames } from '../../server/analysis';
import { fileIndentUnit, hasCommentBetween, indentAt, replaceRange } from '../../server/fixes';

interface Branch {
  key: Node;
  ctor: Node;
  args: Node;
}

export default defineRule({
  id: 'factory-if-chain',
  title: 'A factory with a long if/elif on a type string',
  category: 'design-patterns',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'design-patterns',
  message: 'An if/elif chain picks a class by name; a registry dict is shorter and easier to extend',
  docs: {
    why:
      'A factory that compares a type string branch by branch (`if kind == "cnn": return CNN() elif ...`) grows ' +
      'with every new class, duplicates the constructor call, and silently returns None for an unknown name. ' +
      'Reported for chains of at least three branches that each return a constructor call selected by comparing ' +
      'the same parameter with a string.',
    instead:
      'Keep a mapping from names to classes (`MODELS = {"cnn": CNN, "rnn": RNN}`), look the class up, and raise a ' +
      '`ValueError` listing the valid names when the lookup fails; a `register` decorator can fill the mapping.',
    example: {
      before:
        'def create(kind):\n    if kind == "cnn":\n        return CNN()\n    elif kind == "rnn":\n        return RNN()\n    elif kind == "vit":\n        return ViT()',
      after:
        'MODELS = {"cnn": CNN, "rnn": RNN, "vit": ViT}\n\ndef create(kind):\n    try:\n        return MODELS[kind]()\n    except KeyError:\n        raise ValueError(f"unknown model {kind!r}; expected one of {sorted(MODELS)}") from None',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Look the class up in a dict',
    reason: 'a dict lookup hashes the key: an unhashable argument now raises TypeError instead of falling through',
  },
  query: `
(if_statement
  condition: (comparison_operator (identifier) @var (string))
  (elif_clause)) @if`,
  check(m, ctx) {
    const ifStmt = m.need('if');
    if (ifStmt.parent?.type === 'elif_clause' || ifStmt.parent?.type === 'else_clause') return;
    const def = enclosingDef(ifStmt);
    const varName = m.need('var').text;
    if (!def || !parameterNames(def).includes(varName)) return;
    const branches: Branch[] = [];
    const first = branch(ifStmt, varName);
    if (!first) return;
    branches.push(first);
    let elseClause: Node | null = null;
    for (const clause of ifStmt.namedChildren) {
      if (!clause) continue;
      if (clause.type === 'elif_clause') {
        const b = branch(clause, varName);
        if (!b) return;
        branches.push(b);
      } else if (clause.type === 'else_clause') {
        elseClause = clause;
      }
    }
    if (branches.length < 3) return;
    const fname = def.childForFieldName('name')!.text;
    const returnsNone = elseClause !== null && /^else\s*:\s*return(\s+None)?\s*$/.test(elseClause.text.replace(/#.*$/gm, '').trim());
    const tail = returnsNone || !elseClause ? `; raise \`ValueError\` for unknown names instead of returning None` : '';
    ctx.report({
      node: ifStmt.childForFieldName('condition')!,
      message: `\`${fname}\` picks one of ${branches.length} classes with an if/elif chain on \`${varName}\`; use a dict from names to classes${tail}`,
      edits: fixFor(ctx, ifStmt, def, varName, branches, elseClause) ?? undefined,
    });
  },
});

/** `<var> == "name"` whose block is only `return Ctor(args)`. */
function branch(clause: Node, varName: string): Branch | null {
  const cond = clause.childForFieldName('condition');
  if (cond?.type !== 'comparison_operator') return null;
  const ops = cond.childrenForFieldName('operators').filter((o) => o !== null);
  if (ops.length !== 1 || ops[0]!.text !== '==') return null;
  const operands = cond.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const [a, b] = operands;
  const key = a?.type === 'identifier' && a.text === varName ? b : b?.type === 'identifier' && b.text === varName ? a : null;
  if (key?.type !== 'string' || key.namedChildren.some((c) => c?.type === 'interpolation')) return null;
  const block = clause.childForFieldName('consequence');
  const stmts = block?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
  const call = stmts[0].namedChild(0);
  if (call?.type !== 'call') return null;
  const ctor = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!ctor || !args || (ctor.type !== 'identifier' && ctor.type !== 'attribute')) return null;
  // Looks like a class: CapitalisedName or module.ClassName.
  const last = ctor.type === 'attribute' ? ctor.childForFieldName('attribute')!.text : ctor.text;
  if (!/^_?[A-Z]/.test(last)) return null;
  return { key, ctor, args };
}

function fixFor(ctx: RuleContext, ifStmt: Node, def: Node, varName: string, branches: Branch[], elseClause: Node | null) {
  const args = branches[0].args.text;
  if (!branches.every((b) => b.args.text === args)) return null;
  const keys = branches.map((b) => b.key.text.replace(/^[a-zA-Z]*(['"])|['"]$/g, ''));
  if (new Set(keys).size !== keys.length) return null;
  const end = elseClause ? elseClause.startIndex : ifStmt.endIndex;
  if (hasCommentBetween(ctx.facts, ifStmt.startIndex, end)) return null;
  // The statement must start its line, and `factories` must be free in the function.
  const body = def.childForFieldName('body');
  if (!body || findDescendants(body, (n) => n.type === 'identifier' && n.text === 'factories', isNestedScope).length > 0) return null;
  const lineStart = ctx.text.lastIndexOf('\n', ifStmt.startIndex - 1) + 1;
  if (ctx.text.slice(lineStart, ifStmt.startIndex).trim() !== '') return null;
  const indent = indentAt(ctx.text, ifStmt.startIndex);
  const unit = fileIndentUnit(ctx.facts);
  const eol = detectEol(ctx.text);
  const mapping = `{${branches.map((b) => `${b.key.text}: ${b.ctor.text}`).join(', ')}}`;
  let text = `factories = ${mapping}${eol}${indent}if ${varName} in factories:${eol}${indent}${unit}return factories[${varName}]${args}`;
  if (elseClause) text += `${eol}${indent}`;
  return [replaceRange(ifStmt.startIndex, end, text)];
}
