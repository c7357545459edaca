import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import { literalUnion } from '../resource-schemas';
import type { QuotaEvent } from './events';
import { QUOTA_RESOURCES } from './model';

const Claims = Type.Array(
  Type.Object(
    { resource: literalUnion(QUOTA_RESOURCES), objectId: Type.String({ description: 'The id of the object counted.' }) },
    { additionalProperties: false, title: 'QuotaClaim' },
  ),
);
const ReservedClaims = Type.Array(
  Type.Object(
    {
      resource: literalUnion(QUOTA_RESOURCES),
      objectId: Type.String({ description: 'The id of the object counted.' }),
      loadBalancerId: Type.Union([Type.String(), Type.Null()], {
        description: 'The load balancer the object belongs to; null (upcast from version 1, other than a load balancer) is unknown.',
      }),
    },
    { additionalProperties: false, title: 'ReservedClaim' },
  ),
);
const limit = Type.Optional(Type.Integer({ description: '-1 for no limit.' }));

export const QUOTA_EVENT_SCHEMAS = payloadSchemas<QuotaEvent>()({
  QuotaSet: payloadObject({
    projectId: Type.String(),
    limits: Type.Object(
      {
        loadbalancer: limit,
        listener: limit,
        pool: limit,
        member: limit,
        healthmonitor: limit,
        l7policy: limit,
        l7rule: limit,
      },
      { additionalProperties: false, description: "The project's own limits; a resource left out takes the deployment's default." },
    ),
  }),
  QuotaReset: payloadObject({ projectId: Type.String() }),
  QuotaReserved: payloadObject({
    projectId: Type.String(),
    at: Type.String({ description: 'When the reservation was made (ISO); version 1 takes the envelope occurredAt.' }),
    claims: ReservedClaims,
  }),
  QuotaReleased: payloadObject({ projectId: Type.String(), claims: Claims }),
});
