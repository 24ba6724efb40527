/**
 * The mini-program's endpoints in the OpenAPI document (openapi.ts spreads these paths in), in
 * the shapes miniprogram-routes.ts answers. Request bodies come from the zod schemas that check
 * them; the answers are declared here, beside the routes, so the two change together.
 */
import { z } from 'zod';
import { linkSchema, signInSchema } from './miniprogram-routes.ts';

const input = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
};
const str = { type: 'string' };
const errorRef = { $ref: '#/components/schemas/Error' };
const ok = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const bearer = [
  {
    name: 'authorization',
    in: 'header',
    required: true,
    description: '`Bearer <token>` from sign-in',
    schema: { type: 'string', pattern: '^Bearer [A-Za-z0-9_-]{43}$' },
  },
];
const notSetUp = ok(errorRef, 'sign-in not set up (no MINIPROGRAM_APPID / _SECRET)');
const signInNeeded = ok(errorRef, 'no sign-in, or it expired: wx.login and sign in again');

export function miniprogramPaths() {
  return {
    '/api/v1/miniprogram/settings': {
      get: {
        operationId: 'miniprogram_settings',
        summary: 'Whether WeChat sign-in is set up, and the subscription templates to ask for',
        responses: {
          '200': ok({
            type: 'object',
            properties: {
              signIn: { type: 'boolean' },
              templates: { type: 'array', items: str, description: 'for wx.requestSubscribeMessage' },
            },
            required: ['signIn', 'templates'],
          }),
        },
      },
    },
    '/api/v1/miniprogram/sign-in': {
      post: {
        operationId: 'miniprogram_sign_in',
        summary: 'Exchange a wx.login code for our own short-lived token',
        requestBody: body(input(signInSchema)),
        responses: {
          '200': ok({
            type: 'object',
            properties: { token: str, expiresIn: { type: 'integer', description: 'seconds' } },
            required: ['token', 'expiresIn'],
          }),
          '400': ok(errorRef, 'invalid input'),
          '401': ok(errorRef, 'WeChat refused the code'),
          '502': ok(errorRef, 'WeChat unreachable'),
          '503': notSetUp,
        },
      },
    },
    '/api/v1/miniprogram/referrals': {
      get: {
        operationId: 'miniprogram_referrals',
        summary: "The signed-in resident's referrals: status and programs, no reference or digits",
        parameters: bearer,
        responses: {
          '200': ok({
            type: 'object',
            properties: {
              referrals: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    createdAt: { type: 'string', format: 'date-time' },
                    updatedAt: { type: 'string', format: 'date-time' },
                    status: str,
                    statusText: { ...str, description: 'in the language of Accept-Language' },
                    programs: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { id: str, verdict: { type: 'string', enum: ['likely', 'possible'] } },
                        required: ['id', 'verdict'],
                      },
                    },
                    subscribed: { type: 'boolean', description: 'status messages allowed' },
                  },
                  required: ['createdAt', 'updatedAt', 'status', 'statusText', 'programs', 'subscribed'],
                },
              },
            },
            required: ['referrals'],
          }),
          '401': signInNeeded,
          '503': notSetUp,
        },
      },
      post: {
        operationId: 'miniprogram_link',
        summary: 'Tie the referral a conversation sent to the signed-in resident, with the templates allowed',
        parameters: bearer,
        requestBody: body(input(linkSchema)),
        responses: {
          '200': ok({
            type: 'object',
            properties: { templates: { type: 'array', items: str } },
            required: ['templates'],
          }),
          '400': ok(errorRef, 'invalid input'),
          '401': signInNeeded,
          '403': ok(errorRef, 'the referral was tied to another WeChat user'),
          '404': ok(errorRef, 'no sent referral in that conversation'),
          '503': notSetUp,
        },
      },
    },
  };
}
