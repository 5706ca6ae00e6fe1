import { parseArgs } from 'node:util';

/**
 * After the first `cdk deploy`: records the first program administrator in the
 * deployed table (through the product's own user store), so that the Cognito
 * pre-token trigger lets them sign in. Create the Cognito user with the same email
 * (see README, "Deploy"). Needs AWS credentials and the stack's table name:
 *
 *   TABLE_NAME=<TableName output> npx tsx bin/bootstrap-admin.ts --email ada@example.com --name "Ada Admin"
 */
const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } } });
if (!values.email || !values.name) {
  console.error('Usage: TABLE_NAME=<table> npx tsx bin/bootstrap-admin.ts --email <email> --name "<name>"');
  process.exit(2);
}
const users = await import('../functions/store/users.ts');
const { newId } = await import('../functions/shared/ids.ts');
const at = new Date().toISOString();
const email = values.email.toLowerCase();
if (await users.getByEmail(email)) {
  console.log(`${email} is already a user.`);
} else {
  await users.create({ id: newId('usr'), email, name: values.name, privileges: [], roles: ['admin'], active: true, version: 1, createdAt: at, updatedAt: at });
  console.log(`${email} is now a program administrator. Create their Cognito user with the same email and add them to the "admin" group.`);
}
