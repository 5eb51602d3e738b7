import type { Config } from '../config/schema.js';
import type { AudienceService } from '../services/audience-service.js';
import type { AuthService } from '../services/auth-service.js';
import type { FollowService } from '../services/follow-service.js';
import type { ClusterService } from '../services/cluster-service.js';
import type { PushNotifier } from '../services/push-notifier.js';
import type { QuestionService } from '../services/question-service.js';
import type { SpaceService } from '../services/space-service.js';
import type { StageService } from '../services/stage-service.js';
import type { Readiness } from '../services/readiness.js';
import type { ReplayService } from '../services/replays.js';
import type { SpaceStateService } from '../services/space-state.js';
import type { UserDirectory } from '../services/user-directory.js';
import type { TrustSafetyService } from '../trust-safety/service.js';
import type { NotesService } from '../notes/service.js';
import type { RateLimits } from './rate-limits.js';
import type { ProofOfWork } from './defence/proof-of-work.js';
import type { UnderAttack } from './defence/under-attack.js';
import type { WaitingRoom } from './defence/waiting-room.js';

/**
 * What the HTTP routes are given: services only (never the store, the bus or the media planes).
 * Routes translate; the services decide.
 */
export interface ControlContext {
  readonly config: Config;
  readonly auth: AuthService;
  readonly users: UserDirectory;
  readonly replays: ReplayService;
  /** The audience's read model of a Space (`GET /state`), cached per Space. */
  readonly state: SpaceStateService;
  /** Whether the store and the bus answer (`/readyz`). */
  readonly readiness: Readiness;
  readonly spaces: SpaceService;
  readonly stage: StageService;
  readonly questions: QuestionService;
  readonly audience: AudienceService;
  readonly trustSafety: TrustSafetyService;
  readonly notes: NotesService;
  readonly follows: FollowService;
  readonly push: PushNotifier;
  readonly cluster: ClusterService;
  readonly limits: RateLimits;
  readonly defence: { readonly underAttack: UnderAttack; readonly pow: ProofOfWork; readonly waitingRoom: WaitingRoom };
  /** Readiness beyond the store: false while starting or draining. */
  readonly isReady: () => boolean;
}
