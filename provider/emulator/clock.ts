/**
 * The emulator's clock: real time since start, shifted by a start offset and by every
 * `advanceClock`. Schedules, run creation and token expiry all read it, so tests can move through
 * days of schedule in one call while a `npm run emulator` user still sees time pass.
 */
export class EmulatorClock {
  private readonly realStart = performance.now();
  private advancedMs = 0;

  constructor(private readonly startTime: number = Date.now()) {}

  /** Current emulator time, ms epoch (integer). */
  now(): number {
    return Math.floor(this.startTime + (performance.now() - this.realStart) + this.advancedMs);
  }

  /** Moves the clock forward by `ms` (>= 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advanceClock expects a non-negative number of ms, got ${ms}`);
    }
    this.advancedMs += ms;
  }

  /** Total of all advances, persisted in the state file so a restart keeps the shifted time. */
  get advanced(): number {
    return this.advancedMs;
  }
}
