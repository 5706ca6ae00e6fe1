import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import type { Identity } from './identity.ts';
import type { HttpFunction } from './manifest.ts';

export interface ApiProps {
  readonly identity: Identity;
  readonly prod: boolean;
}

/**
 * One access log line per request, as JSON. No query string and no headers: the
 * approval links carry their single-use token in the query string, and the
 * Authorization header is a bearer token.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    user: '$context.authorizer.claims.sub',
  }),
);

/**
 * The HTTP API: every route of lib/manifest.ts. `jwt` routes pass the Cognito JWT
 * authorizer first (ID token of the app client); `none` routes are public.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Base URL of the API, without a trailing slash. */
  readonly url: string;
  private readonly authorizer: IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'Http', {
      description: 'Channel partner relationship management API',
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    this.url = this.httpApi.apiEndpoint;

    const { userPool, client } = props.identity;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', userPool.userPoolProviderUrl, {
      jwtAudience: [client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
  }

  /** Adds the routes of one HTTP function of the manifest, all through one integration. */
  addRoutes(spec: HttpFunction, fn: IFunction): void {
    const integration = new HttpLambdaIntegration(`${spec.name}-integration`, fn);
    for (const route of spec.routes) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'jwt' ? this.authorizer : new HttpNoneAuthorizer(),
      });
      if (route.auth === 'none' && added) {
        acknowledge(
          added,
          'AwsSolutions-APIG4',
          spec.name === 'api-docs'
            ? 'Public on purpose: the OpenAPI document and its docs page describe the API and hold no data.'
            : 'Public on purpose: an emailed approval link is the credential. The handler authorises each request by the ' +
                'single-use token in the link (only its SHA-256 hash is stored, bound to one approval, approver and expiry).',
        );
      }
    }
  }
}
