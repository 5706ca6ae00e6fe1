import * as z from 'zod/mini';
import type { LoaRequest } from '#domain/loa';
import { renderLetter } from './loa-letter.ts';
import { workflowTask } from './task.ts';

/**
 * Renders the signed letter from the request as the workflow read it (PrepareLetter)
 * and hands the PDF back to the workflow, base64-encoded (a one-page letter is a few
 * KB, far below the 256 KB a state may carry). It touches no AWS service: pdf-lib is
 * the only large thing in this bundle, and no other bundle has pdf-lib.
 */
const isSignedRequest = (value: unknown): value is LoaRequest =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' && typeof (value as { details?: unknown }).details === 'object';

const RenderLetter = z.object({ request: z.custom<LoaRequest>(isSignedRequest, 'must be the Letter of Authorization request') });

export const handler = workflowTask(RenderLetter, async ({ request }) => ({ pdf: Buffer.from(await renderLetter(request)).toString('base64') }));
