/**
 * The outbound limit on automatic mail (docs/email.md#outbound-mail: at most N per recipient per hour) as a sliding
 * window over the send times of the last N mails: a mail is admitted when fewer than N were sent
 * in the hour before it. Unlike a per-clock-hour counter, it never lets 2N through across an hour
 * boundary. The store keeps the list on one item and writes it conditionally.
 */
export const HOUR_MS = 60 * 60 * 1000;

export interface WindowDecision {
  readonly admitted: boolean;
  /** Send times to store (only when admitted): the recent ones plus now, at most `limit`. */
  readonly sentAt: readonly string[];
}

export function admitToWindow(
  sentAt: readonly string[],
  now: Date,
  limit: number,
  windowMs = HOUR_MS,
): WindowDecision {
  const since = now.getTime() - windowMs;
  const recent = sentAt.filter((time) => Date.parse(time) > since).sort();
  if (recent.length >= limit) return { admitted: false, sentAt: recent };
  return { admitted: true, sentAt: [...recent, now.toISOString()].slice(-limit) };
}

/**
 * The send times with one mail sent at `at` taken back (a send that failed must not count), or
 * undefined when none is there (it has left the window, or was never admitted).
 */
export function releaseFromWindow(sentAt: readonly string[], at: Date): string[] | undefined {
  const index = sentAt.indexOf(at.toISOString());
  return index < 0 ? undefined : [...sentAt.slice(0, index), ...sentAt.slice(index + 1)];
}
