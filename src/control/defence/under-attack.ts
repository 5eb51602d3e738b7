import type { Config } from '../../config/schema.js';
import { defenceMetrics } from './metrics.js';
import type { Pressure } from './shedding.js';

export type UnderAttackSetting = 'on' | 'off' | 'auto';

export interface DefenceState {
  readonly setting: UnderAttackSetting;
  readonly underAttack: boolean;
  /** Leading zero bits asked of a proof of work right now. */
  readonly difficulty: number;
  readonly pressure: Pressure;
}

/**
 * Under-attack mode: an admin switches it on or off, or leaves it to the origin ('auto'), which turns
 * it on as soon as it sheds load and keeps it on for a while after the last shedding, so an attack
 * that pauses does not find the door open again. The work asked grows a bit with each pressure level.
 */
export class UnderAttack {
  readonly #o: Config['underAttack'];
  readonly #pressure: () => Pressure;
  readonly #now: () => number;
  #setting: UnderAttackSetting;
  #autoUntil = 0;

  constructor(options: Config['underAttack'], pressure: () => Pressure, now: () => number = Date.now) {
    this.#o = options;
    this.#pressure = pressure;
    this.#now = now;
    this.#setting = options.setting;
  }

  set(setting: UnderAttackSetting): void {
    this.#setting = setting;
    if (setting !== 'auto') this.#autoUntil = 0;
  }

  state(): DefenceState {
    const pressure = this.#pressure();
    const now = this.#now();
    if (this.#setting === 'auto' && pressure.level > 0) this.#autoUntil = now + this.#o.holdMinutes * 60_000;
    const underAttack = this.#setting === 'on' || (this.#setting === 'auto' && now < this.#autoUntil);
    defenceMetrics.underAttack.set(underAttack ? 1 : 0);
    return { setting: this.#setting, underAttack, difficulty: this.#o.baseDifficulty + pressure.level, pressure };
  }
}
