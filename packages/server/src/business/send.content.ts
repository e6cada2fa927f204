import { BusinessContent } from '@parley/protocol';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

/**
 * One compiled checker per content type. Ajv checks a union member by member and reports every
 * member's complaint; picking the member by `contentType` first names the one that matters
 * ("/content/quickReplies: Expected array length to be less or equal to 13").
 */
const checkers: ReadonlyMap<string, TypeCheck<TSchema>> = new Map(
  (BusinessContent.anyOf as TSchema[]).map((member) => {
    const literal = (member.properties as { contentType: { const: string } }).contentType.const;
    return [literal, TypeCompiler.Compile(member)] as const;
  }),
);

/**
 * Why `content` is not valid business content, naming the field and the rule (never the value);
 * undefined when it is valid or when its `contentType` is unknown (the schema's own answer then
 * lists the types).
 */
export function contentProblem(content: unknown): string | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const type = (content as { contentType?: unknown }).contentType;
  const checker = typeof type === 'string' ? checkers.get(type) : undefined;
  if (!checker || checker.Check(content)) return undefined;
  const first = checker.Errors(content).First();
  return `body/content${first?.path ?? ''}: ${first?.message ?? 'does not match the schema'}`;
}
