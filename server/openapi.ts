/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and
 * describe results (no second description to keep in step).
 */
import { z } from 'zod';
import { householdSchema } from '../rules/engine/household.ts';
import { screenResultSchema } from '../rules/engine/result-schema.ts';
import { conversationSchemas } from './conversation-schema.ts';
import { miniprogramPaths } from './miniprogram/miniprogram-openapi.ts';

const json = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

export function openApiDocument() {
  const household = json(householdSchema, 'input');
  const result = json(screenResultSchema, 'output');
  const error = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string', description: 'in the language of ?lang= or Accept-Language' },
          issues: {
            type: 'array',
            items: {
              type: 'object',
              properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  };
  const message = {
    type: 'object',
    properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } },
    required: ['text'],
  };
  const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
  const ok = (schema: object, description = 'OK') => ({
    description,
    content: { 'application/json': { schema } },
  });
  const errors = {
    '400': ok({ $ref: '#/components/schemas/Error' }, 'invalid input'),
    '413': ok({ $ref: '#/components/schemas/Error' }, 'too large'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Social-assistance pre-screen API',
      version: '1',
      description: 'A pre-screen, never a decision: the township decides after a home visit.',
    },
    components: {
      schemas: {
        Household: household,
        ScreenResult: result,
        Error: error,
        Message: message,
        ...conversationSchemas(),
      },
    },
    paths: {
      '/api/v1/screen': {
        post: {
          operationId: 'screen',
          summary: 'Screen one household, or an array of up to 100 (same order)',
          requestBody: body({
            oneOf: [
              { $ref: '#/components/schemas/Household' },
              { type: 'array', maxItems: 100, items: { $ref: '#/components/schemas/Household' } },
            ],
          }),
          responses: {
            '200': ok({
              oneOf: [
                { $ref: '#/components/schemas/ScreenResult' },
                { type: 'array', items: { $ref: '#/components/schemas/ScreenResult' } },
              ],
            }),
            ...errors,
          },
        },
      },
      '/api/v1/conversations': {
        post: {
          operationId: 'conversation_start',
          summary: 'Start a conversation with its first message, or in a chosen language',
          requestBody: body({ $ref: '#/components/schemas/ConversationStart' }),
          responses: { '201': ok({ $ref: '#/components/schemas/Conversation' }), ...errors },
        },
      },
      '/api/v1/conversations/{id}/messages': {
        post: {
          operationId: 'conversation_message',
          summary: 'Send the next message of a conversation',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: body({ $ref: '#/components/schemas/Message' }),
          responses: {
            '200': ok({ $ref: '#/components/schemas/Conversation' }),
            '404': ok({ $ref: '#/components/schemas/Error' }, 'no such conversation'),
            ...errors,
          },
        },
      },
      '/api/v1/jurisdictions': {
        get: {
          operationId: 'jurisdictions',
          summary: 'Configured jurisdictions',
          responses: { '200': { description: 'OK' } },
        },
      },
      '/api/v1/jurisdictions/{id}': {
        get: {
          operationId: 'jurisdiction',
          summary: 'Values in force on ?date= with their sources, and local values not configured',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'date', in: 'query', schema: { type: 'string', format: 'date' } },
          ],
          responses: { '200': { description: 'OK' }, '404': { description: 'unknown jurisdiction' } },
        },
      },
      '/api/v1/programs': {
        get: {
          operationId: 'programs',
          summary: 'Programs, departments and where to apply',
          responses: { '200': { description: 'OK' } },
        },
      },
      ...miniprogramPaths(),
    },
  };
}
