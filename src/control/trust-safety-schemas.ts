import { Type, type TSchema } from '@sinclair/typebox';
import { DECISION_GROUND, STATEMENT_CATEGORY, CATEGORY_SPECIFICATION } from '../trust-safety/dsa-format.js';
import { DECISION_ACTIONS, TARGET_TYPES } from '../trust-safety/types.js';
import { MAX_EXPLANATION } from '../trust-safety/notice-rules.js';

/** Schemas of the trust & safety endpoints (notices, decisions, appeals, transparency, notes). */
const strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
// The same id shape as schemas.ts's; not imported from there, which imports this file.
const Id = Type.String({ pattern: '^[a-z]{1,3}_[A-Za-z0-9_-]{12}$', maxLength: 16 });
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const Category = literals(STATEMENT_CATEGORY);
export const TargetTypeName = literals(TARGET_TYPES);
const Ground = literals(DECISION_GROUND);
const AtMs = Type.Integer({ minimum: 0, maximum: 7 * 24 * 3_600_000, description: 'milliseconds from the start of the Space' });

export const NoticeBody = Type.Object({
  targetType: TargetTypeName,
  targetId: Id,
  atMs: Type.Optional(AtMs),
  category: Category,
  explanation: Type.String({ minLength: 1, maxLength: MAX_EXPLANATION }),
  notifierName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  notifierEmail: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  goodFaith: Type.Boolean({ description: 'I am convinced in good faith that the information and allegations are accurate and complete (Art. 16(2)(d))' }),
}, strict);
export const NoticeReceipt = Type.Object({ id: Type.String(), receivedAt: Instant, warning: Type.Optional(Type.String({ description: 'DSA Art. 23(2): this account\'s notices are often manifestly unfounded' })) });

const DecisionRef = Nullable(Type.Object({ id: Type.String(), action: Type.String(), decidedAt: Instant, state: Type.String() }));
export const MyNotices = Type.Object({
  notices: Type.Array(Type.Object({
    id: Type.String(), targetType: Type.String(), targetId: Type.String(), category: Type.String(), receivedAt: Instant,
    state: Type.String(), decision: DecisionRef,
  })),
});

export const QueueQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
}, strict);
export const QueueView = Type.Object({
  items: Type.Array(Type.Object({
    targetType: Type.String(), targetId: Type.String(), spaceId: Nullable(Type.String()), openNotices: Type.Integer(),
    trustedNotices: Type.Integer(), firstAt: Instant, lastAt: Instant, listenUrl: Nullable(Type.String()),
    notices: Type.Array(Type.Object({
      id: Type.String(), category: Type.String(), explanation: Type.String(), atMs: Nullable(Type.Integer()), trusted: Type.Boolean(), receivedAt: Instant,
    })),
  })),
  next: Nullable(Type.String()),
});

export const DecisionBody = Type.Object({
  targetType: TargetTypeName,
  targetId: Id,
  action: literals(DECISION_ACTIONS),
  atMs: Type.Optional(AtMs),
  ground: Ground,
  legalGround: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  termsClause: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  explanation: Type.String({ minLength: 1, maxLength: 2000 }),
  facts: Type.String({ minLength: 1, maxLength: 5000, description: 'facts and circumstances; write no personal data, it is published' }),
  category: Category,
  keywords: Type.Optional(Type.Array(literals(CATEGORY_SPECIFICATION), { maxItems: 10, uniqueItems: true })),
  endsAt: Type.Optional(Instant),
  manifestlyUnfounded: Type.Optional(Type.Boolean({ description: 'with no_action: the notices were manifestly unfounded (Art. 23(2))' })),
  manifestlyIllegal: Type.Optional(Type.Boolean({ description: 'the content was manifestly illegal (Art. 23(1)): counts towards a suspension' })),
}, strict);

/** Optional reasons a moderator may give with a stage control (mute, dismiss). */
export const StaffReasonsBody = Type.Object({
  ground: Type.Optional(Ground),
  legalGround: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  termsClause: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  explanation: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  facts: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
  category: Type.Optional(Category),
}, strict);

export const AppealView = Type.Object({
  id: Type.String(), decisionId: Type.String(), explanation: Type.String(), submittedAt: Instant,
  state: literals(['open', 'upheld', 'reversed']), decidedAt: Nullable(Instant), reasons: Nullable(Type.String()),
});

export const StatementView = Type.Object({
  id: Type.String(),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.String(), spaceId: Nullable(Type.String()), atMs: Nullable(Type.Integer()) }),
  restriction: Type.Record(Type.String(), Type.Unknown(), { description: 'the restriction in the Transparency Database\'s terms' }),
  ground: Type.String(), legalGround: Nullable(Type.String()), termsClause: Nullable(Type.String()),
  explanation: Type.String(), facts: Type.String(), category: Type.String(),
  source: Type.String(), automated: Type.Boolean(), decidedAt: Instant, endsAt: Nullable(Instant),
  state: Type.String(), reversedAt: Nullable(Instant),
  appeal: Nullable(AppealView), appealUntil: Instant, redress: Type.String(),
});
export const StatementList = Type.Object({
  statements: Type.Array(StatementView),
  warnings: Type.Array(Type.Object({ kind: literals(['unfounded_notices', 'manifestly_illegal']), at: Instant }), { description: 'DSA Art. 23 warnings in the last 90 days' }),
});

export const AppealBody = Type.Object({ decisionId: Id, explanation: Type.String({ minLength: 1, maxLength: 5000 }) }, strict);
export const AppealParams = Type.Object({ appealId: Id }, strict);
export const DecisionParams = Type.Object({ decisionId: Id }, strict);
export const AppealDecisionBody = Type.Object({
  outcome: literals(['upheld', 'reversed']),
  reasons: Type.String({ minLength: 1, maxLength: 5000 }),
}, strict);
export const AppealQueue = Type.Object({ appeals: Type.Array(Type.Object({ appeal: AppealView, statement: StatementView })) });
export const AppealOutcome = Type.Object({ appeal: AppealView, statement: StatementView });

export const LabelList = Type.Object({ labels: Type.Array(Type.Object({ decisionId: Type.String(), category: Type.String(), decidedAt: Instant })) });

export const TrustedFlaggerBody = Type.Object({ trusted: Type.Boolean() }, strict);

export const AuditQuery = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
}, strict);
export const AuditView = Type.Object({
  entries: Type.Array(Type.Object({
    seq: Type.Integer(), at: Instant, actorId: Type.String(), action: Type.String(), targetType: Type.String(), targetId: Type.String(),
    reason: Type.String(), data: Type.Record(Type.String(), Type.Unknown()), prevHash: Type.String(), hash: Type.String(),
  })),
});
export const AuditVerification = Type.Object({ ok: Type.Boolean(), entries: Type.Integer(), brokenAt: Nullable(Type.Integer()) });

export const PeriodQuery = Type.Object({
  from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
}, strict);
