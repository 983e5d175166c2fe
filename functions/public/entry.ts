import { parseEnvironment } from '../shared/wiring/environment.js';
import { pipelineSettings } from '../shared/wiring/pipeline-settings.js';
import { assemblePublic, PUBLIC_ENVIRONMENT } from './function.js';

export const handler = assemblePublic(pipelineSettings(parseEnvironment(PUBLIC_ENVIRONMENT)));
