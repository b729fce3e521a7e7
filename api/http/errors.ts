import type { NextFunction, Request, Response } from 'express';
import { ZodError, type ZodType } from 'zod';
import { TenantContextMissingError } from '../../data/tenant-context';

/** An error whose status and message are meant for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]>; requestId: string };
}

/** Parses part of a request with a zod schema; a mismatch becomes a 400 listing each field. */
export function parseInput<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

export function validationError(error: ZodError): HttpError {
  // No prototype: a client's field may be called `toString` or `__proto__`.
  const fields: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    // An unknown field is reported under its own name, not under the object that holds it.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...base, key].join('.')) : [base.length ? base.join('.') : '_'];
    for (const key of keys) (fields[key] ??= []).push(issue.code === 'unrecognized_keys' ? 'Unknown field' : issue.message);
  }
  return new HttpError(400, 'validation_failed', 'The request has invalid fields', fields);
}

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json(body(req, 'not_found', `No route for ${req.method} ${req.path}`));
}

/** The last middleware: client mistakes get their 4xx, anything else a logged 500 with the request id. */
export function errorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  if (error instanceof HttpError) {
    res.status(error.status).json(body(req, error.code, error.message, error.fields));
    return;
  }
  if (error instanceof ZodError) {
    const http = validationError(error);
    res.status(400).json(body(req, http.code, http.message, http.fields));
    return;
  }
  const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
  const type = (error as { type?: string }).type;
  if (status && status >= 400 && status < 500) {
    // body-parser: malformed JSON, payload too large, unsupported charset ...
    const message = type === 'entity.parse.failed' ? 'The request body is not valid JSON' : (error as Error).message;
    res.status(status).json(body(req, type ?? 'bad_request', message));
    return;
  }
  if (error instanceof TenantContextMissingError) req.log.error({ err: error }, 'tenant context missing');
  else req.log.error({ err: error }, 'unhandled error');
  res.status(500).json(body(req, 'internal_error', 'Something went wrong on our side; quote the request id when reporting it'));
}

function body(req: Request, code: string, message: string, fields?: Record<string, string[]>): ErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}), requestId: req.requestId } };
}
