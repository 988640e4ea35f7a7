import { ApiError } from '../errors';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Nesting deeper than this is refused before any code walks the value. */
export const maxJsonDepth = 64;

function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) max = depth;
    if (max > maxJsonDepth) return max;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * Parses a JSON request body strictly: invalid UTF-8, malformed JSON and absurd nesting each get a
 * clear 400 instead of a replacement character, a stack trace or a stack overflow.
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new ApiError(400, 'invalidEncoding', 'the request body is not valid UTF-8', { scimType: 'invalidSyntax' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'malformed';
    throw new ApiError(400, 'invalidJson', `the request body is not valid JSON: ${detail}`, { scimType: 'invalidSyntax' });
  }
  if (depthOf(value) > maxJsonDepth)
    throw new ApiError(400, 'tooDeep', `the request body nests deeper than ${maxJsonDepth} levels`, {
      scimType: 'invalidSyntax',
    });
  return value;
}
