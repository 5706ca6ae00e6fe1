import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { httpFunctions } from '../../lib/manifest.ts';
import { buildStack } from './stack.ts';

const dev = buildStack();
const routes = httpFunctions.flatMap((spec) => spec.routes.map((route) => ({ ...route, function: spec.name })));

type Resource = { Type: string; Properties: Record<string, unknown> };
const resourcesOf = (type: string) =>
  Object.entries(dev.resources).filter((entry): entry is [string, Resource] => entry[1].Type === type);

const routeResource = (routeKey: string): Record<string, unknown> => {
  const found = resourcesOf('AWS::ApiGatewayV2::Route').find(([, route]) => route.Properties.RouteKey === routeKey);
  if (!found) throw new Error(`No route ${routeKey}`);
  return found[1].Properties;
};

/** The function an integration of a route calls. */
const routeFunction = (routeKey: string): unknown => {
  const target = JSON.stringify(routeResource(routeKey).Target);
  const integration = resourcesOf('AWS::ApiGatewayV2::Integration').find(([id]) => target.includes(`"${id}"`));
  return integration?.[1].Properties.IntegrationUri;
};

describe('the HTTP API', () => {
  it('has every route of the manifest and no other', () => {
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s is served by its function with the authorization of the manifest',
    (routeKey, route) => {
      const properties = routeResource(routeKey);
      const authorizer = dev.logicalId(dev.stack.api.httpApi.node.findChild('CognitoJwt'));
      if (route.auth === 'jwt') {
        expect(properties.AuthorizationType).toBe('JWT');
        expect(properties.AuthorizerId).toEqual({ Ref: authorizer });
      } else {
        expect(properties.AuthorizationType).toBe('NONE');
        expect(properties.AuthorizerId).toBeUndefined();
      }
      expect(routeFunction(routeKey)).toEqual({ 'Fn::GetAtt': [dev.logicalId(dev.stack.functions.get(route.function)), 'Arn'] });
    },
  );

  it('accepts only ID tokens of the app client, issued by the user pool', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: dev.logicalId(dev.stack.identity.client) }],
        Issuer: { 'Fn::GetAtt': [dev.logicalId(dev.stack.identity.userPool), 'ProviderURL'] },
      },
    });
  });

  it('logs every request to a log group, without query strings (approval links carry their token there)', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    const format = JSON.stringify(dev.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(format).not.toMatch(/querystring|\$context\.path|request\.header/i);
  });

  it('throttles the stage', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});
