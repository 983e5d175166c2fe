import { dynamoLikeError } from '../../shared/memory/in-memory-support.js';
import type { ItemKey } from '../../shared/memory/in-memory-table.js';

/**
 * What the mail gateway's in-memory stores add to the shared in-memory table: its items are keyed
 * by what mail carries (an address, a Message-ID), which DynamoDB bounds.
 */

/** DynamoDB's bounds on key values, in UTF-8 bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * The key, if DynamoDB would take it: a longer partition or sort key value fails the request (a
 * read too) with a ValidationException, which the DynamoDB adapters let through.
 */
export function sizedKey<K extends ItemKey>(key: K): K {
  if (
    Buffer.byteLength(key.PK, 'utf8') > MAX_PARTITION_KEY_BYTES ||
    Buffer.byteLength(key.SK, 'utf8') > MAX_SORT_KEY_BYTES
  ) {
    throw dynamoLikeError(
      'ValidationException',
      `Hash primary key values must be under ${MAX_PARTITION_KEY_BYTES} bytes, and range primary key values must be under ${MAX_SORT_KEY_BYTES} bytes`,
    );
  }
  return key;
}
