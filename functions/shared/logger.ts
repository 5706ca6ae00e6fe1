import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs with the request's correlation id. Never log events, bodies,
 * tokens or task tokens: log ids and outcomes.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'channel-prm' });
