// The syntax layer's front door for rules: the parsed tree's types, offsets and line breaks, and
// fast text searches for identifiers. Rules import syntax helpers from here and nowhere else.
export { Query } from './parser';
export type { Node } from './parser';
export { possibleCallsOf, wordOffsets } from './spelling';
export { detectEol, escapeRegExp } from './text';
