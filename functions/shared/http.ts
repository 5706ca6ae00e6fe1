import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PartnerPrivilege } from '#domain/partner';
import type { InternalRole } from '#domain/people';

/** Who is calling, from the token's claims only (never from the body). */
export interface Auth {
  userId: string;
  email: string;
  name: string;
  /** Set for partner users: their organisation. */
  partnerId?: string;
  privileges: PartnerPrivilege[];
  roles: InternalRole[];
}

/** An API Gateway HTTP API event after the middleware: caller, and parsed body, query and path. */
export type HttpEvent<Body = unknown, Query = unknown, Params = unknown> = Omit<APIGatewayProxyEventV2, 'body'> & {
  auth: Auth;
  body: Body;
  query: Query;
  params: Params;
};

export type HttpResponse = APIGatewayProxyStructuredResultV2;

const noStore = { 'cache-control': 'no-store' };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...noStore, ...headers },
  body: JSON.stringify(body),
});

export const ok = (body: unknown): HttpResponse => json(200, body);

export const created = (body: unknown, location: string): HttpResponse => json(201, body, { location });

export const noContent = (): HttpResponse => ({ statusCode: 204, headers: noStore });

export const text = (statusCode: number, contentType: string, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': contentType, ...headers },
  body,
});

export const isPartnerUser = (auth: Auth): auth is Auth & { partnerId: string } => typeof auth.partnerId === 'string' && auth.partnerId !== '';

export const hasAnyRole = (auth: Auth, roles: readonly InternalRole[]): boolean => auth.roles.some((role) => roles.includes(role));

/** The caller as the author of a history event. */
export const actorOf = (auth: Auth): { id: string; name: string; kind: 'partner-user' | 'internal-user' } => ({
  id: auth.userId,
  name: auth.name,
  kind: isPartnerUser(auth) ? 'partner-user' : 'internal-user',
});
