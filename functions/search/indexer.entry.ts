import { awsTableDeps } from '../shared/wiring/aws.js';
import { parseEnvironment } from '../shared/wiring/environment.js';
import {
  assembleSearchIndexer,
  createSearchIndexerHandler,
  SEARCH_INDEXER_ENVIRONMENT,
} from './indexer.function.js';

/** Invoked by the EventBridge rule on ticket and comment events (lib/search.ts). */
export const handler = createSearchIndexerHandler(
  assembleSearchIndexer(awsTableDeps(parseEnvironment(SEARCH_INDEXER_ENVIRONMENT))),
);
