// Types for the parts of webTreeSitterPatch.mjs the test suite uses.
export const PATCH_MARKER: string;
export function patchWebTreeSitter(source: string, file?: string): string;
