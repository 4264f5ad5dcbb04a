// Every library table, in one lookup: calls by qualified name, methods and attributes by receiver kind,
// base classes. Later tables do not override earlier ones; each library owns its own names.
import type { ValueKind } from '../kinds';
import { FRAMES_TABLE } from './frames';
import { PANDAS_TABLE } from './pandas';
import type { LibraryTable, Returns } from './table';
import { TF_TABLE } from './tf';
import { THINC_TABLE } from './thinc';
import { TORCH_TABLE } from './torch';

export type { CallView, LibraryTable, Returns } from './table';

const TABLES: readonly LibraryTable[] = [PANDAS_TABLE, TORCH_TABLE, TF_TABLE, FRAMES_TABLE, THINC_TABLE];

const calls = new Map<string, Returns>();
const methods = new Map<string, Returns>();
const attributes = new Map<string, Returns>();
const bases = new Map<string, NonNullable<LibraryTable['bases']>[string]>();
for (const table of TABLES) {
  for (const [name, r] of Object.entries(table.calls ?? {})) if (!calls.has(name)) calls.set(name, r);
  for (const [kind, byName] of Object.entries(table.methods ?? {})) for (const [name, r] of Object.entries(byName ?? {})) methods.set(`${kind} ${name}`, r);
  for (const [kind, byName] of Object.entries(table.attributes ?? {}))
    for (const [name, r] of Object.entries(byName ?? {})) attributes.set(`${kind} ${name}`, r);
  for (const [name, v] of Object.entries(table.bases ?? {})) if (!bases.has(name)) bases.set(name, v);
}

/**
 * `AutoModelForCausalLM.from_pretrained(...)`, `UNet2DConditionModel.from_pretrained(...)`: a PyTorch model class of
 * transformers or diffusers loading weights (named `...Model` or `...For<Task>`; TF and Flax classes, pipelines,
 * tokenizers, configs and processors are not nn.Modules).
 */
const PRETRAINED_MODULE = /^(?:transformers|diffusers)\.(?!TF|Flax)[A-Z]\w*(?:Model|For[A-Z]\w*)\.from_pretrained$/;

/** What a call of this qualified name returns, per the tables. */
export function callReturns(qualified: string): Returns | undefined {
  return calls.get(qualified) ?? (PRETRAINED_MODULE.test(qualified) ? 'module' : undefined);
}

/** What `<receiver of this kind>.<method>(...)` returns, per the tables. */
export function methodReturns(kind: ValueKind, method: string): Returns | undefined {
  return methods.get(`${kind} ${method}`);
}

/** What `<receiver of this kind>.<name>` (read, not called) is, per the tables. */
export function attributeReturns(kind: ValueKind, name: string): Returns | undefined {
  return attributes.get(`${kind} ${name}`);
}

/** The value of instances of classes deriving from this qualified base. */
export function baseValue(qualified: string): NonNullable<LibraryTable['bases']>[string] | undefined {
  return bases.get(qualified);
}
