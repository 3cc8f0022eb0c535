import type { FormRule } from 'antd';
import type { z } from 'zod';

/**
 * An antd form rule that validates with the API contract's own zod schema (the same one the
 * server uses), with a message in the operator's language.
 */
export function zodRule(schema: z.ZodType, message: string): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      if (!schema.safeParse(value).success) throw new Error(message);
    },
  };
}
