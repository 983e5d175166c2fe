/** Time as the domain sees it. AWS: the system clock; locally: a settable test clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
