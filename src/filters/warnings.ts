// Collects the warnings added while a request is served (api/warnings.ts) as upstream-style
// `Warning: 299 - "..."` headers, while the headers have not been sent yet.
import type { NextFunction, Request, Response } from 'express';
import { withWarnings } from '../api/warnings.js';
import { recordWarning } from './warning-recorder.js';

export function warningsFilter(_req: Request, res: Response, next: NextFunction): void {
  withWarnings(message => recordWarning(res, message), next);
}
